/**
 * Function logs on their way to CloudWatch Logs: appends from every execution environment are
 * queued and committed together every few milliseconds. Under load that is one SQLite commit for
 * many invocations instead of one each; CloudWatch Logs itself shows events after a delay too.
 */
import type { ChangeEvents } from '../../change-events.js';
import type { LogEvent, LogSink } from '../../lambda/engine.js';
import type { LogStore } from '../logs/index.js';

/** How long appends wait to be committed together (AWS shows function logs after seconds). */
const FLUSH_DELAY_MS = 50;

interface Batch {
  accountId: string;
  region: string;
  group: string;
  stream: string;
  events: LogEvent[];
}

export class BatchedLogSink implements LogSink {
  /** Queued appends, one batch per stream (an environment appends once per invocation). */
  private queue = new Map<string, Batch>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<LogStore, 'appendMany'>,
    private readonly log: (line: string) => void,
    private readonly events?: ChangeEvents,
  ) {}

  append(accountId: string, region: string, group: string, stream: string, events: LogEvent[]): void {
    const key = `${accountId}\n${region}\n${group}\n${stream}`;
    const batch = this.queue.get(key);
    if (!batch) this.queue.set(key, { accountId, region, group, stream, events: events.slice() });
    else for (const event of events) batch.events.push(event);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Commits what is queued (also called at close, before the database closes). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.size === 0) return;
    const batches = [...this.queue.values()];
    this.queue = new Map();
    try {
      this.store.appendMany(batches);
      // After the commit, so a console that reads the stream on this event finds the lines.
      for (const batch of batches) this.events?.emit('activity.function-logs', batch);
    } catch (error) {
      this.log(`lambda: writing function logs failed: ${String(error)}`);
    }
  }
}
