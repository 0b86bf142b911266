/** CloudWatch Logs through the AWS CLI v1 (botocore), including its automatic pagination and errors. */

import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { awsCli } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors } from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

const cli = awsCli(() => t.url);
const aws = (...args: string[]) => cli.json('logs', ...args);

const awsError = (...args: string[]) => cli.failure('logs', ...args);

describe('AWS CLI v1', () => {
  it('creates a group and stream, puts, gets and filters events, and pages describe-log-groups', async () => {
    // Set up through the SDK: each CLI call costs a Python start (seconds on a busy machine).
    const logs = t.cwLogs();
    const group = `/cli/${randomName('group')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: `${group}-2` }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'main' }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 14 }));
    const now = Date.now();
    const put = (await aws(
      'put-log-events',
      '--log-group-name',
      group,
      '--log-stream-name',
      'main',
      '--log-events',
      `timestamp=${now - 2},message=first line`,
      `timestamp=${now - 1},message=ERROR second line`,
      `timestamp=${now + 3 * 60 * 60 * 1000},message=from the future`,
    )) as { nextSequenceToken: string; rejectedLogEventsInfo: unknown };
    expect(put.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(put.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 2 });
    const got = (await aws('get-log-events', '--log-group-name', group, '--log-stream-name', 'main')) as {
      events: { message: string }[];
      nextForwardToken: string;
    };
    expect(got.events.map((e) => e.message)).toEqual(['first line', 'ERROR second line']);
    expect(got.nextForwardToken).toMatch(/^f\//);
    const filtered = (await aws('filter-log-events', '--log-group-name', group, '--filter-pattern', 'ERROR')) as {
      events: { logStreamName: string; message: string }[];
    };
    expect(filtered.events.map((e) => [e.logStreamName, e.message])).toEqual([['main', 'ERROR second line']]);
    // --page-size 1 makes the CLI follow nextToken across pages.
    const described = (await aws('describe-log-groups', '--log-group-name-prefix', group, '--page-size', '1')) as {
      logGroups: { logGroupName: string; retentionInDays?: number }[];
    };
    expect(described.logGroups.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      [group, 14],
      [`${group}-2`, undefined],
    ]);
    await logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: `${group}-2` }));
  });

  it('reports errors with their AWS codes and messages', async () => {
    const missing = await awsError('describe-log-streams', '--log-group-name', `/cli/${randomName('none')}`);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toContain(
      'An error occurred (ResourceNotFoundException) when calling the DescribeLogStreams operation: The specified log group does not exist.',
    );
    const group = `/cli/${randomName('bad')}`;
    await t.cwLogs().send(new CreateLogGroupCommand({ logGroupName: group }));
    const retention = await awsError('put-retention-policy', '--log-group-name', group, '--retention-in-days', '2');
    expect(retention.stderr).toContain(
      "An error occurred (InvalidParameterException) when calling the PutRetentionPolicy operation: 1 validation error detected: Value '2' at 'retentionInDays'",
    );
    const again = await awsError('create-log-group', '--log-group-name', group);
    expect(again.stderr).toContain(
      'An error occurred (ResourceAlreadyExistsException) when calling the CreateLogGroup operation: The specified log group already exists',
    );
  });
});
