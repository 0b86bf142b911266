/**
 * One execution environment: a function process (its own process group), its Runtime API server,
 * its log stream, and the invocation it is running.
 *
 *   starting --first GET /next--> busy --response/error--> idle --assign()--> busy ...
 *        \________________________\___________________________\--> dead (exit, kill)
 *
 * Every invocation settles exactly once: from the runtime's response or error, or from the
 * environment's death (timeout, out of memory, crash, init failure, close). Settling is deferred
 * by one event-loop turn so that output written before the response was posted is read from the
 * pipes first and lands before END in the log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionSnapshot, LogSink } from './engine.js';
import { completeInvocation, errorBody, failure, type Invocation, nextHeaders, type Outcome } from './invocation.js';
import { LogStream } from './log-capture.js';
import { exitMessage, responseTooLargePayload, startLine, timeoutLogLine, timeoutPayload } from './platform.js';
import type { PrestartedRuntime } from './pool.js';
import { killGroup, type MemoryWatch } from './process-watch.js';
import {
  ACCEPTED,
  type ApiAnswer,
  apiError,
  MAX_RESPONSE_BYTES,
  type NextReply,
  type RuntimeApiHandlers,
  RuntimeApiServer,
} from './runtime-api.js';
import { launchSpec, type PythonInstallation } from './runtimes.js';

/** After SIGKILL, how long to wait for the pipes to close before finishing anyway. */
const PIPE_GRACE_MS = 200;
/** A process that survives SIGKILL this long (uninterruptible sleep) is given up on. */
const KILL_GRACE_MS = 2000;
const MIB = 1024 * 1024;

export interface EnvironmentDeps {
  fn: FunctionSnapshot;
  endpoint: string;
  scratchRoot: string;
  /** Resolves once the scratch root may be used. */
  ready: Promise<void>;
  sink: LogSink;
  now: () => number;
  log: (line: string) => void;
  maxLogBytesPerInvocation: number;
  /** AWS gives init 10 s (or the function timeout, if longer, when it retries a slow init). */
  initTimeoutMs: number;
  nodeExecutable: string;
  python: () => Promise<PythonInstallation | undefined>;
  memory: MemoryWatch;
  onGone: (env: Environment) => void;
  /** A warm invocation this environment died before handing to the runtime: run it elsewhere. */
  onOrphan: (inv: Invocation) => void;
  /** A process from the pool (pool.ts) that becomes this environment's, instead of a new one. */
  prestarted?: PrestartedRuntime;
}

export type KillReason = 'timeout' | 'oom' | 'init-error' | 'reaped' | 'retired' | 'closed';

export class Environment {
  readonly id: string;
  readonly fn: FunctionSnapshot;
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  /** performance.now() of the last completed invocation. */
  lastUsed = performance.now();
  retired = false;
  pid: number | undefined;
  /** Resolves when the process group is gone and everything is cleaned up. */
  readonly gone: Promise<void>;

  private readonly logs: LogStream;
  private readonly scratchDir: string;
  private api: RuntimeApiServer | undefined;
  private child: ChildProcess | undefined;
  private parked: NextReply | undefined;
  private current: Invocation | undefined;
  /** When the process was spawned, or given its function (pooled): init starts there. */
  private spawnedAt = 0;
  /** A pooled process was sent its function. */
  private assigned = false;
  /** Set when the runtime first asks for work: init is over. */
  private initDurationMs: number | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private killReason: KillReason | undefined;
  private finalized = false;
  private peakRssBytes = 0;
  /** The last invocation that settled: a late second answer to it is refused as AWS does (403). */
  private lastSettledId: string | undefined;
  private firstSample: Promise<void> | undefined;
  private pipesClosed: Promise<void> = Promise.resolve();
  private markGone: () => void = () => {};

