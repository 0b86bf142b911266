/**
 * How a function's condensed logs read, for people (one line per log line, one summary line per
 * invocation, errors in red when colour is on) and for machines (one JSON object per invocation).
 * Shared by `lambda-tasks logs` and the pipeline's invoke step.
 */
import type { Invocation, LogItem, LogLine } from './invocations.js';

export interface FormatOptions {
  /** ANSI colours (a terminal, without NO_COLOR). @default false */
  color?: boolean;
  /** Prefix each line with its time (UTC, HH:MM:SS.mmm). @default true */
  times?: boolean;
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
export function useColor(out: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return out.isTTY === true && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}

const RED = 31;
const GREEN = 32;
const DIM = 2;

function painter(color: boolean): (code: number, text: string) => string {
  return color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
}

function time(ms: number | undefined): string {
  return ms === undefined ? '            ' : new Date(ms).toISOString().slice(11, 23);
}

/** The Node.js runtime's `<time>\t<request id>\t<LEVEL>\t<text>` loses the parts shown beside it. */
function messageText(line: LogLine): string {
  const node = /^\S+Z\t[\w-]+\t([A-Z]+)\t([\s\S]*)$/.exec(line.message);
  return node ? `${node[1]} ${node[2]}` : line.message;
}

function ms(value: number | undefined): string {
  return value === undefined ? '?' : `${Number.isInteger(value) ? value : value.toFixed(2)} ms`;
}

/** `duration 12.34 ms, billed 13 ms, memory 45/128 MB, init 120.50 ms`, plus how it failed. */
export function summaryText(invocation: Invocation): string {
  if (invocation.outcome === 'in progress') return `${invocation.requestId} in progress`;
  const parts = [
    `duration ${ms(invocation.durationMs)}`,
    `billed ${ms(invocation.billedDurationMs)}`,
    `memory ${invocation.maxMemoryUsedMb ?? '?'}/${invocation.memorySizeMb ?? '?'} MB`,
  ];
  if (invocation.initDurationMs !== undefined) parts.push(`init ${ms(invocation.initDurationMs)}`);
  const failed =
    invocation.outcome === 'ok'
      ? ''
      : ` ${invocation.outcome === 'timeout' ? 'TIMED OUT' : 'FAILED'}${invocation.errorType ? ` (${invocation.errorType})` : ''}`;
  return `${invocation.requestId} ${parts.join(', ')}${failed}`;
}

/** One text line for an item. */
export function formatItem(item: LogItem, options: FormatOptions = {}): string {
  const paint = painter(options.color ?? false);
  const times = options.times ?? true;
  const prefix = (at: number | undefined) => (times ? `${paint(DIM, time(at))} ` : '');
  if (item.type === 'line') {
    const text = messageText(item.line);
    return `${prefix(item.line.timestamp)}${item.line.error ? paint(RED, text) : text}`;
  }
  const { invocation } = item;
  const marker =
    invocation.outcome === 'ok'
      ? paint(GREEN, 'REPORT')
      : invocation.outcome === 'in progress'
        ? paint(DIM, 'RUNNING')
        : paint(RED, 'REPORT');
  const text = summaryText(invocation);
  return `${prefix(invocation.endTime ?? invocation.startTime)}${marker} ${invocation.outcome === 'ok' || invocation.outcome === 'in progress' ? text : paint(RED, text)}`;
}

/** One JSON object per invocation (lines outside any invocation come as `type: "log"`), or undefined for lines inside one. */
export function jsonItem(item: LogItem): string | undefined {
  if (item.type === 'line') {
    if (item.line.requestId !== undefined) return undefined;
    return JSON.stringify({
      type: 'log',
      timestamp: item.line.timestamp,
      message: item.line.message,
      error: item.line.error,
    });
  }
  return JSON.stringify({ type: 'invocation', ...item.invocation });
}
