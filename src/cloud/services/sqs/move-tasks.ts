/**
 * Message move tasks (dead-letter queue redrive): moving a DLQ's messages back to the queues they
 * came from, or to a chosen queue, in the background at an optional rate. Tasks are rows, so a
 * task still RUNNING at a restart carries on.
 */
import type { MessageStore } from './message-store.js';
import type { MoveTaskRow, SqsState } from './state.js';

/** Moves per step when the task has no rate (AWS: "system-optimized"). */
const UNLIMITED_STEP = 500;
const STEP_MS = 50;

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export class MoveTaskRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: SqsState,
    private readonly messages: MessageStore,
    private readonly now: () => number,
  ) {}

  /** Resumes the tasks a previous run left RUNNING. */
  start(): void {
    for (const task of this.state.tasksWithStatus('RUNNING')) this.run(task.task_handle);
  }

  run(handle: string): void {
    if (this.closed || this.timers.has(handle)) return;
    const timer = setTimeout(() => {
      this.timers.delete(handle);
      if (this.step(handle)) this.run(handle);
    }, STEP_MS);
    timer.unref();
    this.timers.set(handle, timer);
  }

  /** Stops a task's steps (CancelMessageMoveTask); the caller records the status. */
  stop(handle: string): void {
    const timer = this.timers.get(handle);
    if (timer) clearTimeout(timer);
    this.timers.delete(handle);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Moves the next messages of one task; false once the task is over. */
  private step(handle: string): boolean {
    const task = this.state.getMoveTask(handle);
    if (task?.status !== 'RUNNING') return false;
    const source = this.state.getQueueByArn(task.source_arn);
    if (!source) return this.finish(task, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
    const now = this.now();
    const budget = this.budget(task, now);
    if (budget === 0) return true;
    const batch = this.state.visibleMessages(source.id, now, Math.min(budget, task.to_move - task.moved));
    const touched = new Set<string>();
    let failure: string | undefined;
    const moved = this.state.transaction(() => {
      let count = 0;
      for (const message of batch) {
        const destinationArn = task.destination_arn ?? message.dlq_source_arn;
        const destination = destinationArn ? this.state.getQueueByArn(destinationArn) : undefined;
        if (!destination) {
          failure = 'AWS.SimpleQueueService.NonExistentQueue';
          break;
        }
        this.state.moveMessage(message, destination.id, {
          visible_at: now,
          receive_count: 0,
          first_received_at: null,
          receipt_handle: null,
          dlq_source_arn: null,
        });
        touched.add(destination.arn);
        count++;
      }
      this.state.updateMoveTask(handle, { moved: task.moved + count });
      return count;
    });
    for (const arn of touched) this.messages.announce(arn, now, now);
    if (failure) return this.finish(task, 'FAILED', failure);
    if (task.moved + moved >= task.to_move || batch.length === 0) return this.finish(task, 'COMPLETED');
    return true;
  }

  /** How many messages the task may move now, given its rate. */
  private budget(task: MoveTaskRow, now: number): number {
    if (task.max_per_second === null) return UNLIMITED_STEP;
    const allowed = Math.floor((task.max_per_second * (now - task.started_at)) / 1000) + 1;
    return Math.max(0, Math.min(UNLIMITED_STEP, allowed - task.moved));
  }

  private finish(task: MoveTaskRow, status: MoveTaskStatus, failureReason?: string): false {
    this.state.updateMoveTask(task.task_handle, { status, failure_reason: failureReason ?? null });
    return false;
  }
}
