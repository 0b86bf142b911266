/**
 * What the Lambda platform itself says, worded as AWS words it: the START/END/REPORT log lines and
 * the error payloads of failures the function could not report itself (timeouts, crashes, OOM,
 * oversized responses, a missing bootstrap).
 */
import { MAX_RESPONSE_BYTES } from './runtime-api.js';

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface Report {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  /** Only for failed invocations (timeouts and platform errors), as AWS adds it. */
  status?: 'timeout' | 'error';
  errorType?: string;
}

/** Tab-separated, each field followed by a tab, as in CloudWatch. */
export function reportLine(r: Report): string {
  let line =
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${r.billedDurationMs} ms\tMemory Size: ${r.memorySizeMb} MB\t` +
    `Max Memory Used: ${r.maxMemoryUsedMb} MB\t`;
  if (r.initDurationMs !== undefined) line += `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  if (r.status) line += `Status: ${r.status}\t`;
  if (r.errorType) line += `Error Type: ${r.errorType}\t`;
  return line;
}

export function initReportLine(initDurationMs: number, errorType: string): string {
  return `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}`;
}

/** Lambda bills whole milliseconds, init included (since August 2025 for every runtime). */
export function billedDuration(durationMs: number, initDurationMs = 0): number {
  return Math.max(1, Math.ceil(durationMs + initDurationMs));
}

/** `3.00 seconds` style, as in "Task timed out after 3.00 seconds". */
function timeoutText(timeoutSeconds: number): string {
  return `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** The line AWS writes into the function's log on a timeout (space-separated, no level). */
export function timeoutLogLine(isoTime: string, requestId: string, timeoutSeconds: number): string {
  return `${isoTime} ${requestId} ${timeoutText(timeoutSeconds)}`;
}

export function payload(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

export function timeoutPayload(requestId: string, timeoutSeconds: number): Buffer {
  return payload('Sandbox.Timedout', `RequestId: ${requestId} Error: ${timeoutText(timeoutSeconds)}`);
}

export function responseTooLargePayload(): Buffer {
  // AWS's key order for this one is errorMessage first.
  return Buffer.from(
    JSON.stringify({
      errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      errorType: 'Function.ResponseSizeTooLarge',
    }),
  );
}

/** Go's wording of a process exit (Lambda's platform is written in Go): `exit status 1`, `signal: killed`. */
function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_NAMES[signal] ?? signal.toLowerCase()}`;
  return `exit status ${code ?? 0}`;
}

export function exitMessage(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
  if (!signal && code === 0) return `RequestId: ${requestId} Error: Runtime exited without providing a reason`;
  return `RequestId: ${requestId} Error: Runtime exited with error: ${exitDescription(code, signal)}`;
}

const SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGQUIT: 'quit',
  SIGPIPE: 'broken pipe',
  SIGTRAP: 'trace/breakpoint trap',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
};
