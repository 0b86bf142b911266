/**
 * KinesisStreams: the in-process reader for event source pollers (Lambda's Kinesis mappings). It
 * describes a stream by ARN and reads one shard from a position, through the same functions the
 * GetShardIterator / GetRecords handlers use, without iterators or HTTP. Positions are sequence
 * numbers: a batch's `position` is where the next read continues (AFTER_SEQUENCE_NUMBER).
 */
import { shardDoesNotExist, streamNotFound } from './errors.js';
import { type KinesisService, sequenceNumber } from './kinesis-service.js';
import { shardIdOf, shardIndexOf } from './sequence-numbers.js';
import type { StreamStatus } from './state.js';

export type ReadFrom =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'AT_TIMESTAMP'; timestamp: Date };

export interface ShardInfo {
  shardId: string;
  parentShardId?: string;
  adjacentParentShardId?: string;
  hashKeyRange: { startingHashKey: string; endingHashKey: string };
  startingSequenceNumber: string;
  /** Set once the shard is closed (split or merged): its last sequence number. */
  endingSequenceNumber?: string;
}

export interface StreamInfo {
  streamArn: string;
  streamName: string;
  status: StreamStatus;
  retentionPeriodHours: number;
  /** All shards, open and closed, in shard id order. */
  shards: ShardInfo[];
}

export interface ShardRecord {
  sequenceNumber: string;
  partitionKey: string;
  data: Buffer;
  approximateArrivalTimestamp: Date;
}

export interface ShardBatch {
  records: ShardRecord[];
  /** Where the next read continues (as AFTER_SEQUENCE_NUMBER): the last record's number, or where this read started. */
  position: string;
  millisBehindLatest: number;
  /** The shard is closed and everything in it has been read: move on to `childShardIds`. */
  shardEnded: boolean;
  childShardIds: string[];
}

export class KinesisStreams {
  constructor(private readonly service: KinesisService) {}

  /** The stream at `streamArn` with its shards, or undefined when there is none (or it is being deleted). */
  describe(streamArn: string): StreamInfo | undefined {
    const stream = this.service.findByArn(streamArn);
    if (!stream || stream.status === 'DELETING') return undefined;
    return {
      streamArn: this.service.arn(stream),
      streamName: stream.name,
      status: stream.status,
      retentionPeriodHours: stream.retention_hours,
      shards: this.service.visibleShards(stream).map((shard) => {
        const described = this.service.describeShard(shard);
        return {
          shardId: described.ShardId as string,
          ...(described.ParentShardId ? { parentShardId: described.ParentShardId } : {}),
          ...(described.AdjacentParentShardId ? { adjacentParentShardId: described.AdjacentParentShardId } : {}),
          hashKeyRange: {
            startingHashKey: described.HashKeyRange?.StartingHashKey as string,
            endingHashKey: described.HashKeyRange?.EndingHashKey as string,
          },
          startingSequenceNumber: described.SequenceNumberRange?.StartingSequenceNumber as string,
          ...(described.SequenceNumberRange?.EndingSequenceNumber
            ? { endingSequenceNumber: described.SequenceNumberRange.EndingSequenceNumber }
            : {}),
        };
      }),
    };
  }

  /**
   * Up to `limit` records of one shard from `from` (GetRecords' limits apply). Throws AwsError
   * ResourceNotFoundException when the stream or shard is gone, InvalidArgumentException for a
   * sequence number of another shard.
   */
  read(streamArn: string, shardId: string, from: ReadFrom, limit: number): ShardBatch {
    const stream = this.service.findByArn(streamArn);
    if (!stream || stream.status === 'DELETING') throw streamNotFound(streamArn, '');
    const index = shardIndexOf(shardId);
    const shard = index === undefined ? undefined : this.service.state.shard(stream.id, index);
    if (!shard) throw shardDoesNotExist(shardId, stream.name, stream.account_id);
    const after = this.service.startAfter(
      stream,
      shard,
      from.type,
      'sequenceNumber' in from ? from.sequenceNumber : undefined,
      'timestamp' in from ? from.timestamp : undefined,
    );
    const read = this.service.read(stream, shard, after, limit);
    return {
      records: read.records.map((record) => ({
        sequenceNumber: sequenceNumber(shard, record.counter),
        partitionKey: record.partition_key,
        data: record.data,
        approximateArrivalTimestamp: new Date(record.arrival),
      })),
      position: sequenceNumber(shard, read.after),
      millisBehindLatest: read.millisBehindLatest,
      shardEnded: read.shardEnded,
      childShardIds: read.shardEnded
        ? this.service.childShards(stream, shard).map((child) => child.ShardId as string)
        : [],
    };
  }

  /** Whether a shard is closed and nothing is left after `position` (a sequence number a batch returned). */
  isShardFinished(streamArn: string, shardId: string, position: string): boolean {
    return this.read(streamArn, shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: position }, 1).shardEnded;
  }

  /** The shard id of an index, for callers that enumerate. */
  static shardId(index: number): string {
    return shardIdOf(index);
  }
}
