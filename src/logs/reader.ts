/**
 * Reads a log group's events through FilterLogEvents, page by page, and with `follow` keeps
 * polling for newer ones until its signal aborts. The same calls work against the local cloud and
 * AWS. Events seen at the last timestamp are remembered by id, since each poll starts at that
 * timestamp again (later events may share it).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogEvent } from './invocations.js';

export interface ReadOptions {
  logGroupName: string;
  /** Epoch ms; events before it are left out. */
  startTime?: number;
  /** CloudWatch Logs filter syntax, applied by the service. */
  filterPattern?: string;
  /** Keep polling for new events until `signal` aborts. @default false */
  follow?: boolean;
  /** The pause between polls when following, in ms (AWS allows 5 FilterLogEvents calls a second per account). @default 1000 */
  intervalMs?: number;
  signal?: AbortSignal;
  /**
   * Following a group that does not exist yet (a function never invoked): called once, and polling
   * goes on until the group appears. Without `follow` the ResourceNotFoundException is thrown.
   */
  onMissingGroup?: () => void;
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Batches of events in time order; ends when all are read (or, following, when the signal aborts). */
export async function* readLogEvents(client: CloudWatchLogsClient, options: ReadOptions): AsyncGenerator<LogEvent[]> {
  const { signal } = options;
  let from = options.startTime;
  let seenAtFrom = new Set<string>();
  let missingSaid = false;
  for (;;) {
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(
          new FilterLogEventsCommand({
            logGroupName: options.logGroupName,
            ...(from !== undefined ? { startTime: from } : {}),
            ...(options.filterPattern ? { filterPattern: options.filterPattern } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
          signal ? { abortSignal: signal } : {},
        )
        .catch((error: Error) => {
          if (!options.follow || error.name !== 'ResourceNotFoundException') throw error;
          if (!missingSaid) options.onMissingGroup?.();
          missingSaid = true;
          return { events: [], nextToken: undefined };
        });
      const fresh = (page.events ?? []).filter((event) => !seenAtFrom.has(event.eventId ?? ''));
      const last = fresh[fresh.length - 1]?.timestamp;
      if (last !== undefined) {
        // The next poll starts at the newest timestamp read; its events are not handed out twice.
        if (last !== from) seenAtFrom = new Set();
        from = last;
        for (const event of fresh) if (event.timestamp === last) seenAtFrom.add(event.eventId ?? '');
        yield fresh.map(toLogEvent);
      }
      nextToken = page.nextToken;
    } while (nextToken && !aborted(signal));
    if (!options.follow || aborted(signal)) return;
    try {
      await sleep(options.intervalMs ?? 1000, undefined, signal ? { signal } : {});
    } catch {
      return; // aborted while waiting
    }
  }
}

function toLogEvent(event: FilteredLogEvent): LogEvent {
  return {
    timestamp: event.timestamp ?? 0,
    message: event.message ?? '',
    ...(event.logStreamName !== undefined ? { logStreamName: event.logStreamName } : {}),
  };
}
