/**
 * A function's lifecycle as the actions see it: reading it, waiting until it can take a change
 * (State Active, LastUpdateStatus Successful; failing at once on Failed with Lambda's reason),
 * retrying a change that collided with an update in progress (ResourceConflictException), and
 * Lambda's errors with hints.
 */
import {
  type FunctionConfiguration,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { PipelineError } from '../../pipeline/errors.js';
import { awsCall, awsFailure, type Hints, isAwsError } from '../aws-errors.js';
import type { ActionContext, OutputValue } from '../task.js';
import { shortName } from './function-name.js';

const LAMBDA_HINTS: Readonly<Record<string, string>> = {
  ResourceNotFoundException: 'check functionName (and qualifier) and the region',
  ResourceConflictException: 'another change to the function is in progress: run the step again when it is done',
  PreconditionFailedException: 'the function changed meanwhile (its RevisionId moved): run the step again',
  InvalidParameterValueException: 'fix the parameter the message names',
  CodeStorageExceededException: 'delete old versions (lambda-function: prune-versions) or unused functions',
  RequestEntityTooLargeException:
    'upload the package to S3 (s3-object: upload) and pass code: { s3Bucket, s3Key } instead of zipFile',
  RequestTooLargeException:
    'upload the package to S3 (s3-object: upload) and pass code: { s3Bucket, s3Key } instead of zipFile',
  CodeVerificationFailedException: "sign the package with a profile the function's code signing config trusts",
  EC2AccessDeniedException: "the function's role needs the ENI permissions of AWSLambdaVPCAccessExecutionRole",
  KMSAccessDeniedException: "the function's role cannot use the KMS key of its environment variables",
};

function withLambdaHints(hints: Hints | undefined): Hints {
  return (code, error) => {
    const own = typeof hints === 'function' ? hints(code, error) : typeof hints === 'string' ? hints : hints?.[code];
    return own ?? LAMBDA_HINTS[code];
  };
}

/** Runs a Lambda call; its AWS error becomes a PipelineError with the call's hints, then Lambda's. */
export function lambdaCall<T>(context: string, call: () => Promise<T>, hints?: Hints): Promise<T> {
  return awsCall(context, call, withLambdaHints(hints));
}

/** The error to throw for a caught Lambda error (see `awsFailure`), with the call's hints, then Lambda's. */
export function lambdaFailure(error: unknown, context: string, hints?: Hints): unknown {
  return awsFailure(error, context, withLambdaHints(hints));
}

export function client(ctx: ActionContext): LambdaClient {
  return ctx.aws.lambda();
}

/** Whether a function can take a change now, must be waited for, or has failed. Pure. */
export type Readiness = { type: 'ready' } | { type: 'waiting'; for: string } | { type: 'failed'; reason: string };

export function readiness(config: FunctionConfiguration): Readiness {
  if (config.State === 'Failed') {
    return {
      type: 'failed',
      reason: `State Failed: ${config.StateReason ?? 'no reason given'} (${config.StateReasonCode ?? '-'})`,
    };
  }
  if (config.LastUpdateStatus === 'Failed') {
    return {
      type: 'failed',
      reason: `LastUpdateStatus Failed: ${config.LastUpdateStatusReason ?? 'no reason given'} (${config.LastUpdateStatusReasonCode ?? '-'})`,
    };
  }
  if (config.State === 'Pending') return { type: 'waiting', for: 'State Active' };
  if (config.LastUpdateStatus === 'InProgress') return { type: 'waiting', for: 'LastUpdateStatus Successful' };
  return { type: 'ready' };
}

function failed(name: string, reason: string): PipelineError {
  return new PipelineError('ActionFailed', `Function ${shortName(name)}: ${reason}.`, {
    hint: 'fix the cause Lambda names (role permissions, subnets, KMS key, layers), then deploy again',
  });
}

async function getConfiguration(ctx: ActionContext, name: string, qualifier?: string): Promise<FunctionConfiguration> {
  return lambdaCall(`GetFunctionConfiguration ${name}`, () =>
    client(ctx).send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }), {
      abortSignal: ctx.signal,
    }),
  );
}

/**
 * Waits until the function (or a version) is Active with LastUpdateStatus Successful and returns
 * its configuration; `known` spares the first read. Fails at once on a Failed state.
 */
export async function waitUntilReady(
  ctx: ActionContext,
  name: string,
  options: { qualifier?: string; known?: FunctionConfiguration } = {},
): Promise<FunctionConfiguration> {
  const first = options.known ?? (await getConfiguration(ctx, name, options.qualifier));
  const state = readiness(first);
  if (state.type === 'ready') return first;
  if (state.type === 'failed') throw failed(name, state.reason);
  const target = options.qualifier ? `${shortName(name)}:${options.qualifier}` : shortName(name);
  return ctx.waitFor(
    async () => {
      const config = await getConfiguration(ctx, name, options.qualifier);
      const now = readiness(config);
      if (now.type === 'failed') throw failed(name, now.reason);
      return now.type === 'ready' ? config : undefined;
    },
    { what: `${state.for} (function ${target})` },
  );
}

/**
 * Runs a change, retrying while Lambda answers ResourceConflictException (an update in progress,
 * or a function still Pending), with the wait helper's growing delays and deadline.
 */
export async function retryOnConflict<T>(ctx: ActionContext, what: string, call: () => Promise<T>): Promise<T> {
  const result = await ctx.waitFor(
    async () => {
      try {
        return { value: await call() };
      } catch (error) {
        if (!isAwsError(error, 'ResourceConflictException')) throw error;
        ctx.emit({ type: 'retry', message: `${what}: ResourceConflictException (${error.message}), retrying` });
        return undefined;
      }
    },
    {
      what: `${what} to stop conflicting with an update in progress`,
      delayMs: 250,
      maxDelayMs: 5000,
    },
  );
  return result.value;
}

/** The function and its tags, or undefined when it does not exist. */
export async function findFunction(
  ctx: ActionContext,
  name: string,
): Promise<{ config: FunctionConfiguration; tags: Record<string, string> } | undefined> {
  try {
    const out = await client(ctx).send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: ctx.signal });
    return out.Configuration ? { config: out.Configuration, tags: out.Tags ?? {} } : undefined;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw lambdaFailure(error, `GetFunction ${name}`);
  }
}

/** Hint for actions that change a function that must exist. */
export const CREATE_FIRST = { ResourceNotFoundException: 'create the function first, or use the deploy action' };

/** The function and its tags; a missing function fails with ResourceNotFoundException and a hint. */
export async function requireFunction(
  ctx: ActionContext,
  name: string,
): Promise<{ config: FunctionConfiguration; tags: Record<string, string> }> {
  const out = await lambdaCall(
    `GetFunction ${name}`,
    () => client(ctx).send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: ctx.signal }),
    CREATE_FIRST,
  );
  return { config: out.Configuration ?? {}, tags: out.Tags ?? {} };
}

/** The outputs every lambda-function action that knows the function sets. */
export function functionOutputs(config: FunctionConfiguration, version?: string): Record<string, OutputValue> {
  const arn = config.FunctionArn ?? '';
  return {
    functionName: config.FunctionName ?? '',
    // Unqualified, whatever configuration (a version's) it came from.
    functionArn: config.Version && config.Version !== '$LATEST' ? arn.replace(/:[^:]+$/, '') : arn,
    version: version ?? config.Version ?? '$LATEST',
    codeSha256: config.CodeSha256 ?? '',
    state: config.State ?? '',
    revisionId: config.RevisionId ?? '',
  };
}
