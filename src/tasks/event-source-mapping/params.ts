/**
 * The `with:` parameters of the event-source-mapping actions: CreateEventSourceMapping's members
 * in lowerCamelCase (nested ones too: `filterCriteria: { filters: [{ pattern }] }`,
 * `destinationConfig: { onFailure: { destination } }`), `uuid` to address a mapping (or
 * `functionName` + `eventSourceArn` to find it), and `waitTimeout`; and their SDK form. The
 * schemas are builders, called on first use (see ParamsSchema).
 */
import type { CreateEventSourceMappingRequest, UpdateEventSourceMappingRequest } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { toAwsShape } from '../aws-names.js';

/** A filter pattern: the JSON text Lambda takes, or the pattern as an object (sent as JSON). */
const pattern = () => z.union([z.string(), z.record(z.string(), z.unknown())]);

const kafkaConfig = () => ({
  consumerGroupId: z.string().optional(),
  schemaRegistryConfig: z.record(z.string(), z.unknown()).optional(),
});

/** Members UpdateEventSourceMapping accepts too. */
const updatable = () => ({
  /** The function's name, ARN or partial ARN, optionally with a version or alias. */
  functionName: z.string().min(1).optional(),
  /** @default true */
  enabled: z.boolean().optional(),
  batchSize: z.number().int().min(1).max(10_000).optional(),
  filterCriteria: z.strictObject({ filters: z.array(z.strictObject({ pattern: pattern().optional() })) }).optional(),
  kmsKeyArn: z.string().optional(),
  metricsConfig: z.strictObject({ metrics: z.array(z.enum(['EventCount', 'ErrorCount', 'KafkaMetrics'])) }).optional(),
  loggingConfig: z.strictObject({ systemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional() }).optional(),
  scalingConfig: z.strictObject({ maximumConcurrency: z.number().int().min(2).max(1000).optional() }).optional(),
  maximumBatchingWindowInSeconds: z.number().int().min(0).max(300).optional(),
  parallelizationFactor: z.number().int().min(1).max(10).optional(),
  destinationConfig: z
    .strictObject({
      onSuccess: z.strictObject({ destination: z.string().optional() }).optional(),
      onFailure: z.strictObject({ destination: z.string().optional() }).optional(),
    })
    .optional(),
  /** -1 for no limit, else 60 to 604800. */
  maximumRecordAgeInSeconds: z.number().int().min(-1).max(604_800).optional(),
  bisectBatchOnFunctionError: z.boolean().optional(),
  /** -1 for no limit, else 0 to 10000. */
  maximumRetryAttempts: z.number().int().min(-1).max(10_000).optional(),
  tumblingWindowInSeconds: z.number().int().min(0).max(900).optional(),
  sourceAccessConfigurations: z.array(z.strictObject({ type: z.string(), uri: z.string() })).optional(),
  functionResponseTypes: z.array(z.literal('ReportBatchItemFailures')).optional(),
  amazonManagedKafkaEventSourceConfig: z.strictObject(kafkaConfig()).optional(),
  selfManagedKafkaEventSourceConfig: z
    .strictObject({ ...kafkaConfig(), consumptionMode: z.enum(['Queue', 'Stream']).optional() })
    .optional(),
  documentDbEventSourceConfig: z
    .strictObject({
      databaseName: z.string().optional(),
      collectionName: z.string().optional(),
      fullDocument: z.enum(['Default', 'UpdateLookup']).optional(),
    })
    .optional(),
  provisionedPollerConfig: z
    .strictObject({
      minimumPollers: z.number().int().optional(),
      maximumPollers: z.number().int().optional(),
      pollerGroupName: z.string().optional(),
    })
    .optional(),
});

/** Members only CreateEventSourceMapping takes. */
const createOnly = () => ({
  /** The stream, queue, or cluster: a Kinesis stream, DynamoDB stream, SQS queue, MSK cluster, MQ broker or DocumentDB ARN. */
  eventSourceArn: z.string().min(1).optional(),
  /** Where a stream mapping starts reading: required for Kinesis and DynamoDB streams and Kafka. */
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']).optional(),
  /** For AT_TIMESTAMP: an ISO 8601 time or Unix seconds. */
  startingPositionTimestamp: z.union([z.iso.datetime({ offset: true }), z.number()]).optional(),
  /** Mapping tags as a map `{ Key: value }`. */
  tags: z.record(z.string(), z.string()).optional(),
  topics: z.array(z.string()).length(1).optional(),
  queues: z.array(z.string()).length(1).optional(),
  selfManagedEventSource: z
    .strictObject({ endpoints: z.strictObject({ KAFKA_BOOTSTRAP_SERVERS: z.array(z.string()) }) })
    .optional(),
});

const waitTimeout = () => ({
  /** How long to wait for the mapping's state to settle (Creating -> Enabled ...), in seconds. @default 300 */
  waitTimeout: z.number().positive().optional(),
});

/** Which mapping: its UUID, or the one mapping of `functionName` on `eventSourceArn`. */
const identity = () => ({
  uuid: z.string().min(1).optional(),
  functionName: z.string().min(1).optional(),
  eventSourceArn: z.string().min(1).optional(),
});

function checkIdentity(
  p: { uuid?: string | undefined; functionName?: string | undefined; eventSourceArn?: string | undefined },
  ctx: z.RefinementCtx,
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
  ctx: z.RefinementCtx,
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
      functionName: z.string().min(1),
      /**
       * When a mapping of this function on this source exists already: update it to these parameters
       * (skip when they match). With false, create fails instead. @default true
       */
      updateIfExists: z.boolean().optional(),
      ...waitTimeout(),
    })
    .superRefine(checkStartingPosition);

export const updateParams = () =>
  z.strictObject({ ...updatable(), ...identity(), ...waitTimeout() }).superRefine(checkIdentity);

/** enable, disable, delete: only which mapping. */
export const selectParams = () => z.strictObject({ ...identity(), ...waitTimeout() }).superRefine(checkIdentity);

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
