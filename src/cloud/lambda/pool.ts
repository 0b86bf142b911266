/**
 * The pool of pre-started runtime processes. For each launch shape (Node.js with the heap flags of
 * one memory size, or the Python interpreter) it keeps one process that has done everything a cold
 * start does before it looks at the function: the interpreter's own start and the runtime client's
 * code. The process then waits on its Runtime API for an assignment. A cold start takes it and
 * sends it the function's environment variables and working directory; the process puts them in
 * place and loads the handler exactly as a fresh process would (runtimes/*: "pooled"). Once that
 * first invocation is over, the pool starts a replacement, so a cold start never waits for it.
 *
 * What a function sees must not depend on the path it came by, so a function whose process would
 * start differently gets a fresh one: another command or other arguments (the memory size's heap
 * flags, AWS_LAMBDA_EXEC_WRAPPER), or a variable that the interpreter or the dynamic linker read
 * only when the process starts (see STARTUP_VARIABLES). test/cloud/lambda-engine/pool.test.ts
 * compares what handlers see on both paths.
 *
 * Created lazily (the first CreateFunction or cold start asks for a shape), at most one process per
 * shape and MAX_SHAPES shapes, each stopped after idling as long as an idle environment would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionSnapshot } from './engine.js';
import { killGroup } from './process-watch.js';
import { type ApiAnswer, apiError, type NextReply, type RuntimeApiHandlers, RuntimeApiServer } from './runtime-api.js';
import { type Launch, managedLaunch, type PythonInstallation } from './runtimes.js';

/** Launch shapes kept at once: functions of more memory sizes than this start fresh. */
const MAX_SHAPES = 4;
/** Tells a runtime bootstrap to wait for its assignment (the variable is gone once it has one). */
const POOLED_VARIABLE = 'LAMBDA_TASKS_POOLED';
/** Output a waiting process may leave in the diagnostics (it should print nothing). */
const MAX_DIAGNOSTIC_BYTES = 4096;

/**
 * Variables read when the process starts, not when code asks for them: a pooled process, started
 * without the function's values, could not honour them, so they must be equal on both paths. The
 * interpreters' own (NODE_OPTIONS, NODE_EXTRA_CA_CERTS, UV_THREADPOOL_SIZE, PYTHONHASHSEED,
 * PYTHONUTF8 ...), the C library's (locale, time zone, malloc tunables) and OpenSSL's. NODE_PATH is
 * not among them: the bootstrap re-reads it as Node's start does. PYTHONPATH is, when the function
 * sets it itself; the runtime's own value (layers) is rebuilt by the bootstrap.
 */
const STARTUP_VARIABLES =
  /^(NODE_(?!PATH$)|UV_|PYTHON(?!PATH$)|LC_|LANG$|LANGUAGE$|TZ$|MALLOC_|GLIBC_|OPENSSL_|SSL_CERT_|LD_(?!LIBRARY_PATH$))/;

/** What the pool keeps processes for: a runtime and a memory size. */
export interface RuntimeShape {
  runtime: string;
  memorySizeMb: number;
}

/** The pool's key of a shape; undefined for runtimes that cannot be pre-started (`provided` runs the function's own binary). */
export function shapeKey(shape: RuntimeShape): string | undefined {
  if (shape.runtime.startsWith('nodejs')) return `node/${shape.memorySizeMb}`;
  if (shape.runtime.startsWith('python')) return 'python';
  return undefined;
}

/** The function's variables would reach the function the same way in a pooled process and a fresh one. */
export function startsAlike(
  pooled: Record<string, string>,
  target: Record<string, string>,
  functionVariables: Record<string, string>,
): boolean {
  if ('PYTHONPATH' in functionVariables) return false;
  for (const name of new Set([...Object.keys(pooled), ...Object.keys(target)])) {
    if (STARTUP_VARIABLES.test(name) && pooled[name] !== target[name]) return false;
  }
  // The dynamic linker reads LD_LIBRARY_PATH once, when the process starts: the pooled process
  // searches none of the function's library directories, which is the same while none of them
  // holds a shared library (a `lib/` of JavaScript files, as many projects have, is fine).
  return !(target.LD_LIBRARY_PATH ?? '').split(':').some((dir) => dir !== '' && holdsSharedLibraries(dir));
}

/** The linker looks up libraries by file name in each directory itself, not below it. */
function holdsSharedLibraries(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => SHARED_LIBRARY.test(name));
  } catch {
    return false; // no such directory
  }
}

export interface PoolDeps {
  /** Each process's scratch directory (its HOME and TMPDIR, later the environment's) lives here. */
  scratchRoot: string;
  /** Resolves once the scratch root may be used. */
  ready: () => Promise<void>;
  endpoint: () => string;
  nodeExecutable: string;
  python: () => Promise<PythonInstallation | undefined>;
  log: (line: string) => void;
  /** A process nobody took for this long is stopped. */
  idleTimeoutMs: number;
}

/** `libfoo.so`, `libfoo.so.1.2` */
const SHARED_LIBRARY = /\.so(\.\d+)*$/;

