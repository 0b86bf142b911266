/** Log streams: create, delete, describe (fields, prefix, both orders, pagination, group identifiers). */
import {
  CreateLogStreamCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  type DescribeLogStreamsCommandInput,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import {
  ACCOUNT,
  expectNoInternalErrors,
  invalidParameter,
  MINUTE,
  newGroup,
  notFoundGroup,
  notFoundStream,
  putMessages,
} from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

async function streamNames(input: DescribeLogStreamsCommandInput): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await t.cwLogs().send(new DescribeLogStreamsCommand({ ...input, nextToken }));
    names.push(...(page.logStreams ?? []).map((s) => s.logStreamName as string));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

describe('CreateLogStream and DeleteLogStream', () => {
  it('creates a stream whose description has no event fields until events arrive', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'fields', ['2024/01/01/[$LATEST]abc']);
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName }));
    expect(logStreams).toEqual([
      {
        logStreamName: '2024/01/01/[$LATEST]abc',
        creationTime: expect.any(Number),
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}:log-stream:2024/01/01/[$LATEST]abc`,
        storedBytes: 0,
      },
    ]);
  });

  it('reports first/last event timestamps, ingestion time and the upload sequence token after a put', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'stats', ['s']);
    const start = Date.now() - 10 * MINUTE;
    await putMessages(logs, logGroupName, 's', ['one', 'two', 'three'], start);
    const put = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [{ timestamp: start - MINUTE, message: 'earlier, in a later batch' }],
      }),
    );
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName }));
    const stream = logStreams?.[0];
    expect(stream).toMatchObject({
      logStreamName: 's',
      firstEventTimestamp: start - MINUTE,
      lastEventTimestamp: start + 2,
      uploadSequenceToken: put.nextSequenceToken,
      // Deprecated for streams: AWS always reports 0 (the group reports the real size).
      storedBytes: 0,
    });
    expect(stream?.lastIngestionTime).toBeGreaterThanOrEqual(stream?.creationTime ?? Number.POSITIVE_INFINITY);
    expect(put.nextSequenceToken).toMatch(/^\d{56}$/);
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(logGroups?.[0]?.storedBytes).toBe('onetwothreeearlier, in a later batch'.length);
  });

  it('answers the AWS errors for existing, missing and invalid streams', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'errors', ['s']);
    expect(await failure(logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's' })))).toEqual({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log stream already exists',
      status: 400,
    });
    const missingGroup = `${logGroupName}-missing`;
    expect(
      await failure(logs.send(new CreateLogStreamCommand({ logGroupName: missingGroup, logStreamName: 's' }))),
    ).toEqual(notFoundGroup);
    expect(await failure(logs.send(new DeleteLogStreamCommand({ logGroupName, logStreamName: 'nope' })))).toEqual(
      notFoundStream,
    );
    expect(
      await failure(logs.send(new DeleteLogStreamCommand({ logGroupName: missingGroup, logStreamName: 's' }))),
    ).toEqual(notFoundGroup);
    for (const logStreamName of ['a:b', 'star*']) {
      expect(await failure(logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName })))).toEqual(
        invalidParameter(
          `1 validation error detected: Value '${logStreamName}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
        ),
      );
    }
    await logs.send(new DeleteLogStreamCommand({ logGroupName, logStreamName: 's' }));
    expect(await streamNames({ logGroupName })).toEqual([]);
  });
});

