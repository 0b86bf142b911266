import { DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { cloudFormationStackTask } from '../../../src/tasks/cloudformation-stack/index.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { plan, run, useTaskContexts } from '../support.js';
import { failingTemplate, functionTemplate, logsTemplate } from './templates.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);

function action(name: string): ActionDefinition<unknown> {
  const found = cloudFormationStackTask.actions[name];
  if (!found) throw new Error(`no action ${name}`);
  return found;
}
const createChangeSet = action('create-change-set');
const executeChangeSet = action('execute-change-set');
const deploy = action('deploy');

async function rejected(promise: Promise<unknown>): Promise<PipelineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PipelineError);
  return error as PipelineError;
}

describe('cloudformation-stack: change sets', () => {
  it('creates a CREATE change set for a new stack, executes it, then an UPDATE one; an empty one is a skip', async () => {
    const stackName = randomName('cs');
    const tc = context();
    const created = await run(
      createChangeSet,
      { stackName, templateBody: functionTemplate(3), changeSetName: 'first' },
      tc,
    );
    expect(created.changed).toBe(true);
    expect(created.outputs).toMatchObject({
      changeSetName: 'first',
      changeSetType: 'CREATE',
      stackName,
      hasChanges: true,
      changes: 1,
      changeSummary: 'create Fn (AWS::Lambda::Function)',
    });
    expect(created.outputs['changeSetId']).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:changeSet\/first\//);
    expect(tc.messages('info')).toEqual(['create Fn (AWS::Lambda::Function)']);
    expect(tc.messages('change')).toEqual(['created CREATE change set first (1 changes)']);

    // Executed by its id (the output), the stack is created and waited for.
    const ex = context();
    const executed = await run(executeChangeSet, { changeSetName: created.outputs['changeSetId'] }, ex);
    expect(executed.summary).toBe(`created stack ${stackName} with change set first`);
    expect(executed.outputs['stackStatus']).toBe('CREATE_COMPLETE');
    expect(executed.outputs['FunctionName']).toMatch(new RegExp(`^${stackName}-Fn-`));
    expect(ex.messages('info')).toContain('Fn AWS::Lambda::Function CREATE_COMPLETE');

    // An UPDATE change set, chosen because the stack exists; the name defaults.
    const upd = context();
    const update = await run(createChangeSet, { stackName, templateBody: functionTemplate(9) }, upd);
    expect(update.outputs).toMatchObject({ changeSetType: 'UPDATE', hasChanges: true, changes: 1 });
    expect(update.outputs['changeSetName']).toMatch(/^lambda-tasks-\d{17}$/);
    const [line] = upd.messages('info');
    expect(line).toMatch(
      /^update Fn \(AWS::Lambda::Function\): physical id \S+, replacement: False, Properties\.Timeout/,
    );
    const applied = await run(
      executeChangeSet,
      { stackName, changeSetName: String(update.outputs['changeSetName']) },
      context(),
    );
    expect(applied.outputs['stackStatus']).toBe('UPDATE_COMPLETE');

    // The same template again: CloudFormation fails the change set for having no changes; that is a skip.
    const same = context();
    const empty = await run(
      createChangeSet,
      { stackName, templateBody: functionTemplate(9), changeSetName: 'same' },
      same,
    );
    expect(empty.changed).toBe(false);
    expect(empty.outputs).toMatchObject({ hasChanges: false, changes: 0, changeSetId: '', changeSetType: 'UPDATE' });
    expect(same.messages('skip')).toEqual([
      `stack ${stackName}: the change set would change nothing (The submitted information didn't contain changes. Submit different information to create a change set.); deleted it`,
    ]);
    const left = await same.ctx.aws.cloudFormation().send(new ListChangeSetsCommand({ StackName: stackName }));
    expect(left.Summaries).toEqual([]);
  });

  it('fails with CloudFormation’s reason for a change set that cannot be made', async () => {
    const tc = context();
    const error = await rejected(
      run(
        createChangeSet,
        { stackName: randomName('bad'), templateBody: '{"Resources": {"X": {"Type": "AWS::Nope::Thing"}}}' },
        tc,
      ),
    );
    expect(error.code).toBe('AwsError');
    expect(error.message).toMatch(
      /^ValidationError: Template format error: Unrecognized resource types: \[AWS::Nope::Thing\]/,
    );
    expect(error.hint).toMatch(/validate action/);
  });

  it('will not execute a change set that is not available', async () => {
    const stackName = randomName('notavail');
    await run(deploy, { stackName, templateBody: logsTemplate() }, context());
    const tc = context();
    const error = await rejected(run(executeChangeSet, { stackName, changeSetName: 'nope' }, tc));
    expect(error.code).toBe('AwsError');
    expect(error.message).toMatch(/^ChangeSetNotFoundException: /);
  });
});

