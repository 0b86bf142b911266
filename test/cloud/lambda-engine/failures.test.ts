/** What the platform reports when a function misbehaves, and that the server survives it. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning, snapshot, tail, tempDir, useEngine, waitFor, writeCode } from './helpers.js';

const engine = useEngine();
const fastInit = useEngine({ initTimeoutMs: 1000 });

const MISBEHAVING = {
  'index.js': `
    const { spawn } = require('node:child_process');
    const { writeFileSync } = require('node:fs');
    exports.handler = async (event) => {
      switch (event.do) {
        case 'hang': {
          if (event.childFile) writeFileSync(event.childFile, String(spawn('sleep', ['300'], { stdio: 'ignore' }).pid));
          console.log('about to hang');
          return new Promise(() => setInterval(() => {}, 1000));
        }
        case 'exit': process.exit(event.code);
        case 'kill': process.kill(process.pid, 'SIGKILL'); return new Promise(() => {});
        case 'throw-later': setTimeout(() => { throw new Error('from a timer'); }, 0); return new Promise(() => {});
        case 'buffers': {
          const keep = [];
          for (let i = 0; i < 60; i++) keep.push(Buffer.alloc(8 * 1024 * 1024, i));
          await new Promise((r) => setTimeout(r, 10_000));
          return keep.length;
        }
        case 'heap': {
          const keep = [];
          for (;;) keep.push({ n: Math.random(), s: 'x'.repeat(64) + keep.length });
        }
        case 'big': return 'x'.repeat(7 * 1024 * 1024);
        case 'flood': {
          const line = 'y'.repeat(99) + '\\n';
          const chunk = line.repeat(10_000); // 1 MB of short lines
          for (let i = 0; i < 25; i++) process.stdout.write(chunk);
          const long = 'z'.repeat(1024 * 1024);
          for (let i = 0; i < 25; i++) console.log(long); // 1 MB lines, cut at 256 KB
          return 'flooded';
        }
        default: return process.pid;
      }
    };`,
};

async function misbehaving(overrides = {}) {
  return snapshot({ codeDir: await writeCode(MISBEHAVING), ...overrides });
}

describe('timeouts', () => {
  it('kill the environment at the deadline, with AWS payload and log line; the next invoke starts fresh', async () => {
    const t = await engine();
    const fn = await misbehaving({ timeoutSeconds: 1 });
    const pid = (await t.invoke(fn)).json as number;
    const childFile = join(await tempDir(), 'child.pid');
    const r = await t.invoke(fn, { do: 'hang', childFile }, { requestId: 'slow-1', tailLog: true });
    expect(r.functionError).toBe('Unhandled');
    expect(r.json).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: slow-1 Error: Task timed out after 1.00 seconds',
    });
    expect(r.durationMs).toBe(1000);
    const log = tail(r);
    expect(log).toContain('\tslow-1\tINFO\tabout to hang\n');
    expect(log).toMatch(
      /\n\d{4}-\d{2}-\d{2}T[\d:.]+Z slow-1 Task timed out after 1\.00 seconds\nEND RequestId: slow-1\n/,
    );
    expect(log).toMatch(/REPORT RequestId: slow-1\tDuration: 1000\.00 ms\t.*\tStatus: timeout\t\n$/);
    const child = Number(await readFile(childFile, 'utf8'));
    await waitFor('the function and its child to be killed', async () =>
      !(await isRunning(pid)) && !(await isRunning(child)) ? true : undefined,
    );
    const next = await t.invoke(fn);
    expect(next.json).not.toBe(pid);
    expect(next.initDurationMs).toBeGreaterThan(0);
  });

  it('bound init: a runtime that never asks for work times out', async () => {
    const t = await fastInit();
    const fn = snapshot({
      runtime: 'provided.al2',
      timeoutSeconds: 1,
      codeDir: await writeCode({ bootstrap: '#!/bin/sh\nexec sleep 300\n' }),
    });
    const r = await t.invoke(fn, {}, { requestId: 'never-ready' });
    expect(r.json).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: never-ready Error: Task timed out after 1.00 seconds',
    });
    expect(t.engine.stats().environments).toBe(0);
  });
});

describe('crashes', () => {
  it('report Runtime.ExitError with the exit status or signal; the next invoke starts fresh', async () => {
    const t = await engine();
    const fn = await misbehaving();
    const pid = (await t.invoke(fn)).json;
    expect((await t.invoke(fn, { do: 'exit', code: 3 }, { requestId: 'exit-3', tailLog: true })).json).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: exit-3 Error: Runtime exited with error: exit status 3',
    });
    expect((await t.invoke(fn, { do: 'exit', code: 0 }, { requestId: 'exit-0' })).json).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: exit-0 Error: Runtime exited without providing a reason',
    });
    const killed = await t.invoke(fn, { do: 'kill' }, { requestId: 'kill-9', tailLog: true });
    expect(killed.json).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: kill-9 Error: Runtime exited with error: signal: killed',
    });
    expect(tail(killed)).toMatch(
      /RequestId: kill-9 Error: Runtime exited with error: signal: killed\nRuntime\.ExitError\nEND RequestId: kill-9\nREPORT .*\tStatus: error\tError Type: Runtime\.ExitError\t\n$/,
    );
    // An uncaught exception is reported by the runtime itself, then the process exits.
    const thrown = await t.invoke(fn, { do: 'throw-later' });
    expect(thrown.json).toMatchObject({ errorType: 'Error', errorMessage: 'from a timer' });
    const next = await t.invoke(fn);
    expect(next.json).not.toBe(pid);
    expect(next.functionError).toBeUndefined();
  });

  it('kill environments over their memory size with Runtime.OutOfMemory', async () => {
    const t = await engine();
    const fn = await misbehaving({ memorySizeMb: 128, timeoutSeconds: 20 });
    const r = await t.invoke(fn, { do: 'buffers' }, { requestId: 'oom-1', tailLog: true });
    expect(r.json).toEqual({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: 'RequestId: oom-1 Error: Runtime exited with error: signal: killed',
    });
    expect(r.durationMs).toBeLessThan(10_000);
    expect(r.maxMemoryUsedMb).toBeGreaterThan(128);
    expect(tail(r)).toMatch(/Max Memory Used: \d{3,} MB\t.*Status: error\tError Type: Runtime\.OutOfMemory\t\n$/);
    // Running out of V8 heap ends the same way.
    const heap = await t.invoke(fn, { do: 'heap' });
    expect(heap.json).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    expect((await t.invoke(fn)).functionError).toBeUndefined();
  });
});

describe('misbehaving output', () => {
  it('rejects responses over 6 MB with Function.ResponseSizeTooLarge and keeps the environment', async () => {
    const t = await engine();
    const fn = await misbehaving();
    const pid = (await t.invoke(fn)).json;
    const r = await t.invoke(fn, { do: 'big' });
    expect(r.functionError).toBe('Unhandled');
    expect(r.json).toEqual({
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'Function.ResponseSizeTooLarge',
    });
    expect((await t.invoke(fn)).json).toBe(pid);
  });

  it('survives a 50 MB log flood: the invoke completes, logs are capped, other invokes stay fast', async () => {
    const t = await engine();
    const flood = await misbehaving({ timeoutSeconds: 30 });
    const other = await misbehaving();
    await t.invoke(other);
    const flooding = t.invoke(flood, { do: 'flood' }, { requestId: 'flood-1' });
    let done = false;
    void flooding.finally(() => {
      done = true;
    });
    const latencies: number[] = [];
    while (!done) {
      const started = performance.now();
      expect((await t.invoke(other)).functionError).toBeUndefined();
      latencies.push(performance.now() - started);
    }
    const r = await flooding;
    expect(r.json).toBe('flooded');
    expect(Math.max(...latencies)).toBeLessThan(500);
    await t.engine.close();
    const messages = t.sink.messages(flood.logGroupName);
    const bytes = messages.reduce((sum, m) => sum + m.length, 0);
    expect(bytes).toBeLessThan(12 * 1024 * 1024);
    expect(messages.some((m) => m.includes('log output cut'))).toBe(true);
    expect(Math.max(...messages.map((m) => m.length))).toBeLessThanOrEqual(256 * 1024 + 1);
    expect(messages).toContain('END RequestId: flood-1\n');
  });
});

describe('a hostile Runtime API client', () => {
  // A custom runtime that abuses the API before behaving: every invoke must still settle once.
  const HOSTILE = `#!/usr/bin/env node
const net = require('node:net');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const api = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime';
// Sends text; waits for the server to close (answer), or hangs up right after writing.
const raw = (text, hangUp) => new Promise((resolve) => {
  const s = net.connect(Number(port), host, () => (hangUp ? s.write(text, () => { s.destroy(); resolve(); }) : s.end(text)));
  s.on('data', () => {}); s.on('close', resolve); s.on('error', resolve);
});
(async () => {
  await raw('this is not HTTP\\r\\n\\r\\n');
  await raw('POST /2018-06-01/runtime/invocation/x/response HTTP/1.1\\r\\nContent-Length: 100\\r\\n\\r\\nshort', true);
  await raw('GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHo', true); // hangs up mid-request
  const statuses = [];
  statuses.push((await fetch(api + '/invocation/unknown-id/response', { method: 'POST', body: '{}' })).status);
  statuses.push((await fetch(api + '/nope')).status);
  for (;;) {
    const next = await fetch(api + '/invocation/next');
    const id = next.headers.get('lambda-runtime-aws-request-id');
    const event = await next.json();
    if (event.do === 'exit-after-response') {
      await fetch(api + '/invocation/' + id + '/response', { method: 'POST', body: '"bye"' });
      process.exit(0);
    }
    const first = await fetch(api + '/invocation/' + id + '/response', { method: 'POST', body: JSON.stringify(statuses) });
    const second = await fetch(api + '/invocation/' + id + '/response', { method: 'POST', body: '"twice"' });
    const error = await fetch(api + '/invocation/' + id + '/error', { method: 'POST', body: '{}' });
    const initError = await fetch(api + '/init/error', { method: 'POST', body: '{}' });
    statuses.splice(0, statuses.length, first.status, second.status, error.status, initError.status);
  }
})();
`;

  // (A runtime that hangs up after its GET /next was parked loses the invocation it is handed, as
  // on AWS: that invocation times out.)
  it('garbage, hang-ups, unknown ids and double responses neither crash nor hang anything', async () => {
    const t = await engine();
    const fn = snapshot({ runtime: 'provided.al2023', codeDir: await writeCode({ bootstrap: HOSTILE }) });
    const first = await t.invoke(fn);
    expect(first.json).toEqual([400, 404]);
    const second = await t.invoke(fn);
    expect(second.json).toEqual([202, 403, 403, 403]); // the previous invoke's answers
    // A runtime that exits right after answering: that invoke succeeded, the next one runs fresh.
    expect((await t.invoke(fn, { do: 'exit-after-response' })).json).toBe('bye');
    expect((await t.invoke(fn)).json).toEqual([400, 404]);
    expect(t.diagnostics.filter((line) => line.includes('handler failed'))).toEqual([]);
  });
});