/** What an environment gets when it takes a pre-started process. */
export interface PooledProcess {
  child: ChildProcess;
  pid: number;
  api: RuntimeApiServer;
  /** Resolves when the process's stdio has closed. */
  pipesClosed: Promise<void>;
}

export class RuntimePool {
  /** The process waiting for each shape, least recently asked for first. */
  private readonly waiting = new Map<string, PrestartedRuntime>();

  constructor(private readonly d: PoolDeps) {}

  /** Makes sure a process for the shape is there or starting. */
  want(shape: RuntimeShape): void {
    const key = shapeKey(shape);
    if (key === undefined) return;
    const present = this.waiting.get(key);
    if (present && present.state !== 'dead') {
      // Asked for again: the last to go when the pool is full.
      this.waiting.delete(key);
      this.waiting.set(key, present);
      return;
    }
    for (const [oldKey, oldest] of this.waiting) {
      if (this.waiting.size < MAX_SHAPES) break;
      this.waiting.delete(oldKey);
      oldest.stop();
    }
    const started = new PrestartedRuntime(this.d, shape, key, () => {
      if (this.waiting.get(key) === started) this.waiting.delete(key);
    });
    this.waiting.set(key, started);
  }

  /**
   * The waiting process for the function's shape, if there is one that would start exactly as a
   * fresh process for the function; it is the caller's from then on.
   */
  take(fn: FunctionSnapshot): PrestartedRuntime | undefined {
    const key = shapeKey(fn);
    const candidate = key === undefined ? undefined : this.waiting.get(key);
    if (!candidate?.fits(fn)) return undefined;
    this.waiting.delete(key as string);
    return candidate;
  }

  /** Stops processes nobody took within the idle timeout. */
  reap(now: number): void {
    for (const prestarted of this.waiting.values()) {
      if (now - prestarted.since >= this.d.idleTimeoutMs) prestarted.stop();
    }
  }

  /** Pids of the processes in the pool (started, or started and ready for a function). */
  pids(): number[] {
    return [...this.waiting.values()].flatMap((p) => (p.pid === undefined || p.state === 'dead' ? [] : [p.pid]));
  }

  /** How many processes in the pool have finished starting and wait for a function. */
  ready(): number {
    return [...this.waiting.values()].filter((p) => p.state === 'waiting').length;
  }

  async close(): Promise<void> {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const prestarted of all) prestarted.stop();
    await Promise.all(all.map((p) => p.gone));
  }
}

/** One process started ahead of need, until an environment takes it over (or it is stopped). */
export class PrestartedRuntime {
  readonly id = randomBytes(16).toString('hex');
  readonly scratchDir: string;
  state: 'starting' | 'waiting' | 'taken' | 'dead' = 'starting';
  pid: number | undefined;
  /** performance.now() when it was started. */
  readonly since = performance.now();
  readonly gone: Promise<void>;

  private child: ChildProcess | undefined;
  private api: RuntimeApiServer | undefined;
  private launch: (Launch & { ok: true }) | undefined;
  private python: PythonInstallation | undefined;
  private pipesClosed: Promise<void> = Promise.resolve();
  /** The environment's Runtime API handlers, once taken. */
  private target: RuntimeApiHandlers | undefined;
  private parked: NextReply | undefined;
  private assignment: Buffer | undefined;
  private diagnosticBytes = 0;
  private cleanedUp = false;
  private markGone: () => void = () => {};
  private readonly onExit = () => void this.cleanUp();
  private readonly onOutput = (chunk: Buffer) => {
    // A waiting process has nothing to say; if it does anyway, the server's diagnostics keep it.
    if (this.diagnosticBytes >= MAX_DIAGNOSTIC_BYTES) return;
    this.diagnosticBytes += chunk.length;
    this.d.log(`lambda: a pre-started runtime wrote: ${chunk.toString('utf8', 0, MAX_DIAGNOSTIC_BYTES).trimEnd()}`);
  };

  constructor(
    private readonly d: PoolDeps,
    private readonly shape: RuntimeShape,
    readonly key: string,
    private readonly onGone: () => void,
  ) {
    this.scratchDir = join(d.scratchRoot, this.id);
    this.gone = new Promise((resolve) => {
      this.markGone = resolve;
    });
    void this.start().catch((error: unknown) => {
      d.log(`lambda: pre-starting a ${shape.runtime} runtime failed: ${String(error)}`);
      if (this.pid !== undefined) this.stop();
      else void this.cleanUp();
    });
  }

  /** Whether a fresh process for `fn` would be started exactly as this one was. */
  fits(fn: FunctionSnapshot): boolean {
    if ((this.state !== 'starting' && this.state !== 'waiting') || !this.launch || this.pid === undefined) return false;
    const target = managedLaunch(fn, this.context(''));
    return (
      target?.ok === true &&
      target.command === this.launch.command &&
      target.args.length === this.launch.args.length &&
      target.args.every((arg, i) => arg === this.launch?.args[i]) &&
      startsAlike(this.launch.env, target.env, fn.environment)
    );
  }

