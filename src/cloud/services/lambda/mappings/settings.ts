/**
 * A mapping's settings from a Create or Update request: which members the source kind takes,
 * AWS's defaults per kind, and the cross-member rules (SQS batches above 10 need a batching
 * window, record ages of -1 or 60 s and more, starting positions per kind). Model constraints
 * (ranges, enums, lengths) were checked by the protocol layer before this runs.
 */
import type { CreateEventSourceMappingRequest, UpdateEventSourceMappingRequest } from '@aws-sdk/client-lambda';
import { MappingErrors } from './errors.js';
import { checkFilters } from './filter-patterns.js';
import {
  BATCH_SIZE_DEFAULT,
  FOREIGN_SOURCE_MEMBERS,
  MAPPING_LIMITS,
  ON_FAILURE_SERVICES,
  QUEUE_ONLY_MEMBERS,
  STREAM_DEFAULTS,
  STREAM_ONLY_MEMBERS,
} from './limits.js';
import { isFifoQueue, isStream, type SourceKind } from './sources.js';
import type { MappingSettings } from './state.js';

/** The members of either request (Create's StartingPosition* are absent from an update). */
export type MappingInput = Partial<Omit<CreateEventSourceMappingRequest, 'FunctionName'>> &
  Partial<Omit<UpdateEventSourceMappingRequest, 'UUID' | 'FunctionName'>>;

const present = (input: MappingInput, member: string) => (input as Record<string, unknown>)[member] !== undefined;

/** Refuses members the kind of source does not take, in AWS's words. */
function checkMembers(kind: SourceKind, input: MappingInput): void {
  const destination = input.DestinationConfig;
  // OnSuccess is for Kafka sources only; a queue takes no destination at all (its DLQ is the queue's redrive policy).
  if (destination?.OnSuccess !== undefined || (kind === 'sqs' && destination?.OnFailure?.Destination)) {
    throw MappingErrors.unsupportedMember('DestinationConfig');
  }
  const refused = [...FOREIGN_SOURCE_MEMBERS, ...(kind === 'sqs' ? STREAM_ONLY_MEMBERS : QUEUE_ONLY_MEMBERS)].find(
    (member) => present(input, member),
  );
  if (refused) throw MappingErrors.unsupportedMember(refused);
}

/** StartingPosition and its timestamp (create only): required for streams, refused for queues. */
function startingPosition(
  kind: SourceKind,
  eventSourceArn: string,
  input: MappingInput,
): Pick<MappingSettings, 'StartingPosition' | 'StartingPositionTimestamp'> {
  const position = input.StartingPosition;
  const timestamp = input.StartingPositionTimestamp;
  if (kind === 'sqs') {
    if (position !== undefined || timestamp !== undefined) throw MappingErrors.startingPositionForQueue();
    return {};
  }
  if (position === undefined) throw MappingErrors.startingPositionMissing();
  if (position === 'AT_TIMESTAMP' && kind === 'dynamodb') throw MappingErrors.startingPositionForArn(eventSourceArn);
  if (timestamp !== undefined && position !== 'AT_TIMESTAMP') throw MappingErrors.timestampWithoutAtTimestamp();
  if (position === 'AT_TIMESTAMP') {
    if (timestamp === undefined) throw MappingErrors.atTimestampWithoutTimestamp();
    return { StartingPosition: position, StartingPositionTimestamp: new Date(timestamp).getTime() };
  }
  return { StartingPosition: position };
}

function defaults(kind: SourceKind): MappingSettings {
  const common = { BatchSize: BATCH_SIZE_DEFAULT[kind], MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [] };
  return isStream(kind) ? { ...common, ...STREAM_DEFAULTS, DestinationConfig: { OnFailure: {} } } : common;
}

/** `arn:partition:service:...` -> service. */
function arnService(arn: string): string | undefined {
  return /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):/.exec(arn)?.[1];
}

/** Sets `member` from the input when given; an empty value clears it (AWS's way to remove filters, KMS keys ...). */
function assignOptional<K extends keyof MappingSettings>(
  settings: MappingSettings,
  member: K,
  value: MappingSettings[K] | undefined,
  empty: (v: NonNullable<MappingSettings[K]>) => boolean,
): void {
  if (value === undefined || value === null) return;
  if (empty(value as NonNullable<MappingSettings[K]>)) delete settings[member];
  else settings[member] = value;
}

/**
 * The settings a Create (`current` undefined) or Update (`current` the mapping's) leads to, or
 * AWS's InvalidParameterValueException for the first rule broken.
 */
export function resolveSettings(
  kind: SourceKind,
  eventSourceArn: string,
  input: MappingInput,
  current?: MappingSettings,
): MappingSettings {
  checkMembers(kind, input);
  const settings: MappingSettings = current
    ? structuredClone(current)
    : { ...defaults(kind), ...startingPosition(kind, eventSourceArn, input) };

  const scalars = [
    'BatchSize',
    'MaximumBatchingWindowInSeconds',
    'ParallelizationFactor',
    'MaximumRecordAgeInSeconds',
    'BisectBatchOnFunctionError',
    'MaximumRetryAttempts',
    'TumblingWindowInSeconds',
    'FunctionResponseTypes',
  ] as const;
  for (const member of scalars) {
    const value = input[member];
    if (value !== undefined && value !== null) (settings as Record<string, unknown>)[member] = value;
  }

  const filters = input.FilterCriteria?.Filters;
  if (filters?.length) checkFilters(filters);
  assignOptional(settings, 'FilterCriteria', input.FilterCriteria, (c) => !c.Filters?.length);

  if (isStream(kind) && input.DestinationConfig !== undefined) {
    const destination = input.DestinationConfig.OnFailure?.Destination;
    if (destination && !ON_FAILURE_SERVICES.has(arnService(destination) ?? '')) {
      throw MappingErrors.invalidOnFailure(destination);
    }
    settings.DestinationConfig = { OnFailure: destination ? { Destination: destination } : {} };
  }
  assignOptional(settings, 'ScalingConfig', input.ScalingConfig, (c) => c.MaximumConcurrency === undefined);
  assignOptional(settings, 'KMSKeyArn', input.KMSKeyArn, (arn) => arn === '');
  assignOptional(settings, 'MetricsConfig', input.MetricsConfig, (c) => !c.Metrics?.length);
  assignOptional(settings, 'LoggingConfig', input.LoggingConfig, (c) => c.SystemLogLevel === undefined);

  const batchSize = settings.BatchSize ?? BATCH_SIZE_DEFAULT[kind];
  if (kind === 'sqs') {
    if (isFifoQueue(eventSourceArn) && batchSize > MAPPING_LIMITS.fifoBatchSizeMax) {
      throw MappingErrors.fifoBatchSize(batchSize);
    }
    if (batchSize > MAPPING_LIMITS.sqsBatchSizeWithoutWindow && !settings.MaximumBatchingWindowInSeconds) {
      throw MappingErrors.batchWindowRequired();
    }
  }
  const age = settings.MaximumRecordAgeInSeconds;
  if (age !== undefined && age !== -1 && age < MAPPING_LIMITS.recordAgeMin) throw MappingErrors.recordAge();
  return settings;
}
