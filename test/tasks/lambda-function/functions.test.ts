import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { lambdaFunctionTask } from '../../../src/tasks/lambda-function/index.js';
import { retryOnConflict } from '../../../src/tasks/lambda-function/lifecycle.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { TEST_ROLE, zip } from '../../helpers/zip.js';
import { run, type TaskContext, useTaskContexts } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);
const action = (name: string) => lambdaFunctionTask.actions[name] as ActionDefinition<unknown>;

/** Writes a zip whose handler runs `body`, and returns its path relative to baseDir. */
async function writeZip(tc: TaskContext, body: string, file = 'fn.zip'): Promise<string> {
  writeFileSync(
    join(tc.baseDir, file),
    await zip({ 'index.js': `exports.handler = async (event, context) => { ${body} };` }),
  );
  return file;
}

async function created(tc: TaskContext, body = 'return event;'): Promise<string> {
  const name = randomName('fn');
  await run(
    action('create'),
    {
      functionName: name,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      role: TEST_ROLE,
      code: { zipFile: await writeZip(tc, body) },
    },
    tc,
  );
  return name;
}

async function failureOf(promise: Promise<unknown>): Promise<PipelineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PipelineError)) throw new Error(`expected a PipelineError, got ${String(error)}`);
  return error;
}

describe('lambda-function: create, update-code, update-configuration, delete', () => {
  it('creates a function, and fails with a hint when it exists', async () => {
    const tc = context();
    const name = await created(tc);
    const config = await t.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(config.State).toBe('Active');
    const error = await failureOf(
      run(
        action('create'),
        {
          functionName: name,
          runtime: 'nodejs20.x',
          handler: 'index.handler',
          role: TEST_ROLE,
          code: { zipFile: 'fn.zip' },
        },
        tc,
      ),
    );
    expect([error.code, error.message]).toEqual([
      'AwsError',
      `ResourceConflictException: Function already exist: ${name} (CreateFunction ${name})`,
    ]);
    expect(error.hint).toMatch(/use the deploy action/);
    expect(() => action('create').params.parse({ functionName: name, code: { zipFile: 'x' } })).toThrow(
      /role is required/,
    );
    expect(() =>
      action('create').params.parse({ functionName: name, role: 'r', runtime: 'nodejs20.x', handler: 'h', code: {} }),
    ).toThrow(/give `zipFile`, or `s3Bucket` and `s3Key`/);
  });

  it('creates and publishes version 1', async () => {
    const tc = context();
    const name = randomName('fn');
    const result = await run(
      action('create'),
      {
        functionName: name,
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        role: TEST_ROLE,
        code: { zipFile: await writeZip(tc, 'return 1;') },
        publish: true,
      },
      tc,
    );
    expect(result.outputs).toMatchObject({
      version: '1',
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    });
  });

  it('updates code, skipping unchanged code; a missing function gets the deploy hint', async () => {
    const tc = context();
    const name = await created(tc, 'return "v1";');
    const same = await run(action('update-code'), { functionName: name, code: { zipFile: 'fn.zip' } }, tc);
    expect(same.changed).toBe(false);
    expect(tc.messages('skip')).toEqual(['code unchanged (CodeSha256 matches the local package)']);
    expect(tc.calls).not.toContain('UpdateFunctionCodeCommand');

    tc.reset();
    await writeZip(tc, 'return "v2";');
    const changed = await run(
      action('update-code'),
      { functionName: name, code: { zipFile: 'fn.zip' }, publish: true },
      tc,
    );
    expect(changed).toMatchObject({ changed: true, outputs: { version: '1' } });
    expect(tc.messages('change')).toEqual([
      expect.stringMatching(/^updated code: sha256 \S+ -> \S+ \(.*fn\.zip\)$/),
      expect.stringMatching(/^published version 1 /),
    ]);

    const error = await failureOf(
      run(action('update-code'), { functionName: randomName('missing'), code: { zipFile: 'fn.zip' } }, tc),
    );
    expect(error.message).toMatch(
      /^ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing-/,
    );
    expect(error.hint).toBe('create the function first, or use the deploy action');
  });

  it('updates only the configuration members that differ, tags included', async () => {
    const tc = context();
    const name = await created(tc);
    tc.reset();
    const result = await run(
      action('update-configuration'),
      { functionName: name, memorySize: 256, timeout: 3, tags: { env: 'test' }, ephemeralStorage: { size: 1024 } },
      tc,
    );
    expect(result).toMatchObject({ changed: true, summary: `updated MemorySize, EphemeralStorage of ${name}` });
    expect(tc.messages('change')).toEqual([
      'updated configuration: MemorySize: 128 -> 256; EphemeralStorage.Size: 512 -> 1024',
      'updated tags: +env',
    ]);
    const fn = await t.lambda().send(new GetFunctionCommand({ FunctionName: name }));
    expect([fn.Configuration?.MemorySize, fn.Configuration?.EphemeralStorage?.Size, fn.Tags]).toEqual([
      256,
      1024,
      { env: 'test' },
    ]);

    tc.reset();
    const again = await run(
      action('update-configuration'),
      { functionName: name, memorySize: 256, tags: { env: 'test' } },
      tc,
    );
    expect(again.changed).toBe(false);
    expect(tc.messages('skip')).toEqual(['configuration unchanged (the given member matches)']);
    expect(() => action('update-configuration').params.parse({ functionName: name })).toThrow(/at least one/);
    expect(() => action('update-configuration').params.parse({ functionName: name, architectures: ['arm64'] })).toThrow(
      /architectures/,
    );
  });

  it('deletes a function or a version; a missing one fails unless doNotFailIfNotExists', async () => {
    const tc = context();
    const name = await created(tc);
    await run(action('publish-version'), { functionName: name }, tc);
    await run(action('delete'), { functionName: name, qualifier: 1 }, tc);
    const versions = await t.lambda().send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST']);
    tc.reset();
    await run(action('delete'), { functionName: name }, tc);
    expect(tc.messages('change')).toEqual([`deleted function ${name}`]);
    const error = await failureOf(run(action('delete'), { functionName: name }, tc));
    expect(error.message).toMatch(/^ResourceNotFoundException: /);
    expect(error.hint).toMatch(/doNotFailIfNotExists/);
    const skipped = await run(action('delete'), { functionName: name, doNotFailIfNotExists: true }, tc);
    expect(skipped.changed).toBe(false);
  });
});

