/**
 * DynamoDB's persistent state. Items are one row each, keyed by (table, hash key bytes, range key
 * bytes) in DynamoDB's order (keys.ts), so Query is a range scan of the primary key. Secondary
 * index entries point back at items and are written in the same transaction as the item. Stream
 * records carry one global sequence (their rowid), so a sequence number orders records across
 * writes and survives restarts.
 */
import { type Migration, RowCache, SqlState } from '../../store/database.js';

export const dynamoDbStateMigrations: Migration[] = [
  {
    id: 'dynamodb-001-schema',
    sql: `
      CREATE TABLE dynamodb_tables (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        table_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        active_at INTEGER NOT NULL,
        updating_until INTEGER NOT NULL DEFAULT 0,
        definition TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '{}',
        ttl_attribute TEXT,
        ttl_enabled INTEGER NOT NULL DEFAULT 0,
        stream_id INTEGER,
        UNIQUE (account_id, region, name)
      );
      CREATE TABLE dynamodb_items (
        table_id INTEGER NOT NULL,
        hk BLOB NOT NULL,
        rk BLOB NOT NULL,
        item TEXT NOT NULL,
        size INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (table_id, hk, rk)
      ) WITHOUT ROWID;
      CREATE INDEX dynamodb_items_expiry ON dynamodb_items (table_id, expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE dynamodb_index_entries (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        ihk BLOB NOT NULL,
        irk BLOB NOT NULL,
        hk BLOB NOT NULL,
        rk BLOB NOT NULL,
        PRIMARY KEY (table_id, index_name, ihk, irk, hk, rk)
      ) WITHOUT ROWID;
      CREATE TABLE dynamodb_streams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        arn TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        table_name TEXT NOT NULL,
        table_arn TEXT NOT NULL,
        label TEXT NOT NULL,
        view_type TEXT NOT NULL,
        key_schema TEXT NOT NULL,
        shard_id TEXT NOT NULL,
        start_seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        enabled_at INTEGER NOT NULL,
        disabled_at INTEGER,
        end_seq INTEGER
      );
      CREATE INDEX dynamodb_streams_table ON dynamodb_streams (account_id, region, table_name);
      CREATE TABLE dynamodb_stream_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX dynamodb_stream_records_stream ON dynamodb_stream_records (stream_id, seq);
      CREATE INDEX dynamodb_stream_records_age ON dynamodb_stream_records (created_at);
      CREATE TABLE dynamodb_transaction_tokens (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, token)
      );
    `,
  },
];

export interface TableRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  table_id: string;
  created_at: number;
  active_at: number;
  updating_until: number;
  definition: string;
  tags: string;
  ttl_attribute: string | null;
  ttl_enabled: number;
  stream_id: number | null;
}

export interface ItemRow {
  hk: Buffer;
  rk: Buffer;
  item: string;
  size: number;
}

export interface StreamRow {
  id: number;
  arn: string;
  account_id: string;
  region: string;
  table_name: string;
  table_arn: string;
  label: string;
  view_type: string;
  key_schema: string;
  shard_id: string;
  start_seq: number;
  created_at: number;
  enabled_at: number;
  disabled_at: number | null;
  end_seq: number | null;
}

export interface StreamRecordRow {
  seq: number;
  created_at: number;
  record: string;
}

/** A range of one key column: bounds are inclusive unless marked exclusive; undefined is open. */
export interface KeyRange {
  low?: { value: Buffer; exclusive: boolean } | undefined;
  high?: { value: Buffer; exclusive: boolean } | undefined;
}

export interface RangeScan {
  tableId: number;
  /** The secondary index to read, or undefined for the table. */
  index: string | undefined;
  /** The partition to read (Query), or undefined for the whole table (Scan). */
  hash: Buffer | undefined;
  range: KeyRange;
  forward: boolean;
  /** Read strictly after this position (ExclusiveStartKey), in the scan's direction. */
  after: { ihk: Buffer; irk: Buffer; hk: Buffer; rk: Buffer } | undefined;
  limit: number;
  /** Whether rows carry their hash key (Scan segments); each BLOB column read costs a Buffer per row. */
  withHashKey: boolean;
}

/** A row as Query and Scan read it: the item (LastEvaluatedKey is taken from it), not its key bytes. */
export interface ScannedRow {
  item: string;
  size: number;
  hk?: Buffer;
}

export class DynamoDbState extends SqlState {
  /** Every item operation looks its table up; only the table methods below change these rows. */
  private readonly tables = new RowCache<TableRow | undefined>(this.db);
  /** Every write to a table with a stream looks the stream up; only the stream methods below change these rows. */
  private readonly streams = new RowCache<StreamRow | undefined>(this.db);

