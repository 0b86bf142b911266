/** The Node.js runtime: handler loading, context, console format and AWS's error payloads. */
import { describe, expect, it } from 'vitest';
import { snapshot, useEngine, writeCode } from './helpers.js';

const engine = useEngine();

describe('node runtime: loading handlers', () => {
  it('runs a CommonJS handler with the event and returns its result', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `exports.handler = async (event) => ({ got: event, module: typeof require });`,
    });
    const r = await t.invoke(snapshot({ codeDir }), { a: 1 });
    expect(r.functionError).toBeUndefined();
    expect(r.json).toEqual({ got: { a: 1 }, module: 'function' });
    expect(r.initDurationMs).toBeGreaterThan(0);
    expect(r.billedDurationMs).toBeGreaterThanOrEqual(Math.ceil(r.durationMs));
  });

  it('runs ES modules: .mjs, and .js under "type": "module"', async () => {
    const t = await engine();
    const mjs = await writeCode({ 'index.mjs': `export const handler = async () => ({ esm: typeof require });` });
    expect((await t.invoke(snapshot({ codeDir: mjs }))).json).toEqual({ esm: 'undefined' });
    const typeModule = await writeCode({
      'package.json': JSON.stringify({ type: 'module' }),
      'app.js': `export async function main() { return { esm: typeof require, meta: typeof import.meta.url }; }`,
    });
    const r = await t.invoke(snapshot({ codeDir: typeModule, handler: 'app.main' }));
    expect(r.json).toEqual({ esm: 'undefined', meta: 'string' });
  });

  it('carries large events and responses (5 MB each way), in Node and Python', async () => {
    const t = await engine();
    const big = { data: 'é'.repeat(1000) + 'x'.repeat(5 * 1024 * 1024) };
    const node = snapshot({ codeDir: await writeCode({ 'index.js': `exports.handler = async (event) => event;` }) });
    const python = snapshot({
      runtime: 'python3.12',
      handler: 'app.handler',
      codeDir: await writeCode({ 'app.py': 'def handler(event, context):\n    return event\n' }),
    });
    for (const fn of [node, python]) {
      const r = await t.invoke(fn, big);
      expect(r.functionError, `${fn.runtime}: ${r.payload.subarray(0, 300)}`).toBeUndefined();
      expect(r.json).toEqual(big);
    }
  });

  it('resolves nested handler paths and .cjs files', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'src/app/main.js': `module.exports = { api: { v1: { handler: async () => 'nested' } } };`,
      'other.cjs': `exports.handler = async () => 'cjs';`,
    });
    expect((await t.invoke(snapshot({ codeDir, handler: 'src/app/main.api.v1.handler' }))).json).toBe('nested');
    expect((await t.invoke(snapshot({ codeDir, handler: 'other.handler' }))).json).toBe('cjs');
  });

  it('answers callback-style handlers when the callback is called', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `
        exports.handler = (event, context, callback) => {
          setTimeout(() => callback(null, { waits: context.callbackWaitsForEmptyEventLoop }), 20);
        };
        exports.fails = (event, context, callback) => callback(new TypeError('bad input'));
        exports.noWait = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          setTimeout(() => {}, 60_000); // would hold the event loop for a minute
          callback(null, 'early');
        };
        exports.waits = (event, context, callback) => {
          let late = false;
          setTimeout(() => { late = true; }, 100);
          callback(null, 'after the loop is empty');
        };
        exports.sync = () => { /* returns nothing, never calls back */ };`,
    });
    expect((await t.invoke(snapshot({ codeDir }))).json).toEqual({ waits: true });
    const failed = await t.invoke(snapshot({ codeDir, handler: 'index.fails' }));
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.json).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    const noWait = await t.invoke(snapshot({ codeDir, handler: 'index.noWait' }));
    expect(noWait.json).toBe('early');
    expect(noWait.durationMs).toBeLessThan(1000);
    const waits = await t.invoke(snapshot({ codeDir, handler: 'index.waits' }));
    expect(waits.json).toBe('after the loop is empty');
    expect(waits.durationMs).toBeGreaterThanOrEqual(90);
    expect((await t.invoke(snapshot({ codeDir, handler: 'index.sync' }))).payload.toString()).toBe('null');
  });
});