describe('lambda-function: invoke', () => {
  it('invokes with an inline object, a JSON string or a file, and reports the result', async () => {
    const tc = context();
    const name = await created(tc, 'return { got: event };');
    const inline = await run(action('invoke'), { functionName: name, payload: { a: 1 } }, tc);
    expect(inline.outputs).toEqual({
      functionName: name,
      statusCode: 200,
      payload: '{"got":{"a":1}}',
      executedVersion: '$LATEST',
      functionError: '',
    });
    const text = await run(action('invoke'), { functionName: name, payload: '[1,2]' }, tc);
    expect(text.outputs['payload']).toBe('{"got":[1,2]}');
    writeFileSync(join(tc.baseDir, 'event.json'), '{"from":"file"}');
    const file = await run(action('invoke'), { functionName: name, payloadFile: 'event.json' }, tc);
    expect(file.outputs['payload']).toBe('{"got":{"from":"file"}}');
    const bad = await failureOf(run(action('invoke'), { functionName: name, payload: 'not json' }, tc));
    expect(bad.message).toMatch(/^InvalidRequestContentException: /);
    expect(bad.hint).toMatch(/must be JSON/);
  });

  it('queues an event, dry-runs, and invokes a qualifier', async () => {
    const tc = context();
    const name = await created(tc, 'return "ok";');
    await run(action('publish-version'), { functionName: name }, tc);
    const event = await run(action('invoke'), { functionName: name, invocationType: 'Event', payload: {} }, tc);
    expect(event.outputs).toMatchObject({ statusCode: 202, payload: '' });
    const dry = await run(action('invoke'), { functionName: name, invocationType: 'DryRun' }, tc);
    expect(dry).toMatchObject({ changed: false, outputs: { statusCode: 204 } });
    const versioned = await run(action('invoke'), { functionName: name, qualifier: 1 }, tc);
    expect(versioned.outputs).toMatchObject({ executedVersion: '1', payload: '"ok"' });
    const missing = await failureOf(run(action('invoke'), { functionName: name, qualifier: 'nope' }, tc));
    expect(missing.message).toMatch(/^ResourceNotFoundException: /);
    expect(missing.hint).toMatch(/check functionName and qualifier/);
  });

  it('prints the log tail and fails on a function error unless allowed', async () => {
    const tc = context();
    const name = await created(tc, 'console.log("about to fail"); throw new TypeError("bad input");');
    const error = await failureOf(run(action('invoke'), { functionName: name, logType: 'Tail' }, tc));
    expect(error.code).toBe('FunctionError');
    expect(error.message).toBe(`Function ${name} returned an error (Unhandled): TypeError: bad input`);
    expect(error.hint).toMatch(/log tail above/);
    const log = tc.events.find((e) => e.type === 'log');
    expect(log?.type === 'log' && log.lines.join('\n')).toMatch(/about to fail/);

    const allowed = await run(action('invoke'), { functionName: name, allowFunctionError: true }, tc);
    expect(allowed.outputs).toMatchObject({ functionError: 'Unhandled', statusCode: 200 });
    expect(JSON.parse(String(allowed.outputs['payload']))).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'bad input',
    });
    expect(() =>
      action('invoke').params.parse({ functionName: name, logType: 'Tail', invocationType: 'Event' }),
    ).toThrow(/log tail/);
  });
});

describe('lambda-function: waiting and retrying', () => {
  it('retries a change that meets an update in progress, emitting retry events', async () => {
    const tc = context();
    const name = await created(tc);
    const lambda = t.lambda();
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 4 }));
    const out = await retryOnConflict(tc.ctx, `UpdateFunctionConfiguration ${name}`, () =>
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 5 })),
    );
    expect(out.Timeout).toBe(5);
    expect(tc.messages('retry')[0]).toMatch(
      new RegExp(
        `^UpdateFunctionConfiguration ${name}: ResourceConflictException \\(The operation cannot be performed at this time\\. An update is in progress .*\\), retrying$`,
      ),
    );
  });

  it('invokes a function still Pending after a create without waiting', async () => {
    const tc = context();
    const name = randomName('fn');
    await run(
      action('create'),
      {
        functionName: name,
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        role: TEST_ROLE,
        code: { zipFile: await writeZip(tc, 'return 7;') },
        wait: false,
      },
      tc,
    );
    const result = await run(action('invoke'), { functionName: name }, tc);
    expect(result.outputs['payload']).toBe('7');
    expect(tc.messages('retry').length).toBeGreaterThan(0);
  });
});
