/** Warm reuse, scale-out, reaping, retiring and closing: environments as processes. */
import { describe, expect, it } from 'vitest';
import { ExecutionEngine } from '../../../src/cloud/lambda/engine.js';
import { isRunning, MemorySink, snapshot, tempDir, useEngine, waitFor, writeCode } from './helpers.js';

const engine = useEngine();
const reapingEngine = useEngine({ idleTimeoutMs: 300 });

const PID_FUNCTION = {
  'index.js': `
    const { spawn } = require('node:child_process');
    exports.handler = async (event) => {
      if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
      const child = event.child ? spawn('sleep', ['300'], { stdio: 'ignore' }).pid : undefined;
      return { pid: process.pid, child };
    };`,
};

type Pids = { pid: number; child?: number };

async function allGone(pids: number[]): Promise<boolean> {
  const running = await Promise.all(pids.map(isRunning));
  return running.every((r) => !r);
}

describe('execution environments', () => {
  it('stay warm: the same process serves the next invoke, without init', async () => {
    const t = await engine();
    const fn = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
    const first = await t.invoke(fn);
    const second = await t.invoke(fn);
    expect((second.json as Pids).pid).toBe((first.json as Pids).pid);
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(second.initDurationMs).toBeUndefined();
    expect(t.engine.stats()).toMatchObject({ environments: 1, idle: 1, coldStarts: 1, invocations: 2 });
    // Another configuration (a new code revision) never shares the environment.
    const updated = await t.invoke({ ...fn, configKey: `${fn.configKey}:2` });
    expect((updated.json as Pids).pid).not.toBe((first.json as Pids).pid);
  });

  it('scale out when every warm environment is busy, and are reused after', async () => {
    const t = await engine();
    const fn = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
    const burst = async () =>
      (await Promise.all([1, 2, 3].map(() => t.invoke(fn, { sleepMs: 300 })))).map((r) => (r.json as Pids).pid);
    const first = await burst();
    expect(new Set(first).size).toBe(3);
    expect(t.engine.stats()).toMatchObject({ environments: 3, idle: 3, coldStarts: 3 });
    const second = await burst();
    expect(new Set(second)).toEqual(new Set(first));
    expect(t.engine.stats().coldStarts).toBe(3);
  });

  it('are reaped after idleTimeoutMs, children included', async () => {
    const t = await reapingEngine();
    const fn = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
    const { pid, child } = (await t.invoke(fn, { child: true })).json as Pids;
    expect(child).toBeGreaterThan(0);
    expect(await isRunning(pid)).toBe(true);
    await waitFor('the idle environment to be reaped', async () =>
      (await allGone([pid, child ?? 0])) ? true : undefined,
    );
    expect(t.engine.stats().environments).toBe(0);
    // The next invoke is a cold start again.
    expect((await t.invoke(fn)).initDurationMs).toBeGreaterThan(0);
  });

  it('are retired when their function changes: idle now, busy after the invocation', async () => {
    const t = await engine();
    const a = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
    const b = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
    const idleA = ((await t.invoke(a)).json as Pids).pid;
    const idleB = ((await t.invoke(b)).json as Pids).pid;
    const busy = t.invoke(a, { sleepMs: 300 });
    await waitFor('a busy environment', () => (t.engine.stats().busy === 1 ? true : undefined));
    t.engine.retire((fn) => fn.functionName === a.functionName);
    const busyPid = ((await busy).json as Pids).pid; // the in-flight invoke completes
    await waitFor('a to be gone', async () => ((await allGone([idleA, busyPid])) ? true : undefined));
    expect(await isRunning(idleB)).toBe(true);
    expect(t.engine.stats().environments).toBe(1);
  });

  it('close() kills every process, busy ones and their children too', async () => {
    const t = await engine();
    const fn = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
    const python = snapshot({
      runtime: 'python3.11',
      handler: 'app.handler',
      codeDir: await writeCode({
        'app.py': 'import os\n\ndef handler(event, context):\n    return {"pid": os.getpid()}\n',
      }),
    });
    const idle = (await t.invoke(fn, { child: true })).json as Pids;
    const py = (await t.invoke(python)).json as Pids;
    const inFlight = t.invoke({ ...fn, configKey: `${fn.configKey}:busy` }, { sleepMs: 10_000 });
    await waitFor('a busy environment', () => (t.engine.stats().busy === 1 ? true : undefined));
    const pids = [...new Set([...t.engine.stats().pids, idle.pid, idle.child ?? 0, py.pid])];
    expect(pids).toHaveLength(4);
    await t.engine.close();
    expect(await allGone(pids)).toBe(true);
    const failed = await inFlight;
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.json).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(t.engine.stats().environments).toBe(0);
    await expect(t.invoke(fn)).rejects.toThrow(/closed/);
  });

  it('left behind by a crashed server are killed by the next one on the same data dir', async () => {
    const dataDir = await tempDir();
    const options = { endpoint: () => 'http://127.0.0.1:4566', dataDir, logs: new MemorySink() };
    const crashed = new ExecutionEngine(options); // never closed: stands in for a killed server
    const next = new ExecutionEngine(options);
    try {
      const fn = snapshot({ codeDir: await writeCode(PID_FUNCTION) });
      const invoke = (engine: ExecutionEngine) =>
        engine.invoke({ fn, requestId: 'r', payload: Buffer.from('{}'), invokedFunctionArn: fn.functionArn });
      const orphan = (JSON.parse((await invoke(crashed)).payload.toString()) as Pids).pid;
      const fresh = (JSON.parse((await invoke(next)).payload.toString()) as Pids).pid;
      expect(fresh).not.toBe(orphan);
      expect(await isRunning(orphan)).toBe(false);
      expect(await isRunning(fresh)).toBe(true);
    } finally {
      await Promise.all([crashed.close(), next.close()]);
    }
  });
});
