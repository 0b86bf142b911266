/**
 * Telling waiters that a queue may have receivable messages, at once and without polling.
 *
 * Sends and visibility returns publish `sqs.messages` on the shared change events after their
 * commit. Messages that become visible later (delays, visibility timeouts running out) have a due
 * time: VisibilityTimers keeps the earliest one per queue and a single timer to the earliest of
 * all, and publishes the same event when it passes. Long polls (and the Lambda poller) wait on
 * those events through QueueWaiters, which keeps its own index by queue so an event wakes only the
 * waiters of its queue.
 */
import type { ChangeEvents } from '../../change-events.js';

/** setTimeout's largest delay; later due times are re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

export class VisibilityTimers {
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly events: ChangeEvents,
    private readonly now: () => number,
    /** The queue's next future visibility after `now`, read when a due time passes. */
    private readonly nextVisibleAt: (queueArn: string, now: number) => number | undefined,
  ) {}

  /** Notes that a message of the queue becomes visible at `at` (epoch ms of the server clock). */
  schedule(queueArn: string, at: number): void {
    if (this.closed) return;
    const known = this.due.get(queueArn);
    if (known !== undefined && known <= at) return;
    this.due.set(queueArn, at);
    if (at < this.armedFor) this.arm(at);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_TIMER_MS, Math.max(0, at - this.now())));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.now();
    const passed = [...this.due].filter(([, at]) => at <= now).map(([arn]) => arn);
    for (const arn of passed) {
      this.due.delete(arn);
      const next = this.nextVisibleAt(arn, now);
      if (next !== undefined) this.due.set(arn, next);
    }
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.due.values()) earliest = Math.min(earliest, at);
    if (earliest !== Number.POSITIVE_INFINITY) this.arm(earliest);
    for (const arn of passed) this.events.emit('sqs.messages', { queueArn: arn });
  }
}

export class QueueWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(events: ChangeEvents) {
    this.unsubscribe = events.on('sqs.messages', ({ queueArn }) => this.wake(queueArn));
  }

  /**
   * Resolves when the queue may have messages, after `ms`, when `signal` aborts, or when the
   * service closes, whichever comes first.
   */
  wait(queueArn: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiting.get(queueArn);
      if (!set) {
        set = new Set();
        this.waiting.set(queueArn, set);
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const current = this.waiting.get(queueArn);
        current?.delete(done);
        if (current?.size === 0) this.waiting.delete(queueArn);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  get closing(): boolean {
    return this.closed;
  }

  /** Ends every wait (the server is closing). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const set of [...this.waiting.values()]) for (const done of [...set]) done();
  }

  private wake(queueArn: string): void {
    const set = this.waiting.get(queueArn);
    if (set) for (const done of [...set]) done();
  }
}
