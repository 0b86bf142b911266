/**
 * The function itself: `create` (fails if it exists), `update-code` and `update-configuration`
 * (the function must exist; each skips when nothing differs, saying why), and `delete`.
 * `deploy` (deploy.ts) combines create and update.
 */
import { CreateFunctionCommand, DeleteFunctionCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { PipelineError } from '../../pipeline/errors.js';
import { isAwsError } from '../aws-errors.js';
import type { ActionContext, ActionImplementation, PlannedChange } from '../task.js';
import { applyDecision, decide, describeDecision, hasChanges, type Wanted } from './changes.js';
import { codeInput, codeSha256, describeCode, loadCode } from './code.js';
import { shortName } from './function-name.js';
import {
  client,
  findFunction,
  functionOutputs,
  lambdaCall,
  lambdaFailure,
  requireFunction,
  waitUntilReady,
} from './lifecycle.js';
import {
  type CreateParams,
  type DeleteParams,
  toConfiguration,
  type UpdateCodeParams,
  type UpdateConfigurationParams,
  wantedFrom,
} from './params.js';
import { publish } from './versions.js';

/** Plan lines for a function to be created: each given member, then the code. */
export function describeCreate(wanted: Wanted): string[] {
  const lines = Object.entries(wanted.configuration).map(([member, value]) => {
    if (member === 'Environment')
      return `Environment.Variables: ${Object.keys((value as { Variables?: object }).Variables ?? {}).join(', ') || '(none)'}`;
    return `${member}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
  });
  if (wanted.code)
    lines.push(
      `code: ${describeCode(wanted.code)}${wanted.code.type === 'zip' ? ` (sha256 ${wanted.code.sha256})` : ''}`,
    );
  if (wanted.tags) lines.push(`tags: ${Object.keys(wanted.tags).sort().join(', ')}`);
  return lines;
}

/** CreateFunction, then (with `wait`) waiting until it is Active. */
export async function createFunction(
  ctx: ActionContext,
  name: string,
  wanted: Wanted,
  options: { wait: boolean },
): Promise<FunctionConfiguration> {
  const role = wanted.configuration.Role;
  if (!wanted.code || !role) {
    throw new PipelineError('ActionFailed', `Creating function ${name} needs code and a role.`);
  }
  const code = codeInput(wanted.code);
  const config = await lambdaCall(
    `CreateFunction ${name}`,
    () =>
      client(ctx).send(
        new CreateFunctionCommand({
          FunctionName: name,
          ...wanted.configuration,
          Role: role,
          Code: code,
          ...(wanted.tags ? { Tags: wanted.tags } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    (code, error) =>
      code === 'ResourceConflictException' && /exist/i.test(error.message)
        ? 'the function already exists: use the deploy action to update it (or update-code / update-configuration)'
        : undefined,
  );
  ctx.emit({
    type: 'change',
    message: `created function ${config.FunctionName} (${config.Runtime}, CodeSha256 ${config.CodeSha256})`,
  });
  return options.wait ? waitUntilReady(ctx, name, { known: config }) : config;
}

export const create: ActionImplementation<CreateParams> = {
  async plan(params, ctx): Promise<PlannedChange[]> {
    const resource = `function ${shortName(params.functionName)}`;
    if (await findFunction(ctx, params.functionName)) {
      return [{ action: 'none', resource, details: ['already exists: the step will fail (use deploy to update it)'] }];
    }
    const code = await loadCode(ctx, params.code, { plan: true });
    const wanted: Wanted = { ...wantedFrom(params), code };
    return [
      {
        action: 'create',
        resource,
        details: [...describeCreate(wanted), ...(params.publish ? ['publish version 1'] : [])],
      },
    ];
  },
  async run(params, ctx) {
    const code = await loadCode(ctx, params.code);
    const wanted: Wanted = { ...wantedFrom(params), code };
    const config = await createFunction(ctx, params.functionName, wanted, { wait: params.wait || params.publish });
    let version = config;
    if (params.publish)
      version = (await publish(ctx, params.functionName, config, { changed: true, wait: params.wait })).version;
    return {
      outputs: functionOutputs(config, version.Version),
      changed: true,
      summary: `created function ${config.FunctionName}${params.publish ? ` (version ${version.Version})` : ''}`,
    };
  },
};

async function codeWanted(ctx: ActionContext, params: UpdateCodeParams, plan = false): Promise<Wanted> {
  const code = await loadCode(ctx, params.code, { plan });
  const sha = await codeSha256(ctx, code, { plan });
  return {
    configuration: toConfiguration({ architectures: params.architectures }),
    code,
    ...(sha ? { codeSha: sha } : {}),
  };
}

export const updateCode: ActionImplementation<UpdateCodeParams> = {
  async plan(params, ctx) {
    const resource = `function ${shortName(params.functionName)}`;
    const current = await findFunction(ctx, params.functionName);
    if (!current) return [{ action: 'none', resource, details: ['does not exist: the step will fail (use deploy)'] }];
    const decision = decide(await codeWanted(ctx, params, true), current);
    return [{ action: hasChanges(decision) ? 'update' : 'none', resource, details: describeDecision(decision) }];
  },
  async run(params, ctx) {
    const current = await requireFunction(ctx, params.functionName);
    const wanted = await codeWanted(ctx, params);
    const decision = decide(wanted, current);
    const wait = params.wait || params.publish;
    const config = await applyDecision(ctx, params.functionName, wanted, current, decision, { wait });
    const published = params.publish
      ? await publish(ctx, params.functionName, config, { changed: decision.code.update, wait: params.wait })
      : undefined;
    return {
      outputs: functionOutputs(config, published?.version.Version),
      changed: decision.code.update || published?.created === true,
      summary: decision.code.update
        ? `updated code of ${config.FunctionName}`
        : `code of ${config.FunctionName} unchanged`,
    };
  },
};

export const updateConfiguration: ActionImplementation<UpdateConfigurationParams> = {
  async plan(params, ctx) {
    const resource = `function ${shortName(params.functionName)}`;
    const current = await findFunction(ctx, params.functionName);
    if (!current) return [{ action: 'none', resource, details: ['does not exist: the step will fail (use deploy)'] }];
    const decision = decide(wantedFrom(params), current);
    return [{ action: hasChanges(decision) ? 'update' : 'none', resource, details: describeDecision(decision) }];
  },
  async run(params, ctx) {
    const current = await requireFunction(ctx, params.functionName);
    const wanted: Wanted = wantedFrom(params);
    const decision = decide(wanted, current);
    const config = await applyDecision(ctx, params.functionName, wanted, current, decision, { wait: params.wait });
    const changed = hasChanges(decision);
    return {
      outputs: functionOutputs(config),
      changed,
      summary: changed
        ? `updated ${decision.configuration.map((d) => d.member).join(', ') || 'tags'} of ${config.FunctionName}`
        : `configuration of ${config.FunctionName} unchanged`,
    };
  },
};

export const remove: ActionImplementation<DeleteParams> = {
  async plan(params, ctx) {
    const what = `function ${shortName(params.functionName)}${params.qualifier ? ` version ${params.qualifier}` : ''}`;
    const exists = await findFunction(ctx, params.functionName);
    if (!exists) return [{ action: 'none', resource: what, details: ['does not exist'] }];
    return [{ action: 'delete', resource: what, details: [] }];
  },
  async run(params, ctx) {
    const what = `function ${shortName(params.functionName)}${params.qualifier ? ` version ${params.qualifier}` : ''}`;
    try {
      await client(ctx).send(
        new DeleteFunctionCommand({ FunctionName: params.functionName, Qualifier: params.qualifier }),
        {
          abortSignal: ctx.signal,
        },
      );
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException') && params.doNotFailIfNotExists) {
        ctx.emit({ type: 'skip', message: `${what} does not exist (doNotFailIfNotExists)` });
        return {
          outputs: { functionName: shortName(params.functionName) },
          changed: false,
          summary: `${what} did not exist`,
        };
      }
      throw lambdaFailure(error, `DeleteFunction ${params.functionName}`, {
        ResourceNotFoundException: 'check functionName, or set doNotFailIfNotExists: true',
        ResourceConflictException: 'an alias points to this version: move the alias first',
      });
    }
    ctx.emit({ type: 'change', message: `deleted ${what}` });
    return { outputs: { functionName: shortName(params.functionName) }, changed: true, summary: `deleted ${what}` };
  },
};
