/**
 * Kinesis' persistent state: streams (per account and region), their shards (open and closed, with
 * lineage), and the records of each shard keyed by (shard, counter). A stream's lifecycle is
 * stored as a status and the time its transition ends (`status_until`), so CREATING -> ACTIVE
 * needs no timer and is right after a restart; a reshard waits in `pending` until then.
 */
import { randomBytes } from 'node:crypto';
import { type Migration, RowCache, SqlState } from '../../store/database.js';
import type { HashRange } from './hash-keys.js';

export const kinesisMigrations: Migration[] = [
  {
    id: 'kinesis-001-schema',
    sql: `
      CREATE TABLE kinesis_secrets (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
      );
      CREATE TABLE kinesis_streams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        status_until INTEGER NOT NULL,
        pending TEXT,
        mode TEXT NOT NULL,
        retention_hours INTEGER NOT NULL,
        encryption_type TEXT NOT NULL DEFAULT 'NONE',
        key_id TEXT,
        shard_metrics TEXT NOT NULL DEFAULT '[]',
        max_record_kib INTEGER NOT NULL,
        tags TEXT NOT NULL DEFAULT '{}',
        next_shard_index INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account_id, region, name)
      );
      CREATE TABLE kinesis_shards (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id INTEGER NOT NULL REFERENCES kinesis_streams (id) ON DELETE CASCADE,
        shard_index INTEGER NOT NULL,
        parent_index INTEGER,
        adjacent_parent_index INTEGER,
        hash_start TEXT NOT NULL,
        hash_end TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_counter INTEGER NOT NULL DEFAULT 0,
        closed_counter INTEGER,
        closed_at INTEGER,
        UNIQUE (stream_id, shard_index)
      );
      CREATE TABLE kinesis_records (
        shard_id INTEGER NOT NULL REFERENCES kinesis_shards (id) ON DELETE CASCADE,
        counter INTEGER NOT NULL,
        arrival INTEGER NOT NULL,
        partition_key TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (shard_id, counter)
      );
    `,
  },
];

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export interface StreamRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  created_at: number;
  status: StreamStatus;
  status_until: number;
  pending: string | null;
  mode: StreamMode;
  retention_hours: number;
  encryption_type: string;
  key_id: string | null;
  shard_metrics: string;
  max_record_kib: number;
  tags: string;
  next_shard_index: number;
}

export interface ShardRow {
  id: number;
  stream_id: number;
  shard_index: number;
  parent_index: number | null;
  adjacent_parent_index: number | null;
  hash_start: string;
  hash_end: string;
  created_at: number;
  last_counter: number;
  closed_counter: number | null;
  closed_at: number | null;
}

export interface RecordRow {
  counter: number;
  arrival: number;
  partition_key: string;
  data: Buffer;
}

/** A shard to create: its hash range and the shards it came from. */
export interface NewShard {
  range: HashRange;
  parentIndex?: number | undefined;
  adjacentParentIndex?: number | undefined;
}

/** A reshard waiting for its UPDATING period to end: shards to close, shards to open. */
export interface PendingReshard {
  close: number[];
  open: { start: string; end: string; parentIndex?: number | undefined; adjacentParentIndex?: number | undefined }[];
  mode?: StreamMode | undefined;
}

/** An open shard with its hash range parsed, for routing records. */
export interface OpenShard {
  row: ShardRow;
  start: bigint;
  end: bigint;
}

export interface NewStream {
  accountId: string;
  region: string;
  name: string;
  createdAt: number;
  statusUntil: number;
  mode: StreamMode;
  retentionHours: number;
  maxRecordKiB: number;
  tags: Record<string, string>;
}

export class KinesisState extends SqlState {
  /** Every data operation looks its stream up; only the stream methods below change these rows. */
  private readonly streams = new RowCache<StreamRow | undefined>(this.db);
  /** Open shards by stream id, for routing puts; only adding, closing and deleting change them. */
  private readonly openShardCache = new RowCache<OpenShard[]>(this.db);

  /** The key that signs shard iterators, made once per data dir so iterators survive a restart. */
  iteratorKey(): Buffer {
    this.sql('INSERT OR IGNORE INTO kinesis_secrets (name, value) VALUES (?, ?)').run('iterator-key', randomBytes(32));
    const row = this.sql('SELECT value FROM kinesis_secrets WHERE name = ?').get('iterator-key') as { value: Buffer };
    return row.value;
  }

  // Streams

