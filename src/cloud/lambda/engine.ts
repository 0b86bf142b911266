/**
 * The Lambda execution engine: runs function code in OS processes through the Lambda Runtime API.
 *
 * The control plane (services/lambda) resolves the function, checks concurrency and throttles,
 * then calls `invoke()` with a snapshot of the function's configuration. The engine keeps a pool
 * of execution environments per `configKey`: an invoke takes an idle warm one, or starts a new
 * one (a cold start) when all are busy, so concurrent invokes scale out. Idle environments are
 * reaped after `idleTimeoutMs`; `retire()` drops those of a changed or deleted function.
 *
 * A cold start takes a pre-started runtime process from the pool when one fits (pool.ts), which
 * saves it the interpreter's start; otherwise it spawns one.
 *
 * Files: environment.ts (one process: lifecycle and the Runtime API calls it gets), invocation.ts
 * (one invocation's hand-over and completion), runtime-api.ts (the HTTP side of the Runtime API),
 * runtimes.ts (command and environment per runtime; the bootstraps live in /runtimes),
 * log-capture.ts (stdout/stderr to log events), process-watch.ts (memory, process groups),
 * platform.ts (AWS's wording of platform log lines and errors).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Environment } from './environment.js';
import type { Invocation } from './invocation.js';
import { RuntimePool, type RuntimeShape } from './pool.js';
import { killLeftoverGroups, MemoryWatch } from './process-watch.js';
import { findPython, isSupportedRuntime, type PythonInstallation } from './runtimes.js';

export { SUPPORTED_RUNTIMES } from './runtimes.js';

/** Everything the engine needs to know about the function version being invoked. */
export interface FunctionSnapshot {
  accountId: string;
  region: string;
  functionName: string;
  /** The unqualified function ARN. */
  functionArn: string;
  /** `$LATEST`, or a published version number (`1`, `2` ...). */
  version: string;
  /**
   * Environments are reused only for invokes with the same key, so it must change whenever code
   * or configuration does (e.g. `${arn}:${version}:${revisionId}`).
   */
  configKey: string;
  /** `nodejs18.x`|`nodejs20.x`|`nodejs22.x`|`python3.9`..`python3.13`|`provided.al2`|`provided.al2023` */
  runtime: string;
  /** `index.handler`, `app/main.handler`, Python `lambda_function.lambda_handler`; unused by `provided`. */
  handler: string;
  /** The extracted code (never written to): LAMBDA_TASK_ROOT and the process's working directory. */
  codeDir: string;
  /** Extracted layers in order; they stand in for /opt, later layers winning over earlier ones. */
  layerDirs: string[];
  timeoutSeconds: number;
  memorySizeMb: number;
  /** The function's Environment.Variables (reserved names were rejected at create/update). */
  environment: Record<string, string>;
  /** `/aws/lambda/<name>` unless the function's LoggingConfig says otherwise. */
  logGroupName: string;
  /** What the function's SDK calls sign with (AWS_ACCESS_KEY_ID ...). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface InvokeRequest {
  fn: FunctionSnapshot;
  requestId: string;
  payload: Buffer;
  /** The client context as JSON text (already decoded from X-Amz-Client-Context's base64). */
  clientContext?: string;
  /** Return the last 4 KB of this invocation's log as `logResult`. @default false */
  tailLog?: boolean;
  /** The ARN the caller used (qualified when a qualifier was used). */
  invokedFunctionArn: string;
}

export interface InvokeResult {
  /** The function's response, or the AWS error payload (JSON) when `functionError` is set. */
  payload: Buffer;
  /** Set when the invocation failed (X-Amz-Function-Error). */
  functionError?: 'Unhandled';
  /** Base64 of the last 4 KB of the invocation's log (START..REPORT), when `tailLog` was asked for. */
  logResult?: string;
  durationMs: number;
  billedDurationMs: number;
  /** Only on a cold start. */
  initDurationMs?: number;
  /** Peak resident memory of the environment's processes so far. */
  maxMemoryUsedMb: number;
}

export interface LogEvent {
  timestamp: number;
  /** One log event; like CloudWatch's events from Lambda, it ends with a newline. */
  message: string;
}

/** Where function logs go (the CloudWatch Logs service); the group and stream may not exist yet. */
export interface LogSink {
  append(accountId: string, region: string, group: string, stream: string, events: LogEvent[]): void;
}

