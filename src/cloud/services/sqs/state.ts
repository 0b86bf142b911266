/**
 * SQS's persistent state: queues, their messages, FIFO deduplication records and message move tasks.
 *
 * A message's state is derived from two columns and the clock, so it is right after a restart:
 * `visible_at <= now` is visible; `visible_at > now` is in flight when it was received
 * (`receive_count > 0`), delayed otherwise. Messages are read in `id` (send) order.
 */
import { type Migration, SqlState } from '../../store/database.js';

export const sqsMigrations: Migration[] = [
  {
    id: 'sqs-001-schema',
    sql: `
      CREATE TABLE sqs_queues (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL UNIQUE,
        fifo INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        purged_at INTEGER,
        sequence INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account_id, region, name)
      );
      CREATE TABLE sqs_deleted_queues (
        arn TEXT PRIMARY KEY,
        deleted_at INTEGER NOT NULL
      );
      CREATE TABLE sqs_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        md5_body TEXT NOT NULL,
        attributes TEXT,
        md5_attributes TEXT,
        trace_header TEXT,
        md5_system TEXT,
        sender_id TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_received_at INTEGER,
        receipt_handle TEXT,
        group_id TEXT,
        dedup_id TEXT,
        sequence_number TEXT,
        dlq_source_arn TEXT
      );
      -- Receives read visible messages; retention drops the oldest.
      CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at);
      CREATE INDEX sqs_messages_sent ON sqs_messages (queue_id, sent_at);
      CREATE TABLE sqs_dedup (
        queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
        dedup_key TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence_number TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (queue_id, dedup_key)
      ) WITHOUT ROWID;
      CREATE TABLE sqs_move_tasks (
        task_handle TEXT PRIMARY KEY,
        source_arn TEXT NOT NULL,
        destination_arn TEXT,
        max_per_second INTEGER,
        status TEXT NOT NULL,
        moved INTEGER NOT NULL DEFAULT 0,
        to_move INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        failure_reason TEXT
      );
      CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (source_arn, started_at);
    `,
  },
];

export interface QueueRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  arn: string;
  fifo: number;
  /** JSON of the stored attributes (attributes.ts). */
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
  purged_at: number | null;
  sequence: number;
}

export interface MessageRow {
  id: number;
  queue_id: number;
  message_id: string;
  body: string;
  md5_body: string;
  /** JSON of the message attributes, binary values in base64. */
  attributes: string | null;
  md5_attributes: string | null;
  trace_header: string | null;
  md5_system: string | null;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  receipt_handle: string | null;
  group_id: string | null;
  dedup_id: string | null;
  sequence_number: string | null;
  dlq_source_arn: string | null;
}

export type NewMessage = Omit<MessageRow, 'id' | 'queue_id' | 'receive_count' | 'first_received_at' | 'receipt_handle'>;

export interface MoveTaskRow {
  task_handle: string;
  source_arn: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: string;
  moved: number;
  to_move: number;
  started_at: number;
  failure_reason: string | null;
}

export interface MessageCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export class SqsState extends SqlState {
  // Queues

  getQueue(accountId: string, region: string, name: string): QueueRow | undefined {
    return this.cachedRead(`q\n${accountId}\n${region}\n${name}`, () =>
      this.sql('SELECT * FROM sqs_queues WHERE account_id = ? AND region = ? AND name = ?').get(
        accountId,
        region,
        name,
      ),
    ) as QueueRow | undefined;
  }

  getQueueByArn(arn: string): QueueRow | undefined {
    return this.cachedRead(`arn\n${arn}`, () => this.sql('SELECT * FROM sqs_queues WHERE arn = ?').get(arn)) as
      | QueueRow
      | undefined;
  }

  getQueueById(id: number): QueueRow | undefined {
    return this.sql('SELECT * FROM sqs_queues WHERE id = ?').get(id) as QueueRow | undefined;
  }

  insertQueue(row: Omit<QueueRow, 'id' | 'purged_at' | 'sequence'>): void {
    this.sql(
      `INSERT INTO sqs_queues (account_id, region, name, arn, fifo, attributes, tags, created_at, modified_at)
       VALUES (@account_id, @region, @name, @arn, @fifo, @attributes, @tags, @created_at, @modified_at)`,
    ).run(row);
  }

  deleteQueue(id: number, arn: string, now: number): void {
    this.sql('DELETE FROM sqs_queues WHERE id = ?').run(id);
    this.sql('INSERT OR REPLACE INTO sqs_deleted_queues (arn, deleted_at) VALUES (?, ?)').run(arn, now);
  }

  deletedAt(arn: string): number | undefined {
    const row = this.sql('SELECT deleted_at FROM sqs_deleted_queues WHERE arn = ?').get(arn) as
      | { deleted_at: number }
      | undefined;
    return row?.deleted_at;
  }

