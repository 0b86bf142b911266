/** Log events: PutLogEvents, GetLogEvents (one stream, both directions) and FilterLogEvents (a group). */
import type {
  FilteredLogEvent,
  FilterLogEventsRequest,
  FilterLogEventsResponse,
  GetLogEventsRequest,
  GetLogEventsResponse,
  InputLogEvent,
  OutputLogEvent,
  PutLogEventsRequest,
  PutLogEventsResponse,
  RejectedLogEventsInfo,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Handler, RequestContext } from '../../service.js';
import { invalidParameter, invalidToken } from './errors.js';
import { compileFilterPattern } from './filter-pattern.js';
import type { LogsService } from './logs-service.js';
import { type Cursor, DAY_MS, type EventRow, type NewLogEvent } from './state.js';
import { decodeToken, encodeToken, eventsToken, parseEventsToken, positionDigits, sequenceToken } from './tokens.js';

/** PutLogEvents' batch limit, where every event counts its UTF-8 message plus 26 bytes. */
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
/** The most events PutLogEvents takes (checked by the model) and the read operations return. */
const MAX_EVENTS = 10_000;
/** GetLogEvents and FilterLogEvents stop at 1 MB of events, as AWS does, even below `limit`. */
const MAX_RESPONSE_BYTES = 1_048_576;
const TOO_OLD_MS = 14 * DAY_MS;
const TOO_NEW_MS = 2 * 60 * 60 * 1000;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const BEFORE_ALL: Cursor = { timestamp: 0, id: 0 };
const AFTER_ALL: Cursor = { timestamp: END_OF_TIME, id: END_OF_TIME };

function eventBytes(message: string): number {
  return Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
}

/** Rows in read order until `limit` or the response byte cap (at least one row, so reads progress). */
function take<T extends { message: string }>(rows: Iterable<T>, limit: number, keep: (row: T) => boolean = () => true) {
  const page: T[] = [];
  let bytes = 0;
  let more = false;
  for (const row of rows) {
    if (!keep(row)) continue;
    const size = eventBytes(row.message);
    if (page.length === limit || (page.length > 0 && bytes + size > MAX_RESPONSE_BYTES)) {
      more = true;
      break;
    }
    page.push(row);
    bytes += size;
  }
  return { page, more };
}

/** The batch with its required members typed as such (the model validation has checked them). */
function batchOf(events: InputLogEvent[] | undefined): NewLogEvent[] {
  return (events ?? []).map((event) => ({ timestamp: event.timestamp as number, message: event.message as string }));
}

function checkBatch(events: NewLogEvent[]): void {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as NewLogEvent;
    if (i > 0 && event.timestamp < (events[i - 1] as NewLogEvent).timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
    bytes += eventBytes(event.message);
  }
  const first = events[0]?.timestamp ?? 0;
  const last = events[events.length - 1]?.timestamp ?? 0;
  if (last - first > DAY_MS) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  }
}

/**
 * Which events of a (chronological) batch AWS would not store: a prefix that is too old (14 days)
 * or past the group's retention, and a suffix more than 2 hours in the future. They are reported
 * by index instead of failing the call.
 */
