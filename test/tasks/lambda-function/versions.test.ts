import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetAliasCommand,
  GetPolicyCommand,
  ListVersionsByFunctionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { PipelineError } from '../../../src/pipeline/errors.js';
import { lambdaFunctionTask } from '../../../src/tasks/lambda-function/index.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { TEST_ROLE, zip } from '../../helpers/zip.js';
import { plan, run, type TaskContext, useTaskContexts } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);
const action = (name: string) => lambdaFunctionTask.actions[name] as ActionDefinition<unknown>;

async function created(tc: TaskContext): Promise<string> {
  const name = randomName('fn');
  writeFileSync(
    join(tc.baseDir, 'fn.zip'),
    await zip({ 'index.js': 'exports.handler = async () => process.env.VERSION;' }),
  );
  await run(
    action('create'),
    {
      functionName: name,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      role: TEST_ROLE,
      code: { zipFile: 'fn.zip' },
    },
    tc,
  );
  tc.reset();
  return name;
}

/** Publishes `count` versions, each after a configuration change. */
async function publishVersions(tc: TaskContext, name: string, count: number): Promise<void> {
  const lambda = t.lambda();
  for (let i = 0; i < count; i++) {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { VERSION: `${i}` } } }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 },
      { FunctionName: name },
    );
    await run(action('publish-version'), { functionName: name }, tc);
  }
}

async function versionsOf(name: string): Promise<string[]> {
  const out = await t.lambda().send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  return (out.Versions ?? []).map((v) => v.Version ?? '');
}

describe('lambda-function: publish-version', () => {
  it('publishes a new version, and reports the existing one when nothing changed since', async () => {
    const tc = context();
    const name = await created(tc);
    const first = await run(action('publish-version'), { functionName: name, description: 'first' }, tc);
    expect(first).toMatchObject({
      changed: true,
      outputs: {
        version: '1',
        versionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`,
        state: 'Active',
      },
    });
    expect((await plan(action('publish-version'), { functionName: name }, tc))[0]).toMatchObject({
      action: 'none',
      details: ['version 1 already holds $LATEST'],
    });
    tc.reset();
    const again = await run(action('publish-version'), { functionName: name }, tc);
    expect(again).toMatchObject({ changed: false, outputs: { version: '1' } });
    expect(tc.calls).not.toContain('PublishVersionCommand');
    expect(tc.messages('skip')).toEqual([
      'version 1 already published from $LATEST (CodeSha256 matches, no change since)',
    ]);
    const missing = (await run(action('publish-version'), { functionName: randomName('nope') }, tc).catch(
      (e) => e,
    )) as PipelineError;
    expect(missing.hint).toBe('create the function first, or use the deploy action');
  });
});

describe('lambda-function: alias', () => {
  it('creates an alias, skips an identical one, moves it, and routes weights', async () => {
    const tc = context();
    const name = await created(tc);
    await publishVersions(tc, name, 2);
    const params = { functionName: name, name: 'live', functionVersion: 1 };
    expect((await plan(action('alias'), params, tc))[0]).toMatchObject({ action: 'create', details: ['-> version 1'] });
    const created1 = await run(action('alias'), params, tc);
    expect(created1.outputs).toEqual({
      functionName: name,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      aliasArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`,
      aliasName: 'live',
      version: '1',
    });

    tc.reset();
    expect((await run(action('alias'), params, tc)).changed).toBe(false);
    expect(tc.messages('skip')).toEqual(['alias live already points to version 1']);

    tc.reset();
    const canary = { ...params, routingConfig: { additionalVersionWeights: { '2': 0.1 } } };
    expect((await plan(action('alias'), canary, tc))[0]?.details).toEqual([
      'version 1 -> version 1 (+ version 2 at 10%)',
    ]);
    await run(action('alias'), canary, tc);
    expect(tc.messages('change')).toEqual(['moved alias live: version 1 -> 1 (+ version 2 at 10%)']);
    const weighted = await t.lambda().send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
    expect(weighted.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.1 });

    // Promoting: the new version, and the weights dropped because none are given.
    tc.reset();
    await run(action('alias'), { ...params, functionVersion: '2' }, tc);
    expect(tc.messages('change')).toEqual(['moved alias live: version 1 (+ version 2 at 10%) -> 2']);
    const promoted = await t.lambda().send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
    expect([promoted.FunctionVersion, promoted.RoutingConfig?.AdditionalVersionWeights ?? {}]).toEqual(['2', {}]);

    const bad = (await run(action('alias'), { ...params, functionVersion: '9' }, tc).catch((e) => e)) as PipelineError;
    expect(bad.message).toMatch(/^ResourceNotFoundException: /);
  });
});

