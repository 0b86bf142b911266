/** Log groups, streams, events, retention, tags and export tasks survive a restart on the same data dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateExportTaskCommand,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeExportTasksCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS, waitFor } from '../../helpers/cloud.js';
import { MINUTE } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function client(url: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

describe('persistence', () => {
  it('reads back what was written before a restart, and keeps paging tokens valid', async () => {
    const serverLog: string[] = [];
    const log = (line: string) => serverLog.push(line);
    const logGroupName = `/test/${randomName('restart')}`;
    const start = Date.now() - MINUTE;
    let cloud = await startCloud({ port: 0, dataDir: dir, log });
    let logs = client(cloud.url);
    await logs.send(new CreateLogGroupCommand({ logGroupName, tags: { kept: 'yes' } }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 7 }));
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 'before' }));
    const logEvents = ['one', 'two', 'three'].map((message, i) => ({ timestamp: start + i, message }));
    const put = await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 'before', logEvents }));
    const firstPage = await logs.send(
      new GetLogEventsCommand({ logGroupName, logStreamName: 'before', startFromHead: true, limit: 1 }),
    );
    logs.destroy();
    await cloud.close();

    cloud = await startCloud({ port: 0, dataDir: dir, log });
    logs = client(cloud.url);
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(logGroups?.[0]).toMatchObject({ logGroupName, retentionInDays: 7, storedBytes: 'onetwothree'.length });
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName }))).tags).toEqual({ kept: 'yes' });
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName }));
    expect(logStreams?.[0]).toMatchObject({
      logStreamName: 'before',
      firstEventTimestamp: start,
      lastEventTimestamp: start + 2,
      uploadSequenceToken: put.nextSequenceToken,
    });
    const rest = await logs.send(
      new GetLogEventsCommand({ logGroupName, logStreamName: 'before', nextToken: firstPage.nextForwardToken }),
    );
    expect(rest.events?.map((e) => e.message)).toEqual(['two', 'three']);
    // New writes continue the stream (sequence tokens keep increasing, event ids stay unique).
    const next = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 'before',
        logEvents: [{ timestamp: start + 3, message: 'four' }],
      }),
    );
    expect(next.nextSequenceToken).not.toBe(put.nextSequenceToken);
    const { events } = await logs.send(new FilterLogEventsCommand({ logGroupName }));
    expect(events?.map((e) => e.message)).toEqual(['one', 'two', 'three', 'four']);
    expect(new Set(events?.map((e) => e.eventId)).size).toBe(4);
    logs.destroy();
    await cloud.close();
    expect(serverLog.filter((line) => line.includes('internal error'))).toEqual([]);
  });

  it('resumes an export task left PENDING by a restart and completes it', async () => {
    // The first cloud's clock stands still, so the task cannot start before the restart.
    const frozen = Date.now();
    let cloud = await startCloud({ port: 0, dataDir: dir, clock: () => frozen });
    let logs = client(cloud.url);
    const s3 = new S3Client({
      endpoint: cloud.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    const Bucket = randomName('resume');
    const principal = { Service: 'logs.us-east-1.amazonaws.com' };
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: JSON.stringify({
          Statement: [
            { Effect: 'Allow', Principal: principal, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${Bucket}` },
            { Effect: 'Allow', Principal: principal, Action: 's3:PutObject', Resource: `arn:aws:s3:::${Bucket}/*` },
          ],
        }),
      }),
    );
    const logGroupName = `/test/${randomName('export')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [{ timestamp: frozen - 1, message: 'kept' }],
      }),
    );
    const { taskId } = await logs.send(
      new CreateExportTaskCommand({ logGroupName, from: 0, to: frozen, destination: Bucket }),
    );
    logs.destroy();
    s3.destroy();
    await cloud.close();

    cloud = await startCloud({ port: 0, dataDir: dir });
    logs = client(cloud.url);
    const task = await waitFor('the resumed export', async () => {
      const { exportTasks } = await logs.send(new DescribeExportTasksCommand({ taskId }));
      return exportTasks?.[0]?.status?.code === 'COMPLETED' ? exportTasks[0] : undefined;
    });
    expect(task.executionInfo?.completionTime).toBeGreaterThanOrEqual(frozen);
    const reader = new S3Client({
      endpoint: cloud.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    const { Contents } = await reader.send(new ListObjectsV2Command({ Bucket, Prefix: `exportedlogs/${taskId}/` }));
    expect(Contents?.map((o) => o.Key)).toEqual([`exportedlogs/${taskId}/s/000000.gz`]);
    reader.destroy();
    logs.destroy();
    await cloud.close();
  });
});