describe('node runtime: context and environment', () => {
  it('gives the handler the context object AWS does', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `
        exports.handler = async (event, context) => ({
          awsRequestId: context.awsRequestId,
          functionName: context.functionName,
          functionVersion: context.functionVersion,
          invokedFunctionArn: context.invokedFunctionArn,
          memoryLimitInMB: context.memoryLimitInMB,
          logGroupName: context.logGroupName,
          logStreamName: context.logStreamName,
          remaining: context.getRemainingTimeInMillis(),
          clientContext: context.clientContext,
          identity: context.identity ?? null,
          trace: process.env._X_AMZN_TRACE_ID,
          cwd: process.cwd(),
        });`,
    });
    const fn = snapshot({ codeDir, timeoutSeconds: 7, memorySizeMb: 256 });
    const r = await t.invoke(
      fn,
      {},
      {
        requestId: 'req-123',
        clientContext: JSON.stringify({ custom: { k: 'v' }, env: { locale: 'en' } }),
        invokedFunctionArn: `${fn.functionArn}:prod`,
      },
    );
    const ctx = r.json as Record<string, unknown>;
    expect(ctx).toMatchObject({
      awsRequestId: 'req-123',
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `${fn.functionArn}:prod`,
      memoryLimitInMB: '256',
      logGroupName: fn.logGroupName,
      clientContext: { custom: { k: 'v' }, env: { locale: 'en' } },
      identity: null,
      cwd: codeDir,
    });
    expect(ctx.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(ctx.remaining).toBeGreaterThan(6000);
    expect(ctx.remaining).toBeLessThanOrEqual(7000);
    expect(ctx.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    await t.engine.close();
    expect(t.sink.streamNames(fn.logGroupName)).toEqual([ctx.logStreamName]);
  });

  it('sets AWS variables, lets the function variables through, and leaks nothing of the server', async () => {
    process.env.SECRET_TEST = 'server-secret-value';
    try {
      const t = await engine();
      const codeDir = await writeCode({ 'index.js': `exports.handler = async () => process.env;` });
      const fn = snapshot({
        codeDir,
        environment: { GREETING: 'hello', TZ: 'Europe/Paris' },
        credentials: { accessKeyId: 'AKIDFN', secretAccessKey: 'fn-secret', sessionToken: 'fn-token' },
      });
      const env = (await t.invoke(fn)).json as Record<string, string>;
      expect(JSON.stringify(env)).not.toContain('server-secret-value');
      expect(env.SECRET_TEST).toBeUndefined();
      expect(env.NODE_EXTRA_CA_CERTS).toBeUndefined();
      expect(env).toMatchObject({
        GREETING: 'hello',
        TZ: 'Europe/Paris',
        _HANDLER: 'index.handler',
        LAMBDA_TASK_ROOT: codeDir,
        AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
        AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDFN',
        AWS_SECRET_ACCESS_KEY: 'fn-secret',
        AWS_SESSION_TOKEN: 'fn-token',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        LANG: 'en_US.UTF-8',
      });
      expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(env.TMPDIR).toBe(env.HOME);
      expect(env.TMPDIR).not.toBe(codeDir);
    } finally {
      delete process.env.SECRET_TEST;
    }
  });

  it('runs the runtime through AWS_LAMBDA_EXEC_WRAPPER', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'wrapper.sh': '#!/bin/sh\nexport WRAPPED="args: $#"\nexec "$@"\n',
      'index.js': `exports.handler = async () => process.env.WRAPPED;`,
    });
    const fn = snapshot({ codeDir, environment: { AWS_LAMBDA_EXEC_WRAPPER: `${codeDir}/wrapper.sh` } });
    expect((await t.invoke(fn)).json).toBe('args: 5'); // node, its three flags, the bootstrap
  });

  it('imports the AWS SDK v3 from CommonJS and ES modules without bundling it', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'cjs.js': `const { S3Client } = require('@aws-sdk/client-s3'); exports.handler = async () => typeof S3Client;`,
      'esm.mjs': `import { S3Client } from '@aws-sdk/client-s3'; export const handler = async () => typeof S3Client;`,
    });
    expect((await t.invoke(snapshot({ codeDir, handler: 'cjs.handler' }))).json).toBe('function');
    expect((await t.invoke(snapshot({ codeDir, handler: 'esm.handler' }))).json).toBe('function');
    // An import the runtime's scan cannot see (through package.json "imports") still resolves.
    const hidden = await writeCode({
      'package.json': JSON.stringify({ type: 'module', imports: { '#sdk': './sdk.js' } }),
      'sdk.js': `export { S3Client } from '@aws-sdk/client-s3'; console.log('sdk.js evaluated');`,
      'index.js': `import { S3Client } from '#sdk'; export const handler = async () => [typeof S3Client, import.meta.url];`,
    });
    const fn = snapshot({ codeDir: hidden });
    const [type, url] = (await t.invoke(fn)).json as string[];
    expect(type).toBe('function');
    expect(url).toMatch(/^file:\/\/.*\/index\.js/);
    await t.engine.close();
    expect(t.sink.messages(fn.logGroupName).filter((m) => m.includes('sdk.js evaluated'))).toHaveLength(1);
  });

  it('finds layer packages (nodejs/node_modules), later layers first', async () => {
    const t = await engine();
    const first = await writeCode({
      'nodejs/node_modules/shared/index.js': `module.exports = 'first';`,
      'nodejs/node_modules/only-first/index.js': `module.exports = 'only in the first layer';`,
    });
    const second = await writeCode({
      'nodejs/node20/node_modules/shared/package.json': JSON.stringify({ name: 'shared', main: 'main.js' }),
      'nodejs/node20/node_modules/shared/main.js': `module.exports = 'second';`,
    });
    const codeDir = await writeCode({
      'cjs.js': `exports.handler = async () => [require('shared'), require('only-first')];`,
      'esm.mjs': `import shared from 'shared'; import onlyFirst from 'only-first'; export const handler = async () => [shared, onlyFirst];`,
    });
    const layerDirs = [first, second];
    const expected = ['second', 'only in the first layer'];
    expect((await t.invoke(snapshot({ codeDir, layerDirs, handler: 'cjs.handler' }))).json).toEqual(expected);
    expect((await t.invoke(snapshot({ codeDir, layerDirs, handler: 'esm.handler' }))).json).toEqual(expected);
  });
});

