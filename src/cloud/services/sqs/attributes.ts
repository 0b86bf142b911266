/**
 * Queue attributes: AWS's defaults, the checks CreateQueue and SetQueueAttributes apply, and the
 * values stored (strings, exactly as GetQueueAttributes returns them). The computed attributes
 * (QueueArn, timestamps, Approximate* counts) are not stored; see queues.ts.
 */
import {
  invalidAttributeName,
  invalidAttributeValue,
  invalidParameter,
  invalidParameterValue,
  unknownAttribute,
} from './errors.js';
import { parseQueueArn } from './queue-names.js';

/** Stored attributes by name; absent when unset (Policy, RedrivePolicy, KMS ...). */
export type QueueAttributes = Record<string, string>;

/** Limits AWS documents for the integer attributes (seconds, bytes). */
const INTEGER_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const BOOLEANS = new Set(['SqsManagedSseEnabled', 'FifoQueue', 'ContentBasedDeduplication']);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const ENUMS: Record<string, string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};
const JSON_DOCUMENTS = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy']);
const FREE_TEXT = new Set(['KmsMasterKeyId']);

/** Attributes a client may set (CreateQueue, SetQueueAttributes). */
export const SETTABLE = new Set([
  ...Object.keys(INTEGER_RANGES),
  ...BOOLEANS,
  ...Object.keys(ENUMS),
  ...JSON_DOCUMENTS,
  ...FREE_TEXT,
]);

/** Attributes GetQueueAttributes computes rather than stores. */
export const COMPUTED = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
] as const;

