/**
 * Shards: ListShards, and resharding (SplitShard, MergeShards, UpdateShardCount). A reshard puts
 * the stream in UPDATING; when that ends the parents close (their EndingSequenceNumber is their
 * last record's) and the children open with ParentShardId / AdjacentParentShardId, so a consumer
 * can finish the parents before it reads the children.
 */
import type {
  ListShardsInput,
  ListShardsOutput,
  MergeShardsInput,
  SplitShardInput,
  UpdateShardCountInput,
  UpdateShardCountOutput,
} from '@aws-sdk/client-kinesis';
import { AwsError } from '../../errors.js';
import type { Handler } from '../../service.js';
import { expiredNextToken, invalidArgument, onDemandStream, shardLimitExceeded, shardNotFound } from './errors.js';
import { evenRanges } from './hash-keys.js';
import type { KinesisService, Scope } from './kinesis-service.js';
import { KINESIS_LIMITS } from './limits.js';
import { shardIdOf, shardIndexOf } from './sequence-numbers.js';
import type { PendingReshard, ShardRow, StreamRow } from './state.js';

interface ShardsToken {
  accountId: string;
  region: string;
  name: string;
  /** The last shard index returned. */
  after: number;
  issuedAt: number;
  filter?: { type: string; shardId?: string | undefined; timestamp?: number | undefined } | undefined;
}

