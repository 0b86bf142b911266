/**
 * Event sources as the mappings see them: which kind of source an ARN names, and whether it
 * exists. The Lambda service does not import the Kinesis, DynamoDB and SQS services; the
 * composition root hands it an EventSourceLookup over them, and until it does, the lookup below
 * reads the kind from the ARN and takes every source as existing.
 */

/** The sources the local cloud polls. */
export type SourceKind = 'kinesis' | 'dynamodb' | 'sqs';

export interface EventSourceLookup {
  /** The kind of source `arn` names, or undefined when it is not one a mapping can read. */
  kindOf(arn: string): SourceKind | undefined;
  /** Whether the stream or queue exists (in the account and region the ARN names). */
  exists(arn: string, accountId: string, region: string): boolean;
}

const SOURCE_ARN = /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;

/**
 * The kind from the ARN alone: `kinesis:...:stream/name`, `dynamodb:...:table/name/stream/label`
 * (a table's stream; the table itself is not a source), `sqs:...:queue`.
 */
export function sourceKindOf(arn: string): SourceKind | undefined {
  const m = SOURCE_ARN.exec(arn);
  if (!m) return undefined;
  const [, service, , , resource = ''] = m;
  if (service === 'kinesis' && /^stream\/[^/]+$/.test(resource)) return 'kinesis';
  if (service === 'dynamodb' && /^table\/[^/]+\/stream\/[^/]+$/.test(resource)) return 'dynamodb';
  if (service === 'sqs' && /^[^/:]+$/.test(resource)) return 'sqs';
  return undefined;
}

/** A FIFO queue (its ARN ends in `.fifo`), which allows smaller batches. */
export function isFifoQueue(arn: string): boolean {
  return arn.endsWith('.fifo');
}

export function isStream(kind: SourceKind): kind is 'kinesis' | 'dynamodb' {
  return kind !== 'sqs';
}

/** Until the composition root wires the services: the kind from the ARN, every source existing. */
export const ARN_ONLY_LOOKUP: EventSourceLookup = {
  kindOf: sourceKindOf,
  exists: () => true,
};
