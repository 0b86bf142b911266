/**
 * One invocation as the environment tracks it, and how it ends: the /next headers that hand it to
 * the runtime, and the END/REPORT lines plus InvokeResult written when it completes.
 */
import { randomFillSync } from 'node:crypto';
import type { FunctionSnapshot, InvokeRequest, InvokeResult } from './engine.js';
import type { LogStream } from './log-capture.js';
import {
  billedDuration,
  endLine,
  initReportLine,
  payload,
  reportLine,
  responseTooLargePayload,
  startLine,
} from './platform.js';

const MIB = 1024 * 1024;

export interface Invocation {
  readonly request: InvokeRequest;
  readonly resolve: (result: InvokeResult) => void;
  readonly reject: (error: Error) => void;
  settled: boolean;
  delivered: boolean;
  cold: boolean;
  /** performance.now() when it was handed to the runtime (before that: when it was created). */
  startedAt: number;
  /** Epoch ms, for Lambda-Runtime-Deadline-Ms. */
  deadlineMs: number;
  initDurationMs?: number;
  timer?: NodeJS.Timeout;
  /** How often it was moved off an environment that died before running it. */
  moves: number;
}

/** How an invocation ended. */
export interface Outcome {
  payload: Buffer;
  functionError?: 'Unhandled';
  /** For REPORT's Status/Error Type (platform-detected failures and init errors). */
  status?: 'timeout' | 'error';
  errorType?: string;
  /** Lines the platform writes before END (the timeout notice, the exit error). */
  lines?: string[];
  /** Instead of the measured duration (a timeout reports exactly the limit, as AWS does). */
  durationMs?: number;
}

/** The Lambda-Runtime-* headers of the GET /next answer that hands the invocation over. */
export function nextHeaders(inv: Invocation): Record<string, string> {
  const r = inv.request;
  const headers: Record<string, string> = {
    'Lambda-Runtime-Aws-Request-Id': r.requestId,
    'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': r.invokedFunctionArn,
    'Lambda-Runtime-Trace-Id': traceId(),
  };
  if (r.clientContext) headers['Lambda-Runtime-Client-Context'] = headerValue(r.clientContext);
  return headers;
}

/** Writes the invocation's closing log lines (START too if it never ran) and builds its result. */
export function completeInvocation(
  logs: LogStream,
  fn: FunctionSnapshot,
  inv: Invocation,
  outcome: Outcome,
  at: { end: number; initStartedAt: number; peakRssBytes: number },
): InvokeResult {
  const r = inv.request;
  const durationMs = outcome.durationMs ?? at.end - inv.startedAt;
  if (!inv.delivered) {
    // It never reached the handler (init failed or timed out): AWS still logs the invocation.
    if (inv.cold && outcome.errorType) logs.platform(initReportLine(at.end - at.initStartedAt, outcome.errorType));
    logs.platform(startLine(r.requestId, fn.version));
  }
  logs.endOutput();
  for (const line of outcome.lines ?? []) logs.platform(line);
  logs.platform(endLine(r.requestId));
  const maxMemoryUsedMb = Math.ceil(at.peakRssBytes / MIB);
  const billedDurationMs = billedDuration(durationMs, inv.initDurationMs);
  logs.platform(
    reportLine({
      requestId: r.requestId,
      durationMs,
      billedDurationMs,
      memorySizeMb: fn.memorySizeMb,
      maxMemoryUsedMb,
      initDurationMs: inv.initDurationMs,
      status: outcome.status,
      errorType: outcome.status ? outcome.errorType : undefined,
    }),
  );
  const logResult = logs.end();
  const result: InvokeResult = { payload: outcome.payload, durationMs, billedDurationMs, maxMemoryUsedMb };
  if (outcome.functionError) result.functionError = outcome.functionError;
  if (logResult !== undefined) result.logResult = logResult;
  if (inv.initDurationMs !== undefined) result.initDurationMs = inv.initDurationMs;
  return result;
}

export function failure(errorType: string, message: string): Outcome {
  return { payload: payload(errorType, message), functionError: 'Unhandled', status: 'error', errorType };
}

/** The runtime's error body is returned as is; without one, a minimal AWS-shaped payload. */
export function errorBody(errorType: string | undefined, body: Buffer | undefined): Buffer {
  if (body && body.length > 0) return body;
  if (body) return payload(errorType ?? 'Unhandled', '');
  return responseTooLargePayload();
}

/** X-Ray's trace header format, with a fresh root per invocation. */
function traceId(): string {
  const bytes = randomHex(20);
  const time = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${time}-${bytes.slice(0, 24)};Parent=${bytes.slice(24, 40)};Sampled=0`;
}

// Random bytes are drawn from the system in pools: one call per ~200 invocations instead of one each.
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return hex;
}

/** Header values are bytes: UTF-8 text travels as latin1 characters, control characters as spaces. */
function headerValue(text: string): string {
  const latin1 = Buffer.from(text, 'utf8').toString('latin1');
  let out = '';
  for (const char of latin1) {
    const code = char.charCodeAt(0);
    out += (code < 0x20 && code !== 0x09) || code === 0x7f ? ' ' : char;
  }
  return out;
}
