/**
 * CloudWatch Logs' persistent state: log groups (per account and region), their streams, and the
 * events. Events are read in (timestamp, id) order, id being the insertion order, so events with
 * equal timestamps come back as they were put and a (timestamp, id) pair is a stable cursor.
 */
import { type Migration, SqlState } from '../../store/database.js';

export const baseMigrations: Migration[] = [
  {
    id: 'logs-001-schema',
    sql: `
      CREATE TABLE logs_groups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retention_days INTEGER,
        kms_key_id TEXT,
        log_group_class TEXT NOT NULL,
        tags TEXT NOT NULL,
        UNIQUE (account_id, region, name)
      );
      CREATE TABLE logs_streams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        first_event INTEGER,
        last_event INTEGER,
        last_ingestion INTEGER,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        upload_seq INTEGER NOT NULL DEFAULT 0,
        UNIQUE (group_id, name)
      );
      CREATE TABLE logs_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
        stream_id INTEGER NOT NULL REFERENCES logs_streams (id) ON DELETE CASCADE,
        timestamp INTEGER NOT NULL,
        ingestion_time INTEGER NOT NULL,
        message TEXT NOT NULL
      );
      -- GetLogEvents reads one stream in time order; FilterLogEvents and retention read a whole group.
      CREATE INDEX logs_events_stream ON logs_events (stream_id, timestamp, id);
      CREATE INDEX logs_events_group ON logs_events (group_id, timestamp, id);
    `,
  },
  {
    id: 'logs-003-deletion-protection',
    sql: 'ALTER TABLE logs_groups ADD COLUMN deletion_protection INTEGER NOT NULL DEFAULT 0;',
  },
];

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogGroupRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  created_at: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
  tags: string;
  /** 1 when DeleteLogGroup is refused until protection is turned off. */
  deletion_protection: number;
}

export interface LogStreamRow {
  id: number;
  group_id: number;
  name: string;
  created_at: number;
  first_event: number | null;
  last_event: number | null;
  last_ingestion: number | null;
  stored_bytes: number;
  upload_seq: number;
}

export interface EventRow {
  id: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
}

export interface FilteredEventRow extends EventRow {
  stream_name: string;
}

/** A position between events: reads continue strictly after (or before) it. */
export interface Cursor {
  timestamp: number;
  id: number;
}

export interface NewLogEvent {
  timestamp: number;
  message: string;
}

export interface GroupQuery {
  accountId: string;
  region: string;
  prefix: string | undefined;
  /** Case-sensitive substring. */
  pattern: string | undefined;
  names: string[] | undefined;
  logGroupClass: string | undefined;
  after: string | undefined;
  limit: number;
}

export interface StreamQuery {
  groupId: number;
  prefix: string | undefined;
  byLastEventTime: boolean;
  descending: boolean;
  after: { key: string | number; name: string } | undefined;
  limit: number;
}

export interface EventWindow {
  /** Inclusive. */
  start: number;
  /** Exclusive. */
  end: number;
}

export interface FilterScan extends EventWindow {
  groupId: number;
  streamNames: string[] | undefined;
  streamPrefix: string | undefined;
  after: Cursor;
}

export class LogsState extends SqlState {
  /**
   * Group and stream ids by account, region, group and stream name, for ensureStream (Lambda calls
   * it for every batch of function logs). An id stays valid until its group or stream is deleted,
   * or the transaction that created it rolls back; then the map is dropped.
   */
  private readonly streamIds = new Map<string, { groupId: number; streamId: number }>();

  override transaction<T>(fn: () => T): T {
    try {
      return super.transaction(fn);
    } catch (error) {
      this.streamIds.clear();
      throw error;
    }
  }

  // Groups

  getGroup(accountId: string, region: string, name: string): LogGroupRow | undefined {
    return this.sql('SELECT * FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?').get(
      accountId,
      region,
      name,
    ) as LogGroupRow | undefined;
  }

