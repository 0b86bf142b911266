/**
 * The pool of pre-started runtimes: a function must see the same thing whether its cold start took
 * a pooled process or spawned a fresh one (environment, working directory, argv, flags, heap
 * limit, module resolution, layers), and the pool must only hand out processes that fit.
 */
import { describe, expect, it } from 'vitest';
import { ExecutionEngine, type FunctionSnapshot } from '../../../src/cloud/lambda/engine.js';
import {
  isRunning,
  MemorySink,
  snapshot,
  type TestEngine,
  tail,
  tempDir,
  useEngine,
  waitFor,
  writeCode,
} from './helpers.js';

const pooled = useEngine({ runtimePool: true });
const fresh = useEngine({ runtimePool: false });
const useIdleEngine = useEngine({ runtimePool: true, idleTimeoutMs: 300 });

/** Starts the pool's process for the function's shape and waits for it; its pid. */
async function prestarted(t: TestEngine, fn: FunctionSnapshot): Promise<number> {
  t.engine.prestart(fn);
  return waitFor('a pre-started runtime', () => t.engine.stats().pooledPids[0]);
}

/**
 * What the handler reported, with what differs between any two environments by design replaced:
 * the environment's id (log stream, scratch directory), its Runtime API port, its process id.
 */
function normalized(report: unknown): unknown {
  const r = report as { pid: number; scratch: string; api: string; stream: string };
  const id = r.stream.slice(r.stream.lastIndexOf(']') + 1);
  const text = JSON.stringify({ ...r, pid: 0 })
    .replaceAll(r.scratch, '<scratch>')
    .replaceAll(r.api, '<api>')
    .replaceAll(id, '<id>');
  return JSON.parse(text);
}

/** A Node function and a layer, and a handler reporting everything the two paths must agree on. */
async function nodeFunction(overrides: Partial<FunctionSnapshot> = {}): Promise<FunctionSnapshot> {
  const layer = await writeCode({
    'nodejs/node_modules/layer-lib/index.js': `exports.name = 'layer-lib';`,
    'nodejs/node_modules/layer-esm/package.json': JSON.stringify({ type: 'module', exports: './index.js' }),
    'nodejs/node_modules/layer-esm/index.js': `export const name = 'layer-esm';`,
  });
  const codeDir = await writeCode({
    'node_modules/own-lib/index.js': `exports.name = 'own-lib';`,
    // An ES module handler: the layer's ES package resolves through the runtime's fallback hook.
    'index.mjs': `
      import { createRequire } from 'node:module';
      import os from 'node:os';
      import v8 from 'node:v8';
      import { name as esm } from 'layer-esm';
      const require = createRequire(import.meta.url);
      export const handler = async (event, context) => ({
        pid: process.pid,
        env: Object.entries(process.env).filter(([name]) => name !== '_X_AMZN_TRACE_ID'),
        cwd: process.cwd(),
        argv: process.argv,
        execArgv: process.execArgv,
        heapLimit: v8.getHeapStatistics().heap_size_limit,
        globalPaths: require('node:module').globalPaths,
        lookup: require.resolve.paths('anything'),
        own: require.resolve('own-lib'),
        layer: require.resolve('layer-lib'),
        sdk: require.resolve('@aws-sdk/client-s3').includes('/node_modules/@aws-sdk/client-s3/'),
        esm,
        home: os.homedir(),
        tmp: os.tmpdir(),
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        locale: Intl.DateTimeFormat().resolvedOptions().locale,
        offset: new Date(0).getTimezoneOffset(),
        modules: Object.keys(require.cache).sort(),
        title: process.title,
        context: { name: context.functionName, memory: context.memoryLimitInMB, group: context.logGroupName },
        scratch: os.homedir(),
        api: process.env.AWS_LAMBDA_RUNTIME_API,
        stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      });`,
  });
  return snapshot({
    codeDir,
    layerDirs: [layer],
    memorySizeMb: 256,
    environment: { GREETING: 'hello', AWS_LAMBDA_LOG_LEVEL: 'INFO' },
    ...overrides,
  });
}

