/**
 * The SQS poller end to end through the real server: a function that prints each event it gets
 * (read back from CloudWatch Logs), a queue, a mapping; messages sent with the SDK. The function's
 * behaviour per message is chosen by the body: `throw` fails the invoke, `reject` is reported in
 * batchItemFailures, `reject-once` only on its first receive.
 */

import { createHash } from 'node:crypto';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  DeleteFunctionConcurrencyCommand,
  GetEventSourceMappingCommand,
  PutFunctionConcurrencyCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

const HANDLER = `
exports.handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  if (event.Records.some((r) => r.body === 'throw')) throw new Error('asked to fail');
  const failed = event.Records.filter(
    (r) => r.body.startsWith('reject') && (r.body !== 'reject-once' || r.attributes.ApproximateReceiveCount === '1'),
  );
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
};`;

type SqsRecord = {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  [key: string]: unknown;
};

/** Generous for a loaded 2-core machine; the conditions themselves come within milliseconds. */
const DEADLINE_MS = 20_000;

async function newQueue(name: string, attributes: Record<string, string> = {}) {
  const sqs = t.sqs();
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: Attributes?.['QueueArn'] ?? '' };
}

async function setup(options: {
  queue?: Record<string, string>;
  fifo?: boolean;
  mapping?: Partial<CreateEventSourceMappingCommandInput>;
}) {
  const fn = await deployFunction(t.lambda(), { 'index.js': HANDLER });
  const queue = await newQueue(randomName('q') + (options.fifo ? '.fifo' : ''), {
    ...(options.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {}),
    ...options.queue,
  });
  const created = await t
    .lambda()
    .send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn, ...options.mapping }));
  return { fn, queue, uuid: created.UUID ?? '' };
}

/** Every event the function printed, in the order it printed them. */
async function invocations(fn: string): Promise<SqsRecord[][]> {
  const found = await t
    .cwLogs()
    .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"EVENT"' }))
    .catch((error: Error) => {
      if (error.name === 'ResourceNotFoundException') return { events: [] };
      throw error;
    });
  return (found.events ?? [])
    .map((e) => e.message ?? '')
    .filter((m) => m.includes('EVENT {'))
    .map((m) => (JSON.parse(m.slice(m.indexOf('EVENT ') + 6)) as { Records: SqsRecord[] }).Records);
}

function waitForInvocations(fn: string, done: (calls: SqsRecord[][]) => boolean, what = 'the invocations') {
  return waitFor(
    what,
    async () => {
      const calls = await invocations(fn);
      return done(calls) ? calls : undefined;
    },
    DEADLINE_MS,
  );
}

const bodies = (calls: SqsRecord[][]) => calls.flat().map((r) => r.body);

async function queueCounts(url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await t.sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes['ApproximateNumberOfMessages']),
    inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']),
  };
}

function waitUntilEmpty(url: string) {
  return waitFor(
    'the queue to be empty',
    async () => {
      const counts = await queueCounts(url);
      return counts.visible === 0 && counts.inFlight === 0 ? counts : undefined;
    },
    DEADLINE_MS,
  );
}

function sendBatch(url: string, messages: string[], extra: (i: number) => object = () => ({})) {
  return t.sqs().send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: messages.map((body, i) => ({ Id: `m${i}`, MessageBody: body, ...extra(i) })),
    }),
  );
}

