import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { lambdaFunctionTask } from '../../../src/tasks/lambda-function/index.js';
import { packageTask } from '../../../src/tasks/package/index.js';
import { s3ObjectTask } from '../../../src/tasks/s3-object/index.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { TEST_ROLE, zip } from '../../helpers/zip.js';
import { plan, run, type TaskContext, useTaskContexts } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);
const deploy = lambdaFunctionTask.actions['deploy'] as ActionDefinition<unknown>;
const WRITES = /^(Create|Update|Publish|Tag|Untag|Delete|Put|Add|Remove)/;

/** A function directory whose handler returns `value`. */
function writeFunction(tc: TaskContext, value: string, dir = 'fn'): string {
  mkdirSync(join(tc.baseDir, dir), { recursive: true });
  writeFileSync(
    join(tc.baseDir, dir, 'index.js'),
    `exports.handler = async (event) => ({ value: ${JSON.stringify(value)}, env: process.env.GREETING ?? null, event });\n`,
  );
  return dir;
}

function baseParams(name: string, dir = 'fn') {
  return {
    functionName: name,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    role: TEST_ROLE,
    code: { zipFile: dir },
  };
}

async function invokeValue(name: string, qualifier?: string): Promise<{ value: string; env: string | null }> {
  const out = await t.lambda().send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: '{}' }));
  return JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8'));
}

async function configuration(name: string) {
  return t.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name }));
}

