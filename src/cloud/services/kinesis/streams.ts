/** Streams: create, delete, describe, list, and the account's limits. */
import type {
  CreateStreamInput,
  DeleteStreamInput,
  DescribeLimitsOutput,
  DescribeStreamInput,
  DescribeStreamOutput,
  DescribeStreamSummaryInput,
  DescribeStreamSummaryOutput,
  ListStreamsInput,
  ListStreamsOutput,
  MetricsName,
  StreamDescription,
} from '@aws-sdk/client-kinesis';
import type { Handler } from '../../service.js';
import {
  invalidArgument,
  onDemandStreamLimitExceeded,
  shardLimitExceeded,
  streamExists,
  tooManyStreamsInTransition,
} from './errors.js';
import { evenRanges } from './hash-keys.js';
import type { KinesisService, Scope } from './kinesis-service.js';
import { KINESIS_LIMITS } from './limits.js';
import { shardIndexOf } from './sequence-numbers.js';
import type { StreamMode, StreamRow } from './state.js';
import { checkTags } from './tags.js';

export function streamHandlers(service: KinesisService): Record<string, Handler> {
  const { state } = service;
  const settings = service.context.kinesis;

  /** The fields DescribeStream and DescribeStreamSummary share. */
  function describeCommon(stream: StreamRow) {
    return {
      StreamName: stream.name,
      StreamARN: service.arn(stream),
      StreamStatus: stream.status,
      StreamModeDetails: { StreamMode: stream.mode },
      RetentionPeriodHours: stream.retention_hours,
      StreamCreationTimestamp: new Date(stream.created_at),
      EnhancedMonitoring: [{ ShardLevelMetrics: JSON.parse(stream.shard_metrics) as MetricsName[] }],
      EncryptionType: stream.encryption_type as 'NONE' | 'KMS',
      ...(stream.key_id !== null ? { KeyId: stream.key_id } : {}),
    } satisfies Partial<StreamDescription>;
  }

  return {
    CreateStream(input: CreateStreamInput, ctx: Scope): Record<string, never> {
      const name = input.StreamName as string;
      const mode: StreamMode =
        input.StreamModeDetails?.StreamMode ?? (input.ShardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
      if (mode === 'ON_DEMAND' && input.ShardCount !== undefined) {
        throw invalidArgument('ShardCount must not be specified for a stream in ON_DEMAND mode.');
      }
      if (mode === 'PROVISIONED' && input.ShardCount === undefined) {
        throw invalidArgument('ShardCount must be specified for a stream in PROVISIONED mode.');
      }
      const shardCount = input.ShardCount ?? KINESIS_LIMITS.onDemandShardCount;
      const tags = input.Tags ?? {};
      checkTags(name, ctx.accountId, tags, {});
      const now = service.now();
      state.transaction(() => {
        if (service.find(ctx.accountId, ctx.region, name)) throw streamExists(name, ctx.accountId);
        if (state.transitioningCount(ctx.accountId, ctx.region, now) >= settings.streamsInTransitionLimit) {
          throw tooManyStreamsInTransition(ctx.accountId, settings.streamsInTransitionLimit);
        }
        const usage = service.usage(ctx);
        if (mode === 'ON_DEMAND' && usage.onDemandStreams >= settings.onDemandStreamLimit) {
          throw onDemandStreamLimitExceeded(ctx.accountId, ctx.region, settings.onDemandStreamLimit);
        }
        if (usage.openShards + shardCount > settings.shardLimit) {
          throw shardLimitExceeded(ctx.accountId, ctx.region, usage.openShards, settings.shardLimit, shardCount);
        }
        state.insertStream(
          {
            accountId: ctx.accountId,
            region: ctx.region,
            name,
            createdAt: now,
            statusUntil: now + settings.transitionMs,
            mode,
            retentionHours: KINESIS_LIMITS.minRetentionHours,
            maxRecordKiB: input.MaxRecordSizeInKiB ?? KINESIS_LIMITS.defaultMaxRecordKiB,
            tags,
          },
          evenRanges(shardCount).map((range) => ({ range })),
        );
      });
      return {};
    },

    DeleteStream(input: DeleteStreamInput, ctx: Scope): Record<string, never> {
      state.transaction(() => {
        const stream = service.stream(ctx, input);
        if (stream.status === 'DELETING') return;
        if (
          state.transitioningCount(stream.account_id, stream.region, service.now()) >= settings.streamsInTransitionLimit
        ) {
          throw tooManyStreamsInTransition(stream.account_id, settings.streamsInTransitionLimit);
        }
        service.beginTransition(stream, 'DELETING');
      });
      return {};
    },

    DescribeStream(input: DescribeStreamInput, ctx: Scope): DescribeStreamOutput {
      const stream = service.stream(ctx, input);
      const limit = Math.min(input.Limit ?? KINESIS_LIMITS.describeStreamShards, KINESIS_LIMITS.describeStreamShards);
      const startAfter =
        input.ExclusiveStartShardId === undefined ? -1 : (shardIndexOf(input.ExclusiveStartShardId) ?? -1);
      const shards = service.visibleShards(stream).filter((shard) => shard.shard_index > startAfter);
      return {
        StreamDescription: {
          ...describeCommon(stream),
          Shards: shards.slice(0, limit).map((shard) => service.describeShard(shard)),
          HasMoreShards: shards.length > limit,
        },
      };
    },

    DescribeStreamSummary(input: DescribeStreamSummaryInput, ctx: Scope): DescribeStreamSummaryOutput {
      const stream = service.stream(ctx, input);
      const open = service.visibleShards(stream).filter((shard) => shard.closed_counter === null).length;
      return {
        StreamDescriptionSummary: {
          ...describeCommon(stream),
          OpenShardCount: open,
          ConsumerCount: 0,
          MaxRecordSizeInKiB: stream.max_record_kib,
        },
      };
    },

    ListStreams(input: ListStreamsInput, ctx: Scope): ListStreamsOutput {
      service.settleAll(ctx);
      const limit = Math.min(input.Limit ?? KINESIS_LIMITS.listStreamsPage, KINESIS_LIMITS.listStreamsPage);
      const after =
        input.NextToken !== undefined ? decodeStreamsToken(input.NextToken) : input.ExclusiveStartStreamName;
      const rows = state.listStreams(ctx.accountId, ctx.region, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const more = rows.length > limit;
      return {
        StreamNames: page.map((row) => row.name),
        HasMoreStreams: more,
        ...(more && last ? { NextToken: Buffer.from(last.name).toString('base64url') } : {}),
        StreamSummaries: page.map((row) => ({
          StreamName: row.name,
          StreamARN: service.arn(row),
          StreamStatus: row.status,
          StreamModeDetails: { StreamMode: row.mode },
          StreamCreationTimestamp: new Date(row.created_at),
        })),
      };
    },

    DescribeLimits(_input: unknown, ctx: Scope): DescribeLimitsOutput {
      const usage = service.usage(ctx);
      return {
        ShardLimit: settings.shardLimit,
        OpenShardCount: usage.openShards,
        OnDemandStreamCount: usage.onDemandStreams,
        OnDemandStreamCountLimit: settings.onDemandStreamLimit,
      };
    },
  };
}

function decodeStreamsToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(name)) throw invalidArgument(`Invalid NextToken: ${token}`);
  return name;
}
