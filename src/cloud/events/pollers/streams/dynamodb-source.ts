/**
 * A DynamoDB table's stream as a poller source, read through the in-process StreamReader (one
 * shard per stream). Records take the shape of Lambda's DynamoDB event: attribute values in their
 * JSON wire form (binary as base64), `ApproximateCreationDateTime` in epoch seconds, and a TTL
 * deletion's `userIdentity` as `{ type, principalId }`.
 */
import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { EventSourcePosition as StartingPosition } from '@aws-sdk/client-lambda';
import type { ChangeEvents } from '../../../change-events.js';
import { type Item, itemToJson } from '../../../services/dynamodb/attribute-values.js';
import type { StreamRow } from '../../../services/dynamodb/state.js';
import { formatSequence, parseSequence, type StreamReader } from '../../../services/dynamodb/streams/stream-reader.js';
import {
  eventSize,
  isoSeconds,
  type ShardPosition,
  type SourceRead,
  type SourceRecord,
  type SourceShard,
  type StreamSource,
} from './stream-source.js';

export class DynamoDbSource implements StreamSource {
  readonly batchInfo = { key: 'DDBStreamBatchInfo', arrival: isoSeconds } as const;
  /** The table's partition key attribute, once read from the stream's key schema. */
  private hashKey: { name: string | undefined } | undefined;

  constructor(
    private readonly reader: StreamReader,
    private readonly events: ChangeEvents,
    readonly streamArn: string,
  ) {}

  private stream(): StreamRow {
    const stream = this.reader.stream(this.streamArn);
    if (!stream) throw new Error(`the stream ${this.streamArn} does not exist`);
    return stream;
  }

  shards(): SourceShard[] | undefined {
    const shard = this.reader.describe(this.streamArn)?.Shards?.[0];
    if (!shard?.ShardId) return undefined;
    return [
      {
        shardId: shard.ShardId,
        parentShardIds: [],
        closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      },
    ];
  }

  startAt(_shardId: string, start: StartingPosition): ShardPosition {
    if (start === 'LATEST') return { type: 'AFTER', sequenceNumber: formatSequence(this.reader.latest(this.stream())) };
    return { type: 'TRIM_HORIZON' };
  }

  read(_shardId: string, from: ShardPosition, limit: number): SourceRead {
    const stream = this.stream();
    const after = from.type === 'AFTER' ? (parseSequence(from.sequenceNumber) ?? 0) : this.reader.trimHorizon(stream);
    const read = this.reader.read(stream, after, limit);
    // The stream's key schema is fixed when the stream is created: parsed on the first read only.
    this.hashKey ??= {
      name: (JSON.parse(stream.key_schema) as KeySchemaElement[]).find((k) => k.KeyType === 'HASH')?.AttributeName,
    };
    const hashKey = this.hashKey.name;
    return {
      records: read.records.map((record) => this.toRecord(record, hashKey)),
      next: { type: 'AFTER', sequenceNumber: formatSequence(read.next) },
      shardEnded: read.finished,
    };
  }

  onRecords(listener: (shardId: string) => void): () => void {
    return this.events.on('dynamodb.stream-records', (event) => {
      if (event.streamArn === this.streamArn) listener(event.shardId);
    });
  }

  private toRecord(record: StreamRecord, hashKey: string | undefined): SourceRecord {
    const data = record.dynamodb ?? {};
    const createdMs = data.ApproximateCreationDateTime?.getTime() ?? 0;
    const keys = itemToJson((data.Keys ?? {}) as Item);
    const event: Record<string, unknown> = {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion,
      dynamodb: {
        ApproximateCreationDateTime: createdMs / 1000,
        Keys: keys,
        ...(data.NewImage ? { NewImage: itemToJson(data.NewImage as Item) } : {}),
        ...(data.OldImage ? { OldImage: itemToJson(data.OldImage as Item) } : {}),
        SequenceNumber: data.SequenceNumber,
        SizeBytes: data.SizeBytes,
        StreamViewType: data.StreamViewType,
      },
      ...(record.userIdentity
        ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
        : {}),
      eventSourceARN: this.streamArn,
    };
    return {
      sequenceNumber: data.SequenceNumber ?? '',
      // Order is kept per partition key, as the table's items are partitioned.
      partitionKey: JSON.stringify(hashKey === undefined ? keys : keys[hashKey]),
      arrivalMs: createdMs,
      event,
      size: eventSize(event),
    };
  }
}