  /** False when the group already exists. */
  createGroup(
    accountId: string,
    region: string,
    name: string,
    createdAt: number,
    options: {
      kmsKeyId?: string | undefined;
      logGroupClass?: string | undefined;
      tags?: Record<string, string>;
      deletionProtection?: boolean | undefined;
    } = {},
  ): boolean {
    const info = this.sql(
      `INSERT OR IGNORE INTO logs_groups
         (account_id, region, name, created_at, retention_days, kms_key_id, log_group_class, tags, deletion_protection)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
    ).run(
      accountId,
      region,
      name,
      createdAt,
      options.kmsKeyId ?? null,
      options.logGroupClass ?? 'STANDARD',
      JSON.stringify(options.tags ?? {}),
      options.deletionProtection ? 1 : 0,
    );
    return info.changes === 1;
  }

  deleteGroup(id: number): void {
    this.streamIds.clear();
    this.sql('DELETE FROM logs_groups WHERE id = ?').run(id);
  }

  setRetention(id: number, days: number | null): void {
    this.sql('UPDATE logs_groups SET retention_days = ? WHERE id = ?').run(days, id);
  }

  setDeletionProtection(id: number, enabled: boolean): void {
    this.sql('UPDATE logs_groups SET deletion_protection = ? WHERE id = ?').run(enabled ? 1 : 0, id);
  }

  setTags(id: number, tags: Record<string, string>): void {
    this.sql('UPDATE logs_groups SET tags = ? WHERE id = ?').run(JSON.stringify(tags), id);
  }

  /** Groups in name order with their stored bytes. */
  listGroups(query: GroupQuery): (LogGroupRow & { stored_bytes: number })[] {
    return this.sql(
      `SELECT g.*, (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM logs_streams s WHERE s.group_id = g.id) AS stored_bytes
         FROM logs_groups g
        WHERE g.account_id = @accountId AND g.region = @region
          AND (@prefix IS NULL OR substr(g.name, 1, length(@prefix)) = @prefix)
          AND (@pattern IS NULL OR instr(g.name, @pattern) > 0)
          AND (@names IS NULL OR g.name IN (SELECT value FROM json_each(@names)))
          AND (@logGroupClass IS NULL OR g.log_group_class = @logGroupClass)
          AND (@after IS NULL OR g.name > @after)
        ORDER BY g.name LIMIT @limit`,
    ).all({
      accountId: query.accountId,
      region: query.region,
      limit: query.limit,
      prefix: query.prefix ?? null,
      pattern: query.pattern ?? null,
      names: query.names ? JSON.stringify(query.names) : null,
      logGroupClass: query.logGroupClass ?? null,
      after: query.after ?? null,
    }) as (LogGroupRow & { stored_bytes: number })[];
  }

  /**
   * Drops a group's events older than `cutoff` (retention, applied lazily when the group is read).
   * The range delete finds nothing in the common case, so this is cheap to call on every read.
   */
  purgeExpired(groupId: number, cutoff: number): void {
    this.transaction(() => {
      const removed = this.sql('DELETE FROM logs_events WHERE group_id = ? AND timestamp < ?').run(groupId, cutoff);
      if (removed.changes === 0) return;
      this.sql(
        `UPDATE logs_streams SET stored_bytes =
           (SELECT COALESCE(SUM(length(CAST(message AS BLOB))), 0) FROM logs_events e WHERE e.stream_id = logs_streams.id)
         WHERE group_id = ?`,
      ).run(groupId);
    });
  }

  /** The account's groups that have a retention policy, for purging before a listing. */
  groupsWithRetention(accountId: string, region: string): { id: number; retention_days: number }[] {
    return this.sql(
      'SELECT id, retention_days FROM logs_groups WHERE account_id = ? AND region = ? AND retention_days IS NOT NULL',
    ).all(accountId, region) as { id: number; retention_days: number }[];
  }

  // Streams

  getStream(groupId: number, name: string): LogStreamRow | undefined {
    return this.sql('SELECT * FROM logs_streams WHERE group_id = ? AND name = ?').get(groupId, name) as
      | LogStreamRow
      | undefined;
  }

  /** False when the stream already exists. */
  createStream(groupId: number, name: string, createdAt: number): boolean {
    const info = this.sql('INSERT OR IGNORE INTO logs_streams (group_id, name, created_at) VALUES (?, ?, ?)').run(
      groupId,
      name,
      createdAt,
    );
    return info.changes === 1;
  }

  deleteStream(id: number): void {
    this.streamIds.clear();
    this.sql('DELETE FROM logs_streams WHERE id = ?').run(id);
  }

  /**
   * Streams in name or last-event order. The name breaks ties, so (key, name) is a total order and
   * a cursor on it pages without gaps or repeats.
   */
  listStreams(query: StreamQuery): LogStreamRow[] {
    const key = query.byLastEventTime ? 'COALESCE(last_event, 0)' : 'name';
    const direction = query.descending ? 'DESC' : 'ASC';
    const comparison = query.descending ? '<' : '>';
    return this.sql(
      `SELECT * FROM logs_streams
        WHERE group_id = @groupId
          AND (@prefix IS NULL OR substr(name, 1, length(@prefix)) = @prefix)
          AND (@afterName IS NULL OR (${key}, name) ${comparison} (@afterKey, @afterName))
        ORDER BY ${key} ${direction}, name ${direction} LIMIT @limit`,
    ).all({
      groupId: query.groupId,
      prefix: query.prefix ?? null,
      afterKey: query.after?.key ?? null,
      afterName: query.after?.name ?? null,
      limit: query.limit,
    }) as LogStreamRow[];
  }

  /**
   * Finds or creates the group and stream (for services that write logs without creating them
   * first, as Lambda does). Call inside a transaction.
   */
  ensureStream(
    accountId: string,
    region: string,
    groupName: string,
    streamName: string,
    now: number,
  ): { groupId: number; streamId: number } {
    const key = `${accountId}\n${region}\n${groupName}\n${streamName}`;
    const known = this.streamIds.get(key);
    if (known) return known;
    this.createGroup(accountId, region, groupName, now);
    const group = this.getGroup(accountId, region, groupName) as LogGroupRow;
    this.createStream(group.id, streamName, now);
    const stream = this.getStream(group.id, streamName) as LogStreamRow;
    const ids = { groupId: group.id, streamId: stream.id };
    if (this.streamIds.size >= 10_000) this.streamIds.clear();
    this.streamIds.set(key, ids);
    return ids;
  }

  // Events

  /**
   * Appends events to a stream and advances its sequence token; returns the new sequence number.
   * Call inside a transaction so the events and the stream's statistics change together.
   */
  appendEvents(groupId: number, streamId: number, events: NewLogEvent[], ingestionTime: number): number {
    const insert = this.sql(
      'INSERT INTO logs_events (group_id, stream_id, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)',
    );
    let bytes = 0;
    let first: number | null = null;
    let last: number | null = null;
    for (const event of events) {
      insert.run(groupId, streamId, event.timestamp, ingestionTime, event.message);
      bytes += Buffer.byteLength(event.message);
      if (first === null || event.timestamp < first) first = event.timestamp;
      if (last === null || event.timestamp > last) last = event.timestamp;
    }
    const row = this.sql(
      `UPDATE logs_streams SET
         first_event = CASE WHEN @first IS NULL THEN first_event ELSE MIN(COALESCE(first_event, @first), @first) END,
         last_event = CASE WHEN @last IS NULL THEN last_event ELSE MAX(COALESCE(last_event, @last), @last) END,
         last_ingestion = CASE WHEN @first IS NULL THEN last_ingestion ELSE @now END,
         stored_bytes = stored_bytes + @bytes,
         upload_seq = upload_seq + 1
       WHERE id = @streamId RETURNING upload_seq`,
    ).get({ first, last, now: ingestionTime, bytes, streamId }) as { upload_seq: number };
    return row.upload_seq;
  }

  /** A stream's events after `after` in time order (or before it, newest first, when `backward`). */
  streamEvents(
    streamId: number,
    window: EventWindow,
    position: Cursor,
    backward: boolean,
    limit: number,
  ): IterableIterator<EventRow> {
    const sql = backward
      ? `SELECT id, timestamp, ingestion_time, message FROM logs_events
          WHERE stream_id = @streamId AND timestamp >= @start AND timestamp < @end AND (timestamp, id) < (@timestamp, @id)
          ORDER BY timestamp DESC, id DESC LIMIT @limit`
      : `SELECT id, timestamp, ingestion_time, message FROM logs_events
          WHERE stream_id = @streamId AND timestamp >= @start AND timestamp < @end AND (timestamp, id) > (@timestamp, @id)
          ORDER BY timestamp, id LIMIT @limit`;
    return this.sql(sql).iterate({
      streamId,
      start: window.start,
      end: window.end,
      timestamp: position.timestamp,
      id: position.id,
      limit,
    }) as IterableIterator<EventRow>;
  }

  /** A group's events after `scan.after` in time order across the selected streams. */
  groupEvents(scan: FilterScan): IterableIterator<FilteredEventRow> {
    return this.sql(
      `SELECT e.id, e.timestamp, e.ingestion_time, e.message, s.name AS stream_name
         FROM logs_events e JOIN logs_streams s ON s.id = e.stream_id
        WHERE e.group_id = @groupId AND e.timestamp >= @start AND e.timestamp < @end
          AND (e.timestamp, e.id) > (@timestamp, @id)
          AND (@names IS NULL OR s.name IN (SELECT value FROM json_each(@names)))
          AND (@prefix IS NULL OR substr(s.name, 1, length(@prefix)) = @prefix)
        ORDER BY e.timestamp, e.id`,
    ).iterate({
      groupId: scan.groupId,
      start: scan.start,
      end: scan.end,
      timestamp: scan.after.timestamp,
      id: scan.after.id,
      names: scan.streamNames ? JSON.stringify(scan.streamNames) : null,
      prefix: scan.streamPrefix ?? null,
    }) as IterableIterator<FilteredEventRow>;
  }
}