  constructor(
    private readonly d: EnvironmentDeps,
    first: Invocation,
  ) {
    this.fn = d.fn;
    // A pooled process keeps its id: its scratch directory (HOME, TMPDIR) is already in use.
    this.id = d.prestarted?.id ?? randomBytes(16).toString('hex');
    this.gone = new Promise((resolve) => {
      this.markGone = resolve;
    });
    this.scratchDir = join(d.scratchRoot, this.id);
    const date = new Date(d.now()).toISOString().slice(0, 10).replaceAll('-', '/');
    this.logs = new LogStream({
      sink: d.sink,
      accountId: d.fn.accountId,
      region: d.fn.region,
      group: d.fn.logGroupName,
      stream: `${date}/[${d.fn.version}]${this.id}`,
      now: d.now,
      maxBytesPerInvocation: d.maxLogBytesPerInvocation,
      log: d.log,
    });
    this.current = first;
    this.logs.begin(first.request.tailLog === true);
    if (d.prestarted) this.adopt(d.prestarted);
    void this.start();
  }

  /** A warm invoke: this environment is idle and takes it. */
  assign(invocation: Invocation): void {
    this.state = 'busy';
    this.current = invocation;
    this.logs.begin(invocation.request.tailLog === true);
    this.arm(invocation);
    this.deliver();
  }

  retire(): void {
    this.retired = true;
    if (this.state === 'idle') this.kill('retired');
  }

  /** Kills the process group; the current invocation (if any) settles once the process is gone. */
  kill(reason: KillReason): void {
    this.killReason ??= reason;
    if (this.state === 'dead') return;
    this.state = 'dead';
    clearTimeout(this.initTimer);
    if (this.pid === undefined) return; // not spawned yet: start() finishes up when it resumes
    killGroup(this.pid);
    this.killTimer = setTimeout(() => void this.finalize(null, 'SIGKILL'), KILL_GRACE_MS);
    this.killTimer.unref();
  }

  /** A memory measurement of the process group (from the engine's sampler). */
  observeMemory(rssBytes: number): void {
    if (rssBytes > this.peakRssBytes) this.peakRssBytes = rssBytes;
    if (rssBytes > this.fn.memorySizeMb * MIB && (this.state === 'busy' || this.state === 'starting')) {
      this.kill('oom');
    }
  }

  // ---- Lifecycle ------------------------------------------------------------------------------

  private apiHandlers(): RuntimeApiHandlers {
    return {
      next: (reply) => this.onNext(reply),
      response: (id, body) => this.onResponse(id, body),
      error: (id, type, body) => this.onError(id, type, body),
      initError: (type, body) => this.onInitError(type, body),
    };
  }

  /** Takes over a pre-started process, at once: from here on its exit and output are ours. */
  private adopt(prestarted: PrestartedRuntime): void {
    const { child, pid, api, pipesClosed } = prestarted.takeOver(this.apiHandlers());
    this.child = child;
    this.pid = pid;
    this.api = api;
    this.pipesClosed = pipesClosed;
    this.watch(child);
    // It may have died while nobody watched (its 'exit' was the pool's to see).
    if (child.exitCode !== null || child.signalCode !== null) void this.finalize(child.exitCode, child.signalCode);
  }

  /** Hands a pooled process its function: the variables and working directory a fresh one starts with. */
  private async assignFunction(prestarted: PrestartedRuntime): Promise<void> {
    const api = this.api as RuntimeApiServer;
    const launch = await launchSpec(this.fn, this.launchContext(api, await this.python()));
    if (this.state === 'dead') return;
    if (!launch.ok) throw new Error(launch.errorMessage);
    this.spawnedAt = performance.now();
    this.assigned = true;
    prestarted.assign(launch.env, this.fn.codeDir);
    this.initTimer = setTimeout(() => this.kill('timeout'), this.initLimitMs());
  }

  private python(): Promise<PythonInstallation | undefined> {
    return this.fn.runtime.startsWith('nodejs') ? Promise.resolve(undefined) : this.d.python();
  }

