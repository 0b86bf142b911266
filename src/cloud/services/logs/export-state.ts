/**
 * Export tasks' persistent state: one row per CreateExportTask, its status moving PENDING ->
 * RUNNING -> COMPLETED (or CANCELLED / FAILED). Rows outlive their group, as AWS keeps a task's
 * description after the group is deleted.
 */
import { type Migration, SqlState } from '../../store/database.js';

export const exportTaskMigrations: Migration[] = [
  {
    id: 'logs-002-export-tasks',
    sql: `
      CREATE TABLE logs_export_tasks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT,
        group_name TEXT NOT NULL,
        stream_prefix TEXT,
        from_time INTEGER NOT NULL,
        to_time INTEGER NOT NULL,
        destination TEXT NOT NULL,
        destination_prefix TEXT NOT NULL,
        status TEXT NOT NULL,
        status_message TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        completed_at INTEGER
      );
      CREATE INDEX logs_export_tasks_active ON logs_export_tasks (status) WHERE status IN ('PENDING', 'RUNNING');
    `,
  },
];

export type ExportStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface ExportTaskRow {
  seq: number;
  id: string;
  account_id: string;
  region: string;
  name: string | null;
  group_name: string;
  stream_prefix: string | null;
  from_time: number;
  to_time: number;
  destination: string;
  destination_prefix: string;
  status: ExportStatus;
  status_message: string;
  created_at: number;
  completed_at: number | null;
}

export type NewExportTask = Omit<ExportTaskRow, 'seq' | 'status' | 'status_message' | 'completed_at'>;

export interface ExportTaskQuery {
  accountId: string;
  region: string;
  taskId: string | undefined;
  status: string | undefined;
  afterSeq: number;
  limit: number;
}

export class ExportTasksState extends SqlState {
  get(accountId: string, region: string, id: string): ExportTaskRow | undefined {
    return this.sql('SELECT * FROM logs_export_tasks WHERE account_id = ? AND region = ? AND id = ?').get(
      accountId,
      region,
      id,
    ) as ExportTaskRow | undefined;
  }

  /** The account's PENDING or RUNNING task in a region, if any (AWS allows one at a time). */
  active(accountId: string, region: string): ExportTaskRow | undefined {
    return this.sql(
      `SELECT * FROM logs_export_tasks WHERE status IN ('PENDING', 'RUNNING') AND account_id = ? AND region = ? LIMIT 1`,
    ).get(accountId, region) as ExportTaskRow | undefined;
  }

  /** Every PENDING or RUNNING task, oldest first (what the runner has to do, also after a restart). */
  allActive(): ExportTaskRow[] {
    return this.sql(
      `SELECT * FROM logs_export_tasks WHERE status IN ('PENDING', 'RUNNING') ORDER BY seq`,
    ).all() as ExportTaskRow[];
  }

  insert(task: NewExportTask, status: ExportStatus, message: string): void {
    this.sql(
      `INSERT INTO logs_export_tasks (id, account_id, region, name, group_name, stream_prefix, from_time, to_time,
         destination, destination_prefix, status, status_message, created_at)
       VALUES (@id, @account_id, @region, @name, @group_name, @stream_prefix, @from_time, @to_time,
         @destination, @destination_prefix, @status, @message, @created_at)`,
    ).run({ ...task, status, message });
  }

  /**
   * Moves a task from one of `from` to `to`; false when it was no longer in `from` (cancelled
   * meanwhile), so a runner never overwrites a cancellation.
   */
  transition(id: string, from: readonly ExportStatus[], to: ExportStatus, message: string, at?: number): boolean {
    const info = this.sql(
      `UPDATE logs_export_tasks SET status = ?, status_message = ?, completed_at = COALESCE(?, completed_at)
        WHERE id = ? AND status IN (SELECT value FROM json_each(?))`,
    ).run(to, message, at ?? null, id, JSON.stringify(from));
    return info.changes === 1;
  }

  list(query: ExportTaskQuery): ExportTaskRow[] {
    return this.sql(
      `SELECT * FROM logs_export_tasks
        WHERE account_id = @accountId AND region = @region AND seq > @afterSeq
          AND (@taskId IS NULL OR id = @taskId) AND (@status IS NULL OR status = @status)
        ORDER BY seq LIMIT @limit`,
    ).all({
      accountId: query.accountId,
      region: query.region,
      taskId: query.taskId ?? null,
      status: query.status ?? null,
      afterSeq: query.afterSeq,
      limit: query.limit,
    }) as ExportTaskRow[];
  }
}
