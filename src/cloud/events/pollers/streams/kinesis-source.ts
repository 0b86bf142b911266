/**
 * A Kinesis stream as a poller source, read through the in-process KinesisStreams reader. Records
 * take the shape of Lambda's Kinesis event (`kinesis.data` base64, `approximateArrivalTimestamp` in
 * epoch seconds with milliseconds, `eventID` `shardId:sequenceNumber`, the function's role as
 * `invokeIdentityArn`).
 */
import type { EventSourcePosition as StartingPosition } from '@aws-sdk/client-lambda';
import type { ChangeEvents } from '../../../change-events.js';
import type { KinesisStreams, ReadFrom, ShardRecord } from '../../../services/kinesis/reader.js';
import {
  eventSize,
  isoMillis,
  type ShardPosition,
  type SourceRead,
  type SourceRecord,
  type SourceShard,
  type StreamSource,
} from './stream-source.js';

export interface EventContext {
  region: string;
  /** The function's execution role (the event's invokeIdentityArn), as known now. */
  roleArn(): string;
}

function readFrom(position: ShardPosition): ReadFrom {
  switch (position.type) {
    case 'AFTER':
      return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: position.sequenceNumber };
    case 'TRIM_HORIZON':
      return { type: 'TRIM_HORIZON' };
    case 'AT_TIMESTAMP':
      return { type: 'AT_TIMESTAMP', timestamp: new Date(position.timestampMs) };
  }
}

export class KinesisSource implements StreamSource {
  readonly batchInfo = { key: 'KinesisBatchInfo', arrival: isoMillis } as const;

  constructor(
    private readonly reader: KinesisStreams,
    private readonly events: ChangeEvents,
    readonly streamArn: string,
    private readonly context: EventContext,
  ) {}

  shards(): SourceShard[] | undefined {
    return this.reader.describe(this.streamArn)?.shards.map((shard) => ({
      shardId: shard.shardId,
      parentShardIds: [shard.parentShardId, shard.adjacentParentShardId].filter((id): id is string => !!id),
      closed: shard.endingSequenceNumber !== undefined,
    }));
  }

  startAt(shardId: string, start: StartingPosition, timestampMs: number | undefined): ShardPosition {
    if (start === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestampMs: timestampMs ?? 0 };
    if (start === 'LATEST') {
      // Resolved now: records written from here on are the mapping's.
      return {
        type: 'AFTER',
        sequenceNumber: this.reader.read(this.streamArn, shardId, { type: 'LATEST' }, 1).position,
      };
    }
    return { type: 'TRIM_HORIZON' };
  }

  read(shardId: string, from: ShardPosition, limit: number): SourceRead {
    const batch = this.reader.read(this.streamArn, shardId, readFrom(from), limit);
    return {
      records: batch.records.map((record) => this.toRecord(shardId, record)),
      next: { type: 'AFTER', sequenceNumber: batch.position },
      shardEnded: batch.shardEnded,
    };
  }

  onRecords(listener: (shardId: string) => void): () => void {
    return this.events.on('kinesis.records', (event) => {
      if (event.streamArn === this.streamArn) listener(event.shardId);
    });
  }

  private toRecord(shardId: string, record: ShardRecord): SourceRecord {
    const arrivalMs = record.approximateArrivalTimestamp.getTime();
    const event = {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey,
        sequenceNumber: record.sequenceNumber,
        data: record.data.toString('base64'),
        approximateArrivalTimestamp: arrivalMs / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: this.context.roleArn(),
      awsRegion: this.context.region,
      eventSourceARN: this.streamArn,
    };
    return {
      sequenceNumber: record.sequenceNumber,
      partitionKey: record.partitionKey,
      arrivalMs,
      event,
      size: eventSize(event),
    };
  }
}
