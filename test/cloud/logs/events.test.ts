/** PutLogEvents (limits, rejected events), GetLogEvents (head, tail, tokens, windows) and FilterLogEvents. */
import {
  type CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import {
  ACCOUNT,
  DAY,
  expectNoInternalErrors,
  HOUR,
  invalidParameter,
  MINUTE,
  newGroup,
  notFoundGroup,
  notFoundStream,
  putMessages,
} from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

const messagesOf = (events: { message?: string }[] | undefined) => (events ?? []).map((e) => e.message);

async function filterAll(logs: CloudWatchLogsClient, input: FilterLogEventsCommandInput) {
  const pages = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ ...input, nextToken }));
    pages.push(page);
    nextToken = page.nextToken;
  } while (nextToken);
  return pages;
}

describe('PutLogEvents', () => {
  it('returns a new sequence token per call and stores events with their ingestion time', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'put', ['s']);
    const timestamp = Date.now() - MINUTE;
    const first = await logs.send(
      new PutLogEventsCommand({ logGroupName, logStreamName: 's', logEvents: [{ timestamp, message: 'héllo' }] }),
    );
    const second = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [{ timestamp, message: 'again' }],
        sequenceToken: 'ignored-since-2023',
      }),
    );
    expect(first.nextSequenceToken).not.toBe(second.nextSequenceToken);
    expect(first.rejectedLogEventsInfo).toBeUndefined();
    const { events } = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: 's' }));
    expect(events).toEqual([
      { timestamp, message: 'héllo', ingestionTime: expect.any(Number) },
      { timestamp, message: 'again', ingestionTime: expect.any(Number) },
    ]);
    expect(events?.[0]?.ingestionTime).toBeGreaterThanOrEqual(timestamp);
  });

  it('refuses batches out of order, spanning more than 24 hours, or above 1 MiB', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'limits', ['s']);
    const now = Date.now();
    const put = (logEvents: { timestamp: number; message: string }[]) =>
      failure(logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 's', logEvents })));
    expect(
      await put([
        { timestamp: now, message: 'b' },
        { timestamp: now - 1, message: 'a' },
      ]),
    ).toEqual(invalidParameter('Log events in a single PutLogEvents request must be in chronological order.'));
    expect(
      await put([
        { timestamp: now - DAY - 1, message: 'a' },
        { timestamp: now, message: 'b' },
      ]),
    ).toEqual(
      invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.'),
    );
    // Each event counts its message plus 26 bytes: 4 x (262,144 - 26 + 1) is just over 1,048,576.
    const big = 'x'.repeat(262_144 - 26 + 1);
    expect(await put(Array.from({ length: 4 }, () => ({ timestamp: now, message: big })))).toEqual(
      invalidParameter('Upload too large: 1048580 bytes exceeds limit of 1048576'),
    );
    // Exactly at the limit is accepted.
    const fits = 'x'.repeat(262_144 - 26);
    await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: Array.from({ length: 4 }, () => ({ timestamp: now, message: fits })),
      }),
    );
    const tooMany = Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'm' }));
    const error = await put(tooMany);
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(
      /^1 validation error detected: .* at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000$/,
    );
  });

  it('reports events too old, expired or too new in rejectedLogEventsInfo and stores the rest', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'rejected', ['s']);
    const now = Date.now();
    const tooOld = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 14 * DAY - 2 * HOUR, message: 'old 0' },
          { timestamp: now - 14 * DAY - HOUR, message: 'old 1' },
          { timestamp: now - 14 * DAY + 20 * HOUR, message: 'kept 2' },
        ],
      }),
    );
    expect(tooOld.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1 });
    const tooNew = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [
          { timestamp: now, message: 'kept 0' },
          { timestamp: now + HOUR, message: 'kept 1' },
          { timestamp: now + 3 * HOUR, message: 'new 2' },
          { timestamp: now + 4 * HOUR, message: 'new 3' },
        ],
      }),
    );
    expect(tooNew.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 2 });
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 1 }));
    const expired = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - DAY - 2 * HOUR, message: 'expired 0' },
          { timestamp: now - DAY - MINUTE, message: 'expired 1' },
          { timestamp: now - 3 * HOUR, message: 'kept 2' },
        ],
      }),
    );
    expect(expired.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });
    const all = await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 's',
        logEvents: [{ timestamp: now + 5 * HOUR, message: 'only too new' }],
      }),
    );
    expect(all.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 0 });
    expect(all.nextSequenceToken).toMatch(/^\d{56}$/);
    const { events } = await logs.send(
      new GetLogEventsCommand({ logGroupName, logStreamName: 's', startFromHead: true }),
    );
    // 'kept 2' of the first batch is now past the 1-day retention, so it is gone too.
    expect(messagesOf(events)).toEqual(['kept 2', 'kept 0', 'kept 1']);
  });

  it('answers ResourceNotFoundException for a missing group or stream', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'missing');
    const logEvents = [{ timestamp: Date.now(), message: 'x' }];
    expect(await failure(logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 's', logEvents })))).toEqual(
      notFoundStream,
    );
    expect(
      await failure(
        logs.send(new PutLogEventsCommand({ logGroupName: `${logGroupName}x`, logStreamName: 's', logEvents })),
      ),
    ).toEqual(notFoundGroup);
  });
});

