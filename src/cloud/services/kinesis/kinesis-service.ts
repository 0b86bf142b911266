/**
 * What the Kinesis handlers and the in-process reader share: finding a stream by name or ARN (and
 * settling its lifecycle first), describing shards, turning iterator types into positions, and
 * appending and reading records. The handlers and KinesisStreams both go through these functions.
 */
import type { ChildShard, Shard, ShardIteratorType } from '@aws-sdk/client-kinesis';
import type { CloudContext } from '../../context.js';
import { invalidArgument, shardDoesNotExist, streamNotActive, streamNotFound } from './errors.js';
import { HASH_KEY_SPACE, hashKeyOf } from './hash-keys.js';
import { KINESIS_LIMITS } from './limits.js';
import { parseSequenceNumber, sequenceNumberPrefix, shardIdOf, withCounter } from './sequence-numbers.js';
import { ShardIterators } from './shard-iterators.js';
import type { KinesisState, OpenShard, PendingReshard, RecordRow, ShardRow, StreamRow, StreamStatus } from './state.js';

export interface Scope {
  accountId: string;
  region: string;
}

/** How an operation names its stream: by name (in the caller's account and region) or by ARN. */
export interface StreamRef {
  StreamName?: string | undefined;
  StreamARN?: string | undefined;
}

export interface NewRecord {
  partitionKey: string;
  explicitHashKey?: string | undefined;
  data: Buffer;
}

/** A record taken (its shard and sequence number), or refused because its shard was at its limit. */
export type AppendedRecord =
  | { shardId: string; sequenceNumber: string; throttled?: undefined }
  | { shardId: string; throttled: true };

/** What a shard took in the current second, for its write limits. */
interface ShardWriteWindow {
  second: number;
  records: number;
  bytes: number;
}

export interface ReadResult {
  records: RecordRow[];
  /** The counter reading continues after. */
  after: number;
  /** How far the last record returned is behind the shard's tip (0 when caught up). */
  millisBehindLatest: number;
  /** The shard is closed and nothing is left to read in it. */
  shardEnded: boolean;
}

