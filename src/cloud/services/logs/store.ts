/**
 * Logs for other services to write, as AWS services write to CloudWatch Logs (Lambda's function
 * logs): no API call, no validation, group and stream created on first use. Each call is one
 * transaction of prepared statements, cheap enough to run on every invocation.
 */
import type { LogsState, NewLogEvent } from './state.js';

export type { NewLogEvent } from './state.js';

export class LogStore {
  constructor(
    private readonly state: LogsState,
    private readonly now: () => number,
  ) {}

  /** Creates the group unless it exists. */
  ensureGroup(accountId: string, region: string, group: string): void {
    this.state.createGroup(accountId, region, group, this.now());
  }

  /** Creates the group and the stream unless they exist. */
  ensureStream(accountId: string, region: string, group: string, stream: string): void {
    const now = this.now();
    this.state.transaction(() => this.state.ensureStream(accountId, region, group, stream, now));
  }

  /**
   * Appends events (any order; reads sort by timestamp) to the stream, creating the group and the
   * stream if missing. Ingestion time is now; AWS's age limits do not apply to service writes.
   */
  append(accountId: string, region: string, group: string, stream: string, events: NewLogEvent[]): void {
    this.appendMany([{ accountId, region, group, stream, events }]);
  }

  /** Several appends in one transaction (one commit for many invocations' logs). */
  appendMany(
    batches: { accountId: string; region: string; group: string; stream: string; events: NewLogEvent[] }[],
  ): void {
    const now = this.now();
    this.state.transaction(() => {
      for (const { accountId, region, group, stream, events } of batches) {
        if (events.length === 0) continue;
        const { groupId, streamId } = this.state.ensureStream(accountId, region, group, stream, now);
        this.state.appendEvents(groupId, streamId, events, now);
      }
    });
  }
}