describe.concurrent('the SQS poller', () => {
  it('delivers a message within milliseconds in AWS’s event shape, then deletes it', async () => {
    const { fn, queue } = await setup({});
    // The first invoke starts the function's process: warm it so the latency measured is the poller's.
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'warm-up' }));
    await waitForInvocations(fn, (calls) => calls.length === 1);

    const sentAt = Date.now();
    const sent = await t.sqs().send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          Author: { DataType: 'String', StringValue: 'John' },
          Weeks: { DataType: 'Number', StringValue: '6' },
          Blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    const calls = await waitForInvocations(fn, (c) => c.length === 2);
    const record = calls[1]?.[0];
    expect(calls[1]).toHaveLength(1);
    expect(Object.keys(record ?? {})).toEqual([
      'messageId',
      'receiptHandle',
      'body',
      'attributes',
      'messageAttributes',
      'md5OfMessageAttributes',
      'md5OfBody',
      'eventSource',
      'eventSourceARN',
      'awsRegion',
    ]);
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body: '{"hello":"world"}',
      messageAttributes: {
        Author: { stringValue: 'John', stringListValues: [], binaryListValues: [], dataType: 'String' },
        Weeks: { stringValue: '6', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        Blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
    });
    expect(Object.keys(record?.attributes ?? {}).sort()).toEqual([
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
    expect(record?.attributes['ApproximateReceiveCount']).toBe('1');
    // Within milliseconds of the send (the window is 0): the receive comes right after the commit.
    const firstReceive = Number(record?.attributes['ApproximateFirstReceiveTimestamp']);
    expect(firstReceive - Number(record?.attributes['SentTimestamp'])).toBeLessThan(1_000);
    expect(firstReceive).toBeGreaterThanOrEqual(sentAt - 5);
    // A message without attributes has an empty messageAttributes and no md5OfMessageAttributes.
    expect(calls[0]?.[0]?.messageAttributes).toEqual({});
    expect(calls[0]?.[0]).not.toHaveProperty('md5OfMessageAttributes');
    await waitUntilEmpty(queue.url);
  });

  it('cuts batches by BatchSize from a backlog, and deletes every message processed', async () => {
    const fn = await deployFunction(t.lambda(), { 'index.js': HANDLER });
    const queue = await newQueue(randomName('q'));
    const sent = Array.from({ length: 7 }, (_, i) => `m-${i}`);
    await sendBatch(queue.url, sent);
    await t
      .lambda()
      .send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue.arn, BatchSize: 3 }));
    const calls = await waitForInvocations(fn, (c) => bodies(c).length >= 7);
    expect(bodies(calls).sort()).toEqual(sent);
    for (const call of calls) expect(call.length).toBeLessThanOrEqual(3);
    expect(Math.max(...calls.map((c) => c.length))).toBe(3);
    await waitUntilEmpty(queue.url);
  });

  it('gathers messages for the batching window into one batch', async () => {
    const { fn, queue } = await setup({ mapping: { BatchSize: 20, MaximumBatchingWindowInSeconds: 1 } });
    const sent = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5'];
    const started = Date.now();
    for (const body of sent) await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    const calls = await waitForInvocations(fn, (c) => bodies(c).length >= 5);
    expect(calls.map((c) => c.map((r) => r.body))).toEqual([sent]);
    // The window held the batch open for about a second after its first message.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await waitUntilEmpty(queue.url);
  });

  it('ignores batchItemFailures unless ReportBatchItemFailures is on', async () => {
    const { fn, queue } = await setup({});
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'reject' }));
    await waitForInvocations(fn, (c) => c.length === 1);
    await waitUntilEmpty(queue.url);
  });

  it('leaves a failed batch to come back after the visibility timeout, then the redrive policy moves it', async () => {
    const dlq = await newQueue(randomName('dlq'));
    const { fn, queue } = await setup({
      queue: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
      },
    });
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'throw' }));
    const calls = await waitForInvocations(fn, (c) => c.length >= 2, 'two attempts');
    expect(calls.map((c) => c[0]?.attributes['ApproximateReceiveCount'])).toEqual(['1', '2']);
    const moved = await waitFor(
      'the message in the dead-letter queue',
      async () => {
        const out = await t
          .sqs()
          .send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageSystemAttributeNames: ['All'] }));
        return out.Messages?.[0];
      },
      DEADLINE_MS,
    );
    expect(moved.Body).toBe('throw');
    expect(moved.Attributes?.['DeadLetterQueueSourceArn']).toBe(queue.arn);
    expect(await queueCounts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(t.logs.some((line) => line.includes('function error (Unhandled)'))).toBe(true);
  });

  it('deletes what a partial batch response leaves out and redelivers only the failed messages', async () => {
    const { fn, queue } = await setup({
      queue: { VisibilityTimeout: '1' },
      mapping: { FunctionResponseTypes: ['ReportBatchItemFailures'] },
    });
    await sendBatch(queue.url, ['ok-1', 'reject-once', 'ok-2']);
    const calls = await waitForInvocations(fn, (c) => c.length >= 2);
    expect(calls.map((c) => c.map((r) => r.body))).toEqual([['ok-1', 'reject-once', 'ok-2'], ['reject-once']]);
    expect(calls[1]?.[0]?.attributes['ApproximateReceiveCount']).toBe('2');
    await waitUntilEmpty(queue.url);
  });

  it('keeps FIFO order per message group, and holds back a failed message’s followers in its group', async () => {
    const { fn, queue } = await setup({
      fifo: true,
      queue: { VisibilityTimeout: '1' },
      mapping: { FunctionResponseTypes: ['ReportBatchItemFailures'] },
    });
    const sent = ['a-1', 'b-1', 'a-2', 'reject-once', 'b-2', 'a-4', 'b-3'];
    const group = (body: string) => (body.startsWith('b') ? 'b' : 'a');
    await sendBatch(queue.url, sent, (i) => ({ MessageGroupId: group(sent[i] ?? '') }));
    const calls = await waitForInvocations(
      fn,
      (c) => bodies(c).filter((b) => b === 'a-4').length === 2 && bodies(c).includes('b-3'),
    );
    const received = calls.flat();
    // Each group's messages arrived in the order they were sent, retries included.
    const inGroup = (g: string) => received.filter((r) => group(r.body) === g).map((r) => r.body);
    expect(inGroup('b')).toEqual(['b-1', 'b-2', 'b-3']);
    expect(inGroup('a')).toEqual(['a-1', 'a-2', 'reject-once', 'a-4', 'reject-once', 'a-4']);
    // a-4 came back although the function did not reject it: it followed the failed message.
    expect(received.filter((r) => r.body === 'a-4').map((r) => r.attributes['ApproximateReceiveCount'])).toEqual([
      '1',
      '2',
    ]);
    const first = received.find((r) => r.body === 'a-1');
    expect(first?.attributes).toMatchObject({ MessageGroupId: 'a', MessageDeduplicationId: expect.any(String) });
    expect(first?.attributes['SequenceNumber']).toMatch(/^\d{20}$/);
    await waitUntilEmpty(queue.url);
  });

  it('delivers only what a filter matches and deletes the rest', async () => {
    const { fn, queue } = await setup({
      mapping: { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['keep'] } }) }] } },
    });
    await sendBatch(queue.url, ['{"kind":"drop"}', 'not json', '{"kind":"keep","n":1}']);
    await waitUntilEmpty(queue.url);
    const calls = await waitForInvocations(fn, (c) => c.length >= 1);
    expect(bodies(calls)).toEqual(['{"kind":"keep","n":1}']);
  });

  it('stops at once when disabled and resumes when enabled', async () => {
    const { fn, queue, uuid } = await setup({});
    const lambda = t.lambda();
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'before' }));
    await waitForInvocations(fn, (c) => c.length === 1);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'while-disabled' }));
    // An enabled mapping takes a message within milliseconds; a disabled one leaves it visible.
    // This bounded observation is the one negative check: nothing may receive it meanwhile.
    const observeUntil = Date.now() + 300;
    while (Date.now() < observeUntil) {
      expect(await queueCounts(queue.url)).toEqual({ visible: 1, inFlight: 0 });
    }
    await waitFor('the mapping Disabled', async () => {
      const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.State === 'Disabled' ? m : undefined;
    });
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    const calls = await waitForInvocations(fn, (c) => c.length === 2);
    expect(bodies(calls)).toEqual(['before', 'while-disabled']);
    await waitUntilEmpty(queue.url);
  });

  it('returns throttled messages to the queue and delivers them once the function may run', async () => {
    const { fn, queue } = await setup({ queue: { VisibilityTimeout: '1' } });
    const lambda = t.lambda();
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 0 }));
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'throttled' }));
    await waitFor(
      'the throttle in the cloud’s log',
      () => t.logs.find((line) => line.includes(queue.arn) && line.includes('throttled')),
      DEADLINE_MS,
    );
    expect(await invocations(fn)).toEqual([]);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: fn }));
    const calls = await waitForInvocations(fn, (c) => c.length === 1);
    expect(Number(calls[0]?.[0]?.attributes['ApproximateReceiveCount'])).toBeGreaterThanOrEqual(2);
    await waitUntilEmpty(queue.url);
  });
});
