import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateStackCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { cloudFormationStackTask } from '../../../src/tasks/cloudformation-stack/index.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { outputValue, run, useTaskContexts } from '../support.js';
import { failingTemplate, functionTemplate, logsTemplate, MISSING_CODE } from './templates.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);

function action(name: string): ActionDefinition<unknown> {
  const found = cloudFormationStackTask.actions[name];
  if (!found) throw new Error(`no action ${name}`);
  return found;
}
const deploy = action('deploy');

async function rejected(promise: Promise<unknown>): Promise<PipelineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PipelineError);
  return error as PipelineError;
}

async function stackStatus(stackName: string): Promise<string | undefined> {
  const tc = context();
  const out = await tc.ctx.aws.cloudFormation().send(new DescribeStacksCommand({ StackName: stackName }));
  return out.Stacks?.[0]?.StackStatus;
}

describe('cloudformation-stack: deploy', () => {
  it('creates the stack, skips an unchanged redeploy with AWS’s reason, then updates it', async () => {
    const stackName = randomName('deploy');
    const tc = context();
    writeFileSync(join(tc.baseDir, 'template.yml'), logsTemplate());
    const params = { stackName, templateFile: 'template.yml', parameters: { Retention: 7, Secret: 'hunter2-secret' } };

    const created = await run(deploy, params, tc);
    expect(created.changed).toBe(true);
    expect(created.summary).toBe(`created stack ${stackName} (CREATE_COMPLETE)`);
    expect(created.outputs['stackName']).toBe(stackName);
    expect(created.outputs['stackStatus']).toBe('CREATE_COMPLETE');
    expect(created.outputs['stackId']).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\//);
    expect(created.outputs['LogGroupName']).toMatch(new RegExp(`^${stackName}-Logs-`));
    // A NoEcho parameter's value is a secret, and so is an output that repeats it.
    expect(created.outputs['SecretEcho']).toEqual({ value: 'hunter2-secret', secret: true });
    expect(tc.secrets).toContain('hunter2-secret');
    // Progress: the stack's events as they happen, oldest first.
    const progress = tc.messages('info');
    expect(progress[0]).toBe(`${stackName} AWS::CloudFormation::Stack CREATE_IN_PROGRESS: User Initiated`);
    expect(progress).toContain('Logs AWS::Logs::LogGroup CREATE_COMPLETE');
    expect(progress.at(-1)).toBe(`${stackName} AWS::CloudFormation::Stack CREATE_COMPLETE`);
    expect(tc.calls).toContain('CreateStackCommand');
    expect(JSON.stringify(tc.events)).not.toContain('hunter2-secret');

    // The same template and parameters again: a skip that says why, the outputs still there.
    const again = context({ baseDir: tc.baseDir });
    const unchanged = await run(deploy, params, again);
    expect(unchanged.changed).toBe(false);
    expect(unchanged.summary).toBe(`stack ${stackName} unchanged: No updates are to be performed.`);
    expect(again.messages('skip')).toEqual([
      `stack ${stackName}: No updates are to be performed. (template, parameters and tags unchanged)`,
    ]);
    expect(again.messages('change')).toEqual([]);
    expect(unchanged.outputs['LogGroupName']).toBe(created.outputs['LogGroupName']);
    expect(unchanged.outputs['stackStatus']).toBe('CREATE_COMPLETE');

    // A new parameter value: an update, waited for, with only this update's events.
    const third = context({ baseDir: tc.baseDir });
    const updated = await run(deploy, { ...params, parameters: { Retention: 14, Secret: 'hunter2-secret' } }, third);
    expect(updated.changed).toBe(true);
    expect(updated.summary).toBe(`updated stack ${stackName} (UPDATE_COMPLETE)`);
    expect(updated.outputs['stackStatus']).toBe('UPDATE_COMPLETE');
    expect(third.calls).toContain('UpdateStackCommand');
    const lines = third.messages('info');
    expect(lines[0]).toBe(`${stackName} AWS::CloudFormation::Stack UPDATE_IN_PROGRESS: User Initiated`);
    expect(lines).toContain('Logs AWS::Logs::LogGroup UPDATE_COMPLETE');
    expect(lines.some((l) => l.includes('CREATE_'))).toBe(false);
    expect(await stackStatus(stackName)).toBe('UPDATE_COMPLETE');
  });

  it('keeps a parameter’s previous value on update, and its template default when the step creates the stack', async () => {
    const stackName = randomName('previous');
    const tc = context();
    writeFileSync(join(tc.baseDir, 'template.yml'), logsTemplate({ retention: 3 }));
    const keep = { stackName, templateFile: 'template.yml', parameters: { Retention: { usePreviousValue: true } } };
    // Creating: there is no previous value, so the template's default (3) applies, as with `aws cloudformation deploy`.
    const created = await run(deploy, keep, tc);
    expect(created.summary).toBe(`created stack ${stackName} (CREATE_COMPLETE)`);
    const describe = async () =>
      (await tc.ctx.aws.cloudFormation().send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    expect((await describe())?.Parameters?.find((p) => p.ParameterKey === 'Retention')?.ParameterValue).toBe('3');
    // A value, then the previous value again: nothing to update.
    await run(deploy, { ...keep, parameters: { Retention: 14 } }, context({ baseDir: tc.baseDir }));
    const unchanged = await run(deploy, keep, context({ baseDir: tc.baseDir }));
    expect(unchanged.changed).toBe(false);
    expect((await describe())?.Parameters?.find((p) => p.ParameterKey === 'Retention')?.ParameterValue).toBe('14');
  });

  it('reports the first failed resource’s reason when a create rolls back, then recreates the ROLLBACK_COMPLETE stack', async () => {
    const stackName = randomName('fails');
    const tc = context();
    const error = await rejected(run(deploy, { stackName, templateBody: failingTemplate() }, tc));
    expect(error.code).toBe('StackFailed');
    expect(error.message).toMatch(
      new RegExp(`^The create of stack ${stackName} failed \\(ROLLBACK_COMPLETE\\)\\. First failure: `),
    );
    expect(error.message).toMatch(MISSING_CODE);
    // Not the stack's own summary ("The following resource(s) failed to create: [Fn]").
    expect(error.message).not.toContain('The following resource(s)');
    expect(error.hint).toMatch(/deletes a ROLLBACK_COMPLETE stack and creates it anew/);
    expect(tc.messages('info')).toContain('Bucket AWS::S3::Bucket DELETE_COMPLETE');
    expect(await stackStatus(stackName)).toBe('ROLLBACK_COMPLETE');

    // The next deploy deletes it first (saying why), then creates it.
    const next = context();
    const result = await run(deploy, { stackName, templateBody: logsTemplate() }, next);
    expect(next.messages('change')).toEqual([
      `deleting stack ${stackName} before creating it again: its first create failed and was rolled back (ROLLBACK_COMPLETE); such a stack can only be deleted`,
      `creating stack ${stackName}`,
    ]);
    expect(next.calls.filter((c) => c === 'DeleteStackCommand' || c === 'CreateStackCommand')).toEqual([
      'DeleteStackCommand',
      'CreateStackCommand',
    ]);
    expect(result.outputs['stackStatus']).toBe('CREATE_COMPLETE');
    expect(result.outputs['stackId']).not.toBe(undefined);
  });

  it('reports the failed resource of an update that rolled back (UPDATE_ROLLBACK_COMPLETE)', async () => {
    const stackName = randomName('updfail');
    await run(deploy, { stackName, templateBody: logsTemplate() }, context());
    const tc = context();
    const error = await rejected(run(deploy, { stackName, templateBody: failingTemplate() }, tc));
    expect(error.code).toBe('StackFailed');
    expect(error.message).toMatch(
      new RegExp(`^The update of stack ${stackName} failed \\(UPDATE_ROLLBACK_COMPLETE\\)\\. First failure: `),
    );
    expect(error.message).toMatch(MISSING_CODE);
    expect(error.hint).toMatch(/rolled back to its previous state/);
    expect(await stackStatus(stackName)).toBe('UPDATE_ROLLBACK_COMPLETE');
    // The stack can be deployed again from there.
    const fixed = await run(deploy, { stackName, templateBody: logsTemplate({ retention: 30 }) }, context());
    expect(fixed.outputs['stackStatus']).toBe('UPDATE_COMPLETE');
  });

  it('keeps what was created with disableRollback, and deletes the stack with onFailure DELETE', async () => {
    const kept = randomName('kept');
    const error = await rejected(
      run(deploy, { stackName: kept, templateBody: failingTemplate(), disableRollback: true }, context()),
    );
    expect(error.message).toContain('(CREATE_FAILED)');
    expect(error.hint).toMatch(/Rollback was disabled/);
    expect(await stackStatus(kept)).toBe('CREATE_FAILED');

    const gone = randomName('gone');
    const tc = context();
    const deleted = await rejected(
      run(deploy, { stackName: gone, templateBody: failingTemplate(), onFailure: 'DELETE' }, tc),
    );
    expect(deleted.message).toMatch(/\(DELETE_COMPLETE\)\. First failure: Fn/);
    expect(deleted.hint).toMatch(/deleted on failure/);
  });

  it('turns a refused request into an AwsError with a hint', async () => {
    const tc = context();
    const iam = JSON.stringify({
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            },
          },
        },
      },
    });
    const error = await rejected(run(deploy, { stackName: randomName('caps'), templateBody: iam }, tc));
    expect(error.code).toBe('AwsError');
    expect(error.message).toMatch(
      /^InsufficientCapabilitiesException: Requires capabilities : \[CAPABILITY_IAM\] \(CreateStack caps-\w+\)$/,
    );
    expect(error.hint).toMatch(/capabilities: \[CAPABILITY_IAM\]/);
    // With the capability it deploys.
    const ok = await run(
      deploy,
      { stackName: randomName('caps'), templateBody: iam, capabilities: ['CAPABILITY_IAM'] },
      context(),
    );
    expect(ok.outputs['stackStatus']).toBe('CREATE_COMPLETE');
  });

  it('uploads a templateFile over 51,200 bytes to templateBucket and passes its TemplateURL', async () => {
    const stackName = randomName('large');
    const bucket = randomName('templates');
    await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const tc = context();
    const padding = `# ${'x'.repeat(200)}\n`.repeat(300);
    const body = `${padding}${logsTemplate()}`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(51_200);
    writeFileSync(join(tc.baseDir, 'big.yml'), body);

    const missingBucket = await rejected(
      run(deploy, { stackName, templateFile: 'big.yml' }, context({ baseDir: tc.baseDir })),
    );
    expect(missingBucket.message).toMatch(/over the 51200-byte limit of TemplateBody/);
    expect(missingBucket.hint).toMatch(/templateBucket/);

    const result = await run(deploy, { stackName, templateFile: 'big.yml', templateBucket: bucket }, tc);
    expect(result.outputs['stackStatus']).toBe('CREATE_COMPLETE');
    const uploaded = tc.messages('change').find((m) => m.startsWith('uploaded the template'));
    const key = /s3:\/\/[^/]+\/(.+)$/.exec(uploaded ?? '')?.[1] ?? '';
    expect(key).toMatch(new RegExp(`^lambda-tasks/cloudformation/${stackName}/[0-9a-f]{32}\\.template$`));
    const object = await t.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await object.Body?.transformToString()).toBe(body);
    const template = await tc.ctx.aws.cloudFormation().send(new GetTemplateCommand({ StackName: stackName }));
    expect(template.TemplateBody).toBe(body);

    // The same file again: not uploaded again, and no updates.
    const again = context({ baseDir: tc.baseDir });
    await run(deploy, { stackName, templateFile: 'big.yml', templateBucket: bucket }, again);
    expect(again.messages('skip')).toEqual([
      `template already uploaded to s3://${bucket}/${key}`,
      `stack ${stackName}: No updates are to be performed. (template, parameters and tags unchanged)`,
    ]);
    expect(again.calls).not.toContain('PutObjectCommand');
  });

  it('changes termination protection on an existing stack', async () => {
    const stackName = randomName('protect');
    await run(deploy, { stackName, templateBody: logsTemplate() }, context());
    const tc = context();
    const result = await run(
      deploy,
      { stackName, templateBody: logsTemplate(), enableTerminationProtection: true },
      tc,
    );
    expect(result.changed).toBe(true);
    expect(tc.messages('change')).toEqual([`stack ${stackName}: termination protection enabled`]);
    const refused = await rejected(run(action('delete'), { stackName }, context()));
    expect(refused.code).toBe('AwsError');
    expect(refused.hint).toMatch(/enableTerminationProtection: false/);
    await run(deploy, { stackName, templateBody: logsTemplate(), enableTerminationProtection: false }, context());
    await run(action('delete'), { stackName }, context());
  });
});