describe('cloudformation-stack: plan', () => {
  it('plans a new stack from a CREATE change set and leaves nothing behind', async () => {
    const stackName = randomName('plannew');
    const tc = context();
    const changes = await plan(deploy, { stackName, templateBody: logsTemplate({ withBucket: true }) }, tc);
    expect(changes).toEqual([
      { action: 'create', resource: 'Logs (AWS::Logs::LogGroup)', details: [] },
      { action: 'create', resource: 'Bucket (AWS::S3::Bucket)', details: [] },
    ]);
    expect(tc.calls).not.toContain('CreateStackCommand');
    expect(tc.calls).not.toContain('ExecuteChangeSetCommand');
    const out = await tc.ctx.aws
      .cloudFormation()
      .send(new DescribeStacksCommand({ StackName: stackName }))
      .catch((e) => e);
    // The REVIEW_IN_PROGRESS stack the change set made is gone again.
    expect(String(out.message ?? '')).toBe(`Stack with id ${stackName} does not exist`);
  });

  it('plans an update (in place and added resources), no changes, and a ROLLBACK_COMPLETE stack', async () => {
    const stackName = randomName('plan');
    await run(deploy, { stackName, templateBody: logsTemplate() }, context());
    const tc = context();
    const changes = await plan(
      deploy,
      { stackName, templateBody: logsTemplate({ retention: 30, withBucket: true }) },
      tc,
    );
    expect(changes).toHaveLength(2);
    expect(changes).toContainEqual({ action: 'create', resource: 'Bucket (AWS::S3::Bucket)', details: [] });
    const logs = changes.find((c) => c.resource === 'Logs (AWS::Logs::LogGroup)');
    expect(logs?.action).toBe('update');
    expect(logs?.details).toContain('replacement: False');
    expect(logs?.details.some((d) => d.startsWith('Properties.RetentionInDays'))).toBe(true);
    const listed = await tc.ctx.aws.cloudFormation().send(new ListChangeSetsCommand({ StackName: stackName }));
    expect(listed.Summaries).toEqual([]);
    // Nothing was applied.
    const stack = await tc.ctx.aws.cloudFormation().send(new DescribeStacksCommand({ StackName: stackName }));
    expect(stack.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');

    expect(await plan(deploy, { stackName, templateBody: logsTemplate() }, context())).toEqual([
      { action: 'none', resource: `stack ${stackName}`, details: ['No updates are to be performed.'] },
    ]);
    expect(
      await plan(action('update'), { stackName: randomName('none'), templateBody: logsTemplate() }, context()),
    ).toEqual([
      {
        action: 'none',
        resource: expect.stringMatching(/^stack none-/),
        details: ['does not exist: update would fail'],
      },
    ]);

    const failed = randomName('planfailed');
    await rejected(run(deploy, { stackName: failed, templateBody: failingTemplate() }, context()));
    expect(await plan(deploy, { stackName: failed, templateBody: logsTemplate() }, context())).toEqual([
      {
        action: 'replace',
        resource: `stack ${failed}`,
        details: ['ROLLBACK_COMPLETE: it is deleted, then created again'],
      },
      { action: 'create', resource: 'Logs (AWS::Logs::LogGroup)', details: [] },
    ]);
  });

  it('plans a delete as the stack’s resources', async () => {
    const stackName = randomName('plandel');
    await run(deploy, { stackName, templateBody: logsTemplate({ withBucket: true }) }, context());
    const changes = await plan(action('delete'), { stackName, retainResources: ['Bucket'] }, context());
    expect(changes[0]).toEqual({
      action: 'delete',
      resource: `stack ${stackName}`,
      details: ['status CREATE_COMPLETE'],
    });
    expect(
      changes
        .slice(1)
        .map((c) => `${c.action} ${c.resource}`)
        .sort(),
    ).toEqual(['delete Logs (AWS::Logs::LogGroup)', 'none Bucket (AWS::S3::Bucket)']);
    expect(await plan(action('delete'), { stackName: randomName('absent') }, context())).toEqual([
      { action: 'none', resource: expect.stringMatching(/^stack absent-/), details: ['does not exist'] },
    ]);
  });
});

describe('cloudformation-stack: validate', () => {
  it('reports the parameters and capabilities of a valid template, and the error of a bad one', async () => {
    const tc = context();
    const template = JSON.stringify({
      Description: 'a role',
      Parameters: { Name: { Type: 'String' }, Token: { Type: 'String', NoEcho: true, Default: 'dflt-token' } },
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { RoleName: { Ref: 'Name' }, AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
        },
      },
    });
    const result = await run(action('validate'), { templateBody: template }, tc);
    expect(result).toMatchObject({
      changed: false,
      outputs: { description: 'a role', parameters: 'Name,Token', capabilities: 'CAPABILITY_NAMED_IAM' },
    });
    expect(result.summary).toBe('template valid: 2 parameters, needs CAPABILITY_NAMED_IAM');
    expect(tc.messages('info').slice(0, 2)).toEqual([
      'parameter Name: required',
      'parameter Token: default ****, NoEcho',
    ]);
    expect(tc.messages('info')[2]).toMatch(/^requires capabilities \[CAPABILITY_NAMED_IAM\]/);
    expect(JSON.stringify(tc.events)).not.toContain('dflt-token');

    const error = await rejected(run(action('validate'), { templateBody: '{"Resources": {}} x' }, context()));
    expect(error.code).toBe('ActionFailed');
    expect(error.message).toMatch(/^The template is not valid: Template format error/);
  });

  it('rejects parameters the schema does not know, and more than one template source', () => {
    const params = deploy.params;
    const unknown = params.safeParse({ stackName: 'a', templateBody: '{}', tempalteFile: 'x' });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('tempalteFile');
    const two = params.safeParse({ stackName: 'a', templateBody: '{}', templateFile: 'x.yml' });
    expect(two.error?.issues.map((i) => i.message)).toEqual(['give only one of templateBody, templateFile']);
    const none = params.safeParse({ stackName: 'a' });
    expect(none.error?.issues.map((i) => i.message)).toEqual([
      'give the template: templateFile, templateBody or templateUrl',
    ]);
    const both = params.safeParse({ stackName: 'a', templateBody: '{}', disableRollback: true, onFailure: 'DELETE' });
    expect(both.error?.issues[0]?.message).toMatch(/either disableRollback or onFailure/);
    expect(params.safeParse({ stackName: '1bad', templateBody: '{}' }).success).toBe(false);
  });

  it('sends parameters given as a map, lists joined, and keeps previous values on request', async () => {
    const stackName = randomName('params');
    const template = JSON.stringify({
      Parameters: { Names: { Type: 'CommaDelimitedList' }, Days: { Type: 'Number' } },
      Resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { Ref: 'Days' } } } },
      Outputs: { Second: { Value: { 'Fn::Select': [1, { Ref: 'Names' }] } }, Days: { Value: { Ref: 'Days' } } },
    });
    const first = await run(
      deploy,
      { stackName, templateBody: template, parameters: { Names: ['a', 'b'], Days: 5 } },
      context(),
    );
    expect(first.outputs).toMatchObject({ Second: 'b', Days: '5' });
    const second = await run(
      deploy,
      {
        stackName,
        templateBody: template,
        parameters: { Names: 'x,y', Days: { usePreviousValue: true } },
        tags: { team: 'core' },
      },
      context(),
    );
    expect(second.outputs).toMatchObject({ Second: 'y', Days: '5', stackStatus: 'UPDATE_COMPLETE' });
  });
});
