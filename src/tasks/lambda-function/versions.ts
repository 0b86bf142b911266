/**
 * Versions: `publish-version` and `prune-versions` (keep the newest N and every version an alias
 * points or routes to), plus the publish step `deploy` ends with.
 */
import {
  type AliasConfiguration,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import type { ActionContext, ActionImplementation, PlannedChange } from '../task.js';
import { shortName } from './function-name.js';
import {
  CREATE_FIRST,
  client,
  findFunction,
  functionOutputs,
  lambdaCall,
  requireFunction,
  retryOnConflict,
  waitUntilReady,
} from './lifecycle.js';
import type { PruneParams, PublishVersionParams } from './params.js';

/** Every published version (not $LATEST), oldest first. */
export async function listVersions(ctx: ActionContext, name: string): Promise<FunctionConfiguration[]> {
  const versions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await lambdaCall(`ListVersionsByFunction ${name}`, () =>
      client(ctx).send(new ListVersionsByFunctionCommand({ FunctionName: name, Marker: marker }), {
        abortSignal: ctx.signal,
      }),
    );
    versions.push(...(page.Versions ?? []).filter((v) => v.Version && /^\d+$/.test(v.Version)));
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => Number(a.Version) - Number(b.Version));
}

async function listAliases(ctx: ActionContext, name: string): Promise<AliasConfiguration[]> {
  const aliases: AliasConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await lambdaCall(`ListAliases ${name}`, () =>
      client(ctx).send(new ListAliasesCommand({ FunctionName: name, Marker: marker }), { abortSignal: ctx.signal }),
    );
    aliases.push(...(page.Aliases ?? []));
    marker = page.NextMarker;
  } while (marker);
  return aliases;
}

function time(lastModified: string | undefined): number {
  return lastModified ? Date.parse(lastModified) : 0;
}

/**
 * The newest version when it already holds $LATEST's code and configuration: same CodeSha256 and
 * published after $LATEST last changed (an update of $LATEST moves its LastModified past it).
 */
export async function publishedLatest(
  ctx: ActionContext,
  name: string,
  latest: FunctionConfiguration,
): Promise<FunctionConfiguration | undefined> {
  const newest = (await listVersions(ctx, name)).at(-1);
  if (newest && newest.CodeSha256 === latest.CodeSha256 && time(newest.LastModified) >= time(latest.LastModified)) {
    return newest;
  }
  return undefined;
}

/**
 * Publishes $LATEST, unless nothing `changed` and the newest version already holds it (then a skip
 * says so). Lambda itself returns the existing version when nothing changed since; checking first
 * makes a no-op deploy call nothing that writes.
 */
export async function publish(
  ctx: ActionContext,
  name: string,
  latest: FunctionConfiguration,
  options: { changed: boolean; description?: string; wait: boolean },
): Promise<{ version: FunctionConfiguration; created: boolean }> {
  const existing = options.changed ? undefined : await publishedLatest(ctx, name, latest);
  if (existing) {
    ctx.emit({
      type: 'skip',
      message: `version ${existing.Version} already published from $LATEST (CodeSha256 matches, no change since)`,
    });
    return { version: existing, created: false };
  }
  const ready = await waitUntilReady(ctx, name, { known: latest });
  const what = `PublishVersion ${name}`;
  const version = await lambdaCall(
    what,
    () =>
      retryOnConflict(ctx, what, () =>
        client(ctx).send(
          new PublishVersionCommand({
            FunctionName: name,
            CodeSha256: ready.CodeSha256,
            Description: options.description,
          }),
          { abortSignal: ctx.signal },
        ),
      ),
    CREATE_FIRST,
  );
  ctx.emit({ type: 'change', message: `published version ${version.Version} (CodeSha256 ${version.CodeSha256})` });
  if (options.wait && version.Version) {
    return { version: await waitUntilReady(ctx, name, { qualifier: version.Version, known: version }), created: true };
  }
  return { version, created: true };
}