  private launchContext(api: RuntimeApiServer, python: PythonInstallation | undefined) {
    return {
      runtimeApi: api.address,
      logStreamName: this.logs.streamName,
      scratchDir: this.scratchDir,
      endpoint: this.d.endpoint,
      nodeExecutable: this.d.nodeExecutable,
      python,
    };
  }

  /** The process's output goes to the log stream, its exit ends the environment. */
  private watch(child: ChildProcess): void {
    if (child.stdout) this.logs.attach(child.stdout, false);
    if (child.stderr) this.logs.attach(child.stderr, true);
    child.once('exit', (code, signal) => void this.finalize(code, signal));
  }

  private async start(): Promise<void> {
    const first = this.current;
    try {
      if (this.d.prestarted) return await this.assignFunction(this.d.prestarted);
      await this.d.ready;
      await mkdir(this.scratchDir, { recursive: true });
      this.api = await RuntimeApiServer.listen(this.apiHandlers(), this.d.log);
      const launch = await launchSpec(this.fn, this.launchContext(this.api, await this.python()));
      if (this.state === 'dead') return void this.finalize(null, 'SIGKILL');
      if (!launch.ok) {
        if (first && !first.settled) {
          const message = `RequestId: ${first.request.requestId} Error: ${launch.errorMessage}`;
          this.settle(first, { ...failure(launch.errorType, message), lines: [`${message}\n${launch.errorType}`] });
        }
        this.state = 'dead';
        return void this.finalize(null, null);
      }
      this.spawnedAt = performance.now();
      const child = spawn(launch.command, launch.args, {
        cwd: this.fn.codeDir,
        env: launch.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.child = child;
      this.pid = child.pid;
      this.pipesClosed = new Promise((resolve) => child.once('close', () => resolve()));
      this.watch(child);
      child.once('error', (error) => this.onSpawnError(launch.command, error));
      if (this.pid === undefined) return; // the 'error' event follows
      // The pid file lets a later server kill what a crashed one left behind.
      void writeFile(join(this.scratchDir, 'pid'), String(this.pid)).catch(() => {});
      this.initTimer = setTimeout(() => this.kill('timeout'), this.initLimitMs());
    } catch (error) {
      this.d.log(`lambda: starting an environment for ${this.fn.functionName} failed: ${String(error)}`);
      if (first && !first.settled) {
        first.settled = true;
        clearTimeout(first.timer);
        first.reject(error instanceof Error ? error : new Error(String(error)));
      }
      this.state = 'dead';
      void this.finalize(null, null);
    }
  }

  private onSpawnError(command: string, error: NodeJS.ErrnoException): void {
    if (this.pid !== undefined) return; // errors after a successful spawn (kill failures) do not matter
    const first = this.current;
    if (first && !first.settled) {
      const reason =
        error.code === 'EACCES'
          ? 'permission denied'
          : error.code === 'ENOENT'
            ? 'no such file or directory'
            : error.message;
      const message = `RequestId: ${first.request.requestId} Error: fork/exec ${command}: ${reason}`;
      this.settle(first, {
        ...failure('Runtime.InvalidEntrypoint', message),
        lines: [`${message}\nRuntime.InvalidEntrypoint`],
      });
    }
    this.state = 'dead';
    void this.finalize(null, null);
  }

  /** The process is gone (or given up on): settle what is left and clean up, once. */
  private async finalize(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.finalized) return;
    this.finalized = true;
    this.state = 'dead';
    clearTimeout(this.initTimer);
    clearTimeout(this.killTimer);
    // A process that exited by itself may leave children behind: the group goes with it.
    if (this.pid !== undefined) killGroup(this.pid);
    // Let the pipes drain so the last output lands before END.
    await Promise.race([this.pipesClosed, new Promise((resolve) => setTimeout(resolve, PIPE_GRACE_MS).unref())]);
    const inv = this.current;
    if (inv && !inv.settled) {
      clearTimeout(inv.timer);
      if (this.orphaned(inv)) {
        // A runtime can exit right after answering (an uncaught error): the next invoke may have
        // been assigned before that showed. Its code never ran here, so it runs elsewhere.
        this.current = undefined;
        inv.moves++;
        this.d.onOrphan(inv);
      } else {
        inv.settled = true;
        this.finish(inv, this.failureOf(inv, code, signal), performance.now());
      }
    }
    this.parked = undefined;
    this.logs.close();
    this.api?.close();
    if (this.pid !== undefined) this.d.memory.forget(this.pid);
    this.child?.stdout?.destroy();
    this.child?.stderr?.destroy();
    await rm(this.scratchDir, { recursive: true, force: true }).catch(() => {});
    this.d.onGone(this);
    this.markGone();
  }

  private orphaned(inv: Invocation): boolean {
    // A pooled process that died before it got its function never ran any of the function's code either.
    const neverRan = !inv.cold || (this.d.prestarted !== undefined && !this.assigned);
    return !inv.delivered && neverRan && inv.moves < 3 && this.killReason !== 'timeout' && this.killReason !== 'closed';
  }

  /** Why the current invocation failed when the process went away under it. */
  private failureOf(inv: Invocation, code: number | null, signal: NodeJS.Signals | null): Outcome {
    const id = inv.request.requestId;
    if (this.killReason === 'timeout') {
      // A cold invocation that never started ran into the init limit instead.
      const seconds = inv.delivered || !inv.cold ? this.fn.timeoutSeconds : this.initLimitMs() / 1000;
      return {
        payload: timeoutPayload(id, seconds),
        functionError: 'Unhandled',
        status: 'timeout',
        lines: [timeoutLogLine(new Date(this.d.now()).toISOString(), id, seconds)],
        durationMs: seconds * 1000,
      };
    }
    const oom = this.killReason === 'oom' || this.logs.heapExhausted;
    const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const message = exitMessage(
      id,
      this.killReason === 'oom' ? null : code,
      this.killReason === 'oom' ? 'SIGKILL' : signal,
    );
    return { ...failure(errorType, message), lines: [`${message}\n${errorType}`] };
  }

  private initLimitMs(): number {
    return Math.max(this.d.initTimeoutMs, this.fn.timeoutSeconds * 1000);
  }

  // ---- Invocations ----------------------------------------------------------------------------

  /** Starts the invocation's clock (warm invokes: now; cold ones: when init is done). */
  private arm(inv: Invocation): void {
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    inv.startedAt = performance.now();
    inv.deadlineMs = Date.now() + timeoutMs;
    inv.timer = setTimeout(() => {
      if (!inv.settled && this.current === inv) this.kill('timeout');
    }, timeoutMs);
  }

  /** Hands the current invocation to a parked GET /next, if both are there. */
  private deliver(): void {
    const inv = this.current;
    const reply = this.parked;
    if (!inv || !reply || inv.delivered || inv.settled) return;
    this.parked = undefined;
    if (!reply.open) return; // the runtime hung up; it has to ask again
    if (inv.cold) {
      inv.initDurationMs = this.initDurationMs;
      this.arm(inv);
    }
    inv.delivered = true;
    const r = inv.request;
    this.logs.platform(startLine(r.requestId, this.fn.version));
    const headers = nextHeaders(inv);
    reply.send(headers, r.payload);
  }

  private onNext(reply: NextReply): ApiAnswer | undefined {
    if (this.state === 'dead') return apiError(403, 'InvalidStateTransition', 'The environment is shutting down');
    const inv = this.current;
    if (inv?.delivered && !inv.settled) {
      return apiError(403, 'InvalidStateTransition', 'State transition from Invoke to Ready is not allowed');
    }
    if (this.parked?.open) return apiError(403, 'InvalidStateTransition', 'A GET /next is already waiting');
    this.parked = reply;
    if (this.initDurationMs === undefined) {
      this.initDurationMs = performance.now() - this.spawnedAt;
      clearTimeout(this.initTimer);
      this.state = this.current ? 'busy' : 'idle';
      // One measurement right away, so even a 1 ms first invoke reports its memory.
      this.firstSample = this.measure();
    }
    this.deliver();
    return undefined;
  }

  private invocationFor(requestId: string): Invocation | ApiAnswer {
    // Being killed (timeout, memory): a late answer does not change how the invocation ends.
    if (this.state === 'dead') return apiError(403, 'InvalidStateTransition', 'The environment is shutting down');
    const inv = this.current;
    if (inv?.delivered && inv.request.requestId === requestId && !inv.settled) return inv;
    if (requestId === inv?.request.requestId || requestId === this.lastSettledId) {
      return apiError(403, 'InvalidStateTransition', 'State transition from RuntimeResponseSent is not allowed');
    }
    return apiError(400, 'InvalidRequestID', 'Invalid request ID');
  }

  private onResponse(requestId: string, body: Buffer | undefined): ApiAnswer {
    const inv = this.invocationFor(requestId);
    if ('status' in inv) return inv;
    if (!body) {
      this.settle(inv, { payload: responseTooLargePayload(), functionError: 'Unhandled' });
      return apiError(
        413,
        'RequestEntityTooLarge',
        `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      );
    }
    this.settle(inv, { payload: body });
    return ACCEPTED;
  }

  private onError(requestId: string, errorType: string | undefined, body: Buffer | undefined): ApiAnswer {
    const inv = this.invocationFor(requestId);
    if ('status' in inv) return inv;
    this.settle(inv, { payload: errorBody(errorType, body), functionError: 'Unhandled' });
    return ACCEPTED;
  }

  private onInitError(errorType: string | undefined, body: Buffer | undefined): ApiAnswer {
    if (this.initDurationMs !== undefined || this.state === 'dead') {
      return apiError(403, 'InvalidStateTransition', 'State transition from Ready to InitError is not allowed');
    }
    const inv = this.current;
    if (inv && !inv.settled) {
      this.settle(inv, {
        payload: errorBody(errorType, body),
        functionError: 'Unhandled',
        status: 'error',
        errorType: errorType ?? 'Runtime.Unknown',
      });
    }
    // As on AWS, an environment whose init failed is not reused.
    this.kill('init-error');
    return ACCEPTED;
  }

  /** Marks the invocation settled now; logs and resolves after pending pipe output is read. */
  private settle(inv: Invocation, outcome: Outcome): void {
    if (inv.settled) return;
    inv.settled = true;
    this.lastSettledId = inv.request.requestId;
    clearTimeout(inv.timer);
    const end = performance.now();
    const done = () => setImmediate(() => this.finish(inv, outcome, end));
    // The first invocation also waits for the first memory measurement (REPORT needs one).
    if (this.peakRssBytes === 0 && this.firstSample) this.firstSample.then(done, done);
    else done();
  }

  /** Writes END/REPORT, frees the environment and resolves the invoke. */
  private finish(inv: Invocation, outcome: Outcome, end: number): void {
    const result = completeInvocation(this.logs, this.fn, inv, outcome, {
      end,
      initStartedAt: this.spawnedAt,
      peakRssBytes: this.peakRssBytes,
    });
    if (this.current === inv) this.current = undefined;
    if (this.state === 'busy') {
      this.state = 'idle';
      this.lastUsed = performance.now();
      if (this.retired) this.kill('retired');
    }
    inv.resolve(result);
  }

  private measure(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return Promise.resolve();
    return this.d.memory.sample([pid], false).then(
      (rss) => {
        const bytes = rss.get(pid);
        if (bytes !== undefined) this.observeMemory(bytes);
      },
      () => {},
    );
  }
}
