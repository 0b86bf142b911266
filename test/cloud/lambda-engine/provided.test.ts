/** provided.al2/al2023: the function's own `bootstrap` speaks the Runtime API. */
import { describe, expect, it } from 'vitest';
import { snapshot, useEngine, writeCode } from './helpers.js';

const engine = useEngine();

/**
 * A custom runtime written in Node (node is on the function's PATH; curl may not be on every
 * machine). Handler names pick behaviours: `echo`, `fail` (posts an error), `init-fail`.
 */
const RUNTIME_JS = `
const api = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime';
const handler = process.env._HANDLER;
async function main() {
  if (handler === 'init-fail') {
    await fetch(api + '/init/error', {
      method: 'POST',
      headers: { 'Lambda-Runtime-Function-Error-Type': 'Custom.InitFailed' },
      body: JSON.stringify({ errorMessage: 'no config', errorType: 'Custom.InitFailed' }),
    });
    process.exit(1);
  }
  for (;;) {
    const next = await fetch(api + '/invocation/next');
    const id = next.headers.get('lambda-runtime-aws-request-id');
    const event = await next.json();
    console.log('custom runtime got ' + id);
    if (handler === 'fail') {
      await fetch(api + '/invocation/' + id + '/error', {
        method: 'POST',
        headers: { 'Lambda-Runtime-Function-Error-Type': 'Custom.Failure' },
        body: JSON.stringify({ errorMessage: 'it broke', errorType: 'Custom.Failure' }),
      });
      continue;
    }
    const res = await fetch(api + '/invocation/' + id + '/response', {
      method: 'POST',
      body: JSON.stringify({
        event, id, handler,
        deadline: next.headers.get('lambda-runtime-deadline-ms'),
        arn: next.headers.get('lambda-runtime-invoked-function-arn'),
        executionEnv: process.env.AWS_EXECUTION_ENV ?? null,
        taskRoot: process.env.LAMBDA_TASK_ROOT,
        pid: process.pid,
      }),
    });
    if (res.status !== 202) throw new Error('response answered ' + res.status);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

const provided = (codeDir: string, handler = 'echo', layerDirs: string[] = []) =>
  snapshot({ codeDir, handler, runtime: 'provided.al2023', layerDirs });

describe('provided runtimes', () => {
  it('runs a shell-script bootstrap that hands over to any language', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      bootstrap: '#!/bin/sh\nset -e\necho "bootstrap starting"\nexec node "$LAMBDA_TASK_ROOT/runtime.js"\n',
      'runtime.js': RUNTIME_JS,
    });
    const fn = provided(codeDir);
    const before = Date.now();
    const r = await t.invoke(fn, { hi: 'there' }, { requestId: 'custom-1' });
    expect(r.functionError).toBeUndefined();
    const out = r.json as Record<string, unknown>;
    expect(out).toMatchObject({
      event: { hi: 'there' },
      id: 'custom-1',
      handler: 'echo',
      arn: fn.functionArn,
      executionEnv: null, // not set for OS-only runtimes
      taskRoot: codeDir,
    });
    expect(Number(out.deadline)).toBeGreaterThanOrEqual(before + 5000);
    const again = await t.invoke(fn);
    expect((again.json as { pid: number }).pid).toBe(out.pid);
    await t.engine.close();
    const messages = t.sink.messages(fn.logGroupName);
    expect(messages[0]).toBe('bootstrap starting\n');
    expect(messages).toContain('custom runtime got custom-1\n');
  });

  it('returns errors the runtime posts, as it posted them', async () => {
    const t = await engine();
    const codeDir = await writeCode({ bootstrap: `#!/usr/bin/env node\n${RUNTIME_JS}` });
    const r = await t.invoke(provided(codeDir, 'fail'));
    expect(r.functionError).toBe('Unhandled');
    expect(r.json).toEqual({ errorMessage: 'it broke', errorType: 'Custom.Failure' });
    const init = await t.invoke(provided(codeDir, 'init-fail'), {}, { tailLog: true });
    expect(init.functionError).toBe('Unhandled');
    expect(init.json).toEqual({ errorMessage: 'no config', errorType: 'Custom.InitFailed' });
    const tail = Buffer.from(init.logResult ?? '', 'base64').toString();
    expect(tail).toMatch(
      /INIT_REPORT Init Duration: \d+\.\d{2} ms\tPhase: init\tStatus: error\tError Type: Custom\.InitFailed\n/,
    );
    expect(tail).toMatch(/REPORT RequestId: .*\tStatus: error\tError Type: Custom\.InitFailed\t\n$/);
  });

  it('takes the bootstrap from a layer when the code has none', async () => {
    const t = await engine();
    const layer = await writeCode({ bootstrap: `#!/usr/bin/env node\n${RUNTIME_JS}` });
    const codeDir = await writeCode({ 'data.txt': 'no bootstrap here' });
    expect((await t.invoke(provided(codeDir, 'echo', [layer]))).json).toMatchObject({ handler: 'echo' });
  });

  it('answers calls pipelined on one connection in order, with Content-Length or chunked bodies', async () => {
    const t = await engine();
    // One socket for the whole life: each answer is posted together with the next GET /next in a
    // single write, alternately with Content-Length and with chunked transfer encoding.
    const PIPELINING = `#!/usr/bin/env node
const net = require('node:net');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const socket = net.connect(Number(port), host);
let buffered = Buffer.alloc(0);
const waiting = [];
// Answers may arrive in one read: each waits in the buffer until someone asks for it.
const parse = () => {
  for (;;) {
    const end = buffered.indexOf('\\r\\n\\r\\n');
    if (end < 0 || waiting.length === 0) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const length = Number(/content-length: *(\\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    const body = buffered.subarray(end + 4, end + 4 + length).toString();
    buffered = buffered.subarray(end + 4 + length);
    const id = /lambda-runtime-aws-request-id: *(\\S+)/i.exec(head)?.[1];
    waiting.shift()({ status: Number(head.split(' ')[1]), id, body });
  }
};
socket.on('data', (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  parse();
});
const answer = () => new Promise((resolve) => {
  waiting.push(resolve);
  parse();
});
const next = 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: api\\r\\n\\r\\n';
(async () => {
  socket.write(next);
  let event = await answer();
  for (let n = 0; ; n++) {
    const body = JSON.stringify({ got: JSON.parse(event.body), n });
    const path = '/2018-06-01/runtime/invocation/' + event.id + '/response';
    const post = n % 2 === 0
      ? 'POST ' + path + ' HTTP/1.1\\r\\nHost: api\\r\\nContent-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body
      : 'POST ' + path + ' HTTP/1.1\\r\\nHost: api\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n' +
        '3\\r\\n' + body.slice(0, 3) + '\\r\\n' + Buffer.byteLength(body.slice(3)).toString(16) + '\\r\\n' + body.slice(3) + '\\r\\n0\\r\\n\\r\\n';
    socket.write(post + next);
    const posted = await answer();
    if (posted.status !== 202) throw new Error('the response was answered ' + posted.status);
    event = await answer();
  }
})();
`;
    const fn = provided(await writeCode({ bootstrap: PIPELINING }));
    for (let n = 0; n < 4; n++) {
      const r = await t.invoke(fn, { call: n });
      expect(r.functionError).toBeUndefined();
      expect(r.json).toEqual({ got: { call: n }, n });
    }
    expect(t.engine.stats().environments).toBe(1);
    expect(t.diagnostics).toEqual([]);
  });

  it('fails init: missing or non-executable bootstrap (InvalidEntrypoint), a bootstrap that exits (ExitError)', async () => {
    const t = await engine();
    const empty = await writeCode({ 'README.md': 'nothing to run' });
    const missing = await t.invoke(provided(empty), {}, { requestId: 'no-boot' });
    expect(missing.functionError).toBe('Unhandled');
    expect(missing.json).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `RequestId: no-boot Error: Couldn't find valid bootstrap(s): [${empty}/bootstrap]`,
    });
    const notExecutable = await writeCode({ bootstrap: '#!/bin/sh\necho hi\n' });
    const { chmod } = await import('node:fs/promises');
    await chmod(`${notExecutable}/bootstrap`, 0o644);
    const denied = await t.invoke(provided(notExecutable), {}, { requestId: 'no-exec' });
    expect(denied.json).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `RequestId: no-exec Error: fork/exec ${notExecutable}/bootstrap: permission denied`,
    });
    const exits = await writeCode({ bootstrap: '#!/bin/sh\necho "cannot start" >&2\nexit 2\n' });
    const exited = await t.invoke(provided(exits), {}, { requestId: 'init-exit', tailLog: true });
    expect(exited.json).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: init-exit Error: Runtime exited with error: exit status 2',
    });
    expect(Buffer.from(exited.logResult ?? '', 'base64').toString()).toMatch(/^cannot start\n/);
    const badInterpreter = await writeCode({ bootstrap: '#!/no/such/interpreter\n' });
    expect((await t.invoke(provided(badInterpreter))).json).toMatchObject({ errorType: 'Runtime.InvalidEntrypoint' });
    expect(t.engine.stats().environments).toBe(0);
  });
});