  setAttributes(id: number, attributes: string, now: number): void {
    this.sql('UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE id = ?').run(attributes, now, id);
  }

  setTags(id: number, tags: string): void {
    this.sql('UPDATE sqs_queues SET tags = ? WHERE id = ?').run(tags, id);
  }

  listQueues(accountId: string, region: string, prefix: string, after: string, limit: number): QueueRow[] {
    return this.sql(
      `SELECT * FROM sqs_queues WHERE account_id = ? AND region = ?
          AND substr(name, 1, length(?)) = ? AND name > ? ORDER BY name LIMIT ?`,
    ).all(accountId, region, prefix, prefix, after, limit) as QueueRow[];
  }

  /** Queues whose RedrivePolicy names `dlqArn`, in name order. */
  deadLetterSources(dlqArn: string, after: string, limit: number): QueueRow[] {
    return this.sql(
      `SELECT * FROM sqs_queues WHERE json_extract(attributes, '$.RedrivePolicy') IS NOT NULL
          AND json_extract(json_extract(attributes, '$.RedrivePolicy'), '$.deadLetterTargetArn') = ?
          AND arn > ? ORDER BY arn LIMIT ?`,
    ).all(dlqArn, after, limit) as QueueRow[];
  }

  purge(id: number, now: number): void {
    this.sql('DELETE FROM sqs_messages WHERE queue_id = ?').run(id);
    this.sql('UPDATE sqs_queues SET purged_at = ? WHERE id = ?').run(now, id);
  }

  /** Reserves `count` FIFO sequence numbers; returns the first. */
  nextSequence(id: number, count: number): number {
    const row = this.sql('UPDATE sqs_queues SET sequence = sequence + ? WHERE id = ? RETURNING sequence').get(
      count,
      id,
    ) as { sequence: number };
    return row.sequence - count + 1;
  }

  // Messages

  insertMessage(queueId: number, message: NewMessage): void {
    this.sql(
      `INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, attributes, md5_attributes, trace_header,
         md5_system, sender_id, sent_at, visible_at, group_id, dedup_id, sequence_number, dlq_source_arn)
       VALUES (@queue_id, @message_id, @body, @md5_body, @attributes, @md5_attributes, @trace_header,
         @md5_system, @sender_id, @sent_at, @visible_at, @group_id, @dedup_id, @sequence_number, @dlq_source_arn)`,
    ).run({ ...message, queue_id: queueId });
  }

  /** Moves a message to another queue (dead-letter queues, move tasks), as a new row at its end. */
  moveMessage(message: MessageRow, toQueueId: number, changes: Partial<MessageRow>): void {
    this.sql('DELETE FROM sqs_messages WHERE id = ?').run(message.id);
    const moved = { ...message, ...changes };
    this.sql(
      `INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, attributes, md5_attributes, trace_header,
         md5_system, sender_id, sent_at, visible_at, receive_count, first_received_at, receipt_handle, group_id,
         dedup_id, sequence_number, dlq_source_arn)
       VALUES (@queue_id, @message_id, @body, @md5_body, @attributes, @md5_attributes, @trace_header,
         @md5_system, @sender_id, @sent_at, @visible_at, @receive_count, @first_received_at, @receipt_handle,
         @group_id, @dedup_id, @sequence_number, @dlq_source_arn)`,
    ).run({ ...moved, queue_id: toQueueId });
  }

  getMessage(id: number): MessageRow | undefined {
    return this.sql('SELECT * FROM sqs_messages WHERE id = ?').get(id) as MessageRow | undefined;
  }

  /** Visible messages in send order (standard queues: any order is allowed, this one is fair). */
  visibleMessages(queueId: number, now: number, limit: number): MessageRow[] {
    return this.sql(
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? ORDER BY visible_at, id LIMIT ?',
    ).all(queueId, now, limit) as MessageRow[];
  }

  /** All of a queue's messages in send order (FIFO receives walk them group by group). */
  messagesInOrder(queueId: number): IterableIterator<MessageRow> {
    return this.sql('SELECT * FROM sqs_messages WHERE queue_id = ? ORDER BY id').iterate(
      queueId,
    ) as IterableIterator<MessageRow>;
  }

  /** Message groups with a message in flight (FIFO: such a group delivers nothing else). */
  groupsInFlight(queueId: number, now: number): Set<string> {
    const rows = this.sql(
      `SELECT DISTINCT group_id FROM sqs_messages
        WHERE queue_id = ? AND visible_at > ? AND receive_count > 0 AND group_id IS NOT NULL`,
    ).all(queueId, now) as { group_id: string }[];
    return new Set(rows.map((row) => row.group_id));
  }

