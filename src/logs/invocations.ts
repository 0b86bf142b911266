/**
 * Condenses a function's log events into invocations: the platform's START, END and REPORT lines
 * of one request become one record (request id, duration, billed duration, memory, init duration,
 * outcome) holding the function's own lines. Events come in time order, as FilterLogEvents gives
 * them; one execution environment (one log stream) runs one request at a time, so a line belongs
 * to the request started last in its stream.
 */
import { type InvocationReport, isErrorLine, isFailureLine, parsePlatformLine } from './platform-lines.js';

export interface LogEvent {
  timestamp: number;
  message: string;
  /** Events of several streams may interleave; without a name they count as one stream. */
  logStreamName?: string;
}

/** A line of the function's own output. */
export interface LogLine {
  timestamp: number;
  message: string;
  /** The request it was written during; absent for lines outside any (the init phase). */
  requestId?: string;
  error: boolean;
}

export type Outcome = 'ok' | 'error' | 'timeout' | 'in progress';

export interface Invocation extends Partial<Omit<InvocationReport, 'requestId'>> {
  requestId: string;
  version?: string;
  logStreamName?: string;
  /** START's time (absent when the window began mid-invocation). */
  startTime?: number;
  /** REPORT's time (absent while still running). */
  endTime?: number;
  outcome: Outcome;
  lines: LogLine[];
}

/** What the condenser hands out, in order: lines as they come, an invocation once its REPORT arrives. */
export type LogItem = { type: 'line'; line: LogLine } | { type: 'invocation'; invocation: Invocation };

function outcomeOf(report: InvocationReport, lines: readonly LogLine[]): Outcome {
  if (report.status === 'timeout') return 'timeout';
  if (report.status || report.errorType || lines.some((line) => isFailureLine(line.message))) return 'error';
  return 'ok';
}

export class InvocationCondenser {
  /** The open invocation of each stream. */
  private readonly open = new Map<string, Invocation>();

  push(event: LogEvent): LogItem[] {
    const stream = event.logStreamName ?? '';
    const platform = parsePlatformLine(event.message);
    if (!platform) return [this.addLine(stream, event)];
    switch (platform.kind) {
      case 'start': {
        this.open.set(stream, {
          requestId: platform.requestId,
          version: platform.version,
          ...(event.logStreamName !== undefined ? { logStreamName: event.logStreamName } : {}),
          startTime: event.timestamp,
          outcome: 'in progress',
          lines: [],
        });
        return [];
      }
      case 'end':
      case 'init-start':
        return [];
      case 'init-report':
        // A failed init is reported before its invocation's REPORT: kept as an error line.
        return [this.addLine(stream, event, true)];
      case 'report': {
        const { report } = platform;
        const opened = this.open.get(stream);
        const invocation: Invocation =
          opened?.requestId === report.requestId
            ? opened
            : {
                requestId: report.requestId,
                ...(event.logStreamName !== undefined ? { logStreamName: event.logStreamName } : {}),
                outcome: 'in progress',
                lines: [],
              };
        this.open.delete(stream);
        const { requestId: _, ...measures } = report;
        Object.assign(invocation, measures, { endTime: event.timestamp, outcome: outcomeOf(report, invocation.lines) });
        return [{ type: 'invocation', invocation }];
      }
    }
  }

  /** The invocations still open (no REPORT yet), in progress; the condenser forgets them. */
  flush(): LogItem[] {
    const items: LogItem[] = [...this.open.values()].map((invocation) => ({ type: 'invocation', invocation }));
    this.open.clear();
    return items;
  }

  private addLine(stream: string, event: LogEvent, error = isErrorLine(event.message)): LogItem {
    const invocation = this.open.get(stream);
    const line: LogLine = {
      timestamp: event.timestamp,
      message: event.message.replace(/\n$/, ''),
      ...(invocation ? { requestId: invocation.requestId } : {}),
      error,
    };
    invocation?.lines.push(line);
    return { type: 'line', line };
  }
}

/** All items of a finished list of events (a log tail, a time window), open invocations last. */
export function condense(events: Iterable<LogEvent>): LogItem[] {
  const condenser = new InvocationCondenser();
  const items: LogItem[] = [];
  for (const event of events) items.push(...condenser.push(event));
  return [...items, ...condenser.flush()];
}
