/**
 * Event source mapping limits and defaults as data, from the CreateEventSourceMapping API
 * reference, the event filtering guide, and responses recorded against AWS (LocalStack's
 * snapshot files): what each kind of source defaults to and what it accepts.
 */
import type { SourceKind } from './sources.js';

export const MAPPING_LIMITS = {
  /** BatchSize: Kinesis, DynamoDB and standard SQS queues take up to 10,000; FIFO queues 10. */
  batchSizeMax: 10_000,
  fifoBatchSizeMax: 10,
  /** An SQS mapping with a BatchSize above this needs a batching window of at least 1 s. */
  sqsBatchSizeWithoutWindow: 10,
  /** Filters per mapping (AWS's default quota, raisable to 10). */
  filtersPerMapping: 5,
  /** MaximumRecordAgeInSeconds: -1 (forever) or this range. */
  recordAgeMin: 60,
  recordAgeMax: 604_800,
  /** ListEventSourceMappings' page when MaxItems is not given. */
  listPageDefault: 100,
} as const;

export const BATCH_SIZE_DEFAULT: Record<SourceKind, number> = { kinesis: 100, dynamodb: 100, sqs: 10 };

/** What a stream mapping reports for the members not given (a Kinesis or DynamoDB mapping's answer has them all). */
export const STREAM_DEFAULTS = {
  MaximumBatchingWindowInSeconds: 0,
  ParallelizationFactor: 1,
  MaximumRecordAgeInSeconds: -1,
  MaximumRetryAttempts: -1,
  BisectBatchOnFunctionError: false,
  TumblingWindowInSeconds: 0,
} as const;

/** AWS words the reason differently for queues and streams. */
export const STATE_TRANSITION_REASON: Record<SourceKind, string> = {
  kinesis: 'User action',
  dynamodb: 'User action',
  sqs: 'USER_INITIATED',
};

/** A stream mapping's LastProcessingResult before any batch. */
export const NO_RECORDS_PROCESSED = 'No records processed';

/** Members only stream mappings take; an SQS mapping refuses them. */
export const STREAM_ONLY_MEMBERS = [
  'ParallelizationFactor',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
] as const;

/** Members only SQS mappings take. */
export const QUEUE_ONLY_MEMBERS = ['ScalingConfig'] as const;

/** Members of sources the local cloud does not have (Kafka, MQ, DocumentDB, provisioned pollers). */
export const FOREIGN_SOURCE_MEMBERS = [
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'SelfManagedEventSource',
  'AmazonManagedKafkaEventSourceConfig',
  'SelfManagedKafkaEventSourceConfig',
  'DocumentDBEventSourceConfig',
  'ProvisionedPollerConfig',
] as const;

/** Services an on-failure destination may be (streams): a queue, a topic, a bucket. */
export const ON_FAILURE_SERVICES = new Set(['sqs', 'sns', 's3']);
