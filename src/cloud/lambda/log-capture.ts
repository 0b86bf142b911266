/**
 * One execution environment's log stream: the function process's stdout/stderr split into log
 * events, plus the platform's own lines (START, END, REPORT ...), handed to the LogSink as they
 * come (the sink batches its writes: services/lambda/log-batches.ts).
 *
 * A function can print without limit, so everything here is bounded: lines are cut at 256 KB
 * (CloudWatch's event limit, which Lambda applies by truncating), each invocation may log at most
 * `maxBytesPerInvocation` (the rest is counted and dropped). The pipes are always drained: the runtimes write synchronously, as AWS's do, so
 * a function printing in a loop runs at the speed the server reads, and never gets stuck.
 */
import type { Readable } from 'node:stream';
import type { LogEvent, LogSink } from './engine.js';

/** CloudWatch Logs' maximum event size; longer lines are truncated to it. */
export const MAX_LINE_BYTES = 256 * 1024;
/** AWS returns the last 4 KB of the invocation's log as LogResult. */
const TAIL_BYTES = 4096;
const NEWLINE = 0x0a;

export interface LogStreamOptions {
  sink: LogSink;
  accountId: string;
  region: string;
  group: string;
  stream: string;
  now: () => number;
  maxBytesPerInvocation: number;
  /** Diagnostics when the sink throws (the function must not notice). */
  log: (line: string) => void;
}

export class LogStream {
  private lastTimestamp = 0;
  private budget: number;
  private dropped = 0;
  private tail: string[] | undefined;
  private tailBytes = 0;
  private readonly readers: LineReader[] = [];
  /** Set when stderr shows V8's heap-exhaustion abort (reported as Runtime.OutOfMemory). */
  heapExhausted = false;

  constructor(private readonly o: LogStreamOptions) {
    this.budget = o.maxBytesPerInvocation;
  }

  get streamName(): string {
    return this.o.stream;
  }

  /** Starts draining a pipe of the function process; never paused, whatever the sink does. */
  attach(pipe: Readable, stderr: boolean): void {
    const reader = new LineReader((line) => this.line(line, stderr));
    this.readers.push(reader);
    pipe.on('data', (chunk: Buffer) => {
      if (this.budget <= 0) {
        this.dropped += chunk.length;
        return;
      }
      this.budget -= chunk.length;
      reader.push(chunk);
      if (this.budget <= 0) this.platform(`[lambda-tasks] log output cut: over ${this.o.maxBytesPerInvocation} bytes`);
    });
    pipe.on('error', () => {});
  }

  /** A new invocation: fresh log budget; with `tail`, collect its log for LogResult. */
  begin(tail: boolean): void {
    if (this.dropped > 0) this.platform(`[lambda-tasks] ${this.dropped} bytes of log output dropped`);
    this.dropped = 0;
    this.budget = this.o.maxBytesPerInvocation;
    this.tail = tail ? [] : undefined;
    this.tailBytes = 0;
  }

  /** The function's output for this invocation is complete: partial lines, then a drop notice. */
  endOutput(): void {
    for (const reader of this.readers) reader.flushPartial();
    if (this.dropped > 0) this.platform(`[lambda-tasks] ${this.dropped} bytes of log output dropped`);
    this.dropped = 0;
  }

  /** Ends the invocation's log (after REPORT); returns its LogResult if it was asked for. */
  end(): string | undefined {
    const tail = this.tail;
    this.tail = undefined;
    if (!tail) return undefined;
    const bytes = Buffer.from(tail.join(''), 'utf8');
    return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString('base64');
  }

  /** A line written by the platform (START, END, REPORT, timeouts ...). */
  platform(message: string): void {
    this.add(`${message}\n`);
  }

  /** Emits what is left (partial lines, a drop notice); the stream is done. */
  close(): void {
    this.endOutput();
  }

  private line(raw: Buffer, stderr: boolean): void {
    let text = raw.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    // The runtimes write a multi-line message as one line with \r for its newlines (see the
    // bootstraps); as on AWS, it becomes one event with real newlines.
    if (text.includes('\r')) text = text.replaceAll('\r', '\n');
    if (stderr && text.startsWith('FATAL ERROR:') && text.includes('heap out of memory')) this.heapExhausted = true;
    this.add(`${text}\n`);
  }

  private add(message: string): void {
    const now = this.o.now();
    // Events of a stream must not go back in time (the clock can be moved by tests).
    const timestamp = Math.max(now, this.lastTimestamp);
    this.lastTimestamp = timestamp;
    const event: LogEvent = { timestamp, message };
    try {
      this.o.sink.append(this.o.accountId, this.o.region, this.o.group, this.o.stream, [event]);
    } catch (error) {
      this.o.log(`lambda: writing a log event to ${this.o.group} failed: ${String(error)}`);
    }
    if (this.tail) {
      this.tail.push(message);
      this.tailBytes += message.length;
      // Keep only what can still be part of the last 4 KB.
      while (this.tail.length > 1 && this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
        this.tailBytes -= this.tail.shift()?.length ?? 0;
      }
    }
  }
}

/** Splits a byte stream into lines; a line longer than MAX_LINE_BYTES is cut there, its rest skipped. */
class LineReader {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false;

  constructor(private readonly emit: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.take(chunk.subarray(start, newline), true);
      start = newline + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start), false);
  }

  /** Emits the unterminated rest (at the end of an invocation, or when the process ends). */
  flushPartial(): void {
    if (this.partialBytes > 0) this.emit(Buffer.concat(this.partial));
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }

  private take(piece: Buffer, complete: boolean): void {
    if (this.skipping) {
      if (complete) this.skipping = false;
      return;
    }
    if (this.partialBytes + piece.length >= MAX_LINE_BYTES) {
      // Too long: emit the first 256 KB now, drop the rest of this line.
      const room = MAX_LINE_BYTES - this.partialBytes;
      this.partial.push(piece.subarray(0, room));
      const line = Buffer.concat(this.partial);
      this.partial = [];
      this.partialBytes = 0;
      this.skipping = !complete;
      this.emit(line);
      return;
    }
    if (!complete) {
      // Copy: the chunk's memory belongs to the stream.
      this.partial.push(Buffer.from(piece));
      this.partialBytes += piece.length;
      return;
    }
    if (this.partialBytes === 0) {
      this.emit(piece);
      return;
    }
    this.partial.push(piece);
    const line = Buffer.concat(this.partial);
    this.partial = [];
    this.partialBytes = 0;
    this.emit(line);
  }
}
