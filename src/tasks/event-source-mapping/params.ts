/**
 * The `with:` parameters of the event-source-mapping actions: CreateEventSourceMapping's members
 * in lowerCamelCase (nested ones too: `filterCriteria: { filters: [{ pattern }] }`,
 * `destinationConfig: { onFailure: { destination } }`), `uuid` to address a mapping (or
 * `functionName` + `eventSourceArn` to find it), and `waitTimeout`; and their SDK form. The
 * schemas are builders, called on first use (see ParamsSchema).
 */
import type { CreateEventSourceMappingRequest, UpdateEventSourceMappingRequest } from '@aws-sdk/client-lambda';
import * as z from '../../pipeline/zod.js';
import { toAwsShape } from '../aws-names.js';

/** A filter pattern: the JSON text Lambda takes, or the pattern as an object (sent as JSON). */
const pattern = () => z.union([z.string(), z.record(z.string(), z.unknown())]);

const kafkaConfig = () => ({
  consumerGroupId: z.optional(z.string()),
  schemaRegistryConfig: z.optional(z.record(z.string(), z.unknown())),
});

/** Members UpdateEventSourceMapping accepts too. */
const updatable = () => ({
  /** The function's name, ARN or partial ARN, optionally with a version or alias. */
  functionName: z.optional(z.string().check(z.minLength(1))),
  /** @default true */
  enabled: z.optional(z.boolean()),
  batchSize: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
  filterCriteria: z.optional(z.strictObject({ filters: z.array(z.strictObject({ pattern: z.optional(pattern()) })) })),
  kmsKeyArn: z.optional(z.string()),
  metricsConfig: z.optional(z.strictObject({ metrics: z.array(z.enum(['EventCount', 'ErrorCount', 'KafkaMetrics'])) })),
  loggingConfig: z.optional(z.strictObject({ systemLogLevel: z.optional(z.enum(['DEBUG', 'INFO', 'WARN'])) })),
  scalingConfig: z.optional(
    z.strictObject({ maximumConcurrency: z.optional(z.number().check(z.int(), z.gte(2), z.lte(1000))) }),
  ),
  maximumBatchingWindowInSeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(300))),
  parallelizationFactor: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10))),
  destinationConfig: z.optional(
    z.strictObject({
      onSuccess: z.optional(z.strictObject({ destination: z.optional(z.string()) })),
      onFailure: z.optional(z.strictObject({ destination: z.optional(z.string()) })),
    }),
  ),
  /** -1 for no limit, else 60 to 604800. */
  maximumRecordAgeInSeconds: z.optional(z.number().check(z.int(), z.gte(-1), z.lte(604_800))),
  bisectBatchOnFunctionError: z.optional(z.boolean()),
  /** -1 for no limit, else 0 to 10000. */
  maximumRetryAttempts: z.optional(z.number().check(z.int(), z.gte(-1), z.lte(10_000))),
  tumblingWindowInSeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(900))),
  sourceAccessConfigurations: z.optional(z.array(z.strictObject({ type: z.string(), uri: z.string() }))),
  functionResponseTypes: z.optional(z.array(z.literal('ReportBatchItemFailures'))),
  amazonManagedKafkaEventSourceConfig: z.optional(z.strictObject(kafkaConfig())),
  selfManagedKafkaEventSourceConfig: z.optional(
    z.strictObject({ ...kafkaConfig(), consumptionMode: z.optional(z.enum(['Queue', 'Stream'])) }),
  ),
  documentDbEventSourceConfig: z.optional(
    z.strictObject({
      databaseName: z.optional(z.string()),
      collectionName: z.optional(z.string()),
      fullDocument: z.optional(z.enum(['Default', 'UpdateLookup'])),
    }),
  ),
  provisionedPollerConfig: z.optional(
    z.strictObject({
      minimumPollers: z.optional(z.number().check(z.int())),
      maximumPollers: z.optional(z.number().check(z.int())),
      pollerGroupName: z.optional(z.string()),
    }),
  ),
});

/** Members only CreateEventSourceMapping takes. */
const createOnly = () => ({
  /** The stream, queue, or cluster: a Kinesis stream, DynamoDB stream, SQS queue, MSK cluster, MQ broker or DocumentDB ARN. */
  eventSourceArn: z.optional(z.string().check(z.minLength(1))),
  /** Where a stream mapping starts reading: required for Kinesis and DynamoDB streams and Kafka. */
  startingPosition: z.optional(z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])),
  /** For AT_TIMESTAMP: an ISO 8601 time or Unix seconds. */
  startingPositionTimestamp: z.optional(z.union([z.iso.datetime({ offset: true }), z.number()])),
  /** Mapping tags as a map `{ Key: value }`. */
  tags: z.optional(z.record(z.string(), z.string())),
  topics: z.optional(z.array(z.string()).check(z.length(1))),
  queues: z.optional(z.array(z.string()).check(z.length(1))),
  selfManagedEventSource: z.optional(
    z.strictObject({ endpoints: z.strictObject({ KAFKA_BOOTSTRAP_SERVERS: z.array(z.string()) }) }),
  ),
});

