/** Export tasks: CreateExportTask to S3 (layout, bucket policy checks), DescribeExportTasks, CancelExportTask. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  CancelExportTaskCommand,
  CreateExportTaskCommand,
  DescribeExportTasksCommand,
  type ExportTask,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AWS_CLI_ENV } from '../../helpers/aws-cli.js';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import {
  ACCOUNT,
  expectNoInternalErrors,
  invalidParameter,
  MINUTE,
  newGroup,
  notFoundGroup,
  putMessages,
} from './support.js';

const run = promisify(execFile);

// Held still by a test that needs a task to stay PENDING; the real clock otherwise.
let frozenAt: number | undefined;
const t = useCloud({ clock: () => frozenAt ?? Date.now() });
afterAll(() => expectNoInternalErrors(t));
afterEach(async () => {
  frozenAt = undefined;
  // Leave no active task behind for the next test (one per account is allowed).
  const { exportTasks } = await t.cwLogs().send(new DescribeExportTasksCommand({}));
  for (const task of exportTasks ?? []) {
    if (task.status?.code === 'PENDING' || task.status?.code === 'RUNNING') {
      await t.cwLogs().send(new CancelExportTaskCommand({ taskId: task.taskId }));
    }
  }
});

/** The bucket policy AWS's documentation gives for exports (GetBucketAcl, PutObject with the ACL condition). */
function exportPolicy(bucket: string, actions: ('GetBucketAcl' | 'PutObject')[] = ['GetBucketAcl', 'PutObject']) {
  const principal = { Service: 'logs.us-east-1.amazonaws.com' };
  const statements = {
    GetBucketAcl: {
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:GetBucketAcl',
      Resource: `arn:aws:s3:::${bucket}`,
    },
    PutObject: {
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*` },
      },
    },
  };
  return JSON.stringify({ Version: '2012-10-17', Statement: actions.map((action) => statements[action]) });
}

async function newBucket(policy?: (bucket: string) => string): Promise<string> {
  const Bucket = randomName('export');
  await t.s3().send(new CreateBucketCommand({ Bucket }));
  if (policy) await t.s3().send(new PutBucketPolicyCommand({ Bucket, Policy: policy(Bucket) }));
  return Bucket;
}

async function describeTask(taskId: string): Promise<ExportTask | undefined> {
  const { exportTasks } = await t.cwLogs().send(new DescribeExportTasksCommand({ taskId }));
  return exportTasks?.[0];
}

async function objectText(Bucket: string, Key: string, gzipped = false): Promise<string> {
  const { Body } = await t.s3().send(new GetObjectCommand({ Bucket, Key }));
  const bytes = Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

describe('CreateExportTask', () => {
  it('writes each stream of the range as <prefix>/<taskId>/<stream>/000000.gz, after the write test, then completes', async () => {
    const logs = t.cwLogs();
    const bucket = await newBucket(exportPolicy);
    const logGroupName = await newGroup(logs, 'export', ['app/a', 'app/b', 'other']);
    const start = Date.now() - 10 * MINUTE;
    await putMessages(logs, logGroupName, 'app/a', ['before', 'a one', 'a two'], start);
    await putMessages(logs, logGroupName, 'app/b', ['b one'], start + 1);
    await putMessages(logs, logGroupName, 'other', ['not in the prefix'], start + 1);
    const { taskId } = await logs.send(
      new CreateExportTaskCommand({
        taskName: 'nightly',
        logGroupName,
        logStreamNamePrefix: 'app/',
        from: start + 1,
        to: start + 2,
        destination: bucket,
        destinationPrefix: 'exported/logs',
      }),
    );
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    const done = await waitFor('the export to complete', async () => {
      const task = await describeTask(taskId as string);
      return task?.status?.code === 'COMPLETED' ? task : undefined;
    });
    expect(done).toEqual({
      taskId,
      taskName: 'nightly',
      logGroupName,
      from: start + 1,
      to: start + 2,
      destination: bucket,
      destinationPrefix: 'exported/logs',
      status: { code: 'COMPLETED', message: 'Completed successfully' },
      executionInfo: { creationTime: expect.any(Number), completionTime: expect.any(Number) },
    });
    const { Contents } = await t.s3().send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(Contents?.map((o) => o.Key).sort()).toEqual(
      [
        'exported/logs/aws-logs-write-test',
        `exported/logs/${taskId}/app/a/000000.gz`,
        `exported/logs/${taskId}/app/b/000000.gz`,
      ].sort(),
    );
    expect(await objectText(bucket, 'exported/logs/aws-logs-write-test')).toBe('Permission Check Successful');
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(await objectText(bucket, `exported/logs/${taskId}/app/a/000000.gz`, true)).toBe(
      `${iso(start + 1)} a one\n${iso(start + 2)} a two\n`,
    );
    expect(await objectText(bucket, `exported/logs/${taskId}/app/b/000000.gz`, true)).toBe(`${iso(start + 1)} b one\n`);
  });

  it('uses the exportedlogs prefix by default and leaves taskName out when none was given', async () => {
    const logs = t.cwLogs();
    const bucket = await newBucket(exportPolicy);
    const logGroupName = await newGroup(logs, 'default', ['s']);
    await putMessages(logs, logGroupName, 's', ['only']);
    const { taskId } = await logs.send(
      new CreateExportTaskCommand({ logGroupName, from: 0, to: Date.now(), destination: bucket }),
    );
    const task = await waitFor('completion', async () => {
      const found = await describeTask(taskId as string);
      return found?.status?.code === 'COMPLETED' ? found : undefined;
    });
    expect(task.destinationPrefix).toBe('exportedlogs');
    expect(task).not.toHaveProperty('taskName');
    expect(await objectText(bucket, `exportedlogs/${taskId}/s/000000.gz`, true)).toMatch(/^\S+Z only\n$/);
  });

  it('checks the group, the bucket and its policy, with the errors AWS gives', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'checks', ['s']);
    const create = (destination: string, group = logGroupName) =>
      failure(logs.send(new CreateExportTaskCommand({ logGroupName: group, from: 0, to: 1, destination })));
    expect(await create(await newBucket(exportPolicy), `/test/${randomName('none')}`)).toEqual(notFoundGroup);
    expect(await create(randomName('no-such-bucket'))).toEqual(
      invalidParameter('The given bucket does not exist. Please make sure the bucket is valid.'),
    );
    const denied = (action: string) => ({
      name: 'AccessDeniedException',
      message: `${action} call on the given bucket failed. Please check if CloudWatch Logs has been granted permission to perform this operation.`,
      status: 400,
    });
    expect(await create(await newBucket())).toEqual(denied('GetBucketAcl'));
    expect(await create(await newBucket((b) => exportPolicy(b, ['GetBucketAcl'])))).toEqual(denied('PutObject'));
    const noObjects = await newBucket((b) => exportPolicy(b, ['GetBucketAcl']));
    await create(noObjects);
    expect((await t.s3().send(new ListObjectsV2Command({ Bucket: noObjects }))).Contents).toBeUndefined();
    expect((await logs.send(new DescribeExportTasksCommand({}))).exportTasks?.map((x) => x.logGroupName)).not.toContain(
      logGroupName,
    );
  });
});

describe('the task lifecycle', () => {
  it('allows one active task, cancels a pending one, and refuses to cancel a finished one', async () => {
    const logs = t.cwLogs();
    const bucket = await newBucket(exportPolicy);
    const logGroupName = await newGroup(logs, 'lifecycle', ['s']);
    frozenAt = Date.now();
    const input = { logGroupName, from: 0, to: frozenAt, destination: bucket };
    const { taskId } = await logs.send(new CreateExportTaskCommand(input));
    expect((await describeTask(taskId as string))?.status).toEqual({ code: 'PENDING', message: 'Pending' });
    expect(await failure(logs.send(new CreateExportTaskCommand(input)))).toEqual({
      name: 'LimitExceededException',
      message: 'Resource limit exceeded.',
      status: 400,
    });
    const pending = await logs.send(new DescribeExportTasksCommand({ statusCode: 'PENDING' }));
    expect(pending.exportTasks?.map((x) => x.taskId)).toEqual([taskId]);
    await logs.send(new CancelExportTaskCommand({ taskId }));
    const cancelled = await describeTask(taskId as string);
    expect(cancelled?.status).toEqual({ code: 'CANCELLED', message: 'Cancelled by user' });
    expect(cancelled?.executionInfo?.completionTime).toBe(frozenAt);
    expect(await failure(logs.send(new CancelExportTaskCommand({ taskId })))).toEqual({
      name: 'InvalidOperationException',
      message: 'The specified export task has already finished',
      status: 400,
    });
    // A cancelled task never runs: nothing but the write test is in the bucket, even once time moves.
    frozenAt = undefined;
    const { taskId: next } = await logs.send(new CreateExportTaskCommand(input));
    await waitFor('the next task', async () =>
      (await describeTask(next as string))?.status?.code === 'COMPLETED' ? true : undefined,
    );
    const keys = (await t.s3().send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key);
    expect(keys?.some((key) => key?.includes(taskId as string))).toBe(false);
  });

  it('answers unknown task ids and pages DescribeExportTasks', async () => {
    const logs = t.cwLogs();
    expect(await failure(logs.send(new CancelExportTaskCommand({ taskId: randomName('task') })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The specified export task does not exist.',
      status: 400,
    });
    expect((await logs.send(new DescribeExportTasksCommand({ taskId: randomName('task') }))).exportTasks).toEqual([]);
    const all = (await logs.send(new DescribeExportTasksCommand({}))).exportTasks ?? [];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = await logs.send(new DescribeExportTasksCommand({ limit: 1 }));
    expect(first.exportTasks).toHaveLength(1);
    const second = await logs.send(new DescribeExportTasksCommand({ limit: 1, nextToken: first.nextToken }));
    expect([first.exportTasks?.[0]?.taskId, second.exportTasks?.[0]?.taskId]).toEqual(
      all.slice(0, 2).map((x) => x.taskId),
    );
  });
});

describe('boto3', () => {
  it('creates, describes and cancels export tasks over the wire', async () => {
    const logs = t.cwLogs();
    const bucket = await newBucket(exportPolicy);
    const logGroupName = await newGroup(logs, 'boto', ['s']);
    frozenAt = Date.now();
    const script = `
import json, sys, boto3
from botocore.config import Config
endpoint, group, bucket = sys.argv[1], sys.argv[2], sys.argv[3]
logs = boto3.client('logs', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
    aws_secret_access_key='test', config=Config(retries={'max_attempts': 1}))
task = logs.create_export_task(logGroupName=group, fromTime=0, to=1, destination=bucket)['taskId']
described = logs.describe_export_tasks(taskId=task)['exportTasks'][0]
logs.cancel_export_task(taskId=task)
try:
    logs.cancel_export_task(taskId=task)
    again = None
except logs.exceptions.InvalidOperationException as e:
    again = e.response['Error']['Code']
print(json.dumps({'status': described['status'], 'again': again,
  'after': logs.describe_export_tasks(taskId=task)['exportTasks'][0]['status']['code']}))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, logGroupName, bucket], { env: AWS_CLI_ENV });
    expect(JSON.parse(stdout)).toEqual({
      status: { code: 'PENDING', message: 'Pending' },
      again: 'InvalidOperationException',
      after: 'CANCELLED',
    });
  });
});