async function pythonFunction(): Promise<FunctionSnapshot> {
  const layer = await writeCode({ 'python/layer_mod.py': `NAME = "layer_mod"\n` });
  const codeDir = await writeCode({
    'app.py': `
import locale, os, sys, time
import layer_mod

def handler(event, context):
    return {
        "pid": os.getpid(),
        "env": sorted(item for item in os.environ.items() if item[0] != "_X_AMZN_TRACE_ID"),
        "cwd": os.getcwd(),
        "argv": sys.argv,
        "path": sys.path,
        "flags": str(sys.flags),
        "modules": sorted(name for name in sys.modules if name not in ("app", "layer_mod")),
        "layer": layer_mod.NAME,
        "encoding": [sys.getfilesystemencoding(), locale.getpreferredencoding(False)],
        "tz": list(time.tzname),
        "context": [context.function_name, context.memory_limit_in_mb, context.log_group_name],
        "unicode": "é",
        "scratch": os.environ["HOME"],
        "api": os.environ["AWS_LAMBDA_RUNTIME_API"],
        "stream": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"],
    }
`,
  });
  return snapshot({
    runtime: 'python3.11',
    handler: 'app.handler',
    codeDir,
    layerDirs: [layer],
    environment: { GREETING: 'hello' },
  });
}

/** Runs `fn` once in a fresh process and once in a pooled one; both reports, and whether the pooled one was used. */
async function bothPaths(fn: FunctionSnapshot) {
  const viaFresh = await (await fresh()).invoke(fn, {}, { tailLog: true });
  const t = await pooled();
  const pid = await prestarted(t, fn);
  const viaPool = await t.invoke(fn, {}, { tailLog: true });
  expect(viaFresh.functionError, viaFresh.payload.toString()).toBeUndefined();
  expect(viaPool.functionError, viaPool.payload.toString()).toBeUndefined();
  return { viaFresh, viaPool, tookPooled: (viaPool.json as { pid: number }).pid === pid };
}

describe('pre-started runtimes: what a function sees', () => {
  it('is the same in a pooled Node process as in a fresh one', async () => {
    const { viaFresh, viaPool, tookPooled } = await bothPaths(await nodeFunction());
    expect(tookPooled).toBe(true);
    const report = viaPool.json as { env: [string, string][]; layer: string; esm: string; execArgv: string[] };
    expect(report.env.map(([name]) => name)).not.toContain('LAMBDA_TASKS_POOLED');
    expect(report.layer).toContain('layer-lib');
    expect(report.esm).toBe('layer-esm');
    expect(report.execArgv).toContain('--max-old-space-size=231');
    expect(normalized(viaPool.json)).toEqual(normalized(viaFresh.json));
    // Init Duration is the handler's init: from the assignment, present on the first invoke only.
    expect(viaPool.initDurationMs).toBeGreaterThan(0);
    expect(tail(viaPool)).toMatch(/\tInit Duration: [\d.]+ ms\t/);
  });

  it('is the same in a pooled Python process as in a fresh one', async () => {
    const { viaFresh, viaPool, tookPooled } = await bothPaths(await pythonFunction());
    expect(tookPooled).toBe(true);
    expect((viaPool.json as { layer: string }).layer).toBe('layer_mod');
    expect(normalized(viaPool.json)).toEqual(normalized(viaFresh.json));
    expect(viaPool.initDurationMs).toBeGreaterThan(0);
  });
});