/** Attributes that, set to these values, are removed (GetQueueAttributes stops listing them). */
const REMOVED_AT = { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' } as Record<string, string>;

export function defaultAttributes(fifo: boolean): QueueAttributes {
  const standard = {
    DelaySeconds: '0',
    MaximumMessageSize: '1048576',
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'true',
  };
  if (!fifo) return standard;
  return {
    ...standard,
    FifoQueue: 'true',
    ContentBasedDeduplication: 'false',
    DeduplicationScope: 'queue',
    FifoThroughputLimit: 'perQueue',
  };
}

/** Looks up another queue by ARN (for redrive checks): its FIFO-ness, or undefined when missing. */
export type QueueLookup = (arn: string) => { fifo: boolean } | undefined;

/**
 * Checks `given` against a queue of the given type and returns the attributes after applying it
 * to `current` (the defaults for a new queue). Throws AWS's error for the first bad attribute.
 */
export function applyAttributes(
  current: QueueAttributes,
  given: Record<string, string>,
  fifo: boolean,
  creating: boolean,
  lookup: QueueLookup,
): QueueAttributes {
  const next = { ...current };
  for (const [name, raw] of Object.entries(given)) {
    if (name === 'FifoQueue') {
      if (!fifo) throw unknownAttribute(name);
      if (!creating) {
        throw invalidAttributeValue(
          'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
        );
      }
      continue;
    }
    if (!SETTABLE.has(name)) throw unknownAttribute(name);
    if (FIFO_ONLY.has(name) && !fifo) {
      if (name === 'ContentBasedDeduplication') throw unknownAttribute(name);
      throw invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
    }
    const value = normalize(name, raw, fifo, lookup);
    if (value === '' || REMOVED_AT[name] === value) delete next[name];
    else next[name] = value;
  }
  if (next['KmsMasterKeyId'] !== undefined && 'KmsMasterKeyId' in given) {
    if (given['SqsManagedSseEnabled'] === 'true') {
      throw invalidAttributeName(
        'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
      );
    }
    next['SqsManagedSseEnabled'] = 'false';
  }
  if (given['SqsManagedSseEnabled'] === 'true') {
    delete next['KmsMasterKeyId'];
    delete next['KmsDataKeyReusePeriodSeconds'];
  }
  return next;
}

function normalize(name: string, raw: string, fifo: boolean, lookup: QueueLookup): string {
  const bad = () => invalidAttributeValue(`Invalid value for the parameter ${name}.`);
  const range = INTEGER_RANGES[name];
  if (range) {
    if (!/^-?\d+$/.test(raw.trim())) throw bad();
    const n = Number(raw.trim());
    if (n < range[0] || n > range[1]) throw bad();
    return String(n);
  }
  if (BOOLEANS.has(name)) {
    const lower = raw.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw bad();
    return lower;
  }
  const allowed = ENUMS[name];
  if (allowed) {
    if (!allowed.includes(raw)) throw bad();
    return raw;
  }
  if (raw === '') return '';
  if (name === 'RedrivePolicy') return redrivePolicy(raw, fifo, lookup);
  if (name === 'RedriveAllowPolicy') return redriveAllowPolicy(raw);
  if (name === 'Policy') {
    try {
      JSON.parse(raw);
    } catch {
      throw invalidAttributeValue('Invalid value for the parameter Policy.');
    }
  }
  return raw;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

function parseJsonObject(raw: string, fail: () => Error): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail();
  return parsed as Record<string, unknown>;
}

/** Checks a RedrivePolicy as AWS does and returns it in AWS's form (`maxReceiveCount` a number). */
function redrivePolicy(raw: string, fifo: boolean, lookup: QueueLookup): string {
  const invalid = (reason: string) => invalidParameter('RedrivePolicy', raw, reason);
  const policy = parseJsonObject(raw, () => invalid('Redrive policy is not a valid JSON map.'));
  const { deadLetterTargetArn: arn, maxReceiveCount } = policy;
  if (arn === undefined) throw invalidParameterValue("The required parameter 'deadLetterTargetArn' is missing");
  if (maxReceiveCount === undefined) throw invalidParameterValue("The required parameter 'maxReceiveCount' is missing");
  const count = typeof maxReceiveCount === 'string' ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalid(
      `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  if (typeof arn !== 'string' || !parseQueueArn(arn)) throw invalid('Invalid value for deadLetterTargetArn.');
  const target = lookup(arn);
  if (!target) throw invalid('Dead letter target does not exist.');
  if (target.fifo !== fifo) throw invalid('Dead-letter queue must be same type of queue as the source.');
  const normalized: RedrivePolicy = { deadLetterTargetArn: arn, maxReceiveCount: count };
  return JSON.stringify(normalized);
}

function redriveAllowPolicy(raw: string): string {
  const invalid = (reason: string) => invalidParameter('RedriveAllowPolicy', raw, reason);
  const policy = parseJsonObject(raw, () => invalid('Redrive allow policy is not a valid JSON map.'));
  const { redrivePermission, sourceQueueArns } = policy;
  if (redrivePermission !== 'allowAll' && redrivePermission !== 'denyAll' && redrivePermission !== 'byQueue') {
    throw invalid('Invalid value for redrivePermission.');
  }
  if (redrivePermission === 'byQueue') {
    if (
      !Array.isArray(sourceQueueArns) ||
      sourceQueueArns.length < 1 ||
      sourceQueueArns.length > 10 ||
      !sourceQueueArns.every((arn) => typeof arn === 'string' && parseQueueArn(arn))
    ) {
      throw invalid('Amazon SQS can only accept between 1 and 10 sourceQueueArns when redrivePermission is byQueue.');
    }
  } else if (sourceQueueArns !== undefined) {
    throw invalid('Amazon SQS can only accept sourceQueueArns when redrivePermission is set to byQueue.');
  }
  return raw;
}

export function readRedrivePolicy(attributes: QueueAttributes): RedrivePolicy | undefined {
  const raw = attributes['RedrivePolicy'];
  return raw ? (JSON.parse(raw) as RedrivePolicy) : undefined;
}

/** Whether a queue's RedriveAllowPolicy lets `sourceArn` use it as its dead-letter queue. */
export function allowsSource(attributes: QueueAttributes, sourceArn: string): boolean {
  const raw = attributes['RedriveAllowPolicy'];
  if (!raw) return true;
  const policy = JSON.parse(raw) as { redrivePermission: string; sourceQueueArns?: string[] };
  if (policy.redrivePermission === 'denyAll') return false;
  if (policy.redrivePermission === 'byQueue') return policy.sourceQueueArns?.includes(sourceArn) ?? false;
  return true;
}

export function intAttribute(attributes: QueueAttributes, name: string): number {
  return Number(attributes[name] ?? defaultAttributes(true)[name] ?? 0);
}

/** The first attribute whose value differs (CreateQueue on an existing name), or undefined. */
export function firstDifference(current: QueueAttributes, wanted: QueueAttributes): string | undefined {
  for (const name of new Set([...Object.keys(current), ...Object.keys(wanted)])) {
    if (current[name] !== wanted[name]) return name;
  }
  return undefined;
}