describe('DescribeLogStreams', () => {
  // Created in this order; events make the last-event order differ from both name and creation order.
  const streams = ['b-2', 'a-1', 'c-3', 'a-2', 'b-1'];
  const lastEventOffsets: Record<string, number> = { 'b-2': 3, 'a-1': 5, 'c-3': 1, 'a-2': 4, 'b-1': 2 };
  let logGroupName: string;

  it('lists streams in name order, ascending or descending, filtered by prefix', async () => {
    const logs = t.cwLogs();
    logGroupName = await newGroup(logs, 'order', streams);
    const start = Date.now() - 30 * MINUTE;
    for (const name of streams) {
      await putMessages(logs, logGroupName, name, ['x'], start + (lastEventOffsets[name] as number) * MINUTE);
    }
    expect(await streamNames({ logGroupName })).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'c-3']);
    expect(await streamNames({ logGroupName, descending: true })).toEqual(['c-3', 'b-2', 'b-1', 'a-2', 'a-1']);
    expect(await streamNames({ logGroupName, logStreamNamePrefix: 'b-' })).toEqual(['b-1', 'b-2']);
    expect(await streamNames({ logGroupName, logStreamNamePrefix: 'b-', descending: true })).toEqual(['b-2', 'b-1']);
    expect(await streamNames({ logGroupName, logStreamNamePrefix: 'z' })).toEqual([]);
  });

  it('orders by LastEventTime in both directions', async () => {
    expect(await streamNames({ logGroupName, orderBy: 'LastEventTime' })).toEqual(['c-3', 'b-1', 'b-2', 'a-2', 'a-1']);
    expect(await streamNames({ logGroupName, orderBy: 'LastEventTime', descending: true })).toEqual([
      'a-1',
      'a-2',
      'b-2',
      'b-1',
      'c-3',
    ]);
  });

  it('pages with limit in every order, each page at most limit long', async () => {
    for (const input of [
      { limit: 2 },
      { limit: 2, descending: true },
      { limit: 1, orderBy: 'LastEventTime' as const },
      { limit: 3, orderBy: 'LastEventTime' as const, descending: true },
      { limit: 1, logStreamNamePrefix: 'a' },
    ]) {
      const whole = await t.cwLogs().send(new DescribeLogStreamsCommand({ ...input, logGroupName, limit: 50 }));
      const expected = (whole.logStreams ?? []).map((s) => s.logStreamName);
      const first = await t.cwLogs().send(new DescribeLogStreamsCommand({ ...input, logGroupName }));
      expect(first.logStreams?.length).toBe(Math.min(input.limit, expected.length));
      expect(await streamNames({ ...input, logGroupName })).toEqual(expected);
    }
  });

  it('names the group by logGroupIdentifier (name or logGroupArn)', async () => {
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}`;
    expect(await streamNames({ logGroupIdentifier: arn, logStreamNamePrefix: 'c' })).toEqual(['c-3']);
    expect(await streamNames({ logGroupIdentifier: logGroupName, logStreamNamePrefix: 'c' })).toEqual(['c-3']);
  });

  it('refuses the arn form (with :*) as logGroupIdentifier with the pattern message, on every operation that takes it', async () => {
    const logs = t.cwLogs();
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    const arn = logGroups?.[0]?.arn as string;
    expect(arn.endsWith(':*')).toBe(true);
    const refused = invalidParameter(
      `1 validation error detected: Value '${arn}' at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*`,
    );
    expect(await failure(logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: arn })))).toEqual(refused);
    expect(
      await failure(logs.send(new GetLogEventsCommand({ logGroupIdentifier: arn, logStreamName: 'a-1' }))),
    ).toEqual(refused);
    expect(await failure(logs.send(new FilterLogEventsCommand({ logGroupIdentifier: arn })))).toEqual(refused);
    expect(await failure(logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [arn] })))).toEqual(
      invalidParameter(
        `1 validation error detected: Value '${arn}' at 'logGroupIdentifiers.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*`,
      ),
    );
  });

  it('rejects a prefix with LastEventTime order, both or neither group parameter, and foreign tokens', async () => {
    const logs = t.cwLogs();
    expect(
      await failure(
        logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', logStreamNamePrefix: 'a' })),
      ),
    ).toEqual(invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.'));
    expect(
      await failure(logs.send(new DescribeLogStreamsCommand({ logGroupName, logGroupIdentifier: logGroupName }))),
    ).toEqual({
      name: 'ValidationException',
      message: 'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
      status: 400,
    });
    expect((await failure(logs.send(new DescribeLogStreamsCommand({})))).name).toBe('InvalidParameterException');
    expect(
      await failure(logs.send(new DescribeLogStreamsCommand({ logGroupName: `/test/${randomName('no')}` }))),
    ).toEqual(notFoundGroup);
    // A token from the name order is not valid for the time order.
    const page = await logs.send(new DescribeLogStreamsCommand({ logGroupName, limit: 1 }));
    expect(
      await failure(
        logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', nextToken: page.nextToken })),
      ),
    ).toEqual(invalidParameter('The specified nextToken is invalid.'));
    expect(await failure(logs.send(new DescribeLogStreamsCommand({ logGroupName, limit: 51 })))).toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});
