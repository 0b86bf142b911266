/**
 * LogStore, the API other services (Lambda) write logs through: opened on the running cloud's
 * database, as the server's own services are, and read back through the SDK.
 */
import { join } from 'node:path';
import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogs, type LogStore, logsMigrations } from '../../../src/cloud/services/logs/index.js';
import { openDatabase } from '../../../src/cloud/store/database.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, expectNoInternalErrors, MINUTE } from './support.js';

const t = useCloud();
let store: LogStore;
let close: () => void;
beforeAll(() => {
  const db = openDatabase(join(t.cloud.dataDir, 'cloud.db'), logsMigrations);
  store = createLogs({ db, now: () => Date.now() }).store;
  close = () => db.close();
});
afterAll(() => {
  close();
  expectNoInternalErrors(t);
});

describe('LogStore', () => {
  it('creates the group and stream on first append, with the events readable through the API', async () => {
    const group = `/aws/lambda/${randomName('fn')}`;
    const stream = '2026/01/01/[$LATEST]0123456789abcdef';
    const start = Date.now() - MINUTE;
    store.append(ACCOUNT, 'us-east-1', group, stream, [
      { timestamp: start, message: 'START RequestId: 1 Version: $LATEST\n' },
      { timestamp: start + 5, message: 'hello from the function\n' },
      { timestamp: start + 9, message: 'END RequestId: 1\n' },
    ]);
    const logs = t.cwLogs();
    const { events } = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream }));
    expect(events?.map((e) => e.message)).toEqual([
      'START RequestId: 1 Version: $LATEST\n',
      'hello from the function\n',
      'END RequestId: 1\n',
    ]);
    expect(events?.[0]?.ingestionTime).toBeGreaterThanOrEqual(start);
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    expect(logStreams?.[0]).toMatchObject({
      logStreamName: stream,
      firstEventTimestamp: start,
      lastEventTimestamp: start + 9,
      uploadSequenceToken: expect.stringMatching(/^\d{56}$/),
    });
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(logGroups?.[0]?.storedBytes).toBe(
      'START RequestId: 1 Version: $LATEST\nhello from the function\nEND RequestId: 1\n'.length,
    );
  });

  it('appends to existing groups and streams, also ones created through the API, in any order', async () => {
    const group = `/aws/lambda/${randomName('mixed')}`;
    store.ensureGroup(ACCOUNT, 'us-east-1', group);
    store.ensureGroup(ACCOUNT, 'us-east-1', group);
    store.ensureStream(ACCOUNT, 'us-east-1', group, 's');
    store.ensureStream(ACCOUNT, 'us-east-1', group, 's');
    const now = Date.now();
    await t.cwLogs().send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's',
        logEvents: [{ timestamp: now, message: 'api' }],
      }),
    );
    // Service writes need not be chronological: reads sort by timestamp.
    store.append(ACCOUNT, 'us-east-1', group, 's', [
      { timestamp: now + 2, message: 'store later' },
      { timestamp: now - 2, message: 'store earlier' },
    ]);
    store.append(ACCOUNT, 'us-east-1', group, 's', []);
    const { events } = await t.cwLogs().send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's' }));
    expect(events?.map((e) => e.message)).toEqual(['store earlier', 'api', 'store later']);
    const { logStreams } = await t.cwLogs().send(new DescribeLogStreamsCommand({ logGroupName: group }));
    expect(logStreams?.map((s) => [s.logStreamName, s.firstEventTimestamp, s.lastEventTimestamp])).toEqual([
      ['s', now - 2, now + 2],
    ]);
  });

  it('writes to the account and region it is given', async () => {
    const group = `/aws/lambda/${randomName('regional')}`;
    store.append(ACCOUNT, 'eu-west-1', group, 's', [{ timestamp: Date.now(), message: 'in eu-west-1' }]);
    const east = await t.cwLogs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(east.logGroups).toEqual([]);
    const west = await t
      .cwLogs({ region: 'eu-west-1' })
      .send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's' }));
    expect(west.events?.map((e) => e.message)).toEqual(['in eu-west-1']);
  });

  it('creates nothing for an empty append', async () => {
    const group = `/aws/lambda/${randomName('empty')}`;
    store.append(ACCOUNT, 'us-east-1', group, 's', []);
    const { logGroups } = await t.cwLogs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(logGroups).toEqual([]);
  });
});