describe('node runtime: logs', () => {
  it('formats console output as AWS does and wraps each invocation in START/END/REPORT', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `
        console.log('loading');
        exports.handler = async (event, context) => {
          console.log('hello %s', 'world', { n: 1 });
          console.info('info');
          console.warn('warn');
          console.error('error');
          console.log('two\\nlines');
          process.stdout.write('raw stdout\\n');
          process.stderr.write('raw stderr\\n');
          return context.awsRequestId;
        };`,
    });
    const fn = snapshot({ codeDir });
    const r = await t.invoke(fn, {}, { requestId: 'rid-1', tailLog: true });
    await t.engine.close();
    const messages = t.sink.messages(fn.logGroupName);
    const iso = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
    expect(messages[0]).toMatch(new RegExp(`^${iso}\tundefined\tINFO\tloading\n$`));
    const start = messages.indexOf('START RequestId: rid-1 Version: $LATEST\n');
    expect(start).toBe(1);
    const body = messages.slice(start + 1, start + 6);
    expect(body[0]).toMatch(new RegExp(`^${iso}\trid-1\tINFO\thello world { n: 1 }\n$`));
    expect(body[1]).toMatch(/\trid-1\tINFO\tinfo\n$/);
    expect(body[2]).toMatch(/\trid-1\tWARN\twarn\n$/);
    expect(body[3]).toMatch(/\trid-1\tERROR\terror\n$/);
    expect(body[4]).toMatch(/\trid-1\tINFO\ttwo\nlines\n$/);
    expect(messages).toContain('raw stdout\n');
    expect(messages).toContain('raw stderr\n');
    const end = messages.indexOf('END RequestId: rid-1\n');
    expect(end).toBeGreaterThan(start);
    expect(messages[end + 1]).toMatch(
      /^REPORT RequestId: rid-1\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d{2} ms\t\n$/,
    );
    const logResult = Buffer.from(r.logResult ?? '', 'base64').toString();
    expect(logResult).toContain('START RequestId: rid-1 Version: $LATEST\n');
    expect(logResult).toContain('\trid-1\tINFO\thello world { n: 1 }\n');
    expect(logResult).toMatch(/REPORT RequestId: rid-1\t.*\n$/);
  });

  it('returns only the last 4 KB of a long log as LogResult', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `exports.handler = async () => { for (let i = 0; i < 200; i++) console.log('line ' + i + ' ' + 'x'.repeat(50)); };`,
    });
    const r = await t.invoke(snapshot({ codeDir }), {}, { tailLog: true });
    const logResult = Buffer.from(r.logResult ?? '', 'base64');
    expect(logResult.length).toBe(4096);
    expect(logResult.toString()).toMatch(/line 199 x+\nEND RequestId: [^\n]+\nREPORT RequestId: [^\n]+\n$/);
  });
});