describe('lambda-function: prune-versions', () => {
  it('keeps the newest N and every version an alias points or routes to', async () => {
    const tc = context();
    const name = await created(tc);
    await publishVersions(tc, name, 6);
    await run(action('alias'), { functionName: name, name: 'old', functionVersion: '1' }, tc);
    await run(
      action('alias'),
      {
        functionName: name,
        name: 'canary',
        functionVersion: '5',
        routingConfig: { additionalVersionWeights: { '2': 0.25 } },
      },
      tc,
    );
    const params = { functionName: name, keep: 2 };
    const planned = await plan(action('prune-versions'), params, tc);
    expect(planned.filter((p) => p.action === 'delete').map((p) => p.resource)).toEqual([
      `function ${name} version 3`,
      `function ${name} version 4`,
    ]);

    tc.reset();
    const result = await run(action('prune-versions'), params, tc);
    expect(result.outputs).toEqual({ functionName: name, deleted: '3,4', kept: '1,2,5,6' });
    expect(tc.messages('skip')).toEqual([
      'kept version 6: one of the 2 newest',
      'kept version 5: one of the 2 newest',
      'kept version 2: alias canary routes 25% to it',
      'kept version 1: alias old points to it',
    ]);
    expect(tc.messages('change')).toEqual(['deleted version 3', 'deleted version 4']);
    expect(await versionsOf(name)).toEqual(['$LATEST', '1', '2', '5', '6']);

    tc.reset();
    const again = await run(action('prune-versions'), params, tc);
    expect(again).toMatchObject({ changed: false, summary: 'nothing to prune (4 kept)' });
    expect(() => action('prune-versions').params.parse({ functionName: name })).toThrow(/keep/);
  });
});

describe('lambda-function: add-permission, remove-permission', () => {
  it('adds a statement, skips an identical one, replaces a different one with the same id', async () => {
    const tc = context();
    const name = await created(tc);
    const params = {
      functionName: name,
      statementId: 's3-invoke',
      principal: 's3.amazonaws.com',
      sourceArn: 'arn:aws:s3:::my-bucket',
      sourceAccount: '000000000000',
    };
    expect((await plan(action('add-permission'), params, tc))[0]?.action).toBe('create');
    const added = await run(action('add-permission'), params, tc);
    expect(added.changed).toBe(true);
    expect(tc.messages('change')).toEqual([
      'added statement s3-invoke: allow s3.amazonaws.com to lambda:InvokeFunction',
    ]);
    expect(JSON.parse(String(added.outputs['statement']))).toMatchObject({
      Sid: 's3-invoke',
      Principal: { Service: 's3.amazonaws.com' },
    });

    tc.reset();
    const same = await run(action('add-permission'), params, tc);
    expect(same.changed).toBe(false);
    expect(tc.messages('skip')).toEqual(['statement s3-invoke already present and identical']);
    expect(tc.calls).not.toContain('AddPermissionCommand');
    expect((await plan(action('add-permission'), params, tc))[0]?.action).toBe('none');

    tc.reset();
    const other = { ...params, sourceArn: 'arn:aws:s3:::other-bucket' };
    expect((await plan(action('add-permission'), other, tc))[0]).toMatchObject({
      action: 'replace',
      details: ['differs in Condition'],
    });
    await run(action('add-permission'), other, tc);
    expect(tc.messages('change')).toEqual([
      'replaced statement s3-invoke (Condition differed): allow s3.amazonaws.com to lambda:InvokeFunction',
    ]);
    const policy = await t.lambda().send(new GetPolicyCommand({ FunctionName: name }));
    const statements = JSON.parse(policy.Policy ?? '{}').Statement as { Sid: string; Condition: unknown }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Condition).toMatchObject({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::other-bucket' } });

    tc.reset();
    await run(action('remove-permission'), { functionName: name, statementId: 's3-invoke' }, tc);
    expect(tc.messages('change')).toEqual(['removed statement s3-invoke']);
    const error = (await run(action('remove-permission'), { functionName: name, statementId: 's3-invoke' }, tc).catch(
      (e) => e,
    )) as PipelineError;
    expect([error.code, error.hint]).toEqual(['AwsError', expect.stringMatching(/doNotFailIfNotExists/)]);
    const skipped = await run(
      action('remove-permission'),
      { functionName: name, statementId: 's3-invoke', doNotFailIfNotExists: true },
      tc,
    );
    expect(skipped.changed).toBe(false);
  });

  it('adds a permission on an alias for an account principal', async () => {
    const tc = context();
    const name = await created(tc);
    await publishVersions(tc, name, 1);
    await run(action('alias'), { functionName: name, name: 'live', functionVersion: '1' }, tc);
    const params = { functionName: name, statementId: 'acct', principal: '123456789012', qualifier: 'live' };
    await run(action('add-permission'), params, tc);
    tc.reset();
    expect((await run(action('add-permission'), params, tc)).changed).toBe(false);
    const policy = await t.lambda().send(new GetPolicyCommand({ FunctionName: name, Qualifier: 'live' }));
    expect(JSON.parse(policy.Policy ?? '{}').Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
  });
});