  // Tables

  getTable(accountId: string, region: string, name: string): TableRow | undefined {
    return this.tables.get(
      `${accountId}\n${region}\n${name}`,
      () =>
        this.sql('SELECT * FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name = ?').get(
          accountId,
          region,
          name,
        ) as TableRow | undefined,
    );
  }

  insertTable(row: Omit<TableRow, 'id' | 'updating_until' | 'ttl_attribute' | 'ttl_enabled' | 'stream_id'>): number {
    this.tables.changed();
    const info = this.sql(
      `INSERT INTO dynamodb_tables (account_id, region, name, table_id, created_at, active_at, definition, tags)
       VALUES (@account_id, @region, @name, @table_id, @created_at, @active_at, @definition, @tags)`,
    ).run(row);
    return Number(info.lastInsertRowid);
  }

  updateTable(
    id: number,
    changes: Partial<
      Pick<TableRow, 'definition' | 'updating_until' | 'tags' | 'ttl_attribute' | 'ttl_enabled' | 'stream_id'>
    >,
  ): void {
    const columns = Object.keys(changes);
    if (columns.length === 0) return;
    this.tables.changed();
    this.sql(`UPDATE dynamodb_tables SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
      ...changes,
      id,
    });
  }

  deleteTable(id: number): void {
    this.tables.changed();
    this.sql('DELETE FROM dynamodb_index_entries WHERE table_id = ?').run(id);
    this.sql('DELETE FROM dynamodb_items WHERE table_id = ?').run(id);
    this.sql('DELETE FROM dynamodb_tables WHERE id = ?').run(id);
  }

  listTableNames(accountId: string, region: string, after: string | undefined, limit: number): string[] {
    return (
      this.sql(
        `SELECT name FROM dynamodb_tables WHERE account_id = ? AND region = ? AND (? IS NULL OR name > ?)
         ORDER BY name LIMIT ?`,
      ).all(accountId, region, after ?? null, after ?? null, limit) as { name: string }[]
    ).map((r) => r.name);
  }

  countTables(accountId: string, region: string): number {
    return (
      this.sql('SELECT COUNT(*) AS n FROM dynamodb_tables WHERE account_id = ? AND region = ?').get(
        accountId,
        region,
      ) as { n: number }
    ).n;
  }

  tablesWithTtl(): TableRow[] {
    return this.sql('SELECT * FROM dynamodb_tables WHERE ttl_enabled = 1').all() as TableRow[];
  }

  tableStatistics(tableId: number): { count: number; bytes: number } {
    return this.sql(
      'SELECT COUNT(*) AS count, COALESCE(SUM(size), 0) AS bytes FROM dynamodb_items WHERE table_id = ?',
    ).get(tableId) as { count: number; bytes: number };
  }

  indexStatistics(tableId: number, index: string): { count: number; bytes: number } {
    return this.sql(
      `SELECT COUNT(*) AS count, COALESCE(SUM(t.size), 0) AS bytes FROM dynamodb_index_entries e
         JOIN dynamodb_items t ON t.table_id = e.table_id AND t.hk = e.hk AND t.rk = e.rk
        WHERE e.table_id = ? AND e.index_name = ?`,
    ).get(tableId, index) as { count: number; bytes: number };
  }

  // Items

  getItem(tableId: number, hk: Buffer, rk: Buffer): ItemRow | undefined {
    return this.sql('SELECT hk, rk, item, size FROM dynamodb_items WHERE table_id = ? AND hk = ? AND rk = ?').get(
      tableId,
      hk,
      rk,
    ) as ItemRow | undefined;
  }

  putItem(tableId: number, hk: Buffer, rk: Buffer, item: string, size: number, expiresAt: number | null): void {
    this.sql(
      `INSERT INTO dynamodb_items (table_id, hk, rk, item, size, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (table_id, hk, rk) DO UPDATE SET item = excluded.item, size = excluded.size, expires_at = excluded.expires_at`,
    ).run(tableId, hk, rk, item, size, expiresAt);
  }

  deleteItem(tableId: number, hk: Buffer, rk: Buffer): void {
    this.sql('DELETE FROM dynamodb_items WHERE table_id = ? AND hk = ? AND rk = ?').run(tableId, hk, rk);
  }

  setExpiry(tableId: number, hk: Buffer, rk: Buffer, expiresAt: number | null): void {
    this.sql('UPDATE dynamodb_items SET expires_at = ? WHERE table_id = ? AND hk = ? AND rk = ?').run(
      expiresAt,
      tableId,
      hk,
      rk,
    );
  }

  clearExpiries(tableId: number): void {
    this.sql('UPDATE dynamodb_items SET expires_at = NULL WHERE table_id = ? AND expires_at IS NOT NULL').run(tableId);
  }

  /** Every item of a table (for backfilling an index or TTL expiries). */
  allItems(tableId: number): IterableIterator<ItemRow> {
    return this.sql('SELECT hk, rk, item, size FROM dynamodb_items WHERE table_id = ?').iterate(
      tableId,
    ) as IterableIterator<ItemRow>;
  }

  expiredItems(tableId: number, nowSeconds: number, limit: number): ItemRow[] {
    return this.sql(
      `SELECT hk, rk, item, size FROM dynamodb_items WHERE table_id = ? AND expires_at IS NOT NULL AND expires_at <= ?
       LIMIT ?`,
    ).all(tableId, nowSeconds, limit) as ItemRow[];
  }

  insertIndexEntry(tableId: number, index: string, ihk: Buffer, irk: Buffer, hk: Buffer, rk: Buffer): void {
    this.sql(
      'INSERT OR IGNORE INTO dynamodb_index_entries (table_id, index_name, ihk, irk, hk, rk) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(tableId, index, ihk, irk, hk, rk);
  }

  deleteIndexEntry(tableId: number, index: string, ihk: Buffer, irk: Buffer, hk: Buffer, rk: Buffer): void {
    this.sql(
      'DELETE FROM dynamodb_index_entries WHERE table_id = ? AND index_name = ? AND ihk = ? AND irk = ? AND hk = ? AND rk = ?',
    ).run(tableId, index, ihk, irk, hk, rk);
  }

  dropIndex(tableId: number, index: string): void {
    this.sql('DELETE FROM dynamodb_index_entries WHERE table_id = ? AND index_name = ?').run(tableId, index);
  }

  /**
   * Rows of the table or of an index in key order (or reverse) by (ihk, irk) = the key read by:
   * the table's own key for the table, the index key for an index (then hk, rk break ties).
   */
  scan(scan: RangeScan): IterableIterator<ScannedRow> {
    const conditions: string[] = ['t.table_id = @tableId'];
    const params: Record<string, unknown> = { tableId: scan.tableId, limit: scan.limit };
    const onIndex = scan.index !== undefined;
    const ihk = onIndex ? 'e.ihk' : 't.hk';
    const irk = onIndex ? 'e.irk' : 't.rk';
    if (onIndex) {
      conditions.push('e.table_id = @tableId', 'e.index_name = @index');
      params['index'] = scan.index;
    }
    if (scan.hash !== undefined) {
      conditions.push(`${ihk} = @hash`);
      params['hash'] = scan.hash;
    }
    if (scan.range.low) {
      conditions.push(`${irk} ${scan.range.low.exclusive ? '>' : '>='} @low`);
      params['low'] = scan.range.low.value;
    }
    if (scan.range.high) {
      conditions.push(`${irk} ${scan.range.high.exclusive ? '<' : '<='} @high`);
      params['high'] = scan.range.high.value;
    }
    const order = scan.forward ? 'ASC' : 'DESC';
    const columns = onIndex ? [ihk, irk, 't.hk', 't.rk'] : [ihk, irk];
    if (scan.after) {
      const comparison = scan.forward ? '>' : '<';
      const values = onIndex ? ['@aihk', '@airk', '@ahk', '@ark'] : ['@aihk', '@airk'];
      conditions.push(`(${columns.join(', ')}) ${comparison} (${values.join(', ')})`);
      Object.assign(params, { aihk: scan.after.ihk, airk: scan.after.irk, ahk: scan.after.hk, ark: scan.after.rk });
    }
    const from = onIndex
      ? 'dynamodb_index_entries e JOIN dynamodb_items t ON t.table_id = e.table_id AND t.hk = e.hk AND t.rk = e.rk'
      : 'dynamodb_items t';
    const selected = scan.withHashKey ? 't.hk AS hk, t.item AS item, t.size AS size' : 't.item AS item, t.size AS size';
    const sql = `SELECT ${selected} FROM ${from}
      WHERE ${conditions.join(' AND ')} ORDER BY ${columns.map((c) => `${c} ${order}`).join(', ')} LIMIT @limit`;
    return this.sql(sql).iterate(params) as IterableIterator<ScannedRow>;
  }

  // Streams

  getStream(arn: string): StreamRow | undefined {
    return this.streams.get(
      `arn\n${arn}`,
      () => this.sql('SELECT * FROM dynamodb_streams WHERE arn = ?').get(arn) as StreamRow | undefined,
    );
  }

  getStreamById(id: number): StreamRow | undefined {
    return this.streams.get(
      `id\n${id}`,
      () => this.sql('SELECT * FROM dynamodb_streams WHERE id = ?').get(id) as StreamRow | undefined,
    );
  }

  insertStream(row: Omit<StreamRow, 'id' | 'start_seq' | 'disabled_at' | 'end_seq'>): number {
    this.streams.changed();
    const next = this.sql(
      "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'dynamodb_stream_records'), 0) + 1 AS next",
    ).get() as { next: number };
    const info = this.sql(
      `INSERT INTO dynamodb_streams (arn, account_id, region, table_name, table_arn, label, view_type, key_schema, shard_id, start_seq, created_at, enabled_at)
       VALUES (@arn, @account_id, @region, @table_name, @table_arn, @label, @view_type, @key_schema, @shard_id, @start_seq, @created_at, @enabled_at)`,
    ).run({ ...row, start_seq: next.next });
    return Number(info.lastInsertRowid);
  }

  closeStream(id: number, at: number): void {
    this.streams.changed();
    this.sql(
      `UPDATE dynamodb_streams SET disabled_at = ?,
         end_seq = COALESCE((SELECT MAX(seq) FROM dynamodb_stream_records WHERE stream_id = ?), start_seq)
       WHERE id = ? AND disabled_at IS NULL`,
    ).run(at, id, id);
  }

  listStreams(
    accountId: string,
    region: string,
    tableName: string | undefined,
    afterId: number,
    limit: number,
  ): StreamRow[] {
    return this.sql(
      `SELECT * FROM dynamodb_streams WHERE account_id = ? AND region = ? AND (? IS NULL OR table_name = ?) AND id > ?
       ORDER BY id LIMIT ?`,
    ).all(accountId, region, tableName ?? null, tableName ?? null, afterId, limit) as StreamRow[];
  }

  appendRecord(streamId: number, createdAt: number, record: string): number {
    const info = this.sql('INSERT INTO dynamodb_stream_records (stream_id, created_at, record) VALUES (?, ?, ?)').run(
      streamId,
      createdAt,
      record,
    );
    return Number(info.lastInsertRowid);
  }

  /** A stream's records with a sequence number greater than `after`, oldest first. */
  recordsAfter(streamId: number, after: number, limit: number): StreamRecordRow[] {
    return this.sql(
      'SELECT seq, created_at, record FROM dynamodb_stream_records WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ).all(streamId, after, limit) as StreamRecordRow[];
  }

  /** The oldest record a stream still keeps (undefined when none). */
  oldestRecord(streamId: number): number | undefined {
    return (
      (
        this.sql('SELECT MIN(seq) AS seq FROM dynamodb_stream_records WHERE stream_id = ?').get(streamId) as {
          seq: number | null;
        }
      ).seq ?? undefined
    );
  }

  latestRecord(streamId: number): number | undefined {
    return (
      (
        this.sql('SELECT MAX(seq) AS seq FROM dynamodb_stream_records WHERE stream_id = ?').get(streamId) as {
          seq: number | null;
        }
      ).seq ?? undefined
    );
  }

  /** Drops records older than `cutoff`, and streams disabled before it. */
  trimStreams(cutoff: number): void {
    this.sql('DELETE FROM dynamodb_stream_records WHERE created_at < ?').run(cutoff);
    const dropped = this.sql('DELETE FROM dynamodb_streams WHERE disabled_at IS NOT NULL AND disabled_at < ?').run(
      cutoff,
    );
    // The sweep trims every second; the cached streams only go when one of them did.
    if (dropped.changes > 0) this.streams.changed();
  }

  // Transactions

  /** The request hash a token was used with within the window, if any. */
  transactionToken(accountId: string, region: string, token: string, since: number): string | undefined {
    return (
      this.sql(
        'SELECT request_hash FROM dynamodb_transaction_tokens WHERE account_id = ? AND region = ? AND token = ? AND created_at >= ?',
      ).get(accountId, region, token, since) as { request_hash: string } | undefined
    )?.request_hash;
  }

  saveTransactionToken(accountId: string, region: string, token: string, hash: string, at: number): void {
    this.sql(
      `INSERT INTO dynamodb_transaction_tokens (account_id, region, token, request_hash, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, region, token) DO UPDATE SET request_hash = excluded.request_hash, created_at = excluded.created_at`,
    ).run(accountId, region, token, hash, at);
  }

  trimTransactionTokens(cutoff: number): void {
    this.sql('DELETE FROM dynamodb_transaction_tokens WHERE created_at < ?').run(cutoff);
  }
}