export const publishVersion: ActionImplementation<PublishVersionParams> = {
  async plan(params, ctx): Promise<PlannedChange[]> {
    const resource = `function ${shortName(params.functionName)}`;
    const found = await findFunction(ctx, params.functionName);
    if (!found) return [{ action: 'none', resource, details: ['the function does not exist: the step will fail'] }];
    const existing = await publishedLatest(ctx, params.functionName, found.config);
    if (existing) return [{ action: 'none', resource, details: [`version ${existing.Version} already holds $LATEST`] }];
    return [{ action: 'create', resource: `${resource} version`, details: [`CodeSha256 ${found.config.CodeSha256}`] }];
  },
  async run(params, ctx) {
    const { config } = await requireFunction(ctx, params.functionName);
    const { version, created } = await publish(ctx, params.functionName, config, {
      changed: false,
      wait: params.wait,
      ...(params.description !== undefined ? { description: params.description } : {}),
    });
    return {
      outputs: { ...functionOutputs(version), versionArn: version.FunctionArn ?? '' },
      changed: created,
      summary: `${created ? 'published' : 'already published'} version ${version.Version} of ${shortName(params.functionName)}`,
    };
  },
};

/** Why each version is kept or deleted. Pure. */
export function planPrune(
  versions: readonly string[],
  aliases: readonly { name: string; version: string; weights?: Record<string, number> }[],
  keep: number,
): { remove: string[]; kept: { version: string; reason: string }[] } {
  const newestFirst = [...versions].sort((a, b) => Number(b) - Number(a));
  const remove: string[] = [];
  const kept: { version: string; reason: string }[] = [];
  newestFirst.forEach((version, index) => {
    if (index < keep) {
      kept.push({ version, reason: `one of the ${keep} newest` });
      return;
    }
    const users = aliases.flatMap((a) => {
      if (a.version === version) return [`alias ${a.name} points to it`];
      const weight = a.weights?.[version];
      return weight !== undefined ? [`alias ${a.name} routes ${Math.round(weight * 1000) / 10}% to it`] : [];
    });
    if (users.length) kept.push({ version, reason: users.join(', ') });
    else remove.push(version);
  });
  return { remove: remove.sort((a, b) => Number(a) - Number(b)), kept };
}

async function pruneDecision(ctx: ActionContext, params: PruneParams) {
  const [versions, aliases] = await Promise.all([
    listVersions(ctx, params.functionName),
    listAliases(ctx, params.functionName),
  ]);
  return planPrune(
    versions.map((v) => v.Version ?? ''),
    aliases.map((a) => ({
      name: a.Name ?? '',
      version: a.FunctionVersion ?? '',
      ...(a.RoutingConfig?.AdditionalVersionWeights ? { weights: a.RoutingConfig.AdditionalVersionWeights } : {}),
    })),
    params.keep,
  );
}

export const pruneVersions: ActionImplementation<PruneParams> = {
  async plan(params, ctx) {
    const { remove, kept } = await pruneDecision(ctx, params);
    const name = shortName(params.functionName);
    return [
      ...remove.map(
        (v): PlannedChange => ({ action: 'delete', resource: `function ${name} version ${v}`, details: [] }),
      ),
      ...kept.map(
        (k): PlannedChange => ({
          action: 'none',
          resource: `function ${name} version ${k.version}`,
          details: [k.reason],
        }),
      ),
    ];
  },
  async run(params, ctx) {
    const { remove, kept } = await pruneDecision(ctx, params);
    for (const k of kept) ctx.emit({ type: 'skip', message: `kept version ${k.version}: ${k.reason}` });
    for (const version of remove) {
      await lambdaCall(`DeleteFunction ${params.functionName}:${version}`, () =>
        client(ctx).send(new DeleteFunctionCommand({ FunctionName: params.functionName, Qualifier: version }), {
          abortSignal: ctx.signal,
        }),
      );
      ctx.emit({ type: 'change', message: `deleted version ${version}` });
    }
    return {
      outputs: {
        functionName: shortName(params.functionName),
        deleted: remove.join(','),
        kept: kept
          .map((k) => k.version)
          .sort((a, b) => Number(a) - Number(b))
          .join(','),
      },
      changed: remove.length > 0,
      summary: remove.length
        ? `deleted ${remove.length} version(s), kept ${kept.length}`
        : `nothing to prune (${kept.length} kept)`,
    };
  },
};
