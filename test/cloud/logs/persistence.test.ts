/** Log groups, streams, events, retention and tags survive a restart on the same data dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS } from '../../helpers/cloud.js';
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
});
