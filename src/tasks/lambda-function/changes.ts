/**
 * Changing an existing function, in two steps (plan, then apply): `decide` compares what a step
 * asks for with what the function has and returns the changes with their reasons (pure);
 * `applyDecision` makes them: wait until the function can take a change, update the configuration,
 * wait, update the code, wait, tag. Shared by deploy, update-code and update-configuration.
 */
import {
  type FunctionConfiguration,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { PipelineError } from '../../pipeline/errors.js';
import type { ActionContext } from '../task.js';
import { codeInput, type DesiredCode, describeCode } from './code.js';
import { type ConfigDifference, configurationUpdate, diffConfiguration } from './configuration.js';
import { CREATE_FIRST, client, lambdaCall, retryOnConflict, waitUntilReady } from './lifecycle.js';
import type { Configuration } from './params.js';

export interface CurrentFunction {
  config: FunctionConfiguration;
  tags: Record<string, string>;
}

export interface Wanted {
  configuration: Configuration;
  tags?: Record<string, string>;
  code?: DesiredCode;
  /** The code's SHA-256 when it can be known (see code.ts). */
  codeSha?: { sha256: string; how: string };
}

export interface Decision {
  /** Configuration differences, Architectures excluded (it changes with the code). */
  configuration: ConfigDifference[];
  /** How many configuration members the step gave (for "all 5 given members match"). */
  givenMembers: number;
  code: { update: false; reason?: string } | { update: true; reason: string };
  tags: { add: Record<string, string>; text: string } | undefined;
}

/** What would change, and why. Pure. */
export function decide(wanted: Wanted, current: CurrentFunction): Decision {
  const all = diffConfiguration(wanted.configuration, current.config);
  const architectures = all.find((d) => d.member === 'Architectures');
  const configuration = all.filter((d) => d.member !== 'Architectures');
  const givenMembers = Object.keys(wanted.configuration).filter((k) => k !== 'Architectures').length;

  let code: Decision['code'] = { update: false };
  const before = current.config.CodeSha256 ?? '';
  if (wanted.code && !wanted.codeSha) {
    code = { update: true, reason: `code: ${before} -> ${describeCode(wanted.code)}` };
  } else if (wanted.code && wanted.codeSha) {
    code =
      wanted.codeSha.sha256 === before
        ? { update: false, reason: `code unchanged (CodeSha256 matches ${wanted.codeSha.how})` }
        : { update: true, reason: `code: sha256 ${before} -> ${wanted.codeSha.sha256} (${describeCode(wanted.code)})` };
  }
  if (architectures) {
    if (!wanted.code) {
      throw new PipelineError(
        'ActionFailed',
        `${architectures.text} needs the code: Lambda changes architectures with UpdateFunctionCode.`,
        {
          hint: 'give `code` together with `architectures`',
        },
      );
    }
    code = { update: true, reason: code.update ? `${code.reason}; ${architectures.text}` : architectures.text };
  }

  let tags: Decision['tags'];
  if (wanted.tags) {
    const add = Object.fromEntries(Object.entries(wanted.tags).filter(([k, v]) => current.tags[k] !== v));
    const keys = Object.keys(add).sort();
    if (keys.length)
      tags = { add, text: `tags: ${keys.map((k) => (k in current.tags ? `~${k}` : `+${k}`)).join(', ')}` };
  }
  return { configuration, givenMembers, code, tags };
}

function unchangedText(members: number): string {
  return members === 1
    ? 'configuration unchanged (the given member matches)'
    : `configuration unchanged (all ${members} given members match)`;
}

export function hasChanges(decision: Decision): boolean {
  return decision.configuration.length > 0 || decision.code.update || decision.tags !== undefined;
}

/** Plan lines for a decision: "Timeout: 3 -> 10", "code unchanged (...)". */
export function describeDecision(decision: Decision): string[] {
  const lines = decision.configuration.map((d) => d.text);
  if (decision.givenMembers > 0 && !decision.configuration.length) {
    lines.push(unchangedText(decision.givenMembers));
  }
  if (decision.code.reason) lines.push(decision.code.reason);
  if (decision.tags) lines.push(decision.tags.text);
  return lines;
}

/**
 * Makes the decided changes, emitting a change or skip event for each part, and returns the
 * function's configuration afterwards. With `wait`, the last change is waited for too.
 */
export async function applyDecision(
  ctx: ActionContext,
  name: string,
  wanted: Wanted,
  current: CurrentFunction,
  decision: Decision,
  options: { wait: boolean },
): Promise<FunctionConfiguration> {
  const lambda = client(ctx);
  let config = current.config;
  const codeFollows = decision.code.update;
  if (decision.configuration.length) {
    config = await waitUntilReady(ctx, name, { known: config });
    const input = configurationUpdate(wanted.configuration, config, decision.configuration);
    const what = `UpdateFunctionConfiguration ${name}`;
    config = await lambdaCall(what, () =>
      retryOnConflict(ctx, what, () =>
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...input }), {
          abortSignal: ctx.signal,
        }),
      ),
    );
    ctx.emit({
      type: 'change',
      message: `updated configuration: ${decision.configuration.map((d) => d.text).join('; ')}`,
    });
    if (codeFollows || options.wait) config = await waitUntilReady(ctx, name, { known: config });
  } else if (decision.givenMembers > 0) {
    ctx.emit({ type: 'skip', message: unchangedText(decision.givenMembers) });
  }

  if (decision.code.update && wanted.code) {
    if (!decision.configuration.length) config = await waitUntilReady(ctx, name, { known: config });
    const architectures = wanted.configuration.Architectures;
    const what = `UpdateFunctionCode ${name}`;
    const code = codeInput(wanted.code);
    config = await lambdaCall(
      what,
      () =>
        retryOnConflict(ctx, what, () =>
          lambda.send(
            new UpdateFunctionCodeCommand({
              FunctionName: name,
              ...code,
              ...(architectures ? { Architectures: architectures } : {}),
            }),
            { abortSignal: ctx.signal },
          ),
        ),
      CREATE_FIRST,
    );
    ctx.emit({ type: 'change', message: `updated ${decision.code.reason}` });
    if (options.wait) config = await waitUntilReady(ctx, name, { known: config });
  } else if (decision.code.reason) {
    ctx.emit({ type: 'skip', message: decision.code.reason });
  }

  if (decision.tags) {
    const arn = (config.FunctionArn ?? name).replace(/:\$LATEST$/, '');
    const tags = decision.tags;
    await lambdaCall(`TagResource ${name}`, () =>
      lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags.add }), { abortSignal: ctx.signal }),
    );
    ctx.emit({ type: 'change', message: `updated ${tags.text}` });
  }
  return config;
}