export interface EngineOptions {
  /** The local cloud's URL, given to functions as AWS_ENDPOINT_URL. Read at each cold start. */
  endpoint: () => string;
  /** Scratch space: each environment's TMPDIR/HOME lives under `<dataDir>/lambda/environments/`. */
  dataDir: string;
  logs: LogSink;
  /** An environment idle this long is stopped. @default 300000 (5 minutes) */
  idleTimeoutMs?: number;
  /** Clock for log event timestamps and log stream dates (epoch ms). @default Date.now */
  now?: () => number;
  /** Server-side diagnostics (never shown to functions). @default no output */
  log?: (line: string) => void;
  /** Log output one invocation may produce; past it, output is dropped (and counted). @default 10485760 (10 MiB) */
  maxLogBytesPerInvocation?: number;
  /**
   * How long a new environment may take to initialize (reach its first GET /next); the function's
   * timeout applies instead when it is longer, as when AWS retries a slow init. @default 10000
   */
  initTimeoutMs?: number;
  /** How often busy environments' memory is measured against their limit. @default 100 */
  memoryCheckIntervalMs?: number;
  /** The Node.js executable for nodejs* runtimes. @default process.execPath */
  nodeExecutable?: string;
  /** The Python 3 command for python* runtimes (resolved once to its real executable). @default 'python3' */
  pythonCommand?: string;
  /**
   * Keep a pre-started runtime process per runtime and memory size, which a cold start takes
   * instead of starting one (pool.ts). @default true
   */
  runtimePool?: boolean;
}

export interface EngineStats {
  /** Live environments (processes), by state. */
  environments: number;
  starting: number;
  busy: number;
  idle: number;
  /** Process ids of the live environments (each leads a process group). */
  pids: number[];
  /** Process ids of the pre-started runtimes in the pool (not environments yet). */
  pooledPids: number[];
  /** How many of them have finished starting and wait for a function. */
  pooledReady: number;
  /** Since the engine started. */
  invocations: number;
  coldStarts: number;
}

const SCRATCH = join('lambda', 'environments');

export class ExecutionEngine {
  private readonly pools = new Map<string, Environment[]>();
  private readonly environments = new Set<Environment>();
  private readonly memory = new MemoryWatch();
  private readonly timer: NodeJS.Timeout;
  private readonly idleTimeoutMs: number;
  private readonly scratchRoot: string;
  private readonly pool: RuntimePool | undefined;
  private prepared: Promise<void> | undefined;
  private sampling = false;
  private closed = false;
  private invocations = 0;
  private coldStarts = 0;