describe('node runtime: errors as AWS reports them', () => {
  it('reports a thrown error with its type, message and stack', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `
        class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } }
        exports.handler = async () => { throw new ValidationError('name is required'); };
        exports.value = async () => { throw 'just a string'; };`,
    });
    const fn = snapshot({ codeDir });
    const r = await t.invoke(fn, {}, { requestId: 'err-1' });
    expect(r.functionError).toBe('Unhandled');
    const payload = r.json as { errorType: string; errorMessage: string; trace: string[] };
    expect(payload.errorType).toBe('ValidationError');
    expect(payload.errorMessage).toBe('name is required');
    expect(payload.trace[0]).toBe('ValidationError: name is required');
    expect(payload.trace[1]).toContain('index.js');
    expect((await t.invoke(snapshot({ codeDir, handler: 'index.value' }))).json).toEqual({
      errorType: 'string',
      errorMessage: 'just a string',
      trace: [],
    });
    // The environment survives a handler error.
    expect((await t.invoke(fn)).initDurationMs).toBeUndefined();
    await t.engine.close();
    expect(t.sink.messages(fn.logGroupName).join('')).toMatch(
      /\terr-1\tERROR\tInvoke Error \t\{"errorType":"ValidationError","errorMessage":"name is required"/,
    );
  });

  it('names init failures: ImportModuleError, HandlerNotFound, UserCodeSyntaxError, MalformedHandlerName', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `exports.other = async () => 1; exports.notFn = 42;`,
      'needs.js': `require('missing-package'); exports.handler = async () => 1;`,
      'broken.js': `exports.handler = async () => {;`,
      'throws.js': `throw new RangeError('init exploded');`,
    });
    const failure = async (handler: string) => {
      const r = await t.invoke(snapshot({ codeDir, handler }));
      expect(r.functionError).toBe('Unhandled');
      return r.json as { errorType: string; errorMessage: string; trace?: string[] };
    };
    expect(await failure('index.handler')).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    });
    expect(await failure('index.notFn')).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.notFn is not a function',
    });
    const missingModule = await failure('nothere.handler');
    expect(missingModule.errorType).toBe('Runtime.ImportModuleError');
    expect(missingModule.errorMessage).toMatch(/^Error: Cannot find module 'nothere'\nRequire stack:\n- /);
    const missingPackage = await failure('needs.handler');
    expect(missingPackage.errorType).toBe('Runtime.ImportModuleError');
    expect(missingPackage.errorMessage).toMatch(/^Error: Cannot find module 'missing-package'/);
    const syntax = await failure('broken.handler');
    expect(syntax.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(syntax.errorMessage).toMatch(/^SyntaxError: /);
    expect(await failure('throws.handler')).toMatchObject({ errorType: 'RangeError', errorMessage: 'init exploded' });
    expect(await failure('../index.handler')).toMatchObject({ errorType: 'Runtime.MalformedHandlerName' });
    expect(await failure('nodot')).toMatchObject({
      errorType: 'Runtime.MalformedHandlerName',
      errorMessage: 'Bad handler',
    });
    // An init failure does not leave an environment behind.
    expect(t.engine.stats().environments).toBe(0);
  });

  it('reports ES module import failures as ImportModuleError', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.mjs': `import 'missing-esm-package'; export const handler = async () => 1;`,
    });
    const r = await t.invoke(snapshot({ codeDir }));
    expect(r.json).toMatchObject({ errorType: 'Runtime.ImportModuleError' });
    expect((r.json as { errorMessage: string }).errorMessage).toContain("Cannot find package 'missing-esm-package'");
  });

  it('fails the invocation on an unhandled promise rejection, then starts fresh', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'index.js': `
        exports.handler = async (event) => {
          if (event.reject) { Promise.reject(new Error('nobody listens')); await new Promise((r) => setTimeout(r, 1000)); }
          return process.pid;
        };`,
    });
    const fn = snapshot({ codeDir });
    const pid = (await t.invoke(fn)).json;
    const r = await t.invoke(fn, { reject: true });
    expect(r.functionError).toBe('Unhandled');
    expect(r.json).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody listens',
    });
    const after = await t.invoke(fn);
    expect(after.json).not.toBe(pid);
    expect(after.initDurationMs).toBeDefined();
  });
});