export function shardHandlers(service: KinesisService): Record<string, Handler> {
  const { state } = service;
  const settings = service.context.kinesis;

  function openShard(stream: StreamRow, shardId: string): ShardRow {
    const index = shardIndexOf(shardId);
    const shard = index === undefined ? undefined : state.shard(stream.id, index);
    if (!shard) throw shardNotFound(shardId, stream.name, stream.account_id);
    if (shard.closed_counter !== null) {
      throw invalidArgument(
        `Shard ${shardIdOf(shard.shard_index)} in stream ${stream.name} under account ${stream.account_id} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
    return shard;
  }

  function checkShardLimit(stream: StreamRow, additional: number): void {
    if (additional <= 0) return;
    const usage = service.usage({ accountId: stream.account_id, region: stream.region });
    if (usage.openShards + additional > settings.shardLimit) {
      throw shardLimitExceeded(stream.account_id, stream.region, usage.openShards, settings.shardLimit, additional);
    }
  }

  /** The shards a ListShards filter selects (times in ms; "open at t" includes the first shards for a t before the stream). */
  function filterShards(stream: StreamRow, shards: ShardRow[], filter: ShardsToken['filter']): ShardRow[] {
    if (!filter) return shards;
    const openAt = (t: number) =>
      shards.filter((s) => s.created_at <= Math.max(t, stream.created_at) && (s.closed_at === null || s.closed_at > t));
    const openFrom = (t: number) => shards.filter((s) => s.closed_at === null || s.closed_at > t);
    switch (filter.type) {
      case 'AFTER_SHARD_ID': {
        if (filter.shardId === undefined)
          throw invalidArgument('ShardId must be specified for ShardFilter type AFTER_SHARD_ID.');
        const after = shardIndexOf(filter.shardId) ?? -1;
        return shards.filter((s) => s.shard_index > after);
      }
      case 'AT_TRIM_HORIZON':
        return openAt(service.retentionCutoff(stream));
      case 'FROM_TRIM_HORIZON':
        return openFrom(service.retentionCutoff(stream));
      case 'AT_LATEST':
        return shards.filter((s) => s.closed_counter === null);
      case 'AT_TIMESTAMP':
      case 'FROM_TIMESTAMP': {
        if (filter.timestamp === undefined) {
          throw invalidArgument(`Timestamp must be specified for ShardFilter type ${filter.type}.`);
        }
        return filter.type === 'AT_TIMESTAMP' ? openAt(filter.timestamp) : openFrom(filter.timestamp);
      }
      default:
        return shards;
    }
  }

  function beginReshard(stream: StreamRow, reshard: PendingReshard): void {
    state.transaction(() => service.beginTransition(stream, 'UPDATING', reshard));
  }

  return {
    ListShards(input: ListShardsInput, ctx: Scope): ListShardsOutput {
      const named = input.StreamName !== undefined || input.StreamARN !== undefined;
      if (named && input.NextToken !== undefined) {
        throw invalidArgument('NextToken and StreamName cannot be provided together.');
      }
      if (!named && input.NextToken === undefined) {
        throw invalidArgument('Either NextToken or StreamName should be provided.');
      }
      let token: ShardsToken;
      if (input.NextToken !== undefined) {
        token = decodeShardsToken(input.NextToken);
        if (service.now() - token.issuedAt > KINESIS_LIMITS.listShardsTokenTtlMs) throw expiredNextToken();
      } else {
        const scope = service.scopeOf(ctx, input);
        const filter = input.ShardFilter;
        token = {
          ...scope,
          after: -1,
          issuedAt: service.now(),
          ...(filter
            ? {
                filter: {
                  type: filter.Type as string,
                  shardId: filter.ShardId,
                  timestamp: filter.Timestamp?.getTime(),
                },
              }
            : {}),
        };
      }
      const stream = service.stream(token, { StreamName: token.name });
      const limit = Math.min(input.MaxResults ?? KINESIS_LIMITS.listShardsPage, KINESIS_LIMITS.listShardsPage);
      const shards = filterShards(stream, service.visibleShards(stream), token.filter).filter(
        (s) => s.shard_index > token.after,
      );
      const page = shards.slice(0, limit);
      const last = page[page.length - 1];
      return {
        Shards: page.map((shard) => service.describeShard(shard)),
        ...(shards.length > limit && last
          ? { NextToken: encodeShardsToken({ ...token, after: last.shard_index, issuedAt: service.now() }) }
          : {}),
      };
    },

    SplitShard(input: SplitShardInput, ctx: Scope): Record<string, never> {
      const stream = service.stream(ctx, input);
      service.requireActive(stream);
      const shard = openShard(stream, input.ShardToSplit as string);
      checkShardLimit(stream, 1);
      const start = BigInt(shard.hash_start);
      const end = BigInt(shard.hash_end);
      const key = BigInt(input.NewStartingHashKey as string);
      if (key <= start + 1n || key >= end) {
        throw invalidArgument(
          `NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shardIdOf(shard.shard_index)} in stream ${stream.name} under account ${stream.account_id} is not both greater than one plus the shard's StartingHashKey ${shard.hash_start} and less than the shard's EndingHashKey ${shard.hash_end}.`,
        );
      }
      beginReshard(stream, {
        close: [shard.shard_index],
        open: [
          { start: shard.hash_start, end: (key - 1n).toString(), parentIndex: shard.shard_index },
          { start: key.toString(), end: shard.hash_end, parentIndex: shard.shard_index },
        ],
      });
      return {};
    },

    MergeShards(input: MergeShardsInput, ctx: Scope): Record<string, never> {
      const stream = service.stream(ctx, input);
      service.requireActive(stream);
      const shard = openShard(stream, input.ShardToMerge as string);
      const adjacent = openShard(stream, input.AdjacentShardToMerge as string);
      const [low, high] =
        BigInt(shard.hash_start) < BigInt(adjacent.hash_start) ? [shard, adjacent] : [adjacent, shard];
      if (BigInt(low.hash_end) + 1n !== BigInt(high.hash_start)) {
        throw invalidArgument(
          `Shards ${shardIdOf(shard.shard_index)} and ${shardIdOf(adjacent.shard_index)} in stream ${stream.name} under account ${stream.account_id} are not an adjacent pair of shards eligible for merging`,
        );
      }
      beginReshard(stream, {
        close: [shard.shard_index, adjacent.shard_index],
        open: [
          {
            start: low.hash_start,
            end: high.hash_end,
            parentIndex: shard.shard_index,
            adjacentParentIndex: adjacent.shard_index,
          },
        ],
      });
      return {};
    },

    UpdateShardCount(input: UpdateShardCountInput, ctx: Scope): UpdateShardCountOutput {
      const stream = service.stream(ctx, input);
      service.requireActive(stream);
      if (stream.mode === 'ON_DEMAND') throw onDemandStream(stream.name, stream.account_id);
      const open = state.shards(stream.id).filter((s) => s.closed_counter === null);
      const target = input.TargetShardCount as number;
      if (target > open.length * 2) {
        throw new AwsError(
          'LimitExceededException',
          `UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${open.length} Target shard count: ${target}`,
        );
      }
      if (target < Math.ceil(open.length / 2)) {
        throw new AwsError(
          'LimitExceededException',
          `UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${open.length} Target shard count: ${target}`,
        );
      }
      if (target > KINESIS_LIMITS.maxShardsPerStream) {
        throw new AwsError(
          'LimitExceededException',
          `UpdateShardCount cannot scale up to more than ${KINESIS_LIMITS.maxShardsPerStream} shards in a stream.`,
        );
      }
      checkShardLimit(stream, target - open.length);
      const owner = (key: bigint) => open.find((s) => BigInt(s.hash_start) <= key && key <= BigInt(s.hash_end));
      beginReshard(stream, {
        close: open.map((s) => s.shard_index),
        // Uniform scaling: the new shards split the space evenly; each names the old shards at its two ends as parents.
        open: evenRanges(target).map((range) => {
          const first = owner(range.start)?.shard_index;
          const last = owner(range.end)?.shard_index;
          return {
            start: range.start.toString(),
            end: range.end.toString(),
            parentIndex: first,
            adjacentParentIndex: last !== first ? last : undefined,
          };
        }),
      });
      return {
        StreamName: stream.name,
        CurrentShardCount: open.length,
        TargetShardCount: target,
        StreamARN: service.arn(stream),
      };
    },
  };
}

function encodeShardsToken(token: ShardsToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeShardsToken(value: string): ShardsToken {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as ShardsToken;
    if (typeof token.name === 'string' && typeof token.after === 'number' && typeof token.issuedAt === 'number') {
      return token;
    }
  } catch {
    // Falls through to the error below.
  }
  throw invalidArgument(`Invalid NextToken: ${value}`);
}