  getStream(accountId: string, region: string, name: string): StreamRow | undefined {
    return this.streams.get(
      `name\n${accountId}\n${region}\n${name}`,
      () =>
        this.sql('SELECT * FROM kinesis_streams WHERE account_id = ? AND region = ? AND name = ?').get(
          accountId,
          region,
          name,
        ) as StreamRow | undefined,
    );
  }

  getStreamById(id: number): StreamRow | undefined {
    return this.streams.get(
      `id\n${id}`,
      () => this.sql('SELECT * FROM kinesis_streams WHERE id = ?').get(id) as StreamRow | undefined,
    );
  }

  /** Streams of an account and region in name order, after `after`. */
  listStreams(accountId: string, region: string, after: string | undefined, limit: number): StreamRow[] {
    return this.sql(
      `SELECT * FROM kinesis_streams WHERE account_id = ? AND region = ? AND (? IS NULL OR name > ?)
        ORDER BY name LIMIT ?`,
    ).all(accountId, region, after ?? null, after ?? null, limit) as StreamRow[];
  }

  /** Streams whose transition may be due, so listings can settle them first. */
  streamsInTransition(accountId: string, region: string): StreamRow[] {
    return this.sql(`SELECT * FROM kinesis_streams WHERE account_id = ? AND region = ? AND status != 'ACTIVE'`).all(
      accountId,
      region,
    ) as StreamRow[];
  }