function rejections(events: NewLogEvent[], now: number, retentionCutoff: number) {
  let tooOldEnd = -1;
  let expiredEnd = -1;
  let tooNewStart = events.length;
  events.forEach((event, i) => {
    if (event.timestamp < now - TOO_OLD_MS) tooOldEnd = i;
    if (event.timestamp < retentionCutoff) expiredEnd = i;
    if (event.timestamp > now + TOO_NEW_MS && tooNewStart === events.length) tooNewStart = i;
  });
  const info: RejectedLogEventsInfo = {
    ...(tooOldEnd >= 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
    ...(expiredEnd >= 0 ? { expiredLogEventEndIndex: expiredEnd } : {}),
    ...(tooNewStart < events.length ? { tooNewLogEventStartIndex: tooNewStart } : {}),
  };
  const accepted = events.slice(Math.max(tooOldEnd, expiredEnd) + 1, tooNewStart);
  return { accepted, info: Object.keys(info).length > 0 ? info : undefined };
}

function outputEvent(row: EventRow): OutputLogEvent {
  return { timestamp: row.timestamp, message: row.message, ingestionTime: row.ingestion_time };
}

export function eventHandlers(service: LogsService): Record<string, Handler> {
  const { state } = service;

  return {
    PutLogEvents(input: PutLogEventsRequest, ctx: RequestContext): PutLogEventsResponse {
      const events = batchOf(input.logEvents);
      checkBatch(events);
      const group = service.group(ctx, input.logGroupName as string);
      const stream = service.stream(group, input.logStreamName as string);
      const now = service.now();
      const { accepted, info } = rejections(events, now, service.retentionCutoff(group.retention_days));
      const sequence = state.transaction(() => state.appendEvents(group.id, stream.id, accepted, now));
      return {
        nextSequenceToken: sequenceToken(sequence),
        ...(info ? { rejectedLogEventsInfo: info } : {}),
      };
    },

    GetLogEvents(input: GetLogEventsRequest, ctx: RequestContext): GetLogEventsResponse {
      const group = service.groupFor(ctx, input);
      const stream = service.stream(group, input.logStreamName as string);
      const limit = input.limit ?? MAX_EVENTS;
      const window = { start: input.startTime ?? 0, end: input.endTime ?? END_OF_TIME };
      // Without a token AWS reads from the head only when asked to; by default it returns the
      // newest events (the tail), still in ascending order.
      const token = input.nextToken ? parseEventsToken(input.nextToken) : undefined;
      const backward = token ? token.backward : input.startFromHead !== true;
      const from = token?.cursor ?? (backward ? AFTER_ALL : BEFORE_ALL);
      const { page } = take(state.streamEvents(stream.id, window, from, backward, limit), limit);
      if (backward) page.reverse();
      const first = page[0];
      const last = page[page.length - 1];
      if (!first || !last) {
        // Nothing here: hand back a position to poll from (the same one, if the caller sent a token).
        const at = token?.cursor ?? BEFORE_ALL;
        return { events: [], nextForwardToken: eventsToken('f', at), nextBackwardToken: eventsToken('b', at) };
      }
      return {
        events: page.map(outputEvent),
        nextForwardToken: eventsToken('f', last),
        nextBackwardToken: eventsToken('b', first),
      };
    },

    FilterLogEvents(input: FilterLogEventsRequest, ctx: RequestContext): FilterLogEventsResponse {
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        throw invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix.');
      }
      const group = service.groupFor(ctx, input);
      const matches = compileFilterPattern(input.filterPattern);
      let after = BEFORE_ALL;
      if (input.nextToken) {
        const [groupId, timestamp, id] = decodeToken('filter', input.nextToken, ['number', 'number', 'number']) as [
          number,
          number,
          number,
        ];
        if (groupId !== group.id) throw invalidToken();
        after = { timestamp, id };
      }
      const limit = input.limit ?? MAX_EVENTS;
      const rows = state.groupEvents({
        groupId: group.id,
        start: input.startTime ?? 0,
        // FilterLogEvents' endTime is inclusive (GetLogEvents' is not).
        end: input.endTime !== undefined ? input.endTime + 1 : END_OF_TIME,
        streamNames: input.logStreamNames,
        streamPrefix: input.logStreamNamePrefix,
        after,
      });
      const { page, more } = take(rows, limit, (row) => matches(row.message));
      const last = page[page.length - 1];
      const events: FilteredLogEvent[] = page.map((row) => ({
        logStreamName: row.stream_name,
        timestamp: row.timestamp,
        message: row.message,
        ingestionTime: row.ingestion_time,
        eventId: positionDigits(row),
      }));
      return {
        events,
        // No longer reported by AWS (since 2020 it is always empty).
        searchedLogStreams: [],
        ...(more && last ? { nextToken: encodeToken('filter', [group.id, last.timestamp, last.id]) } : {}),
      };
    },
  };
}