describe('lambda-function: deploy', () => {
  it('creates a missing function from a directory and waits until it is Active', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'one');
    const result = await run(deploy, { ...baseParams(name), timeout: 10, tags: { team: 'core' } }, tc);
    expect(result).toMatchObject({
      changed: true,
      summary: `created function ${name}`,
      outputs: {
        functionName: name,
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
        version: '$LATEST',
        state: 'Active',
      },
    });
    expect(tc.messages('change')).toEqual([
      expect.stringMatching(new RegExp(`^created function ${name} \\(nodejs20.x, CodeSha256 `)),
    ]);
    const config = await configuration(name);
    expect([config.State, config.LastUpdateStatus, config.Timeout, config.CodeSha256]).toEqual([
      'Active',
      'Successful',
      10,
      result.outputs['codeSha256'],
    ]);
    expect((await t.lambda().send(new GetFunctionCommand({ FunctionName: name }))).Tags).toEqual({ team: 'core' });
    expect(await invokeValue(name)).toMatchObject({ value: 'one' });
  });

  it('redeploys the same inputs without any call that writes, and says why it skipped', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'same');
    const params = {
      ...baseParams(name),
      timeout: 3,
      memorySize: 128,
      description: '',
      environment: { variables: { GREETING: 'hi', PORT: 8080 } },
      tags: { team: 'core' },
      publish: true,
      alias: 'live',
    };
    await run(deploy, params, tc);
    const before = await configuration(name);

    tc.reset();
    const again = await run(deploy, params, tc);
    expect(again.changed).toBe(false);
    expect(again.summary).toBe(`unchanged: function ${name} (version 1, alias live)`);
    expect(tc.calls.filter((c) => WRITES.test(c))).toEqual([]);
    expect(tc.messages('change')).toEqual([]);
    expect(tc.messages('skip')).toEqual([
      'configuration unchanged (all 7 given members match)',
      'code unchanged (CodeSha256 matches the local package)',
      'version 1 already published from $LATEST (CodeSha256 matches, no change since)',
      'alias live already points to version 1',
    ]);
    const after = await configuration(name);
    expect(after.RevisionId).toBe(before.RevisionId);
    expect(again.outputs).toMatchObject({ version: '1', codeSha256: before.CodeSha256 });
  });

  it('updates only the code when the code changed', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'v1');
    const first = await run(deploy, { ...baseParams(name), timeout: 5 }, tc);
    writeFunction(tc, 'v2');

    tc.reset();
    const second = await run(deploy, { ...baseParams(name), timeout: 5 }, tc);
    expect(second).toMatchObject({ changed: true, summary: `updated code of function ${name}` });
    expect(tc.calls.filter((c) => WRITES.test(c))).toEqual(['UpdateFunctionCodeCommand']);
    expect(tc.messages('change')).toEqual([
      `updated code: sha256 ${first.outputs['codeSha256']} -> ${second.outputs['codeSha256']} (${join(tc.baseDir, 'fn')} (1 files))`,
    ]);
    expect(tc.messages('skip')).toEqual(['configuration unchanged (all 4 given members match)']);
    // Waited for the update to finish before returning.
    expect((await configuration(name)).LastUpdateStatus).toBe('Successful');
    expect(await invokeValue(name)).toMatchObject({ value: 'v2' });
  });

  it('updates only the members that differ, with defaults normalized, and waits around the change', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'cfg');
    await run(deploy, baseParams(name), tc);

    tc.reset();
    const result = await run(
      deploy,
      {
        ...baseParams(name),
        timeout: 10,
        memorySize: 128,
        tracingConfig: { mode: 'PassThrough' },
        environment: { variables: { GREETING: 'hello' } },
      },
      tc,
    );
    expect(result.summary).toBe(`updated configuration of function ${name}`);
    expect(tc.calls.filter((c) => WRITES.test(c))).toEqual(['UpdateFunctionConfigurationCommand']);
    expect(tc.messages('change')).toEqual([
      'updated configuration: Timeout: 3 -> 10; Environment.Variables: +GREETING',
    ]);
    expect(tc.messages('skip')).toEqual(['code unchanged (CodeSha256 matches the local package)']);
    expect(tc.events.some((e) => e.type === 'wait' && /LastUpdateStatus Successful/.test(e.what))).toBe(true);
    const config = await configuration(name);
    expect([config.Timeout, config.Environment?.Variables, config.LastUpdateStatus]).toEqual([
      10,
      { GREETING: 'hello' },
      'Successful',
    ]);
    expect(await invokeValue(name)).toMatchObject({ env: 'hello' });

    // Removing a variable and changing another: values are never shown, only keys.
    tc.reset();
    await run(deploy, { ...baseParams(name), environment: { variables: { OTHER: 'x' } }, description: 'd' }, tc);
    expect(tc.messages('change')).toEqual([
      'updated configuration: Description: (none) -> d; Environment.Variables: -GREETING, +OTHER',
    ]);
  });

  it('publishes a version and moves the alias to it after a change', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'v1');
    const first = await run(deploy, { ...baseParams(name), alias: 'live' }, tc);
    expect(first.outputs).toMatchObject({
      version: '1',
      aliasArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`,
    });
    expect(tc.messages('change').slice(1)).toEqual([
      expect.stringMatching(/^published version 1 \(CodeSha256 /),
      'created alias live -> version 1',
    ]);

    writeFunction(tc, 'v2');
    tc.reset();
    const second = await run(deploy, { ...baseParams(name), alias: 'live' }, tc);
    expect(second.outputs['version']).toBe('2');
    expect(tc.messages('change').slice(1)).toEqual([
      expect.stringMatching(/^published version 2 /),
      'moved alias live: version 1 -> 2',
    ]);
    const alias = await t.lambda().send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
    expect(await invokeValue(name, 'live')).toMatchObject({ value: 'v2' });
    expect(await invokeValue(name, '1')).toMatchObject({ value: 'v1' });
    expect(() => deploy.params.parse({ ...baseParams(name), alias: 'live', publish: false })).toThrow(/publish: false/);
  });

  it('deploys the package task output, and S3 code compared by its SHA-256 checksum or content', async () => {
    const tc = context({ stepId: 'pkg' });
    const name = randomName('fn');
    const bucket = randomName('code');
    writeFunction(tc, 's3');
    const pkg = await run(packageTask.actions['zip'] as ActionDefinition<unknown>, { source: 'fn' }, tc);
    await run(
      s3ObjectTask.actions['upload'] as ActionDefinition<unknown>,
      { bucket, file: String(pkg.outputs['file']), key: 'fn.zip', createBucket: true },
      tc,
    );
    const params = { ...baseParams(name), code: { s3Bucket: bucket, s3Key: 'fn.zip' } };
    const created = await run(deploy, params, tc);
    expect(created.outputs['codeSha256']).toBe(pkg.outputs['sha256']);

    tc.reset();
    await run(deploy, params, tc);
    expect(tc.messages('skip')).toContain("code unchanged (CodeSha256 matches the S3 object's SHA-256 checksum)");
    expect(tc.calls).not.toContain('GetObjectCommand');

    // An object stored without a SHA-256 checksum is hashed after download.
    const other = await zip({ 'index.js': 'exports.handler = async () => ({ value: "plain" });' });
    await t.s3().send(new CreateBucketCommand({ Bucket: `${bucket}-2` }));
    await t
      .s3()
      .send(new PutObjectCommand({ Bucket: `${bucket}-2`, Key: 'fn.zip', Body: other, ChecksumAlgorithm: 'CRC32' }));
    const plainParams = { ...params, code: { s3Bucket: `${bucket}-2`, s3Key: 'fn.zip' } };
    tc.reset();
    await run(deploy, plainParams, tc);
    expect(tc.messages('change')).toEqual([
      expect.stringMatching(/^updated code: sha256 .* \(s3:\/\/.*-2\/fn\.zip\)$/),
    ]);
    tc.reset();
    await run(deploy, plainParams, tc);
    expect(tc.messages('skip')).toContain('code unchanged (CodeSha256 matches the S3 object, hashed after download)');
    expect(await invokeValue(name)).toMatchObject({ value: 'plain' });
  });

  it('plans creation, no change, and the configuration fields and code that differ', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'p1');
    const params = { ...baseParams(name), timeout: 3, alias: 'live' };
    const creating = await plan(deploy, params, tc);
    expect(creating.map((c) => [c.action, c.resource])).toEqual([
      ['create', `function ${name}`],
      ['create', `function ${name} version`],
      ['create', `alias ${name}:live`],
    ]);
    expect(creating[0]?.details).toEqual(
      expect.arrayContaining([
        'Runtime: nodejs20.x',
        'Timeout: 3',
        expect.stringMatching(/^code: .*fn \(1 files\) \(sha256 /),
      ]),
    );
    await run(deploy, params, tc);
    const none = await plan(deploy, params, tc);
    expect(none.map((c) => c.action)).toEqual(['none', 'none', 'none']);

    writeFunction(tc, 'p2');
    const changing = await plan(deploy, { ...params, timeout: 10, memorySize: 256 }, tc);
    expect(changing[0]).toMatchObject({
      action: 'update',
      details: ['Timeout: 3 -> 10', 'MemorySize: 128 -> 256', expect.stringMatching(/^code: sha256 \S+ -> \S+ \(/)],
    });
    expect(changing.slice(1).map((c) => [c.action, c.details])).toEqual([
      ['create', ['publish $LATEST']],
      ['update', ['version 1 -> the new version']],
    ]);
    // A plan changes nothing.
    expect((await configuration(name)).Timeout).toBe(3);
    const versions = await t.lambda().send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
  });

  it('plans code that an earlier step has not built or uploaded yet; running without it fails with a hint', async () => {
    const tc = context();
    const name = randomName('fn');
    writeFunction(tc, 'x');
    await run(deploy, baseParams(name), tc);
    const local = await plan(deploy, { ...baseParams(name), code: { zipFile: 'build/fn.zip' } }, tc);
    expect(local[0]).toMatchObject({
      action: 'update',
      details: [
        'configuration unchanged (all 3 given members match)',
        expect.stringMatching(/^code: \S+ -> .*build\/fn\.zip \(not built yet\)$/),
      ],
    });
    const s3Code = { ...baseParams(name), code: { s3Bucket: randomName('later'), s3Key: 'fn.zip' } };
    const remote = await plan(deploy, s3Code, tc);
    expect(remote[0]?.details).toEqual([
      'configuration unchanged (all 3 given members match)',
      expect.stringMatching(/^code: \S+ -> s3:\/\/later-\w+\/fn\.zip$/),
    ]);

    const error = (await run(deploy, s3Code, tc).catch((e) => e)) as PipelineError;
    expect([error.code, error.message]).toEqual(['AwsError', expect.stringMatching(/^NotFound \(HeadObject s3:\/\//)]);
    expect(error.hint).toMatch(/upload the package first/);
    const missing = (await run(deploy, { ...baseParams(name), code: { zipFile: 'build/fn.zip' } }, tc).catch(
      (e) => e,
    )) as PipelineError;
    expect(missing.message).toMatch(/build\/fn\.zip does not exist\.$/);
  });

  it('fails clearly when creating without what CreateFunction needs, or changing architectures without code', async () => {
    const tc = context();
    const name = randomName('fn');
    const error = (await run(deploy, { functionName: name, timeout: 5 }, tc).catch((e) => e)) as PipelineError;
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.message).toBe(`Function ${name} does not exist, and creating it needs role, runtime, handler, code.`);

    writeFunction(tc, 'arch');
    await run(deploy, baseParams(name), tc);
    const arch = (await run(deploy, { functionName: name, architectures: ['arm64'] }, tc).catch(
      (e) => e,
    )) as PipelineError;
    expect(arch.message).toMatch(/^Architectures: x86_64 -> arm64 needs the code/);
    tc.reset();
    await run(deploy, { ...baseParams(name), architectures: ['arm64'] }, tc);
    expect(tc.messages('change')).toEqual(['updated Architectures: x86_64 -> arm64']);
    expect((await configuration(name)).Architectures).toEqual(['arm64']);

    const badRuntime = (await run(deploy, { ...baseParams(randomName('fn')), runtime: 'cobol' }, tc).catch(
      (e) => e,
    )) as PipelineError;
    expect([badRuntime.code, badRuntime.message]).toEqual([
      'AwsError',
      expect.stringMatching(/^InvalidParameterValueException: .*cobol.* \(CreateFunction /),
    ]);
  });
});