describe('pre-started runtimes: failures', () => {
  it('reports a broken handler as a fresh process does', async () => {
    const broken = snapshot({
      codeDir: await writeCode({ 'index.js': 'exports.other = async () => 1;', 'bad.js': 'exports.handler = ;' }),
    });
    for (const handler of ['index.handler', 'bad.handler', 'missing.handler']) {
      const fn = { ...broken, handler, configKey: `${broken.configKey}-${handler}` };
      const viaFresh = await (await fresh()).invoke(fn);
      const t = await pooled();
      const pid = await prestarted(t, fn);
      const viaPool = await t.invoke(fn);
      expect(viaPool.functionError).toBe('Unhandled');
      const { trace: _freshTrace, ...freshError } = viaFresh.json as Record<string, unknown>;
      const { trace: _pooledTrace, ...pooledError } = viaPool.json as Record<string, unknown>;
      expect(pooledError, handler).toEqual(freshError);
      // It was the pooled process that failed, and an environment whose init failed is not kept.
      await waitFor('the failed environment gone', async () => ((await isRunning(pid)) ? undefined : true));
    }
  });

  it('drops a pre-started process that dies, and the next cold start spawns one', async () => {
    const t = await pooled();
    const fn = await nodeFunction();
    const pid = await prestarted(t, fn);
    process.kill(pid, 'SIGKILL');
    await waitFor('the dead process out of the pool', () =>
      t.engine.stats().pooledPids.length === 0 ? true : undefined,
    );
    const r = await t.invoke(fn);
    expect(r.functionError, r.payload.toString()).toBeUndefined();
    expect((r.json as { pid: number }).pid).not.toBe(pid);
  });

  it('leaves nothing behind a crashed server: the next one on the data dir kills what waited in its pool', async () => {
    const dataDir = await tempDir();
    const options = { endpoint: () => 'http://127.0.0.1:4566', dataDir, logs: new MemorySink() };
    const crashed = new ExecutionEngine(options); // never closed before the next starts: a killed server
    const next = new ExecutionEngine({ ...options, runtimePool: false });
    try {
      const fn = await nodeFunction();
      crashed.prestart(fn);
      const left = await waitFor('a ready pre-started runtime', () =>
        crashed.stats().pooledReady > 0 ? crashed.stats().pooledPids[0] : undefined,
      );
      const r = await next.invoke({
        fn,
        requestId: 'r',
        payload: Buffer.from('{}'),
        invokedFunctionArn: fn.functionArn,
      });
      expect(r.functionError, r.payload.toString()).toBeUndefined();
      expect(await isRunning(left)).toBe(false);
    } finally {
      await Promise.all([crashed.close(), next.close()]);
    }
  });

  it('stops a process nobody took within the idle timeout', async () => {
    const t = await useIdleEngine();
    const pid = await prestarted(t, await nodeFunction());
    await waitFor('the idle pre-started process stopped', async () => ((await isRunning(pid)) ? undefined : true));
    expect(t.engine.stats().pooledPids).toEqual([]);
  });
});

describe('pre-started runtimes: which functions get one', () => {
  it('starts fresh when the process would start differently (memory flags, NODE_OPTIONS, TZ, library dirs)', async () => {
    const t = await pooled();
    const base = await nodeFunction({ memorySizeMb: 128 });
    // A layer with a shared library in lib/: the dynamic linker would have had to know it from the start.
    const libLayer = await writeCode({ 'lib/libexample.so.1': 'not really ELF' });
    const variants: FunctionSnapshot[] = [
      { ...base, memorySizeMb: 512, configKey: `${base.configKey}-memory` },
      { ...base, environment: { NODE_OPTIONS: '--no-warnings' }, configKey: `${base.configKey}-options` },
      { ...base, environment: { TZ: 'America/New_York' }, configKey: `${base.configKey}-tz` },
      { ...base, layerDirs: [...base.layerDirs, libLayer], configKey: `${base.configKey}-lib` },
    ];
    const pid = await prestarted(t, base);
    for (const fn of variants) {
      const r = await t.invoke(fn);
      expect(r.functionError, r.payload.toString()).toBeUndefined();
      expect((r.json as { pid: number }).pid, fn.configKey).not.toBe(pid);
    }
    // The function it fits takes it (a lib/ of JavaScript is fine), and the pool starts a replacement afterwards.
    const jsLib = await writeCode({ 'lib/helper.js': 'exports.x = 1;' });
    const r = await t.invoke({ ...base, layerDirs: [...base.layerDirs, jsLib] });
    expect((r.json as { pid: number }).pid).toBe(pid);
    // The pool now holds the 512 MB process the first variant asked for, and the 128 MB replacement.
    const waiting = await waitFor('a replacement', () => {
      const pids = t.engine.stats().pooledPids;
      return pids.length === 2 && !pids.includes(pid) ? pids : undefined;
    });
    await t.engine.close();
    for (const left of waiting) expect(await isRunning(left)).toBe(false);
    expect(t.engine.stats().pooledPids).toEqual([]);
  });

  it('is off with runtimePool: false', async () => {
    const t = await fresh();
    const fn = await nodeFunction();
    t.engine.prestart(fn);
    await t.invoke(fn);
    expect(t.engine.stats().pooledPids).toEqual([]);
  });
});
