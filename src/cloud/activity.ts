/**
 * Activity: what happened (an invocation ran, a mapping delivered a batch, a push reached its
 * target), published on the ChangeEvents bus for the web console's recent lists and live views.
 * Unlike the state change events, these carry the facts themselves: no API exposes them (AWS keeps
 * them in CloudWatch metrics and X-Ray), so there is nothing to read back. Emitting with nobody
 * subscribed costs a property lookup.
 *
 * Who triggered an invocation travels with the call as async context (the in-process service
 * caller has no headers to carry it), so Lambda's Invoke handler stays unaware of its callers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who asked for an invocation. */
export type InvokeTrigger = 'api' | 'console' | 'mapping' | 's3' | 'sns' | 'async' | 'async-retry' | 'destination';

export interface InvocationActivity {
  at: number;
  accountId: string;
  region: string;
  functionName: string;
  version: string;
  requestId: string;
  trigger: InvokeTrigger;
  durationMs: number;
  /** Only on a cold start. */
  initDurationMs?: number;
  maxMemoryUsedMb: number;
  memorySizeMb: number;
  /** 'Unhandled' (an error, a timeout, a crash) or undefined on success. */
  functionError?: string;
}

export interface BatchActivity {
  at: number;
  mappingUuid: string;
  eventSourceArn: string;
  functionArn: string;
  records: number;
  /** The shard a stream batch came from (Kinesis, DynamoDB Streams). */
  shardId?: string;
  /**
   * Age of the batch's newest record when the function was invoked with it: AWS's IteratorAge
   * metric, how far the mapping is behind its shard (streams only).
   */
  iteratorAgeMs?: number;
  /** How the invoke went: success, a function error, or not invoked (throttled, not found...). */
  outcome: 'success' | 'function-error' | 'not-invoked';
  /** The function error or the reason the function did not run. */
  detail?: string;
}

export interface DeliveryActivity {
  at: number;
  /** The pushing service. */
  source: 's3' | 'sns';
  /** The bucket or topic the message comes from. */
  from: string;
  /** The destination's ARN or URL. */
  target: string;
  outcome: 'delivered' | 'retry' | 'failed' | 'dropped';
  detail?: string;
}

export interface FunctionLogActivity {
  accountId: string;
  region: string;
  group: string;
  stream: string;
  events: { timestamp: number; message: string }[];
}

/** The activity events, merged into ChangeEventMap. */
export interface ActivityEventMap {
  'activity.invocation': InvocationActivity;
  'activity.batch': BatchActivity;
  'activity.delivery': DeliveryActivity;
  'activity.function-logs': FunctionLogActivity;
}

const triggers = new AsyncLocalStorage<InvokeTrigger>();

/** Runs `work` with invocations it causes attributed to `trigger`. */
export function withInvokeTrigger<T>(trigger: InvokeTrigger, work: () => T): T {
  return triggers.run(trigger, work);
}

/** The trigger of the invocation being started; a request from outside is an API call. */
export function currentInvokeTrigger(): InvokeTrigger {
  return triggers.getStore() ?? 'api';
}
