/** Retention: applied lazily when a group is read, to events, stored bytes and later puts. */
import {
  CloudWatchLogsClient,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { DAY, expectNoInternalErrors, HOUR, newGroup } from './support.js';

// The server's clock runs `offset` ms ahead of the real one. The client signs with the same offset
// (set before every request, as the SDK re-derives it from each response's Date header).
let offset = 0;
const t = useCloud({ clock: () => Date.now() + offset });
afterAll(() => expectNoInternalErrors(t));

function client(): CloudWatchLogsClient {
  const logs = new CloudWatchLogsClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  logs.middlewareStack.add(
    (next) => (args) => {
      logs.config.systemClockOffset = offset;
      return next(args);
    },
    { step: 'initialize' },
  );
  return logs;
}

async function storedBytes(logs: CloudWatchLogsClient, logGroupName: string): Promise<number | undefined> {
  const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
  return logGroups?.[0]?.storedBytes;
}

describe('retention', () => {
  it('drops events older than a new retention policy from reads and from storedBytes', async () => {
    const logs = client();
    onTestFinished(() => logs.destroy());
    const logGroupName = await newGroup(logs, 'policy', ['s']);
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 5 * DAY, message: 'five days old' },
          { timestamp: now - 5 * DAY + HOUR, message: 'also old' },
        ],
      }),
    );
    await logs.send(
      new PutLogEventsCommand({ logGroupName, logStreamName: 's', logEvents: [{ timestamp: now, message: 'fresh' }] }),
    );
    expect(await storedBytes(logs, logGroupName)).toBe('five days oldalso oldfresh'.length);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 3 }));
    const got = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: 's', startFromHead: true }));
    expect(got.events?.map((e) => e.message)).toEqual(['fresh']);
    const filtered = await logs.send(new FilterLogEventsCommand({ logGroupName }));
    expect(filtered.events?.map((e) => e.message)).toEqual(['fresh']);
    expect(await storedBytes(logs, logGroupName)).toBe('fresh'.length);
    // Expired events are gone for good: removing the policy does not bring them back.
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName }));
    const after = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: 's', startFromHead: true }));
    expect(after.events?.map((e) => e.message)).toEqual(['fresh']);
  });

  it('expires events as the clock passes the retention period', async () => {
    const logs = client();
    onTestFinished(() => {
      offset = 0;
      logs.destroy();
    });
    const logGroupName = await newGroup(logs, 'clock', ['s']);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 1 }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 20 * HOUR, message: 'older' },
          { timestamp: now, message: 'newer' },
        ],
      }),
    );
    offset = 6 * HOUR;
    const first = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: 's' }));
    expect(first.events?.map((e) => e.message)).toEqual(['newer']);
    expect(await storedBytes(logs, logGroupName)).toBe('newer'.length);
    offset = 2 * DAY;
    const second = await logs.send(new FilterLogEventsCommand({ logGroupName }));
    expect(second.events).toEqual([]);
    expect(await storedBytes(logs, logGroupName)).toBe(0);
    // The stream remains, and keeps its first and last event times.
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName }));
    expect(logStreams?.map((s) => [s.logStreamName, s.lastEventTimestamp])).toEqual([['s', now]]);
  });
});
