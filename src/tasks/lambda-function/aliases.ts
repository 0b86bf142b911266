/**
 * Aliases: the `alias` action (create or update, with weighted routing between two versions for
 * canaries) and the alias move `deploy` ends with.
 */
import {
  type AliasConfiguration,
  CreateAliasCommand,
  GetAliasCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { isAwsError } from '../aws-errors.js';
import type { ActionContext, ActionImplementation, PlannedChange } from '../task.js';
import { shortName } from './function-name.js';
import { CREATE_FIRST, client, lambdaCall, lambdaFailure } from './lifecycle.js';
import type { AliasParams } from './params.js';

function sameWeights(a: Record<string, number> | undefined, b: Record<string, number> | undefined): boolean {
  const norm = (w: Record<string, number> | undefined) => JSON.stringify(Object.entries(w ?? {}).sort());
  return norm(a) === norm(b);
}

function describeWeights(weights: Record<string, number> | undefined): string {
  const entries = Object.entries(weights ?? {});
  return entries.length
    ? ` (+ ${entries.map(([v, w]) => `version ${v} at ${Math.round(w * 1000) / 10}%`).join(', ')})`
    : '';
}

export async function getAlias(
  ctx: ActionContext,
  name: string,
  alias: string,
): Promise<AliasConfiguration | undefined> {
  try {
    return await client(ctx).send(new GetAliasCommand({ FunctionName: name, Name: alias }), {
      abortSignal: ctx.signal,
    });
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw lambdaFailure(error, `GetAlias ${name}:${alias}`, CREATE_FIRST);
  }
}

/** Creates the alias or moves it to `version` (routing weights replaced: none unless given). */
export async function pointAlias(
  ctx: ActionContext,
  name: string,
  alias: string,
  version: string,
  options: { weights?: Record<string, number>; description?: string } = {},
): Promise<{ alias: AliasConfiguration; changed: boolean }> {
  const lambda = client(ctx);
  const current = await getAlias(ctx, name, alias);
  const target = `${version}${describeWeights(options.weights)}`;
  const routing = { AdditionalVersionWeights: options.weights ?? {} };
  if (!current) {
    const created = await lambdaCall(
      `CreateAlias ${name}:${alias}`,
      () =>
        lambda.send(
          new CreateAliasCommand({
            FunctionName: name,
            Name: alias,
            FunctionVersion: version,
            Description: options.description,
            ...(options.weights ? { RoutingConfig: routing } : {}),
          }),
          { abortSignal: ctx.signal },
        ),
      CREATE_FIRST,
    );
    ctx.emit({ type: 'change', message: `created alias ${alias} -> version ${target}` });
    return { alias: created, changed: true };
  }
  const before = `${current.FunctionVersion}${describeWeights(current.RoutingConfig?.AdditionalVersionWeights)}`;
  if (aliasMatches(current, version, options.weights, options.description)) {
    ctx.emit({ type: 'skip', message: `alias ${alias} already points to version ${before}` });
    return { alias: current, changed: false };
  }
  const updated = await lambdaCall(`UpdateAlias ${name}:${alias}`, () =>
    lambda.send(
      new UpdateAliasCommand({
        FunctionName: name,
        Name: alias,
        FunctionVersion: version,
        RoutingConfig: routing,
        Description: options.description,
        RevisionId: current.RevisionId,
      }),
      { abortSignal: ctx.signal },
    ),
  );
  ctx.emit({ type: 'change', message: `moved alias ${alias}: version ${before} -> ${target}` });
  return { alias: updated, changed: true };
}

/** Whether the alias already points where asked (an undefined description is not compared). */
function aliasMatches(
  current: AliasConfiguration,
  version: string,
  weights: Record<string, number> | undefined,
  description: string | undefined,
): boolean {
  return (
    current.FunctionVersion === version &&
    sameWeights(current.RoutingConfig?.AdditionalVersionWeights, weights) &&
    (description === undefined || description === (current.Description ?? ''))
  );
}

export const alias: ActionImplementation<AliasParams> = {
  async plan(params, ctx): Promise<PlannedChange[]> {
    const resource = `alias ${shortName(params.functionName)}:${params.name}`;
    const weights = params.routingConfig?.additionalVersionWeights;
    const target = `version ${params.functionVersion}${describeWeights(weights)}`;
    const current = await getAlias(ctx, params.functionName, params.name);
    if (!current) return [{ action: 'create', resource, details: [`-> ${target}`] }];
    const before = `version ${current.FunctionVersion}${describeWeights(current.RoutingConfig?.AdditionalVersionWeights)}`;
    const same = aliasMatches(current, params.functionVersion, weights, params.description);
    return [
      { action: same ? 'none' : 'update', resource, details: [same ? `already ${before}` : `${before} -> ${target}`] },
    ];
  },
  async run(params, ctx) {
    const weights = params.routingConfig?.additionalVersionWeights;
    const result = await pointAlias(ctx, params.functionName, params.name, params.functionVersion, {
      ...(weights ? { weights } : {}),
      ...(params.description !== undefined ? { description: params.description } : {}),
    });
    const arn = result.alias.AliasArn ?? '';
    return {
      outputs: {
        functionName: shortName(params.functionName),
        functionArn: arn.replace(/:[^:]+$/, ''),
        aliasArn: arn,
        aliasName: params.name,
        version: result.alias.FunctionVersion ?? params.functionVersion,
      },
      changed: result.changed,
      summary: `alias ${params.name} -> version ${params.functionVersion}${describeWeights(weights)}`,
    };
  },
};