describe('cloudformation-stack: create and update', () => {
  it('create fails on an existing stack; update fails on a missing one and skips when unchanged', async () => {
    const stackName = randomName('cu');
    const create = action('create');
    const update = action('update');
    const missing = await rejected(run(update, { stackName, templateBody: logsTemplate() }, context()));
    expect(missing.message).toBe(`Stack ${stackName} does not exist, so it cannot be updated.`);
    expect(missing.hint).toMatch(/deploy action/);

    await run(create, { stackName, templateBody: logsTemplate() }, context());
    const exists = await rejected(run(create, { stackName, templateBody: logsTemplate() }, context()));
    expect(exists.message).toBe(`Stack ${stackName} already exists (CREATE_COMPLETE).`);

    const tc = context();
    const same = await run(update, { stackName, usePreviousTemplate: true }, tc);
    expect(same.changed).toBe(false);
    expect(tc.messages('skip')[0]).toContain('No updates are to be performed.');
    const changed = await run(
      update,
      { stackName, usePreviousTemplate: true, parameters: { Retention: 30 } },
      context(),
    );
    expect(changed.outputs['stackStatus']).toBe('UPDATE_COMPLETE');
  });

  it('waits for an operation in progress before updating', async () => {
    const stackName = randomName('busy');
    const tc = context();
    // Started outside the task: the deploy finds the stack CREATE_IN_PROGRESS.
    await tc.ctx.aws
      .cloudFormation()
      .send(new CreateStackCommand({ StackName: stackName, TemplateBody: functionTemplate(3) }));
    const result = await run(deploy, { stackName, templateBody: functionTemplate(5) }, tc);
    expect(tc.messages('info')[0]).toBe(
      `stack ${stackName} is CREATE_IN_PROGRESS: waiting for that operation to end first`,
    );
    expect(result.summary).toBe(`updated stack ${stackName} (UPDATE_COMPLETE)`);
  });
});

