/**
 * Function logs on their way to CloudWatch Logs: appends from every execution environment are
 * queued and committed together every few milliseconds. Under load that is one SQLite commit for
 * many invocations instead of one each; CloudWatch Logs itself shows events after a delay too.
 */
import type { LogEvent, LogSink } from '../../lambda/engine.js';
import type { LogStore } from '../logs/index.js';

/** How long appends wait to be committed together. */
const FLUSH_DELAY_MS = 10;

export class BatchedLogSink implements LogSink {
  private queue: { accountId: string; region: string; group: string; stream: string; events: LogEvent[] }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<LogStore, 'appendMany'>,
    private readonly log: (line: string) => void,
  ) {}

  append(accountId: string, region: string, group: string, stream: string, events: LogEvent[]): void {
    this.queue.push({ accountId, region, group, stream, events });
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Commits what is queued (also called at close, before the database closes). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queue.length) return;
    const batches = this.queue;
    this.queue = [];
    try {
      this.store.appendMany(batches);
    } catch (error) {
      this.log(`lambda: writing function logs failed: ${String(error)}`);
    }
  }
}