  /**
   * The environment takes the process over: from now on its Runtime API calls go to `handlers`,
   * and its exit and output are the environment's to watch.
   */
  takeOver(handlers: RuntimeApiHandlers): PooledProcess {
    const { child, api, pid } = this;
    if (!child || !api || pid === undefined) throw new Error('the pre-started runtime is not running');
    this.state = 'taken';
    this.target = handlers;
    child.off('exit', this.onExit);
    child.stdout?.off('data', this.onOutput);
    child.stderr?.off('data', this.onOutput);
    this.onGone();
    return { child, pid, api, pipesClosed: this.pipesClosed };
  }

  /** Sends the function's variables and working directory (now, or when the process asks). */
  assign(env: Record<string, string>, cwd: string): void {
    this.assignment = Buffer.from(JSON.stringify({ env, cwd }));
    this.answerAssignment();
  }

  /** Kills a process nobody took (a taken one is its environment's to kill). */
  stop(): void {
    if (this.state === 'taken' || this.state === 'dead') return;
    this.state = 'dead';
    // Its exit cleans up; one not spawned yet is cleaned up by start(), which sees 'dead'.
    if (this.pid !== undefined) killGroup(this.pid);
  }

  private context(logStreamName: string) {
    return {
      runtimeApi: this.api?.address ?? '',
      logStreamName,
      scratchDir: this.scratchDir,
      endpoint: this.d.endpoint(),
      nodeExecutable: this.d.nodeExecutable,
      python: this.python,
    };
  }

  private async start(): Promise<void> {
    await this.d.ready();
    await mkdir(this.scratchDir, { recursive: true });
    this.api = await RuntimeApiServer.listen(this.handlers(), this.d.log);
    if (this.shape.runtime.startsWith('python')) this.python = await this.d.python();
    if (this.state === 'dead') return void this.cleanUp();
    // A function-less snapshot: no code, layers or variables; everything else is replaced at assignment.
    const template: FunctionSnapshot = {
      accountId: '',
      region: '',
      functionName: '',
      functionArn: '',
      version: '',
      configKey: '',
      runtime: this.shape.runtime,
      handler: '',
      codeDir: this.scratchDir,
      layerDirs: [],
      timeoutSeconds: 0,
      memorySizeMb: this.shape.memorySizeMb,
      environment: {},
      logGroupName: '',
      credentials: { accessKeyId: '', secretAccessKey: '' },
    };
    // The stream name ends with `]<id>`: a later server's killLeftoverGroups recognises the process.
    const launch = managedLaunch(template, this.context(`[pooled]${this.id}`));
    if (!launch?.ok) {
      this.state = 'dead';
      return void this.cleanUp();
    }
    this.launch = launch;
    const child = spawn(launch.command, launch.args, {
      cwd: this.scratchDir,
      env: { ...launch.env, [POOLED_VARIABLE]: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.pid = child.pid;
    this.pipesClosed = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout?.on('data', this.onOutput);
    child.stderr?.on('data', this.onOutput);
    child.once('exit', this.onExit);
    child.once('error', (error) => {
      if (this.pid !== undefined) return;
      this.d.log(`lambda: pre-starting ${launch.command} failed: ${error.message}`);
      this.state = 'dead';
      void this.cleanUp();
    });
    if (this.pid === undefined) return;
    void writeFile(join(this.scratchDir, 'pid'), String(this.pid)).catch(() => {});
  }

  private handlers(): RuntimeApiHandlers {
    const unassigned = () => apiError(403, 'InvalidStateTransition', 'The runtime has no function yet');
    return {
      next: (reply) => (this.target ? this.target.next(reply) : unassigned()),
      response: (id, body) => (this.target ? this.target.response(id, body) : unassigned()),
      error: (id, type, body) => (this.target ? this.target.error(id, type, body) : unassigned()),
      initError: (type, body) => (this.target ? this.target.initError(type, body) : unassigned()),
      assignment: (reply) => this.onAssignmentRequest(reply),
    };
  }

  private onAssignmentRequest(reply: NextReply): ApiAnswer | undefined {
    if (this.parked?.open) return apiError(403, 'InvalidStateTransition', 'An assignment was already asked for');
    this.parked = reply;
    if (this.state === 'starting') this.state = 'waiting';
    this.answerAssignment();
    return undefined;
  }

  private answerAssignment(): void {
    const reply = this.parked;
    const body = this.assignment;
    if (!reply || !body) return;
    this.parked = undefined;
    this.assignment = undefined;
    reply.send({}, body);
  }

  /** Gone before anyone took it: free its port, pipes and scratch directory. */
  private async cleanUp(): Promise<void> {
    if (this.state === 'taken' || this.cleanedUp) return;
    this.cleanedUp = true;
    this.state = 'dead';
    this.onGone();
    if (this.pid !== undefined) killGroup(this.pid);
    this.api?.close();
    this.child?.stdout?.destroy();
    this.child?.stderr?.destroy();
    await rm(this.scratchDir, { recursive: true, force: true }).catch(() => {});
    this.markGone();
  }
}