describe('cloudformation-stack: delete', () => {
  it('deletes a stack and waits for DELETE_COMPLETE; a missing stack is a skip', async () => {
    const stackName = randomName('del');
    const del = action('delete');
    const created = await run(deploy, { stackName, templateBody: logsTemplate({ withBucket: true }) }, context());
    const tc = context();
    const result = await run(del, { stackName }, tc);
    expect(result).toMatchObject({
      changed: true,
      summary: `deleted stack ${stackName}`,
      outputs: { stackId: created.outputs['stackId'], stackName, stackStatus: 'DELETE_COMPLETE' },
    });
    expect(tc.messages('info')).toContain('Bucket AWS::S3::Bucket DELETE_COMPLETE');
    expect(tc.messages('info').some((m) => m.includes('CREATE_'))).toBe(false);
    const client = tc.ctx.aws.cloudFormation();
    expect((await failure(client.send(new DescribeStacksCommand({ StackName: stackName })))).message).toBe(
      `Stack with id ${stackName} does not exist`,
    );

    const again = context();
    const skipped = await run(del, { stackName }, again);
    expect(skipped.changed).toBe(false);
    expect(again.messages('skip')).toEqual([`stack ${stackName} does not exist: nothing to delete`]);
  });

  it('deletes a stack a change set made but never executed (REVIEW_IN_PROGRESS) before deploying', async () => {
    const stackName = randomName('review');
    const tc = context();
    await run(action('create-change-set'), { stackName, templateBody: logsTemplate() }, tc);
    expect(await stackStatus(stackName)).toBe('REVIEW_IN_PROGRESS');
    const next = context();
    const result = await run(deploy, { stackName, templateBody: logsTemplate() }, next);
    expect(next.messages('change')[0]).toMatch(/never executed \(REVIEW_IN_PROGRESS\)$/);
    expect(result.outputs['stackStatus']).toBe('CREATE_COMPLETE');
    await waitUntilStackCreateComplete(
      { client: next.ctx.aws.cloudFormation(), maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.1 },
      { StackName: stackName },
    );
    expect(outputValue(result.outputs['SecretEcho'])).toBe('not-given');
  });
});
