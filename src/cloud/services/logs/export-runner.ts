/**
 * Runs export tasks in the background, as AWS does after CreateExportTask answers: a task stays
 * PENDING for a moment of the cloud's clock, then RUNNING while each stream's events are written to
 * S3, then COMPLETED. A cancellation between streams stops it. Active tasks are kept in SQLite, so
 * a restart picks them up again (an interrupted task starts over; its objects are overwritten).
 */

import { type CallAs, exportLine, writeStreamExport } from './export-destination.js';
import type { ExportTaskRow, ExportTasksState } from './export-state.js';
import { groupArn, type LogsService } from './logs-service.js';

/** How long a new task stays PENDING, in ms of the cloud's clock (AWS: seconds). */
export const EXPORT_PENDING_MS = 200;
/** How often a waiting runner looks at the clock again (tests may hold the clock still). */
const POLL_MS = 50;

export const STATUS_MESSAGES = {
  PENDING: 'Pending',
  RUNNING: 'Started successfully',
  COMPLETED: 'Completed successfully',
  CANCELLED: 'Cancelled by user',
} as const;

export class ExportRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly tasks: ExportTasksState,
    private readonly service: LogsService,
    private readonly callAs: CallAs,
    private readonly log: (line: string) => void,
  ) {}

  /** Looks for work now (after a create, and at start for tasks a restart interrupted). */
  kick(): void {
    if (this.closed || this.running) return;
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.scheduleWhileActive();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private scheduleWhileActive(): void {
    if (this.closed || this.tasks.allActive().length === 0) return;
    this.timer = setTimeout(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    for (const task of this.tasks.allActive()) {
      if (this.closed) return;
      if (task.status === 'PENDING' && this.service.now() < task.created_at + EXPORT_PENDING_MS) continue;
      await this.run(task);
    }
  }

  private async run(task: ExportTaskRow): Promise<void> {
    const { tasks, service } = this;
    if (!tasks.transition(task.id, ['PENDING', 'RUNNING'], 'RUNNING', STATUS_MESSAGES.RUNNING)) return;
    try {
      const scope = {
        accountId: task.account_id,
        region: task.region,
        bucket: task.destination,
        prefix: task.destination_prefix,
        groupArn: groupArn({ accountId: task.account_id, region: task.region }, task.group_name),
      };
      for (const [stream, lines] of this.linesByStream(task)) {
        if (tasks.get(task.account_id, task.region, task.id)?.status !== 'RUNNING') return;
        await writeStreamExport(this.callAs, scope, task.id, stream, lines);
      }
      tasks.transition(task.id, ['RUNNING'], 'COMPLETED', STATUS_MESSAGES.COMPLETED, service.now());
    } catch (error) {
      this.log(`logs: export task ${task.id} failed: ${(error as Error).message}`);
      tasks.transition(task.id, ['RUNNING'], 'FAILED', (error as Error).message, service.now());
    }
  }

  /** The task's events in time order, as export lines per stream (streams without events are left out). */
  private linesByStream(task: ExportTaskRow): Map<string, string[]> {
    const { state } = this.service;
    const byStream = new Map<string, string[]>();
    const group = state.getGroup(task.account_id, task.region, task.group_name);
    // A group deleted after the task was created exports nothing.
    if (!group) return byStream;
    this.service.applyRetention(group);
    const rows = state.groupEvents({
      groupId: group.id,
      start: task.from_time,
      // `to` is inclusive: later events are not exported.
      end: task.to_time + 1,
      streamNames: undefined,
      streamPrefix: task.stream_prefix ?? undefined,
      after: { timestamp: 0, id: 0 },
    });
    for (const row of rows) {
      const lines = byStream.get(row.stream_name) ?? [];
      if (lines.length === 0) byStream.set(row.stream_name, lines);
      lines.push(exportLine(row));
    }
    return byStream;
  }
}
