/**
 * Reading DynamoDB streams by ARN, for the Streams API handlers and for in-process consumers
 * (event source mapping pollers): describe a stream and its shard, and read records after a
 * sequence number. Sequence numbers are the records' global insertion order, written as 21-digit
 * decimal strings so that string order and numeric order agree (AWS's are 21 to 40 digits).
 */
import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type {
  StreamDescription,
  _Record as StreamRecord,
  StreamStatus,
  StreamViewType,
} from '@aws-sdk/client-dynamodb-streams';
import { itemFromJson } from '../attribute-values.js';
import type { StoredStreamRecord } from '../item-writer.js';
import type { DynamoDbState, StreamRow } from '../state.js';

const SEQUENCE_BASE = 10n ** 20n;

export function formatSequence(seq: number): string {
  return (SEQUENCE_BASE + BigInt(seq)).toString();
}

/** The record position a sequence number names, or undefined when it is not one of ours. */
export function parseSequence(text: string): number | undefined {
  if (!/^\d{21,40}$/.test(text)) return undefined;
  const value = BigInt(text) - SEQUENCE_BASE;
  return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

export interface ShardPosition {
  stream: StreamRow;
  /** Records strictly after this position are next. */
  after: number;
}

export interface ShardRead {
  records: StreamRecord[];
  /** The position after the last record returned (or the same when none were). */
  next: number;
  /** The shard is closed (stream disabled) and every record in it has been read. */
  finished: boolean;
}

export class StreamReader {
  constructor(
    private readonly state: DynamoDbState,
    private readonly now: () => number,
  ) {}

  stream(streamArn: string): StreamRow | undefined {
    return this.state.getStream(streamArn);
  }

  status(stream: StreamRow): StreamStatus {
    if (stream.disabled_at !== null) return 'DISABLED';
    return this.now() < stream.enabled_at ? 'ENABLING' : 'ENABLED';
  }

  /** DescribeStream's StreamDescription (one shard per stream). */
  describe(streamArn: string): StreamDescription | undefined {
    const stream = this.stream(streamArn);
    if (!stream) return undefined;
    return {
      StreamArn: stream.arn,
      StreamLabel: stream.label,
      StreamStatus: this.status(stream),
      StreamViewType: stream.view_type as StreamViewType,
      CreationRequestDateTime: new Date(stream.created_at),
      TableName: stream.table_name,
      KeySchema: JSON.parse(stream.key_schema) as KeySchemaElement[],
      Shards: [
        {
          ShardId: stream.shard_id,
          SequenceNumberRange: {
            StartingSequenceNumber: formatSequence(stream.start_seq),
            ...(stream.end_seq !== null ? { EndingSequenceNumber: formatSequence(stream.end_seq) } : {}),
          },
        },
      ],
    };
  }

  /** The position before the oldest record still kept (TRIM_HORIZON). */
  trimHorizon(stream: StreamRow): number {
    const oldest = this.state.oldestRecord(stream.id);
    return (oldest ?? Math.max(stream.start_seq, (this.state.latestRecord(stream.id) ?? 0) + 1)) - 1;
  }

  /** The position after the newest record (LATEST). */
  latest(stream: StreamRow): number {
    return this.state.latestRecord(stream.id) ?? stream.start_seq - 1;
  }

  /** Up to `limit` records after `after`, oldest first, in GetRecords' shape. */
  read(stream: StreamRow, after: number, limit: number): ShardRead {
    const rows = this.state.recordsAfter(stream.id, after, limit);
    const records = rows.map((row): StreamRecord => {
      const stored = JSON.parse(row.record) as StoredStreamRecord;
      return {
        eventID: stored.eventID,
        eventName: stored.eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: stream.region,
        dynamodb: {
          // AWS reports the creation time to the second.
          ApproximateCreationDateTime: new Date(Math.floor(row.created_at / 1000) * 1000),
          Keys: itemFromJson(stored.Keys as never),
          ...(stored.NewImage ? { NewImage: itemFromJson(stored.NewImage as never) } : {}),
          ...(stored.OldImage ? { OldImage: itemFromJson(stored.OldImage as never) } : {}),
          SequenceNumber: formatSequence(row.seq),
          SizeBytes: stored.SizeBytes,
          StreamViewType: stream.view_type as StreamViewType,
        },
        ...(stored.userIdentity
          ? { userIdentity: { PrincipalId: stored.userIdentity.principalId, Type: stored.userIdentity.type } }
          : {}),
      } as StreamRecord;
    });
    const next = rows.length > 0 ? (rows[rows.length - 1] as { seq: number }).seq : after;
    const finished =
      stream.disabled_at !== null &&
      (next >= (stream.end_seq ?? 0) || this.state.recordsAfter(stream.id, next, 1).length === 0);
    return { records, next, finished };
  }
}
