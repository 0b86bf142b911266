/** Dead-letter queues: redrive after maxReceiveCount, source listing, message move tasks. */
import {
  CancelMessageMoveTaskCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud, waitFor } from '../../helpers/cloud.js';
import { expectNoInternalErrors, newQueue, receive } from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

async function withDeadLetterQueue(sqs: SQSClient, maxReceiveCount = 1) {
  const dlq = await newQueue(sqs, { prefix: 'dlq' });
  const source = await newQueue(sqs, {
    prefix: 'src',
    attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }) },
  });
  return { dlq, source };
}

describe('redrive', () => {
  it('moves a message received maxReceiveCount times to the dead-letter queue on the next receive', async () => {
    const sqs = t.sqs();
    const { dlq, source } = await withDeadLetterQueue(sqs);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: source.url,
        MessageBody: 'poison',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      }),
    );
    expect((await receive(sqs, source.url, { VisibilityTimeout: 0 })).Messages).toHaveLength(1);
    expect((await receive(sqs, source.url)).Messages).toBeUndefined();
    const { Messages } = await receive(sqs, dlq.url, { MessageAttributeNames: ['All'] });
    expect(Messages?.[0]).toMatchObject({
      Body: 'poison',
      MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      Attributes: { ApproximateReceiveCount: '2', DeadLetterQueueSourceArn: source.arn },
    });
    const listed = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
    expect(listed.queueUrls).toEqual([source.url]);
  });

  it('moves messages back to their source queue with a move task', async () => {
    const sqs = t.sqs();
    const { dlq, source } = await withDeadLetterQueue(sqs);
    for (const body of ['m1', 'm2'])
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: body }));
    await receive(sqs, source.url, { VisibilityTimeout: 0 });
    expect((await receive(sqs, source.url)).Messages).toBeUndefined();
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(TaskHandle).toBeDefined();
    const done = await waitFor('the move task to complete', async () => {
      const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
      return Results?.[0]?.Status === 'COMPLETED' ? Results[0] : undefined;
    });
    expect(done).toEqual({
      Status: 'COMPLETED',
      SourceArn: dlq.arn,
      ApproximateNumberOfMessagesMoved: 2,
      ApproximateNumberOfMessagesToMove: 2,
      StartedTimestamp: expect.any(Number),
    });
    const back = await receive(sqs, source.url);
    expect(back.Messages?.map((m) => m.Body).sort()).toEqual(['m1', 'm2']);
    expect(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('cancels a rate-limited task and checks its inputs', async () => {
    const sqs = t.sqs();
    const { dlq, source } = await withDeadLetterQueue(sqs);
    expect(await failure(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source.arn })))).toEqual({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
      status: 400,
    });
    for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: `m${i}` }));
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlq.arn,
        DestinationArn: source.arn,
        MaxNumberOfMessagesPerSecond: 1,
      }),
    );
    expect((await failure(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn })))).message).toBe(
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    );
    const running = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    expect(running.Results?.[0]).toMatchObject({
      Status: 'RUNNING',
      TaskHandle,
      MaxNumberOfMessagesPerSecond: 1,
      DestinationArn: source.arn,
    });
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(5);
    const after = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
    expect(after.Results?.[0]?.Status).toBe('CANCELLED');
    expect(await failure(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bad' })))).toEqual({
      name: 'InvalidParameterValue',
      message: 'Value for parameter TaskHandle is invalid.',
      status: 400,
    });
  });
});
