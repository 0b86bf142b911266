/** Records: PutRecord, PutRecords, GetShardIterator, GetRecords. */
import type {
  GetRecordsInput,
  GetRecordsOutput,
  GetShardIteratorInput,
  GetShardIteratorOutput,
  PutRecordInput,
  PutRecordOutput,
  PutRecordsInput,
  PutRecordsOutput,
  ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { Handler } from '../../service.js';
import {
  dataTooLarge,
  expiredIterator,
  invalidArgument,
  provisionedThroughputExceeded,
  shardDoesNotExist,
  shardRateExceededMessage,
} from './errors.js';
import { type KinesisService, type NewRecord, type Scope, sequenceNumber } from './kinesis-service.js';
import { KINESIS_LIMITS } from './limits.js';
import { shardIdOf, shardIndexOf } from './sequence-numbers.js';
import type { StreamRow } from './state.js';

export function recordHandlers(service: KinesisService): Record<string, Handler> {
  const { state } = service;

  function checkRecord(stream: StreamRow, record: NewRecord, path: string): void {
    const maxBytes = stream.max_record_kib * 1024;
    if (record.data.length > maxBytes) throw dataTooLarge(`${path}data`, maxBytes);
  }

  function writableStream(ctx: Scope, input: { StreamName?: string; StreamARN?: string }): StreamRow {
    const stream = service.stream(ctx, input);
    service.requireReadable(stream);
    return stream;
  }

  return {
    PutRecord(input: PutRecordInput, ctx: Scope): PutRecordOutput {
      const stream = writableStream(ctx, input);
      const record: NewRecord = {
        partitionKey: input.PartitionKey as string,
        explicitHashKey: input.ExplicitHashKey,
        data: Buffer.from(input.Data as Uint8Array),
      };
      checkRecord(stream, record, '');
      if (input.SequenceNumberForOrdering !== undefined) {
        // Records of a shard are already in arrival order here; the value only has to be one of ours.
        if (!/^49\d{54}$/.test(input.SequenceNumberForOrdering)) {
          throw invalidArgument(
            `ExclusiveMinimumSequenceNumber ${input.SequenceNumberForOrdering} used in PutRecord on stream ${stream.name} under account ${stream.account_id} is invalid.`,
          );
        }
      }
      const [result] = service.append(stream, [record]);
      if (!result || result.throttled) {
        throw provisionedThroughputExceeded(result?.shardId ?? '', stream.name, stream.account_id);
      }
      return {
        ShardId: result.shardId,
        SequenceNumber: result.sequenceNumber,
        EncryptionType: stream.encryption_type as 'NONE' | 'KMS',
      };
    },

    PutRecords(input: PutRecordsInput, ctx: Scope): PutRecordsOutput {
      const stream = writableStream(ctx, input);
      const entries = input.Records ?? [];
      let total = 0;
      const records = entries.map((entry, i): NewRecord => {
        const record = {
          partitionKey: entry.PartitionKey as string,
          explicitHashKey: entry.ExplicitHashKey,
          data: Buffer.from(entry.Data as Uint8Array),
        };
        checkRecord(stream, record, `records.${i + 1}.member.`);
        total += record.data.length + Buffer.byteLength(record.partitionKey);
        return record;
      });
      if (total > KINESIS_LIMITS.putRecordsMaxBytes) throw invalidArgument('Records size exceeds 5 MB limit');
      const results = service.append(stream, records);
      return {
        FailedRecordCount: results.filter((r) => r.throttled).length,
        Records: results.map((r) =>
          r.throttled
            ? {
                ErrorCode: 'ProvisionedThroughputExceededException',
                ErrorMessage: shardRateExceededMessage(r.shardId, stream.name, stream.account_id),
              }
            : { ShardId: r.shardId, SequenceNumber: r.sequenceNumber },
        ),
        EncryptionType: stream.encryption_type as 'NONE' | 'KMS',
      };
    },

    GetShardIterator(input: GetShardIteratorInput, ctx: Scope): GetShardIteratorOutput {
      const stream = service.stream(ctx, input);
      const shardId = input.ShardId as string;
      const index = shardIndexOf(shardId);
      if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') {
        throw shardDoesNotExist(index === undefined ? shardId : shardIdOf(index), stream.name, stream.account_id);
      }
      const shard = service.shardFor(stream, shardId, index);
      const after = service.startAfter(
        stream,
        shard,
        input.ShardIteratorType as ShardIteratorType,
        input.StartingSequenceNumber,
        input.Timestamp,
      );
      return {
        ShardIterator: service.iterators.encode({
          streamId: stream.id,
          streamName: stream.name,
          shardIndex: shard.shard_index,
          after,
          issuedAt: service.now(),
        }),
      };
    },

    GetRecords(input: GetRecordsInput, ctx: Scope): GetRecordsOutput {
      const position = service.iterators.decode(input.ShardIterator as string);
      const now = service.now();
      if (now - position.issuedAt > KINESIS_LIMITS.iteratorTtlMs) {
        throw expiredIterator(position.issuedAt, now, KINESIS_LIMITS.iteratorTtlMs);
      }
      const shardId = shardIdOf(position.shardIndex);
      const row = state.getStreamById(position.streamId);
      const stream = row && service.settle(row);
      if (!stream || stream.status === 'DELETING') {
        throw shardDoesNotExist(shardId, position.streamName, row?.account_id ?? ctx.accountId);
      }
      const shard = service.shardFor(stream, shardId, position.shardIndex);
      const read = service.read(stream, shard, position.after, input.Limit ?? KINESIS_LIMITS.getRecordsMaxRecords);
      return {
        Records: read.records.map((record) => ({
          SequenceNumber: sequenceNumber(shard, record.counter),
          ApproximateArrivalTimestamp: new Date(record.arrival),
          Data: record.data,
          PartitionKey: record.partition_key,
          ...(stream.encryption_type === 'KMS' ? { EncryptionType: 'KMS' as const } : {}),
        })),
        ...(read.shardEnded
          ? { ChildShards: service.childShards(stream, shard) }
          : {
              NextShardIterator: service.iterators.encode({ ...position, after: read.after, issuedAt: now }),
            }),
        MillisBehindLatest: read.millisBehindLatest,
      };
    },
  };
}
