/**
 * Invoking a function for a batch through Lambda's own Invoke handler (RequestResponse), so
 * concurrency limits, throttling and the function's logs are those of any invoke, and classifying
 * the outcome the way event source mappings treat it: a result, a function error (counted against
 * the retry quota), or a failure before the function ran (throttled, not found, refused), which AWS
 * retries until the records expire.
 */
import { randomUUID } from 'node:crypto';
import { withInvokeTrigger } from '../../../activity.js';
import type { ChangeEvents } from '../../../change-events.js';
import { AwsError } from '../../../errors.js';
import type { ServiceCall } from '../../../service-caller.js';
import { PROCESSING_RESULT } from './processing-results.js';

/** What the function answered (it ran). */
interface Ran {
  /** Identifies the attempt in on-failure records. */
  requestId: string;
  statusCode: number;
  executedVersion: string;
  /** The function's answer parsed as JSON; undefined when it is empty or not JSON. */
  response: unknown;
}

export type InvokeOutcome =
  | ({ type: 'success' } & Ran)
  /** The function ran and failed: FunctionError 'Unhandled' (errors and timeouts alike) or 'Handled'. */
  | ({ type: 'function-error'; functionError: string } & Ran)
  /** Lambda did not run the function; `result` is the LastProcessingResult to report. */
  | { type: 'not-invoked'; reason: 'throttled' | 'function-not-found' | 'refused'; result: string; error: Error };

interface InvokeOutput {
  StatusCode?: number;
  ExecutedVersion?: string;
  FunctionError?: string;
  Payload?: Uint8Array;
}

function parseAnswer(payload: Uint8Array | undefined): unknown {
  if (!payload || payload.byteLength === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The mapping a batch belongs to, for the console's recent batches. */
export interface BatchOrigin {
  events: ChangeEvents;
  mapping: { uuid: string; eventSourceArn: string };
  records: number;
  /** For stream batches: the shard, and the age of the batch's newest record (IteratorAge). */
  shard?: { shardId: string; iteratorAgeMs: number };
}

/**
 * Runs `functionArn` (qualified or not) with `event` and says how it went; never throws for
 * Lambda's refusals. The outcome is published as the mapping's batch activity.
 */
export async function invokeFunction(
  call: ServiceCall,
  functionArn: string,
  event: unknown,
  origin: BatchOrigin,
): Promise<InvokeOutcome> {
  const outcome = await withInvokeTrigger('mapping', () => invokeOnce(call, functionArn, event));
  origin.events.emit('activity.batch', {
    at: Date.now(),
    mappingUuid: origin.mapping.uuid,
    eventSourceArn: origin.mapping.eventSourceArn,
    functionArn,
    records: origin.records,
    ...(origin.shard ? { shardId: origin.shard.shardId, iteratorAgeMs: origin.shard.iteratorAgeMs } : {}),
    outcome: outcome.type,
    ...(outcome.type === 'function-error' ? { detail: outcome.functionError } : {}),
    ...(outcome.type === 'not-invoked' ? { detail: `${outcome.result}: ${outcome.error.message}` } : {}),
  });
  return outcome;
}

async function invokeOnce(call: ServiceCall, functionArn: string, event: unknown): Promise<InvokeOutcome> {
  const payload = Buffer.from(JSON.stringify(event));
  // The invocation runs under this id (its START/END/REPORT lines say it), and on-failure records
  // name it as AWS's do.
  const requestId = randomUUID();
  let output: InvokeOutput;
  try {
    output = await call<InvokeOutput>(
      'lambda',
      'Invoke',
      { FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: payload },
      { requestId },
    );
  } catch (error) {
    const code = error instanceof AwsError ? error.code : undefined;
    if (code === 'TooManyRequestsException') {
      return { type: 'not-invoked', reason: 'throttled', result: PROCESSING_RESULT.throttled, error: error as Error };
    }
    if (code === 'ResourceNotFoundException') {
      return {
        type: 'not-invoked',
        reason: 'function-not-found',
        result: PROCESSING_RESULT.functionNotFound,
        error: error as Error,
      };
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    return { type: 'not-invoked', reason: 'refused', result: PROCESSING_RESULT.internalError, error: failure };
  }
  const ran: Ran = {
    requestId,
    statusCode: output.StatusCode ?? 200,
    executedVersion: output.ExecutedVersion ?? '$LATEST',
    response: parseAnswer(output.Payload),
  };
  return output.FunctionError
    ? { type: 'function-error', functionError: output.FunctionError, ...ran }
    : { type: 'success', ...ran };
}
