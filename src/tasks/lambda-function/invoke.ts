/**
 * `lambda-function: invoke`: runs a function once (RequestResponse), queues an event (Event), or
 * only checks that it could (DryRun). A function error fails the step unless allowed; with
 * `logType: Tail` the last 4 KB of the execution log is shown as a `log` event.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { formatItem } from '../../logs/format.js';
import { condense } from '../../logs/invocations.js';
import { PipelineError } from '../../pipeline/errors.js';
import type { ActionContext, ActionImplementation } from '../task.js';
import { shortName } from './function-name.js';
import { client, lambdaCall, retryOnConflict } from './lifecycle.js';
import type { InvokeParams } from './params.js';

async function payloadOf(params: InvokeParams, ctx: ActionContext): Promise<Uint8Array | undefined> {
  if (params.payloadFile !== undefined) return readFile(resolve(ctx.baseDir, params.payloadFile));
  if (params.payload === undefined) return undefined;
  const text = typeof params.payload === 'string' ? params.payload : JSON.stringify(params.payload);
  return Buffer.from(text);
}

/** The error a function returned, as "Type: message", from its payload. */
function functionErrorText(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    if (parsed.errorType || parsed.errorMessage) return `${parsed.errorType ?? 'Error'}: ${parsed.errorMessage ?? ''}`;
  } catch {
    // Not JSON: show it as it is.
  }
  return payload.slice(0, 500);
}

export const invoke: ActionImplementation<InvokeParams> = {
  async plan(params) {
    const target = `${shortName(params.functionName)}${params.qualifier ? `:${params.qualifier}` : ''}`;
    return [{ action: 'invoke', resource: `function ${target}`, details: [params.invocationType] }];
  },
  async run(params, ctx) {
    const target = `${shortName(params.functionName)}${params.qualifier ? `:${params.qualifier}` : ''}`;
    const payload = await payloadOf(params, ctx);
    const what = `Invoke ${target}`;
    // A function still Pending answers ResourceConflictException: retried like an update in progress.
    const out = await lambdaCall(
      what,
      () =>
        retryOnConflict(ctx, what, () =>
          client(ctx).send(
            new InvokeCommand({
              FunctionName: params.functionName,
              Qualifier: params.qualifier,
              InvocationType: params.invocationType,
              LogType: params.logType,
              ...(payload ? { Payload: payload } : {}),
              ...(params.clientContext
                ? { ClientContext: Buffer.from(JSON.stringify(params.clientContext)).toString('base64') }
                : {}),
            }),
            { abortSignal: ctx.signal },
          ),
        ),
      {
        ResourceNotFoundException: 'check functionName and qualifier (and the region): deploy the function first',
        InvalidRequestContentException: 'the payload must be JSON: give an object, or a string of JSON text',
        RequestTooLargeException: 'payloads are limited to 6 MB (RequestResponse) and 1 MB (Event)',
        RequestEntityTooLargeException: 'payloads are limited to 6 MB (RequestResponse) and 1 MB (Event)',
      },
    );
    const result = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    if (out.LogResult) {
      const tail = Buffer.from(out.LogResult, 'base64').toString('utf8').replace(/\n$/, '').split('\n');
      // START/END/REPORT condensed to one line, as `lambda-tasks logs` shows them.
      const items = condense(tail.map((message) => ({ timestamp: 0, message })));
      ctx.emit({ type: 'log', lines: items.map((item) => formatItem(item, { times: false })) });
    }
    const statusCode = out.StatusCode ?? 0;
    if (out.FunctionError && !params.allowFunctionError) {
      throw new PipelineError(
        'FunctionError',
        `Function ${target} returned an error (${out.FunctionError}): ${functionErrorText(result)}`,
        {
          hint:
            params.logType === 'Tail'
              ? 'see the log tail above; set allowFunctionError: true to go on anyway'
              : "see the function's log group, or invoke with logType: Tail; set allowFunctionError: true to go on anyway",
        },
      );
    }
    const outcome = out.FunctionError
      ? `returned an error (${out.FunctionError}), allowed`
      : params.invocationType === 'Event'
        ? 'queued the event'
        : params.invocationType === 'DryRun'
          ? 'could be invoked (dry run)'
          : 'succeeded';
    ctx.emit({ type: 'info', message: `invoked ${target}: ${outcome} (status ${statusCode})` });
    if (result && params.invocationType !== 'Event' && params.invocationType !== 'DryRun') {
      ctx.emit({ type: 'info', message: `response: ${preview(result)}` });
    }
    return {
      outputs: {
        functionName: shortName(params.functionName),
        statusCode,
        payload: result,
        executedVersion: out.ExecutedVersion ?? '',
        functionError: out.FunctionError ?? '',
      },
      changed: params.invocationType !== 'DryRun',
      summary: `invoked ${target}: ${outcome}`,
    };
  },
};

/** The response as shown in progress output: one line, cut at 1,000 characters. */
function preview(payload: string): string {
  const line = payload.replace(/\s*\n\s*/g, ' ');
  return line.length > 1000 ? `${line.slice(0, 1000)}... (${payload.length} bytes)` : line;
}
