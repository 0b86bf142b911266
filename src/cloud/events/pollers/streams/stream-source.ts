/**
 * What a stream poller needs from a source, the same for a Kinesis stream and a DynamoDB table
 * stream: its shards with their lineage, reads from a position, change notifications, and each
 * record already in the shape the function receives (so filters, batching and the payload limit
 * see exactly what is sent).
 */
import type { EventSourcePosition as StartingPosition } from '@aws-sdk/client-lambda';

export interface SourceShard {
  shardId: string;
  /** The shards this one was split or merged from (empty for a root shard). */
  parentShardIds: string[];
  /** Closed (split, merged, or the table's stream disabled): it gets no new records. */
  closed: boolean;
}

/** Where a shard read continues: after a sequence number, or an unresolved starting position. */
export type ShardPosition =
  | { type: 'AFTER'; sequenceNumber: string }
  | { type: 'TRIM_HORIZON' }
  | { type: 'AT_TIMESTAMP'; timestampMs: number };

export interface SourceRecord {
  sequenceNumber: string;
  /** The key that decides a record's lane under ParallelizationFactor (its order is kept per key). */
  partitionKey: string;
  /** When the record reached the stream (epoch ms), for MaximumRecordAgeInSeconds and tumbling windows. */
  arrivalMs: number;
  /** The record as the function receives it in `Records`. */
  event: Record<string, unknown>;
  /** Bytes of `event` as JSON, for the invoke payload limit. */
  size: number;
}

export interface SourceRead {
  records: SourceRecord[];
  /** Where the next read continues: after the last record returned, or where this read started. */
  next: ShardPosition;
  /** The shard is closed and everything in it has been read. */
  shardEnded: boolean;
}

/** Member names and formats of the on-failure record's batch info, which differ per source. */
export interface BatchInfoFormat {
  key: 'KinesisBatchInfo' | 'DDBStreamBatchInfo';
  /** approximateArrivalOf*Record: Kinesis writes milliseconds, DynamoDB whole seconds. */
  arrival(ms: number): string;
}

export interface StreamSource {
  readonly streamArn: string;
  readonly batchInfo: BatchInfoFormat;
  /** All shards, open and closed; undefined when the stream is gone. */
  shards(): SourceShard[] | undefined;
  /** Where a shard with no checkpoint starts for the mapping's StartingPosition. */
  startAt(shardId: string, start: StartingPosition, timestampMs: number | undefined): ShardPosition;
  /** Up to `limit` records after `from`. Throws when the stream or shard is gone. */
  read(shardId: string, from: ShardPosition, limit: number): SourceRead;
  /** Calls `listener` with the shard after records were appended to it; returns the unsubscribe. */
  onRecords(listener: (shardId: string) => void): () => void;
}

/** A record's size in the payload: its JSON. */
export function eventSize(event: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(event));
}

/** ISO 8601 with milliseconds (`2022-07-13T13:48:01.000Z`). */
export const isoMillis = (ms: number): string => new Date(ms).toISOString();

/** ISO 8601 to the second (`2022-07-13T13:48:01Z`). */
export const isoSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
