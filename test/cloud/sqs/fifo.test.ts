/** FIFO queues: order within a group, one group in flight, deduplication, sequence numbers. */
import {
  DeleteMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, newQueue, receive } from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

describe('FIFO queues', () => {
  it('delivers a group in order and holds it while a message of it is in flight', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { fifo: true, attributes: { ContentBasedDeduplication: 'true' } });
    const send = (body: string, group: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group }));
    const sequences: string[] = [];
    for (const [body, group] of [
      ['a1', 'A'],
      ['b1', 'B'],
      ['a2', 'A'],
      ['b2', 'B'],
    ] as const) {
      sequences.push((await send(body, group)).SequenceNumber as string);
    }
    expect(sequences.every((s) => /^\d{20}$/.test(s))).toBe(true);
    expect([...sequences].sort()).toEqual(sequences);
    // One receive fills from the first group before taking the next.
    const first = await receive(sqs, url, { MaxNumberOfMessages: 2 });
    expect(first.Messages?.map((m) => m.Body)).toEqual(['a1', 'a2']);
    expect(first.Messages?.[0]?.Attributes).toMatchObject({ MessageGroupId: 'A', SequenceNumber: sequences[0] });
    // Group A is in flight: only B is available.
    const second = await receive(sqs, url);
    expect(second.Messages?.map((m) => m.Body)).toEqual(['b1', 'b2']);
    expect((await receive(sqs, url)).Messages).toBeUndefined();
    // Deleting A's messages frees nothing new (the group is empty); B stays held until deleted.
    for (const m of first.Messages ?? [])
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    await send('a3', 'A');
    expect((await receive(sqs, url)).Messages?.map((m) => m.Body)).toEqual(['a3']);
  });

  it('deduplicates for five minutes by explicit id or body hash, per queue or per group', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { fifo: true });
    const one = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' }),
    );
    const two = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'y', MessageGroupId: 'h', MessageDeduplicationId: 'd' }),
    );
    expect(two.MessageId).toBe(one.MessageId);
    expect(two.SequenceNumber).toBe(one.SequenceNumber);
    expect((await receive(sqs, url)).Messages?.map((m) => m.Body)).toEqual(['x']);

    const content = await newQueue(sqs, { fifo: true, attributes: { ContentBasedDeduplication: 'true' } });
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: content.url,
        Entries: [
          { Id: 'a', MessageBody: 'same', MessageGroupId: 'g' },
          { Id: 'b', MessageBody: 'same', MessageGroupId: 'g' },
        ],
      }),
    );
    expect(batch.Successful?.[0]?.MessageId).toBe(batch.Successful?.[1]?.MessageId);
    const received = await receive(sqs, content.url);
    expect(received.Messages).toHaveLength(1);
    expect(received.Messages?.[0]?.Attributes?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);

    const byGroup = await newQueue(sqs, {
      fifo: true,
      attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
    });
    for (const group of ['g1', 'g2']) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: byGroup.url,
          MessageBody: group,
          MessageGroupId: group,
          MessageDeduplicationId: 'd',
        }),
      );
    }
    expect((await receive(sqs, byGroup.url)).Messages?.map((m) => m.Body).sort()).toEqual(['g1', 'g2']);
  });

  it('requires a group id and a deduplication id or content-based deduplication', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { fifo: true });
    expect(
      await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' }))),
    ).toEqual({
      name: 'MissingParameter',
      message: 'The request must contain the parameter MessageGroupId.',
      status: 400,
    });
    expect(
      await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }))),
    ).toEqual({
      name: 'InvalidParameterValue',
      message:
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      status: 400,
    });
    expect(
      (
        await failure(
          sqs.send(
            new SendMessageCommand({
              QueueUrl: url,
              MessageBody: 'x',
              MessageGroupId: 'g',
              MessageDeduplicationId: 'd',
              DelaySeconds: 2,
            }),
          ),
        )
      ).message,
    ).toBe(
      'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
    );
    expect(
      (
        await failure(
          sqs.send(
            new SendMessageCommand({
              QueueUrl: url,
              MessageBody: 'x',
              MessageGroupId: 'group 123',
              MessageDeduplicationId: 'd',
            }),
          ),
        )
      ).message,
    ).toBe(
      'Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ContentBasedDeduplication: 'true' } }));
    expect(
      (await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }))).SequenceNumber,
    ).toBeDefined();
  });

  it('refuses a stale receipt handle once the visibility timeout passed', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { fifo: true, attributes: { ContentBasedDeduplication: 'true' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' }));
    const handle = (await receive(sqs, url, { VisibilityTimeout: 0 })).Messages?.[0]?.ReceiptHandle as string;
    expect(await failure(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle })))).toEqual({
      name: 'InvalidParameterValue',
      message: `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
      status: 400,
    });
  });

  it('answers a retried receive with the same ReceiveRequestAttemptId with the same messages', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { fifo: true, attributes: { ContentBasedDeduplication: 'true' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once', MessageGroupId: 'g' }));
    const first = await receive(sqs, url, { ReceiveRequestAttemptId: 'attempt-1' });
    const retry = await receive(sqs, url, { ReceiveRequestAttemptId: 'attempt-1' });
    expect(retry.Messages?.[0]?.ReceiptHandle).toBe(first.Messages?.[0]?.ReceiptHandle);
  });
});
