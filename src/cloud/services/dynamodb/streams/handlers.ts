/** The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator, GetRecords. */
import type {
  DescribeStreamInput,
  DescribeStreamOutput,
  GetRecordsInput,
  GetRecordsOutput,
  GetShardIteratorInput,
  GetShardIteratorOutput,
  ListStreamsInput,
  ListStreamsOutput,
} from '@aws-sdk/client-dynamodb-streams';
import { AwsError, validationMessage } from '../../../errors.js';
import { problemText } from '../../../protocol/validate.js';
import type { Handler, RequestContext } from '../../../service.js';
import { validation } from '../errors.js';
import type { DynamoDbState, StreamRow } from '../state.js';
import { parseSequence, type StreamReader } from './stream-reader.js';

const MAX_RECORDS = 1000;
const DEFAULT_LIST_LIMIT = 100;
/** Shard iterators expire 15 minutes after they are issued. */
const ITERATOR_TTL_MS = 15 * 60 * 1000;

interface IteratorState {
  /** Shard id. */
  s: string;
  /** Records after this position are next. */
  a: number;
  /** Issued at (epoch ms). */
  t: number;
}

function streamNotFound(arn: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`);
}

/** `<stream arn>|1|<opaque>`, the shape of AWS's DynamoDB Streams iterators. */
function encodeIterator(stream: StreamRow, state: IteratorState): string {
  return `${stream.arn}|1|${Buffer.from(JSON.stringify(state)).toString('base64url')}`;
}

function decodeIterator(iterator: string): { arn: string; state: IteratorState } {
  const invalid = () => validation('Invalid ShardIterator');
  const parts = iterator.split('|');
  if (parts.length !== 3 || parts[1] !== '1') throw invalid();
  try {
    const state = JSON.parse(Buffer.from(parts[2] as string, 'base64url').toString()) as IteratorState;
    if (typeof state.s !== 'string' || typeof state.a !== 'number' || typeof state.t !== 'number') throw invalid();
    return { arn: parts[0] as string, state };
  } catch {
    throw invalid();
  }
}

export function streamHandlers(state: DynamoDbState, reader: StreamReader, now: () => number): Record<string, Handler> {
  function stream(arn: string): StreamRow {
    const row = reader.stream(arn);
    if (!row) throw streamNotFound(arn);
    return row;
  }

  return {
    ListStreams(input: ListStreamsInput, ctx: RequestContext): ListStreamsOutput {
      const limit = input.Limit ?? DEFAULT_LIST_LIMIT;
      if (limit > DEFAULT_LIST_LIMIT) {
        throw validation(
          validationMessage([
            problemText({
              path: 'limit',
              value: String(limit),
              constraint: 'Member must have value less than or equal to 100',
            }),
          ]),
        );
      }
      const afterId = input.ExclusiveStartStreamArn !== undefined ? stream(input.ExclusiveStartStreamArn).id : 0;
      const rows = state.listStreams(ctx.accountId, ctx.region, input.TableName, afterId, limit + 1);
      const page = rows.slice(0, limit);
      return {
        Streams: page.map((row) => ({ StreamArn: row.arn, TableName: row.table_name, StreamLabel: row.label })),
        ...(rows.length > limit ? { LastEvaluatedStreamArn: page[page.length - 1]?.arn } : {}),
      };
    },

    DescribeStream(input: DescribeStreamInput): DescribeStreamOutput {
      const arn = input.StreamArn as string;
      const description = reader.describe(arn);
      if (!description) throw streamNotFound(arn);
      if (input.ExclusiveStartShardId !== undefined) {
        const shards = description.Shards ?? [];
        const at = shards.findIndex((s) => s.ShardId === input.ExclusiveStartShardId);
        description.Shards = at >= 0 ? shards.slice(at + 1) : shards;
      }
      return { StreamDescription: description };
    },

    GetShardIterator(input: GetShardIteratorInput): GetShardIteratorOutput {
      const row = stream(input.StreamArn as string);
      if (input.ShardId !== row.shard_id) {
        throw new AwsError(
          'ResourceNotFoundException',
          `Requested resource not found: Shard: ${input.ShardId} in Stream: ${row.arn} not found`,
        );
      }
      let after: number;
      switch (input.ShardIteratorType) {
        case 'TRIM_HORIZON':
          after = reader.trimHorizon(row);
          break;
        case 'LATEST':
          after = reader.latest(row);
          break;
        default: {
          const text = input.SequenceNumber;
          if (text === undefined) {
            throw validation(`Must provide a SequenceNumber for ShardIteratorType ${input.ShardIteratorType}`);
          }
          const seq = parseSequence(text);
          const end = row.end_seq ?? reader.latest(row);
          if (seq === undefined || seq < row.start_seq || seq > Math.max(end, row.start_seq)) {
            throw validation(`Invalid SequenceNumber: ${text} for shard: ${row.shard_id}`);
          }
          after = input.ShardIteratorType === 'AT_SEQUENCE_NUMBER' ? seq - 1 : seq;
        }
      }
      return { ShardIterator: encodeIterator(row, { s: row.shard_id, a: after, t: now() }) };
    },

    GetRecords(input: GetRecordsInput): GetRecordsOutput {
      const limit = input.Limit ?? MAX_RECORDS;
      if (limit > MAX_RECORDS) {
        throw validation(
          validationMessage([
            problemText({
              path: 'limit',
              value: String(limit),
              constraint: 'Member must have value less than or equal to 1000',
            }),
          ]),
        );
      }
      const { arn, state: position } = decodeIterator(input.ShardIterator as string);
      if (now() - position.t > ITERATOR_TTL_MS) {
        throw new AwsError(
          'ExpiredIteratorException',
          'Iterator expired. The iterator was created more than 15 minutes ago',
        );
      }
      const row = stream(arn);
      if (position.s !== row.shard_id) throw validation('Invalid ShardIterator');
      const read = reader.read(row, position.a, limit);
      return {
        Records: read.records,
        ...(read.finished
          ? {}
          : { NextShardIterator: encodeIterator(row, { s: row.shard_id, a: read.next, t: now() }) }),
      };
    },
  };
}
