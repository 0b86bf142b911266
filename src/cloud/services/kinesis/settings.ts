/** Stream settings: retention, capacity mode, encryption, enhanced monitoring. */
import type {
  DecreaseStreamRetentionPeriodInput,
  DisableEnhancedMonitoringInput,
  EnableEnhancedMonitoringInput,
  EnhancedMonitoringOutput,
  IncreaseStreamRetentionPeriodInput,
  MetricsName,
  StartStreamEncryptionInput,
  StopStreamEncryptionInput,
  UpdateStreamModeInput,
} from '@aws-sdk/client-kinesis';
import type { Handler } from '../../service.js';
import { invalidArgument, onDemandStreamLimitExceeded } from './errors.js';
import type { KinesisService, Scope } from './kinesis-service.js';
import { KINESIS_LIMITS } from './limits.js';
import type { StreamRow } from './state.js';

const SHARD_LEVEL_METRICS: MetricsName[] = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

export function settingHandlers(service: KinesisService): Record<string, Handler> {
  const { state } = service;

  function activeStream(ctx: Scope, input: { StreamName?: string; StreamARN?: string }): StreamRow {
    const stream = service.stream(ctx, input);
    service.requireActive(stream);
    return stream;
  }

  /** Sets a stream's retention, which `increase` may only raise (or keep) and otherwise only lower. */
  function changeRetention(
    input: IncreaseStreamRetentionPeriodInput | DecreaseStreamRetentionPeriodInput,
    ctx: Scope,
    increase: boolean,
  ): Record<string, never> {
    const stream = activeStream(ctx, input);
    const hours = input.RetentionPeriodHours as number;
    if (hours < KINESIS_LIMITS.minRetentionHours) {
      throw invalidArgument(
        `Minimum allowed retention period is ${KINESIS_LIMITS.minRetentionHours} hours. Requested retention period (${hours} hours) is too short.`,
      );
    }
    if (hours > KINESIS_LIMITS.maxRetentionHours) {
      throw invalidArgument(
        `Maximum allowed retention period is ${KINESIS_LIMITS.maxRetentionHours} hours. Requested retention period (${hours} hours) is too long.`,
      );
    }
    if (increase ? hours < stream.retention_hours : hours > stream.retention_hours) {
      const [relation, other] = increase ? ['shorter', 'Decrease'] : ['longer', 'Increase'];
      throw invalidArgument(
        `Requested retention period (${hours} hours) for stream ${stream.name} can not be ${relation} than existing retention period (${stream.retention_hours} hours). Use ${other}RetentionPeriod API.`,
      );
    }
    state.setRetention(stream.id, hours);
    return {};
  }

  function changeMetrics(stream: StreamRow, requested: MetricsName[], enable: boolean): EnhancedMonitoringOutput {
    const current = JSON.parse(stream.shard_metrics) as MetricsName[];
    const named = requested.includes('ALL') ? SHARD_LEVEL_METRICS : requested;
    const desired = enable
      ? SHARD_LEVEL_METRICS.filter((m) => current.includes(m) || named.includes(m))
      : current.filter((m) => !named.includes(m));
    state.setShardMetrics(stream.id, desired);
    return {
      StreamName: stream.name,
      CurrentShardLevelMetrics: current,
      DesiredShardLevelMetrics: desired,
      StreamARN: service.arn(stream),
    };
  }

  return {
    IncreaseStreamRetentionPeriod(input: IncreaseStreamRetentionPeriodInput, ctx: Scope): Record<string, never> {
      return changeRetention(input, ctx, true);
    },

    DecreaseStreamRetentionPeriod(input: DecreaseStreamRetentionPeriodInput, ctx: Scope): Record<string, never> {
      return changeRetention(input, ctx, false);
    },

    UpdateStreamMode(input: UpdateStreamModeInput, ctx: Scope): Record<string, never> {
      const stream = activeStream(ctx, input);
      const mode = input.StreamModeDetails?.StreamMode as 'PROVISIONED' | 'ON_DEMAND';
      if (mode === 'ON_DEMAND' && stream.mode !== 'ON_DEMAND') {
        const limit = service.context.kinesis.onDemandStreamLimit;
        if (service.usage(ctx).onDemandStreams >= limit)
          throw onDemandStreamLimitExceeded(ctx.accountId, ctx.region, limit);
      }
      state.transaction(() => service.beginTransition(stream, 'UPDATING', { close: [], open: [], mode }));
      return {};
    },

    StartStreamEncryption(input: StartStreamEncryptionInput, ctx: Scope): Record<string, never> {
      const stream = activeStream(ctx, input);
      if (input.EncryptionType !== 'KMS')
        throw invalidArgument('KMS is the only valid EncryptionType for this request.');
      state.transaction(() => {
        state.setEncryption(stream.id, 'KMS', input.KeyId as string);
        service.beginTransition(stream, 'UPDATING');
      });
      return {};
    },

    StopStreamEncryption(input: StopStreamEncryptionInput, ctx: Scope): Record<string, never> {
      const stream = activeStream(ctx, input);
      state.transaction(() => {
        state.setEncryption(stream.id, 'NONE', null);
        service.beginTransition(stream, 'UPDATING');
      });
      return {};
    },

    EnableEnhancedMonitoring(input: EnableEnhancedMonitoringInput, ctx: Scope): EnhancedMonitoringOutput {
      return changeMetrics(activeStream(ctx, input), input.ShardLevelMetrics ?? [], true);
    },

    DisableEnhancedMonitoring(input: DisableEnhancedMonitoringInput, ctx: Scope): EnhancedMonitoringOutput {
      return changeMetrics(activeStream(ctx, input), input.ShardLevelMetrics ?? [], false);
    },
  };
}