describe('GetLogEvents', () => {
  const messages = Array.from({ length: 25 }, (_, i) => `event ${String(i).padStart(2, '0')}`);
  let logGroupName: string;
  let start: number;
  const get = (input: Partial<GetLogEventsCommandInput>) =>
    t.cwLogs().send(new GetLogEventsCommand({ logGroupName, logStreamName: 's', ...input }));

  it('returns the newest events by default and the oldest with startFromHead, ascending either way', async () => {
    const logs = t.cwLogs();
    logGroupName = await newGroup(logs, 'get', ['s', 'empty']);
    start = Date.now() - 10 * MINUTE;
    await putMessages(logs, logGroupName, 's', messages, start);
    expect(messagesOf((await get({})).events)).toEqual(messages);
    expect(messagesOf((await get({ limit: 3 })).events)).toEqual(messages.slice(22));
    expect(messagesOf((await get({ limit: 3, startFromHead: true })).events)).toEqual(messages.slice(0, 3));
  });

  it('pages forward and backward with f/ and b/ tokens, returning the same token at the end', async () => {
    const forward: string[] = [];
    let page = await get({ limit: 10, startFromHead: true });
    for (;;) {
      expect(page.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
      expect(page.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
      forward.push(...messagesOf(page.events).map(String));
      const next = await get({ limit: 10, nextToken: page.nextForwardToken });
      if (next.events?.length === 0) {
        expect(next.nextForwardToken).toBe(page.nextForwardToken);
        break;
      }
      page = next;
    }
    expect(forward).toEqual(messages);

    const backward: string[][] = [];
    page = await get({ limit: 10 });
    backward.push(messagesOf(page.events).map(String));
    for (;;) {
      const previous = await get({ limit: 10, nextToken: page.nextBackwardToken });
      if (previous.events?.length === 0) {
        expect(previous.nextBackwardToken).toBe(page.nextBackwardToken);
        break;
      }
      backward.push(messagesOf(previous.events).map(String));
      page = previous;
    }
    expect(backward).toEqual([messages.slice(15), messages.slice(5, 15), messages.slice(0, 5)]);
    // From the first page, a forward token leads on to the events after it.
    const head = await get({ limit: 5, startFromHead: true });
    expect(messagesOf((await get({ limit: 2, nextToken: head.nextForwardToken })).events)).toEqual(
      messages.slice(5, 7),
    );
  });

  it('limits to [startTime, endTime)', async () => {
    const window = await get({ startTime: start + 5, endTime: start + 8, startFromHead: true });
    expect(messagesOf(window.events)).toEqual(messages.slice(5, 8));
    expect(messagesOf((await get({ startTime: start + 24 })).events)).toEqual(messages.slice(24));
    expect((await get({ endTime: start })).events).toEqual([]);
  });

  it('gives an empty stream tokens that later pick up new events', async () => {
    const empty = await get({ logStreamName: 'empty', startFromHead: true });
    expect(empty.events).toEqual([]);
    await putMessages(t.cwLogs(), logGroupName, 'empty', ['late 1', 'late 2']);
    const later = await get({ logStreamName: 'empty', nextToken: empty.nextForwardToken });
    expect(messagesOf(later.events)).toEqual(['late 1', 'late 2']);
  });

  it('keeps insertion order among equal timestamps, by name or ARN identifier', async () => {
    const logs = t.cwLogs();
    const group = await newGroup(logs, 'same-ms', ['s']);
    const timestamp = Date.now() - MINUTE;
    const logEvents = ['c', 'a', 'b'].map((message) => ({ timestamp, message }));
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents }));
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}`;
    const byArn = await logs.send(new GetLogEventsCommand({ logGroupIdentifier: arn, logStreamName: 's' }));
    expect(messagesOf(byArn.events)).toEqual(['c', 'a', 'b']);
  });

  it('stops at 1 MB of events per response', async () => {
    const logs = t.cwLogs();
    const group = await newGroup(logs, 'megabyte', ['s']);
    const message = 'y'.repeat(100_000 - 26);
    const timestamp = Date.now() - MINUTE;
    for (let batch = 0; batch < 2; batch++) {
      const logEvents = Array.from({ length: 8 }, () => ({ timestamp, message }));
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents }));
    }
    const page = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 's', startFromHead: true }),
    );
    expect(page.events?.length).toBe(10);
    const rest = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 's', nextToken: page.nextForwardToken }),
    );
    expect(rest.events?.length).toBe(6);
  });

  it('answers the AWS errors for missing resources, bad tokens and limits', async () => {
    expect(await failure(get({ logStreamName: 'nope' }))).toEqual(notFoundStream);
    expect(await failure(get({ logGroupName: `${logGroupName}-none` }))).toEqual(notFoundGroup);
    expect(await failure(get({ nextToken: 'f/123' }))).toEqual(invalidParameter('The specified nextToken is invalid.'));
    expect(await failure(get({ limit: 10_001 }))).toEqual(
      invalidParameter(
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
      ),
    );
  });
});

describe('FilterLogEvents', () => {
  let logGroupName: string;
  let start: number;

  it('interleaves the streams by timestamp with stream names and event ids', async () => {
    const logs = t.cwLogs();
    logGroupName = await newGroup(logs, 'filter', ['app/1', 'app/2', 'other']);
    start = Date.now() - 10 * MINUTE;
    // The digit in each message is its timestamp's offset from start.
    const put = (logStreamName: string, messages: string[]) =>
      logs.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: messages.map((message) => ({ timestamp: start + Number(message.slice(1)), message })),
        }),
      );
    await put('app/1', ['a0', 'a2', 'a4']);
    await put('app/2', ['b1', 'b3']);
    await put('other', ['o5']);
    const { events, searchedLogStreams, nextToken } = await logs.send(new FilterLogEventsCommand({ logGroupName }));
    expect(events?.map((e) => [e.logStreamName, e.message])).toEqual([
      ['app/1', 'a0'],
      ['app/2', 'b1'],
      ['app/1', 'a2'],
      ['app/2', 'b3'],
      ['app/1', 'a4'],
      ['other', 'o5'],
    ]);
    expect(events?.[0]).toEqual({
      logStreamName: 'app/1',
      timestamp: start,
      message: 'a0',
      ingestionTime: expect.any(Number),
      eventId: expect.stringMatching(/^\d{56}$/),
    });
    expect(new Set(events?.map((e) => e.eventId)).size).toBe(6);
    // AWS stopped reporting searched streams in 2020: the list is always empty.
    expect(searchedLogStreams).toEqual([]);
    expect(nextToken).toBeUndefined();
  });

  it('selects streams by name list or prefix, and time by inclusive [startTime, endTime]', async () => {
    const logs = t.cwLogs();
    const messages = async (input: Partial<FilterLogEventsCommandInput>) =>
      messagesOf((await logs.send(new FilterLogEventsCommand({ logGroupName, ...input }))).events);
    expect(await messages({ logStreamNames: ['app/2', 'other', 'missing'] })).toEqual(['b1', 'b3', 'o5']);
    expect(await messages({ logStreamNamePrefix: 'app/' })).toEqual(['a0', 'b1', 'a2', 'b3', 'a4']);
    expect(await messages({ startTime: start + 1, endTime: start + 3 })).toEqual(['b1', 'a2', 'b3']);
    expect(await messages({ filterPattern: 'a', logStreamNamePrefix: 'app' })).toEqual(['a0', 'a2', 'a4']);
  });

  it('pages with limit and nextToken, also when the pattern skips events', async () => {
    const logs = t.cwLogs();
    const pages = await filterAll(logs, { logGroupName, limit: 2 });
    expect(pages.map((p) => messagesOf(p.events))).toEqual([
      ['a0', 'b1'],
      ['a2', 'b3'],
      ['a4', 'o5'],
    ]);
    const filtered = await filterAll(logs, { logGroupName, limit: 1, filterPattern: '?a2 ?o5' });
    expect(filtered.map((p) => messagesOf(p.events))).toEqual([['a2'], ['o5']]);
  });

  it('names the group by ARN and answers the AWS errors', async () => {
    const logs = t.cwLogs();
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}`;
    const byArn = await logs.send(new FilterLogEventsCommand({ logGroupIdentifier: arn, filterPattern: 'o5' }));
    expect(messagesOf(byArn.events)).toEqual(['o5']);
    expect(
      await failure(
        logs.send(new FilterLogEventsCommand({ logGroupName, logStreamNames: ['a'], logStreamNamePrefix: 'a' })),
      ),
    ).toEqual(invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix.'));
    expect(await failure(logs.send(new FilterLogEventsCommand({ logGroupName: `${logGroupName}-none` })))).toEqual(
      notFoundGroup,
    );
    expect(await failure(logs.send(new FilterLogEventsCommand({ logGroupName, nextToken: 'bogus' })))).toEqual(
      invalidParameter('The specified nextToken is invalid.'),
    );
    const other = await newGroup(logs, 'other-group');
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName, limit: 1 }));
    expect(
      await failure(logs.send(new FilterLogEventsCommand({ logGroupName: other, nextToken: page.nextToken }))),
    ).toEqual(invalidParameter('The specified nextToken is invalid.'));
  });
});
