/**
 * Test support for the execution engine: real engines with real processes, function code written
 * into fresh temp dirs, and an in-memory LogSink that keeps what the engine writes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import {
  type EngineOptions,
  ExecutionEngine,
  type FunctionSnapshot,
  type InvokeRequest,
  type InvokeResult,
  type LogEvent,
  type LogSink,
} from '../../../src/cloud/lambda/engine.js';
import { isRunning } from '../../../src/cloud/lambda/process-watch.js';

export { isRunning };

/** Collects log events per group and stream, as the Logs service would store them. */
export class MemorySink implements LogSink {
  readonly streams = new Map<string, LogEvent[]>();
  append(_accountId: string, _region: string, group: string, stream: string, events: LogEvent[]): void {
    const key = `${group}|${stream}`;
    const list = this.streams.get(key);
    if (list) list.push(...events);
    else this.streams.set(key, [...events]);
  }
  /** Every message of a log group, stream by stream in order of creation. */
  messages(group: string): string[] {
    return [...this.streams.entries()]
      .filter(([key]) => key.startsWith(`${group}|`))
      .flatMap(([, e]) => e.map((x) => x.message));
  }
  streamNames(group: string): string[] {
    return [...this.streams.keys()]
      .filter((key) => key.startsWith(`${group}|`))
      .map((key) => key.slice(group.length + 1));
  }
}

const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(prefix = 'lambda-engine-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Writes files (path -> content) into a fresh directory; `bootstrap` and `*.sh` files are executable. */
export async function writeCode(files: Record<string, string>, executable: string[] = []): Promise<string> {
  const dir = await tempDir();
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    if (executable.includes(path) || path === 'bootstrap' || path.endsWith('.sh')) await chmod(file, 0o755);
  }
  return dir;
}

export function snapshot(overrides: Partial<FunctionSnapshot> & Pick<FunctionSnapshot, 'codeDir'>): FunctionSnapshot {
  const functionName = overrides.functionName ?? `fn-${randomBytes(4).toString('hex')}`;
  const functionArn = `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`;
  return {
    accountId: '000000000000',
    region: 'us-east-1',
    functionName,
    functionArn,
    version: '$LATEST',
    configKey: `${functionArn}:$LATEST:${randomUUID()}`,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    layerDirs: [],
    timeoutSeconds: 5,
    memorySizeMb: 128,
    environment: {},
    logGroupName: `/aws/lambda/${functionName}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...overrides,
  };
}

export interface TestEngine {
  readonly engine: ExecutionEngine;
  readonly sink: MemorySink;
  readonly diagnostics: string[];
  /** Invokes with a JSON event; `json` is the parsed payload. */
  invoke(
    fn: FunctionSnapshot,
    event?: unknown,
    extra?: Partial<InvokeRequest>,
  ): Promise<InvokeResult & { json: unknown }>;
}

/** A fresh engine per test (closed after it), with its own data dir. */
export function useEngine(options: Partial<EngineOptions> = {}): () => Promise<TestEngine> {
  const engines: ExecutionEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
  });
  return async () => {
    const sink = new MemorySink();
    const diagnostics: string[] = [];
    const engine = new ExecutionEngine({
      endpoint: () => 'http://127.0.0.1:4566',
      dataDir: await tempDir('lambda-engine-data-'),
      logs: sink,
      log: (line) => diagnostics.push(line),
      ...options,
    });
    engines.push(engine);
    return {
      engine,
      sink,
      diagnostics,
      async invoke(fn, event = {}, extra = {}) {
        const result = await engine.invoke({
          fn,
          requestId: randomUUID(),
          payload: Buffer.from(JSON.stringify(event)),
          invokedFunctionArn: fn.functionArn,
          ...extra,
        });
        let json: unknown;
        try {
          json = JSON.parse(result.payload.toString('utf8'));
        } catch {
          json = undefined;
        }
        return { ...result, json };
      },
    };
  };
}

/** The decoded LogResult of an invocation. */
export function tail(result: InvokeResult): string {
  return Buffer.from(result.logResult ?? '', 'base64').toString('utf8');
}

// The engine tests start no cloud, so the polling helper comes from its own module.
export { waitFor } from '../../helpers/wait.js';