  constructor(private readonly o: EngineOptions) {
    this.idleTimeoutMs = o.idleTimeoutMs ?? 300_000;
    this.scratchRoot = join(o.dataDir, SCRATCH);
    if (o.runtimePool !== false) {
      this.pool = new RuntimePool({
        scratchRoot: this.scratchRoot,
        ready: () => this.prepare(),
        endpoint: o.endpoint,
        nodeExecutable: o.nodeExecutable ?? process.execPath,
        python: () => findPython(o.pythonCommand),
        log: o.log ?? (() => {}),
        idleTimeoutMs: this.idleTimeoutMs,
      });
    }
    // One housekeeping tick for every environment: memory limits, then idle reaping.
    this.timer = setInterval(() => this.tick(), o.memoryCheckIntervalMs ?? 100);
    this.timer.unref();
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.closed) throw new Error('the execution engine is closed');
    const { fn } = request;
    if (!isSupportedRuntime(fn.runtime)) throw new Error(`unsupported runtime: ${fn.runtime}`);
    this.invocations++;
    let invocation: Invocation | undefined;
    const result = new Promise<InvokeResult>((resolve, reject) => {
      invocation = {
        request,
        resolve,
        reject,
        settled: false,
        delivered: false,
        cold: false,
        startedAt: performance.now(),
        deadlineMs: 0,
        moves: 0,
      };
      this.dispatch(invocation);
    });
    // The replacement starts once this invoke is over, so it does not slow the cold start down.
    return result.finally(() => {
      if (invocation?.cold) this.prestart(fn);
    });
  }

  /** Has a runtime process for the shape started ahead of its first cold start (no-op without the pool). */
  prestart(shape: RuntimeShape): void {
    if (!this.closed) this.pool?.want(shape);
  }

  /** Stops the environments of matching functions: idle ones now, busy ones when their invocation ends. */
  retire(predicate: (fn: FunctionSnapshot) => boolean): void {
    for (const env of this.environments) {
      if (predicate(env.fn)) env.retire();
    }
  }

  stats(): EngineStats {
    const stats: EngineStats = {
      environments: 0,
      starting: 0,
      busy: 0,
      idle: 0,
      pids: [],
      pooledPids: this.pool?.pids() ?? [],
      pooledReady: this.pool?.ready() ?? 0,
      invocations: this.invocations,
      coldStarts: this.coldStarts,
    };
    for (const env of this.environments) {
      if (env.state === 'dead') continue;
      stats.environments++;
      stats[env.state]++;
      if (env.pid !== undefined) stats.pids.push(env.pid);
    }
    return stats;
  }

  /** Kills every environment (in-flight invokes fail with Runtime.ExitError) and waits until all are gone. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const all = [...this.environments];
    for (const env of all) env.kill('closed');
    await Promise.all([...all.map((env) => env.gone), this.pool?.close()]);
    await this.prepared?.catch(() => {});
  }

  /** An idle warm environment takes the invocation, else a new one starts for it (scale-out). */
  private dispatch(invocation: Invocation): void {
    if (this.closed) {
      invocation.settled = true;
      invocation.reject(new Error('the execution engine is closed'));
      return;
    }
    const warm = this.idleEnvironment(invocation.request.fn.configKey);
    if (warm) {
      warm.assign(invocation);
      return;
    }
    invocation.cold = true;
    this.coldStarts++;
    this.start(invocation);
  }

  private idleEnvironment(configKey: string): Environment | undefined {
    const pool = this.pools.get(configKey);
    if (!pool) return undefined;
    // The most recently used first: the others stay idle and get reaped when load drops.
    for (let i = pool.length - 1; i >= 0; i--) {
      const env = pool[i];
      if (env?.state === 'idle' && !env.retired) return env;
    }
    return undefined;
  }

  private start(invocation: Invocation): void {
    const { fn } = invocation.request;
    const env = new Environment(
      {
        fn,
        endpoint: this.o.endpoint(),
        scratchRoot: this.scratchRoot,
        ready: this.prepare(),
        sink: this.o.logs,
        now: this.o.now ?? Date.now,
        log: this.o.log ?? (() => {}),
        maxLogBytesPerInvocation: this.o.maxLogBytesPerInvocation ?? 10 * 1024 * 1024,
        initTimeoutMs: this.o.initTimeoutMs ?? 10_000,
        nodeExecutable: this.o.nodeExecutable ?? process.execPath,
        python: (): Promise<PythonInstallation | undefined> => findPython(this.o.pythonCommand),
        memory: this.memory,
        onGone: (gone) => this.remove(gone),
        onOrphan: (orphan) => this.dispatch(orphan),
        prestarted: this.pool?.take(fn),
      },
      invocation,
    );
    this.environments.add(env);
    const pool = this.pools.get(fn.configKey);
    if (pool) pool.push(env);
    else this.pools.set(fn.configKey, [env]);
  }

  private remove(env: Environment): void {
    this.environments.delete(env);
    const pool = this.pools.get(env.fn.configKey);
    if (!pool) return;
    const at = pool.indexOf(env);
    if (at >= 0) pool.splice(at, 1);
    if (pool.length === 0) this.pools.delete(env.fn.configKey);
  }

  /** What a previous (crashed) server left is cleared once, before the first start: processes, then scratch. */
  private prepare(): Promise<void> {
    this.prepared ??= killLeftoverGroups(this.scratchRoot).then(() =>
      rm(this.scratchRoot, { recursive: true, force: true }),
    );
    return this.prepared;
  }

  private tick(): void {
    const now = performance.now();
    this.pool?.reap(now);
    const watched: { env: Environment; pid: number }[] = [];
    for (const env of this.environments) {
      if (env.state === 'idle' && now - env.lastUsed >= this.idleTimeoutMs) env.kill('reaped');
      else if ((env.state === 'busy' || env.state === 'starting') && env.pid !== undefined) {
        watched.push({ env, pid: env.pid });
      }
    }
    if (watched.length === 0 || this.sampling) return;
    this.sampling = true;
    this.memory
      .sample(watched.map((w) => w.pid))
      .then((rss) => {
        for (const { env, pid } of watched) {
          const bytes = rss.get(pid);
          if (bytes !== undefined) env.observeMemory(bytes);
        }
      })
      .catch((error: unknown) => this.o.log?.(`lambda: measuring memory failed: ${String(error)}`))
      .finally(() => {
        this.sampling = false;
      });
  }
}