  insertStream(stream: NewStream, shards: NewShard[]): StreamRow {
    this.streams.changed();
    const row = this.sql(
      `INSERT INTO kinesis_streams
         (account_id, region, name, created_at, status, status_until, mode, retention_hours, max_record_kib, tags)
       VALUES (?, ?, ?, ?, 'CREATING', ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      stream.accountId,
      stream.region,
      stream.name,
      stream.createdAt,
      stream.statusUntil,
      stream.mode,
      stream.retentionHours,
      stream.maxRecordKiB,
      JSON.stringify(stream.tags),
    ) as StreamRow;
    this.addShards(row, shards, stream.createdAt);
    return this.getStreamById(row.id) as StreamRow;
  }

  deleteStream(id: number): void {
    this.streams.changed();
    this.openShardCache.changed();
    this.sql('DELETE FROM kinesis_streams WHERE id = ?').run(id);
  }

  setStatus(id: number, status: StreamStatus, until: number, pending: PendingReshard | null = null): void {
    this.streams.changed();
    this.sql('UPDATE kinesis_streams SET status = ?, status_until = ?, pending = ? WHERE id = ?').run(
      status,
      until,
      pending ? JSON.stringify(pending) : null,
      id,
    );
  }

  setRetention(id: number, hours: number): void {
    this.streams.changed();
    this.sql('UPDATE kinesis_streams SET retention_hours = ? WHERE id = ?').run(hours, id);
  }

  setMode(id: number, mode: StreamMode): void {
    this.streams.changed();
    this.sql('UPDATE kinesis_streams SET mode = ? WHERE id = ?').run(mode, id);
  }

  setEncryption(id: number, type: string, keyId: string | null): void {
    this.streams.changed();
    this.sql('UPDATE kinesis_streams SET encryption_type = ?, key_id = ? WHERE id = ?').run(type, keyId, id);
  }

  setShardMetrics(id: number, metrics: string[]): void {
    this.streams.changed();
    this.sql('UPDATE kinesis_streams SET shard_metrics = ? WHERE id = ?').run(JSON.stringify(metrics), id);
  }

  setTags(id: number, tags: Record<string, string>): void {
    this.streams.changed();
    this.sql('UPDATE kinesis_streams SET tags = ? WHERE id = ?').run(JSON.stringify(tags), id);
  }

  /** Open shards and on-demand streams of an account and region (for the quotas). */
  usage(accountId: string, region: string): { openShards: number; onDemandStreams: number } {
    return this.sql(
      `SELECT
         (SELECT COUNT(*) FROM kinesis_shards sh JOIN kinesis_streams st ON st.id = sh.stream_id
           WHERE st.account_id = @accountId AND st.region = @region AND sh.closed_counter IS NULL) AS openShards,
         (SELECT COUNT(*) FROM kinesis_streams
           WHERE account_id = @accountId AND region = @region AND mode = 'ON_DEMAND') AS onDemandStreams`,
    ).get({ accountId, region }) as { openShards: number; onDemandStreams: number };
  }

  /** Streams of an account and region in CREATING, UPDATING or DELETING at `now`. */
  transitioningCount(accountId: string, region: string, now: number): number {
    const row = this.sql(
      `SELECT COUNT(*) AS n FROM kinesis_streams
        WHERE account_id = ? AND region = ? AND status != 'ACTIVE' AND status_until > ?`,
    ).get(accountId, region, now) as { n: number };
    return row.n;
  }

  // Shards

  shards(streamId: number): ShardRow[] {
    return this.sql('SELECT * FROM kinesis_shards WHERE stream_id = ? ORDER BY shard_index').all(
      streamId,
    ) as ShardRow[];
  }

  shard(streamId: number, index: number): ShardRow | undefined {
    return this.sql('SELECT * FROM kinesis_shards WHERE stream_id = ? AND shard_index = ?').get(streamId, index) as
      | ShardRow
      | undefined;
  }

  /** Open shards in index order. Their rows' `last_counter` is not kept current: route with them, count with reserveCounters. */
  openShards(streamId: number): OpenShard[] {
    return this.openShardCache.get(String(streamId), () =>
      (
        this.sql(
          'SELECT * FROM kinesis_shards WHERE stream_id = ? AND closed_counter IS NULL ORDER BY shard_index',
        ).all(streamId) as ShardRow[]
      ).map((row) => ({ row, start: BigInt(row.hash_start), end: BigInt(row.hash_end) })),
    );
  }

  /** Creates shards with the stream's next indexes. Call inside a transaction. */
  addShards(stream: StreamRow, shards: NewShard[], createdAt: number): void {
    this.openShardCache.changed();
    this.streams.changed();
    const insert = this.sql(
      `INSERT INTO kinesis_shards (stream_id, shard_index, parent_index, adjacent_parent_index, hash_start, hash_end, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const first = (
      this.sql('SELECT next_shard_index AS n FROM kinesis_streams WHERE id = ?').get(stream.id) as { n: number }
    ).n;
    shards.forEach((shard, i) => {
      insert.run(
        stream.id,
        first + i,
        shard.parentIndex ?? null,
        shard.adjacentParentIndex ?? null,
        shard.range.start.toString(),
        shard.range.end.toString(),
        createdAt,
      );
    });
    this.sql('UPDATE kinesis_streams SET next_shard_index = ? WHERE id = ?').run(first + shards.length, stream.id);
  }

  /** Closes a shard: its EndingSequenceNumber is its last record's counter. */
  closeShard(shardId: number, at: number): void {
    this.openShardCache.changed();
    this.sql('UPDATE kinesis_shards SET closed_counter = last_counter, closed_at = ? WHERE id = ?').run(at, shardId);
  }

  // Records

  /** Reserves `count` counters on a shard; returns the first. Call inside a transaction. */
  reserveCounters(shardId: number, count: number): number {
    const row = this.sql(
      'UPDATE kinesis_shards SET last_counter = last_counter + ? WHERE id = ? RETURNING last_counter',
    ).get(count, shardId) as { last_counter: number };
    return row.last_counter - count + 1;
  }

  insertRecord(shardId: number, counter: number, arrival: number, partitionKey: string, data: Buffer): void {
    this.sql(
      'INSERT INTO kinesis_records (shard_id, counter, arrival, partition_key, data) VALUES (?, ?, ?, ?, ?)',
    ).run(shardId, counter, arrival, partitionKey, data);
  }

  /** Records after `after` that arrived at or after `since`, in order. */
  recordsAfter(shardId: number, after: number, since: number, limit: number): IterableIterator<RecordRow> {
    return this.sql(
      `SELECT counter, arrival, partition_key, data FROM kinesis_records
        WHERE shard_id = ? AND counter > ? AND arrival >= ? ORDER BY counter LIMIT ?`,
    ).iterate(shardId, after, since, limit) as IterableIterator<RecordRow>;
  }

  /** The counter of the first record that arrived at or after `at`, if any. */
  firstCounterSince(shardId: number, at: number): number | undefined {
    const row = this.sql(
      'SELECT counter FROM kinesis_records WHERE shard_id = ? AND arrival >= ? ORDER BY counter LIMIT 1',
    ).get(shardId, at) as { counter: number } | undefined;
    return row?.counter;
  }

  lastArrival(shardId: number): number | undefined {
    const row = this.sql('SELECT arrival FROM kinesis_records WHERE shard_id = ? ORDER BY counter DESC LIMIT 1').get(
      shardId,
    ) as { arrival: number } | undefined;
    return row?.arrival;
  }

  /** Drops records past the retention period (lazily, when a shard is read from its trim horizon). */
  purgeBefore(shardId: number, cutoff: number): void {
    this.sql('DELETE FROM kinesis_records WHERE shard_id = ? AND arrival < ?').run(shardId, cutoff);
  }
}
