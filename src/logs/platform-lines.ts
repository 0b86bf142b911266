/**
 * The lines the Lambda platform writes into a function's log (START, END, REPORT, INIT_REPORT),
 * read back into data, and the lines that say something failed. Worded as AWS writes them, so the
 * same parsing serves the local cloud's logs and AWS's.
 */

export interface InvocationReport {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Only on a cold start. */
  initDurationMs?: number;
  /** `timeout` or `error` when the platform ended the invocation (AWS adds it only then). */
  status?: string;
  errorType?: string;
}

export type PlatformLine =
  | { kind: 'start'; requestId: string; version: string }
  | { kind: 'end'; requestId: string }
  | { kind: 'report'; report: InvocationReport }
  | { kind: 'init-report'; initDurationMs: number; status?: string; errorType?: string }
  /** `INIT_START Runtime Version: ...`: said on every cold start; REPORT's init duration says the same. */
  | { kind: 'init-start' };

const START = /^START RequestId: (\S+) Version: (\S+)/;
const END = /^END RequestId: (\S+)/;
const REPORT = /^REPORT RequestId: (\S+)\t/;
const INIT_REPORT = /^INIT_REPORT /;
const INIT_START = /^INIT_START /;

/** `Duration: 12.34 ms\tMemory Size: 128 MB\t...` -> { Duration: '12.34 ms', ... } */
function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.split('\t')) {
    const colon = part.indexOf(': ');
    if (colon > 0) out[part.slice(0, colon).trim()] = part.slice(colon + 2).trim();
  }
  return out;
}

/** The number before a unit (`12.34 ms`, `128 MB`), or undefined when absent. */
function amount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number.parseFloat(value);
  return Number.isFinite(number) ? number : undefined;
}

/** The platform line a message is, or undefined for the function's own output. */
export function parsePlatformLine(message: string): PlatformLine | undefined {
  const text = message.replace(/\n$/, '');
  let match = START.exec(text);
  if (match) return { kind: 'start', requestId: match[1] as string, version: match[2] as string };
  match = END.exec(text);
  if (match) return { kind: 'end', requestId: match[1] as string };
  match = REPORT.exec(text);
  if (match) {
    const f = fields(text);
    const initDurationMs = amount(f['Init Duration']);
    return {
      kind: 'report',
      report: {
        requestId: match[1] as string,
        durationMs: amount(f['Duration']) ?? 0,
        billedDurationMs: amount(f['Billed Duration']) ?? 0,
        memorySizeMb: amount(f['Memory Size']) ?? 0,
        maxMemoryUsedMb: amount(f['Max Memory Used']) ?? 0,
        ...(initDurationMs !== undefined ? { initDurationMs } : {}),
        ...(f['Status'] ? { status: f['Status'] } : {}),
        ...(f['Error Type'] ? { errorType: f['Error Type'] } : {}),
      },
    };
  }
  if (INIT_START.test(text)) return { kind: 'init-start' };
  if (INIT_REPORT.test(text)) {
    const f = fields(text.slice('INIT_REPORT '.length));
    return {
      kind: 'init-report',
      initDurationMs: amount(f['Init Duration']) ?? 0,
      ...(f['Status'] ? { status: f['Status'] } : {}),
      ...(f['Error Type'] ? { errorType: f['Error Type'] } : {}),
    };
  }
  return undefined;
}

/**
 * Whether a line says the invocation itself failed (not merely that the function logged an error):
 * the Node.js runtime's `Invoke Error` line, an uncaught error's JSON (`"errorType"`), a Python
 * traceback, a timeout, or a runtime crash.
 */
export function isFailureLine(message: string): boolean {
  return (
    /\tERROR\tInvoke Error /.test(message) ||
    /"errorType"\s*:/.test(message) ||
    /^\[ERROR\][^\n]*\nTraceback/.test(message) ||
    /Task timed out after/.test(message) ||
    /Runtime\.\w+|Runtime exited/.test(message)
  );
}

/**
 * Whether a line of the function's output is an error, to highlight: the Node.js runtime's `ERROR` level
 * (`<time>\t<request id>\tERROR\t...`), Python's `[ERROR]`, an uncaught error's JSON
 * (`"errorType"`), a timeout, or a runtime crash.
 */
export function isErrorLine(message: string): boolean {
  return (
    /^\S+\t\S+\tERROR\t/.test(message) ||
    /^\[ERROR\]/.test(message) ||
    /"errorType"\s*:/.test(message) ||
    /Task timed out after/.test(message) ||
    /Runtime\.\w+|Runtime exited/.test(message)
  );
}
