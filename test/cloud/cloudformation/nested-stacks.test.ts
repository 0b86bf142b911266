/**
 * AWS::CloudFormation::Stack: nested stacks from templates in the local S3, created, updated,
 * rolled back and deleted with their parent, with ParentId/RootId, `Outputs.X` through GetAtt and
 * events in both stacks.
 */
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackResourceCommand,
  ExecuteChangeSetCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from '../../helpers/aws-cli.js';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import {
  cfn,
  created,
  deleted,
  describe as describeStack,
  eventLines,
  output,
  reached,
  sub,
  updated,
} from './support.js';

const t = useCloud();
const cli = awsCli(() => t.url);
const bucket = randomName('templates');

/** A queue named by its parameter (an invalid name makes SQS, and so the stack, fail). */
const LEAF = JSON.stringify({
  Parameters: { QueueName: { Type: 'String' } },
  Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'QueueName' } } } },
  Outputs: { QueueName: { Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } } },
});

/** A stack that nests the leaf, passing its parameter through and its output up. */
function middle(leafUrl: string): string {
  return JSON.stringify({
    Parameters: { QueueName: { Type: 'String' } },
    Resources: {
      Leaf: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: leafUrl, Parameters: { QueueName: { Ref: 'QueueName' } } },
      },
    },
    Outputs: { QueueName: { Value: { 'Fn::GetAtt': ['Leaf', 'Outputs.QueueName'] } } },
  });
}

function root(url: string, queueName: string): string {
  return JSON.stringify({
    Resources: {
      Child: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: {
          TemplateURL: url,
          Parameters: { QueueName: queueName },
          TimeoutInMinutes: 5,
          NotificationARNs: ['arn:aws:sns:us-east-1:000000000000:ignored'],
        },
      },
    },
    Outputs: {
      ChildId: { Value: { Ref: 'Child' } },
      QueueName: { Value: { 'Fn::GetAtt': ['Child', 'Outputs.QueueName'] } },
      Sub: { Value: { 'Fn::Sub': sub('queue=', 'Child.Outputs.QueueName') } },
    },
  });
}

const pathStyle = (key: string) => `${t.url}/${bucket}/${key}`;

beforeAll(async () => {
  const s3 = t.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'leaf.json', Body: LEAF }));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'middle.json',
      Body: middle(`https://s3.amazonaws.com/${bucket}/leaf.json`),
    }),
  );
});