  markReceived(id: number, handle: string, now: number, visibleAt: number): void {
    this.sql(
      `UPDATE sqs_messages SET receive_count = receive_count + 1, receipt_handle = ?, visible_at = ?,
         first_received_at = COALESCE(first_received_at, ?) WHERE id = ?`,
    ).run(handle, visibleAt, now, id);
  }

  setVisibleAt(id: number, visibleAt: number): void {
    this.sql('UPDATE sqs_messages SET visible_at = ? WHERE id = ?').run(visibleAt, id);
  }

  deleteMessage(id: number): void {
    this.sql('DELETE FROM sqs_messages WHERE id = ?').run(id);
  }

  /** Drops messages sent before `cutoff` (retention). */
  expire(queueId: number, cutoff: number): number {
    return this.sql('DELETE FROM sqs_messages WHERE queue_id = ? AND sent_at < ?').run(queueId, cutoff).changes;
  }

  counts(queueId: number, now: number): MessageCounts {
    return this.sql(
      `SELECT COALESCE(SUM(visible_at <= @now), 0) AS visible,
              COALESCE(SUM(visible_at > @now AND receive_count > 0), 0) AS inFlight,
              COALESCE(SUM(visible_at > @now AND receive_count = 0), 0) AS delayed
         FROM sqs_messages WHERE queue_id = @queueId`,
    ).get({ queueId, now }) as MessageCounts;
  }

  /** The earliest future time a message of the queue becomes visible. */
  nextVisibleAt(queueId: number, now: number): number | undefined {
    const row = this.sql('SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_id = ? AND visible_at > ?').get(
      queueId,
      now,
    ) as { at: number | null };
    return row.at ?? undefined;
  }

  /** Per queue, the earliest future visibility (to schedule wake-ups after a restart). */
  pendingVisibility(now: number): { arn: string; at: number }[] {
    return this.sql(
      `SELECT q.arn AS arn, MIN(m.visible_at) AS at FROM sqs_messages m JOIN sqs_queues q ON q.id = m.queue_id
        WHERE m.visible_at > ? GROUP BY m.queue_id`,
    ).all(now) as { arn: string; at: number }[];
  }

  // FIFO deduplication

  findDuplicate(
    queueId: number,
    key: string,
    now: number,
  ): { message_id: string; sequence_number: string } | undefined {
    return this.sql(
      'SELECT message_id, sequence_number FROM sqs_dedup WHERE queue_id = ? AND dedup_key = ? AND expires_at > ?',
    ).get(queueId, key, now) as { message_id: string; sequence_number: string } | undefined;
  }

  recordDedup(queueId: number, key: string, messageId: string, sequenceNumber: string, expiresAt: number): void {
    this.sql(
      `INSERT OR REPLACE INTO sqs_dedup (queue_id, dedup_key, message_id, sequence_number, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(queueId, key, messageId, sequenceNumber, expiresAt);
  }

  expireDedup(now: number): void {
    this.sql('DELETE FROM sqs_dedup WHERE expires_at <= ?').run(now);
  }

  // Move tasks

  insertMoveTask(row: MoveTaskRow): void {
    this.sql(
      `INSERT INTO sqs_move_tasks (task_handle, source_arn, destination_arn, max_per_second, status, moved, to_move,
         started_at, failure_reason)
       VALUES (@task_handle, @source_arn, @destination_arn, @max_per_second, @status, @moved, @to_move, @started_at,
         @failure_reason)`,
    ).run(row);
  }

  getMoveTask(handle: string): MoveTaskRow | undefined {
    return this.sql('SELECT * FROM sqs_move_tasks WHERE task_handle = ?').get(handle) as MoveTaskRow | undefined;
  }

  moveTasks(sourceArn: string, limit: number): MoveTaskRow[] {
    return this.sql('SELECT * FROM sqs_move_tasks WHERE source_arn = ? ORDER BY started_at DESC LIMIT ?').all(
      sourceArn,
      limit,
    ) as MoveTaskRow[];
  }

  tasksWithStatus(status: string): MoveTaskRow[] {
    return this.sql('SELECT * FROM sqs_move_tasks WHERE status = ?').all(status) as MoveTaskRow[];
  }

  updateMoveTask(handle: string, changes: { status?: string; moved?: number; failure_reason?: string | null }): void {
    this.sql(
      `UPDATE sqs_move_tasks SET status = COALESCE(@status, status), moved = COALESCE(@moved, moved),
         failure_reason = COALESCE(@failure_reason, failure_reason) WHERE task_handle = @handle`,
    ).run({
      handle,
      status: changes.status ?? null,
      moved: changes.moved ?? null,
      failure_reason: changes.failure_reason ?? null,
    });
  }
}