const ARN = /^arn:aws[\w-]*:kinesis:([\w-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)$/;

export class KinesisService {
  readonly iterators: ShardIterators;

  constructor(
    readonly state: KinesisState,
    readonly context: Pick<CloudContext, 'now' | 'kinesis' | 'events'>,
  ) {
    this.iterators = new ShardIterators(state.iteratorKey());
  }

  now(): number {
    return this.context.now();
  }

  arn(stream: StreamRow): string {
    return streamArn(stream.account_id, stream.region, stream.name);
  }

  /** The stream an operation names (by StreamARN or StreamName), settled; ResourceNotFoundException if none. */
  stream(ctx: Scope, ref: StreamRef): StreamRow {
    const scope = this.scopeOf(ctx, ref);
    const stream = this.find(scope.accountId, scope.region, scope.name);
    if (!stream) throw streamNotFound(scope.name, scope.accountId);
    return stream;
  }

  /** Account, region and name from StreamARN (which wins) or StreamName. */
  scopeOf(ctx: Scope, ref: StreamRef): Scope & { name: string } {
    if (ref.StreamARN !== undefined) {
      const match = ARN.exec(ref.StreamARN);
      if (!match) throw invalidArgument(`StreamARN ${ref.StreamARN} is not a valid stream ARN.`);
      const [, region, accountId, name] = match as unknown as [string, string, string, string];
      return { region, accountId, name };
    }
    if (ref.StreamName === undefined) throw invalidArgument('Either StreamName or StreamARN should be provided.');
    return { accountId: ctx.accountId, region: ctx.region, name: ref.StreamName };
  }

  /** A stream by name with its due transition applied, or undefined (also once its deletion ended). */
  find(accountId: string, region: string, name: string): StreamRow | undefined {
    const row = this.state.getStream(accountId, region, name);
    return row && this.settle(row);
  }

  findByArn(arn: string): StreamRow | undefined {
    const match = ARN.exec(arn);
    if (!match) return undefined;
    const [, region, accountId, name] = match as unknown as [string, string, string, string];
    return this.find(accountId, region, name);
  }

  /** Applies a transition whose time has come: CREATING/UPDATING become ACTIVE (a pending reshard takes effect), DELETING removes the stream. */
  settle(row: StreamRow): StreamRow | undefined {
    if (row.status === 'ACTIVE' || row.status_until > this.now()) return row;
    return this.state.transaction(() => {
      const current = this.state.getStreamById(row.id);
      if (!current || current.status === 'ACTIVE' || current.status_until > this.now()) return current;
      if (current.status === 'DELETING') {
        this.state.deleteStream(current.id);
        return undefined;
      }
      if (current.pending) this.applyReshard(current, JSON.parse(current.pending) as PendingReshard);
      this.state.setStatus(current.id, 'ACTIVE', current.status_until);
      return this.state.getStreamById(current.id);
    });
  }

  private applyReshard(stream: StreamRow, reshard: PendingReshard): void {
    for (const index of reshard.close) {
      const shard = this.state.shard(stream.id, index);
      if (shard) this.state.closeShard(shard.id, stream.status_until);
    }
    this.state.addShards(
      stream,
      reshard.open.map((shard) => ({
        range: { start: BigInt(shard.start), end: BigInt(shard.end) },
        parentIndex: shard.parentIndex,
        adjacentParentIndex: shard.adjacentParentIndex,
      })),
      stream.status_until,
    );
    if (reshard.mode) this.state.setMode(stream.id, reshard.mode);
  }

  /** Control operations that change a stream need it ACTIVE. */
  requireActive(stream: StreamRow): void {
    if (stream.status !== 'ACTIVE') throw streamNotActive(stream.name, stream.account_id, stream.status);
  }

  /** Data operations answer as if a stream that is not ACTIVE or UPDATING were not there. */
  requireReadable(stream: StreamRow): void {
    if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING')
      throw streamNotFound(stream.name, stream.account_id);
  }

  /** The stream's shards as DescribeStream and ListShards show them (none while it is CREATING). */
  visibleShards(stream: StreamRow): ShardRow[] {
    return stream.status === 'CREATING' ? [] : this.state.shards(stream.id);
  }

  /** A shard by id for data operations (GetShardIterator), or ResourceNotFoundException. */
  shardFor(stream: StreamRow, shardId: string, index: number | undefined): ShardRow {
    const shard = index === undefined ? undefined : this.state.shard(stream.id, index);
    if (!shard || stream.status === 'CREATING') throw shardDoesNotExist(shardId, stream.name, stream.account_id);
    return shard;
  }

  describeShard(shard: ShardRow): Shard {
    return {
      ShardId: shardIdOf(shard.shard_index),
      ...(shard.parent_index !== null ? { ParentShardId: shardIdOf(shard.parent_index) } : {}),
      ...(shard.adjacent_parent_index !== null
        ? { AdjacentParentShardId: shardIdOf(shard.adjacent_parent_index) }
        : {}),
      HashKeyRange: { StartingHashKey: shard.hash_start, EndingHashKey: shard.hash_end },
      SequenceNumberRange: {
        StartingSequenceNumber: sequenceNumber(shard, 0),
        ...(shard.closed_counter !== null ? { EndingSequenceNumber: sequenceNumber(shard, shard.closed_counter) } : {}),
      },
    };
  }

  /** The shards created from `shard` by a split or merge (GetRecords' ChildShards at a closed shard's end). */
  childShards(stream: StreamRow, shard: ShardRow): ChildShard[] {
    const all = this.state.shards(stream.id);
    return all
      .filter((s) => s.parent_index === shard.shard_index || s.adjacent_parent_index === shard.shard_index)
      .map((child) => ({
        ShardId: shardIdOf(child.shard_index),
        ParentShards: [child.parent_index, child.adjacent_parent_index]
          .filter((index): index is number => index !== null)
          .map(shardIdOf),
        HashKeyRange: { StartingHashKey: child.hash_start, EndingHashKey: child.hash_end },
      }));
  }

  /**
   * Where an iterator of this type starts, as the counter after which records are read.
   * `operation` names the API in AWS's messages.
   */
  startAfter(
    stream: StreamRow,
    shard: ShardRow,
    type: ShardIteratorType,
    startingSequenceNumber: string | undefined,
    timestamp: Date | undefined,
  ): number {
    const shardId = shardIdOf(shard.shard_index);
    if (
      startingSequenceNumber !== undefined &&
      (type === 'TRIM_HORIZON' || type === 'LATEST' || type === 'AT_TIMESTAMP')
    ) {
      throw invalidArgument(
        'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
          `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and also a StartingSequenceNumber.`,
      );
    }
    switch (type) {
      case 'TRIM_HORIZON':
        this.state.purgeBefore(shard.id, this.retentionCutoff(stream));
        return 0;
      case 'LATEST':
        return shard.last_counter;
      case 'AT_TIMESTAMP': {
        if (timestamp === undefined) {
          throw invalidArgument(
            'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
          );
        }
        const at = timestamp.getTime();
        const now = this.now();
        if (at > now) {
          throw invalidArgument(
            'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
              `timestampInMillis: ${at}, currentTimestampInMillis: ${now}`,
          );
        }
        const first = this.state.firstCounterSince(shard.id, at);
        return first === undefined ? shard.last_counter : first - 1;
      }
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        if (startingSequenceNumber === undefined) {
          throw invalidArgument(
            'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
              `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and no StartingSequenceNumber.`,
          );
        }
        const counter = this.counterOf(
          stream,
          shard,
          startingSequenceNumber,
          'StartingSequenceNumber',
          'GetShardIterator',
        );
        return type === 'AT_SEQUENCE_NUMBER' ? Math.max(counter - 1, 0) : counter;
      }
      default:
        throw invalidArgument(`Invalid ShardIteratorType ${String(type)} for shard ${shardId}.`);
    }
  }

  /** A sequence number's counter within `shard`, or AWS's InvalidArgumentException for one that is not of this shard. */
  counterOf(stream: StreamRow, shard: ShardRow, value: string, member: string, operation: string): number {
    const shardId = shardIdOf(shard.shard_index);
    const parts = parseSequenceNumber(value);
    if (!parts) {
      throw invalidArgument(
        `${member} ${value} used in ${operation} on shard ${shardId} in stream ${stream.name} under account ${stream.account_id} is invalid.`,
      );
    }
    if (parts.shardIndex !== shard.shard_index) {
      throw invalidArgument(
        `Invalid ${member}. It encodes ${shardIdOf(parts.shardIndex)}, while it was used in a call to a shard with ${shardId}`,
      );
    }
    if (parts.shardCreatedAt !== shard.created_at) {
      throw invalidArgument(
        `${member} ${value} used in ${operation} on shard ${shardId} in stream ${stream.name} under account ${stream.account_id} is invalid because it did not come from this stream.`,
      );
    }
    return parts.counter;
  }

  retentionCutoff(stream: StreamRow): number {
    return this.now() - stream.retention_hours * 3_600_000;
  }

  /** Records of a shard after `after`: at most `limit`, and no more bytes than GetRecords returns (but always one). */
  read(stream: StreamRow, shard: ShardRow, after: number, limit: number): ReadResult {
    const records: RecordRow[] = [];
    let bytes = 0;
    for (const record of this.state.recordsAfter(shard.id, after, this.retentionCutoff(stream), limit)) {
      bytes += record.data.length + Buffer.byteLength(record.partition_key);
      if (records.length > 0 && bytes > KINESIS_LIMITS.getRecordsMaxBytes) break;
      records.push(record);
    }
    const last = records[records.length - 1];
    const next = last ? last.counter : Math.max(after, 0);
    const caughtUp = next >= shard.last_counter;
    return {
      records,
      after: next,
      millisBehindLatest: caughtUp || !last ? 0 : Math.max(0, this.now() - last.arrival),
      shardEnded: shard.closed_counter !== null && next >= shard.closed_counter,
    };
  }

  /**
   * Appends records to the stream's open shards in one transaction (all or none), in the order
   * given, and announces each shard that received records once the commit is done.
   */
  append(stream: StreamRow, records: NewRecord[]): AppendedRecord[] {
    const open = this.state.openShards(stream.id);
    const targets = records.map((record) => shardForKey(open, routingKey(record)));
    const arrival = this.now();
    const admitted = records.map((record, i) => this.admit(targets[i] as OpenShard, record, arrival));
    const touched = new Map<OpenShard, number>();
    targets.forEach((target, i) => {
      if (admitted[i]) touched.set(target, (touched.get(target) ?? 0) + 1);
    });
    const results = this.state.transaction(() => {
      const next = new Map<OpenShard, number>();
      for (const [target, count] of touched) next.set(target, this.state.reserveCounters(target.row.id, count));
      return records.map((record, i): AppendedRecord => {
        const target = targets[i] as OpenShard;
        if (!admitted[i]) return { shardId: shardIdOf(target.row.shard_index), throttled: true };
        const counter = next.get(target) as number;
        next.set(target, counter + 1);
        this.state.insertRecord(target.row.id, counter, arrival, record.partitionKey, record.data);
        return { shardId: shardIdOf(target.row.shard_index), sequenceNumber: sequenceNumber(target.row, counter) };
      });
    });
    const arn = this.arn(stream);
    for (const target of touched.keys()) {
      this.context.events.emit('kinesis.records', { streamArn: arn, shardId: shardIdOf(target.row.shard_index) });
    }
    return results;
  }

  private readonly writeWindows = new Map<number, ShardWriteWindow>();

  /**
   * Whether the shard takes one more record this second (always, unless the shard write limits
   * are enforced): AWS's per-shard limits, counted in one-second windows.
   */
  private admit(target: OpenShard, record: NewRecord, now: number): boolean {
    if (!this.context.kinesis.enforceShardWriteLimits) return true;
    const second = Math.floor(now / 1000);
    let window = this.writeWindows.get(target.row.id);
    if (window?.second !== second) {
      window = { second, records: 0, bytes: 0 };
      this.writeWindows.set(target.row.id, window);
    }
    const bytes = record.data.length + Buffer.byteLength(record.partitionKey);
    if (
      window.records + 1 > KINESIS_LIMITS.shardWriteRecordsPerSecond ||
      window.bytes + bytes > KINESIS_LIMITS.shardWriteBytesPerSecond
    ) {
      return false;
    }
    window.records += 1;
    window.bytes += bytes;
    return true;
  }

  /** Open shards and on-demand streams of an account and region, after settling due transitions. */
  usage(scope: Scope): { openShards: number; onDemandStreams: number } {
    this.settleAll(scope);
    return this.state.usage(scope.accountId, scope.region);
  }

  settleAll(scope: Scope): void {
    for (const row of this.state.streamsInTransition(scope.accountId, scope.region)) this.settle(row);
  }

  /** Starts a transition (UPDATING or DELETING) that ends after the configured period. */
  beginTransition(stream: StreamRow, status: StreamStatus, pending: PendingReshard | null = null): void {
    this.state.setStatus(stream.id, status, this.now() + this.context.kinesis.transitionMs, pending);
  }
}

export function streamArn(accountId: string, region: string, name: string): string {
  return `arn:aws:kinesis:${region}:${accountId}:stream/${name}`;
}

/** Sequence number prefixes by shard row (a read or a put formats many for the same row). */
const prefixes = new WeakMap<ShardRow, string>();

export function sequenceNumber(shard: ShardRow, counter: number): string {
  let prefix = prefixes.get(shard);
  if (prefix === undefined) {
    prefix = sequenceNumberPrefix(shard.created_at, shard.shard_index);
    prefixes.set(shard, prefix);
  }
  return withCounter(prefix, counter);
}

function routingKey(record: NewRecord): bigint {
  if (record.explicitHashKey === undefined) return hashKeyOf(record.partitionKey);
  const key = BigInt(record.explicitHashKey);
  if (key >= HASH_KEY_SPACE) {
    throw invalidArgument(
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${record.explicitHashKey}`,
    );
  }
  return key;
}

/** The open shard whose hash range holds `key` (open shards always cover the whole space). */
function shardForKey(open: OpenShard[], key: bigint): OpenShard {
  const shard = open.find((s) => s.start <= key && key <= s.end);
  if (!shard) throw new Error(`no open shard covers hash key ${key}`);
  return shard;
}