describe('nested stacks', () => {
  it.each([
    ['path-style on AWS', () => `https://s3.amazonaws.com/${bucket}/leaf.json`],
    ['virtual-hosted on AWS', () => `https://${bucket}.s3.amazonaws.com/leaf.json`],
    ['virtual-hosted with a region', () => `https://${bucket}.s3.us-east-1.amazonaws.com/leaf.json`],
    ['path-style against the local endpoint', () => pathStyle('leaf.json')],
  ])('reads a TemplateURL %s', async (_form, url) => {
    const out = await cfn(t).send(new ValidateTemplateCommand({ TemplateURL: url() }));
    expect(out.Parameters?.map((p) => p.ParameterKey)).toEqual(['QueueName']);
  });

  it('refuses an s3:// TemplateURL as AWS does', async () => {
    expect(
      await failure(cfn(t).send(new ValidateTemplateCommand({ TemplateURL: `s3://${bucket}/leaf.json` }))),
    ).toEqual({ name: 'ValidationError', message: 'TemplateURL must be a supported URL.', status: 400 });
  });

  it('creates, updates and deletes a tree of stacks with its root', async () => {
    const name = randomName('root');
    const queueName = randomName('q');
    await cfn(t).send(
      new CreateStackCommand({ StackName: name, TemplateBody: root(pathStyle('middle.json'), queueName) }),
    );
    const stack = await created(t, name);
    const rootId = stack.StackId ?? '';
    expect(output(stack, 'QueueName')).toBe(queueName);
    expect(output(stack, 'Sub')).toBe(`queue=${queueName}`);

    // The nested stack: named <parent>-<logical id>-<random>, its id the resource's physical id.
    const middleId = output(stack, 'ChildId') ?? '';
    const resource = await cfn(t).send(
      new DescribeStackResourceCommand({ StackName: name, LogicalResourceId: 'Child' }),
    );
    expect(resource.StackResourceDetail?.PhysicalResourceId).toBe(middleId);
    const middleStack = await describeStack(t, middleId);
    expect(middleStack.StackName).toMatch(new RegExp(`^${name}-Child-[A-Z0-9]{12,13}$`));
    expect(middleStack).toMatchObject({ ParentId: rootId, RootId: rootId, TimeoutInMinutes: 5, NotificationARNs: [] });
    expect(stack.ParentId).toBeUndefined();
    const leafId = (
      await cfn(t).send(new DescribeStackResourceCommand({ StackName: middleId, LogicalResourceId: 'Leaf' }))
    ).StackResourceDetail?.PhysicalResourceId;
    expect(await describeStack(t, leafId ?? '')).toMatchObject({ ParentId: middleId, RootId: rootId });
    expect((await t.sqs().send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl).toContain(queueName);

    // Listed like any stack, with the parent and the root.
    const listed = (await cfn(t).send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(listed.find((s) => s.StackId === middleId)).toMatchObject({ ParentId: rootId, RootId: rootId });

    // Events in both stacks.
    expect(await eventLines(t, name)).toEqual(
      expect.arrayContaining(['Child CREATE_IN_PROGRESS', 'Child CREATE_COMPLETE', `${name} CREATE_COMPLETE`]),
    );
    expect(await eventLines(t, middleId)).toEqual(
      expect.arrayContaining([
        `${middleStack.StackName} CREATE_IN_PROGRESS`,
        'Leaf CREATE_COMPLETE',
        `${middleStack.StackName} CREATE_COMPLETE`,
      ]),
    );

    // The AWS CLI sees the parent of a nested stack.
    const described = (await cli.json('cloudformation', 'describe-stacks', '--stack-name', middleId)) as {
      Stacks: { ParentId: string; RootId: string }[];
    };
    expect(described.Stacks[0]).toMatchObject({ ParentId: rootId, RootId: rootId });

    // An update of the parent's properties updates the nested stacks and their outputs.
    const renamed = randomName('q');
    await cfn(t).send(
      new UpdateStackCommand({ StackName: name, TemplateBody: root(pathStyle('middle.json'), renamed) }),
    );
    expect(output(await updated(t, name), 'QueueName')).toBe(renamed);
    expect((await describeStack(t, middleId)).StackStatus).toBe('UPDATE_COMPLETE');
    expect(await eventLines(t, name)).toEqual(
      expect.arrayContaining(['Child UPDATE_IN_PROGRESS', 'Child UPDATE_COMPLETE']),
    );

    // Deleting the root deletes the tree.
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
    expect((await describeStack(t, middleId)).StackStatus).toBe('DELETE_COMPLETE');
    expect((await describeStack(t, leafId ?? '')).StackStatus).toBe('DELETE_COMPLETE');
    expect(await failure(describeStack(t, middleStack.StackName ?? ''))).toEqual({
      name: 'ValidationError',
      message: `Stack with id ${middleStack.StackName} does not exist`,
      status: 400,
    });
  });

  it('fails the parent with the nested stack failure and rolls both back', async () => {
    const name = randomName('root');
    await cfn(t).send(
      new CreateStackCommand({ StackName: name, TemplateBody: root(pathStyle('leaf.json'), 'not a queue name!') }),
    );
    const stack = await reached(t, name, 'ROLLBACK_COMPLETE');
    expect(stack.StackStatusReason).toBeUndefined();
    const lines = await eventLines(t, name, true);
    const failed = lines.find((line) => line.startsWith('Child CREATE_FAILED')) ?? '';
    const nestedId = /Embedded stack (\S+) was not/.exec(failed)?.[1] ?? '';
    expect(failed).toBe(
      `Child CREATE_FAILED Embedded stack ${nestedId} was not successfully created: The following resource(s) failed to create: [Queue].`,
    );
    expect(lines).toContain(
      `${name} ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Child]. Rollback requested by user.`,
    );
    expect(lines).toContain('Child DELETE_COMPLETE');
    expect((await describeStack(t, nestedId)).StackStatus).toBe('DELETE_COMPLETE');
    expect(await eventLines(t, nestedId)).toEqual(expect.arrayContaining(['Queue CREATE_FAILED']));
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
  });

  it('rolls the parent back when the nested stack fails to update', async () => {
    const name = randomName('root');
    const queueName = randomName('q');
    await cfn(t).send(
      new CreateStackCommand({ StackName: name, TemplateBody: root(pathStyle('leaf.json'), queueName) }),
    );
    const nestedId = output(await created(t, name), 'ChildId') ?? '';
    await cfn(t).send(
      new UpdateStackCommand({ StackName: name, TemplateBody: root(pathStyle('leaf.json'), 'bad name!') }),
    );
    const stack = await reached(t, name, 'UPDATE_ROLLBACK_COMPLETE');
    expect(output(stack, 'QueueName')).toBe(queueName);
    const failed = (await eventLines(t, name, true)).find((line) => line.startsWith('Child UPDATE_FAILED'));
    expect(failed).toBe(
      `Child UPDATE_FAILED Embedded stack ${nestedId} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS with reason: The following resource(s) failed to update: [Queue].`,
    );
    expect((await describeStack(t, nestedId)).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
  });

  it('updates a nested stack whose template changed at the same URL, as a change set shows', async () => {
    const key = `${randomName('same')}.json`;
    await t.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: LEAF }));
    const name = randomName('root');
    const queueName = randomName('q');
    await cfn(t).send(new CreateStackCommand({ StackName: name, TemplateBody: root(pathStyle(key), queueName) }));
    const nestedId = output(await created(t, name), 'ChildId');

    const withExtra = JSON.parse(LEAF) as { Outputs: Record<string, unknown> };
    withExtra.Outputs['Extra'] = { Value: 'more' };
    await t.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(withExtra) }));
    const parent = JSON.parse(root(pathStyle(key), queueName)) as { Outputs: Record<string, unknown> };
    parent.Outputs['Extra'] = { Value: { 'Fn::GetAtt': ['Child', 'Outputs.Extra'] } };

    await cfn(t).send(
      new CreateChangeSetCommand({ StackName: name, ChangeSetName: 'same-url', TemplateBody: JSON.stringify(parent) }),
    );
    const changeSet = await waitFor('the change set', async () => {
      const out = await cfn(t).send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: 'same-url' }));
      return out.Status === 'CREATE_COMPLETE' ? out : undefined;
    });
    expect(changeSet.Changes?.map((c) => c.ResourceChange)).toEqual([
      {
        Action: 'Modify',
        LogicalResourceId: 'Child',
        PhysicalResourceId: nestedId,
        ResourceType: 'AWS::CloudFormation::Stack',
        Replacement: 'False',
        Scope: [],
        Details: [{ Evaluation: 'Dynamic', ChangeSource: 'Automatic' }],
      },
    ]);
    await cfn(t).send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: 'same-url' }));
    expect(output(await updated(t, name), 'Extra')).toBe('more');
    expect((await describeStack(t, nestedId ?? '')).StackStatus).toBe('UPDATE_COMPLETE');
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
  });

  it('fails the parent resource when the nested template does not exist', async () => {
    const name = randomName('root');
    await cfn(t).send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: root(pathStyle('missing.json'), 'x'),
        OnFailure: 'DO_NOTHING',
      }),
    );
    await reached(t, name, 'CREATE_FAILED');
    expect(await eventLines(t, name, true)).toContain(
      'Child CREATE_FAILED S3 error: The specified key does not exist.',
    );
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
  });
});