const waitTimeout = () => ({
  /** How long to wait for the mapping's state to settle (Creating -> Enabled ...), in seconds. @default 300 */
  waitTimeout: z.optional(z.number().check(z.positive())),
});

/** Which mapping: its UUID, or the one mapping of `functionName` on `eventSourceArn`. */
const identity = () => ({
  uuid: z.optional(z.string().check(z.minLength(1))),
  functionName: z.optional(z.string().check(z.minLength(1))),
  eventSourceArn: z.optional(z.string().check(z.minLength(1))),
});

function checkIdentity(
  p: { uuid?: string | undefined; functionName?: string | undefined; eventSourceArn?: string | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (p.uuid === undefined && (p.functionName === undefined || p.eventSourceArn === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give uuid, or functionName and eventSourceArn to find the mapping' });
  }
}

/** Streams need a starting position (AWS refuses the mapping without one). */
function checkStartingPosition(
  p: {
    eventSourceArn?: string | undefined;
    startingPosition?: string | undefined;
    startingPositionTimestamp?: unknown;
  },
  ctx: z.core.$RefinementCtx,
): void {
  const stream = /^arn:[^:]+:(kinesis|dynamodb|kafka):/.test(p.eventSourceArn ?? '');
  if (stream && p.startingPosition === undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        'a stream source (Kinesis, DynamoDB streams, Kafka) needs startingPosition: TRIM_HORIZON, LATEST or AT_TIMESTAMP',
      path: ['startingPosition'],
    });
  }
  if ((p.startingPosition === 'AT_TIMESTAMP') !== (p.startingPositionTimestamp !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'startingPositionTimestamp goes with startingPosition: AT_TIMESTAMP (and only with it)',
      path: ['startingPositionTimestamp'],
    });
  }
}

export const createParams = () =>
  z
    .strictObject({
      ...updatable(),
      ...createOnly(),
      functionName: z.string().check(z.minLength(1)),
      /**
       * When a mapping of this function on this source exists already: update it to these parameters
       * (skip when they match). With false, create fails instead. @default true
       */
      updateIfExists: z.optional(z.boolean()),
      ...waitTimeout(),
    })
    .check(z.superRefine(checkStartingPosition));

export const updateParams = () =>
  z.strictObject({ ...updatable(), ...identity(), ...waitTimeout() }).check(z.superRefine(checkIdentity));

/** enable, disable, delete: only which mapping. */
export const selectParams = () =>
  z.strictObject({ ...identity(), ...waitTimeout() }).check(z.superRefine(checkIdentity));

export type CreateParams = z.infer<ReturnType<typeof createParams>>;
export type UpdateParams = z.infer<ReturnType<typeof updateParams>>;
export type SelectParams = z.infer<ReturnType<typeof selectParams>>;

/** What every event-source-mapping action sets. */
export const MAPPING_OUTPUTS = ['uuid', 'state', 'functionArn', 'eventSourceArn', 'eventSourceMappingArn'] as const;

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 300;

/** Values that are data, not members: kept as written (a filter pattern given as an object, tags, broker lists). */
const FREE_FORM = new Set(['Tags', 'Endpoints', 'Pattern']);

/** Parameters that are the task's own, not the API's. */
const OWN = new Set(['uuid', 'updateIfExists', 'waitTimeout']);

function sdkShape(params: Record<string, unknown>): Record<string, unknown> {
  const members = Object.fromEntries(Object.entries(params).filter(([key]) => !OWN.has(key)));
  return toAwsShape(members, FREE_FORM) as Record<string, unknown>;
}

/** Filter patterns given as objects become the JSON text Lambda stores. */
function withPatternText(input: Record<string, unknown>): void {
  const criteria = input.FilterCriteria as { Filters?: { Pattern?: unknown }[] } | undefined;
  for (const filter of criteria?.Filters ?? []) {
    if (filter.Pattern !== undefined && typeof filter.Pattern !== 'string')
      filter.Pattern = JSON.stringify(filter.Pattern);
  }
}

export function toCreateRequest(params: CreateParams): CreateEventSourceMappingRequest {
  const input = sdkShape(params);
  withPatternText(input);
  if (params.startingPositionTimestamp !== undefined) {
    const t = params.startingPositionTimestamp;
    input.StartingPositionTimestamp = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  }
  return input as unknown as CreateEventSourceMappingRequest;
}

/** The UpdateEventSourceMapping members the parameters set (identity and own options left out). */
export function toUpdateMembers(params: Partial<UpdateParams>): Omit<UpdateEventSourceMappingRequest, 'UUID'> {
  const { eventSourceArn: _source, ...rest } = params;
  const input = sdkShape(rest);
  withPatternText(input);
  return input as Omit<UpdateEventSourceMappingRequest, 'UUID'>;
}
