/** Shared helpers for the SQS end-to-end tests. */
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { randomName, type TestCloud } from '../../helpers/cloud.js';

export const ACCOUNT = '000000000000';

/** Creates a queue with a random name (FIFO when `fifo`), returning its URL and name. */
export async function newQueue(
  sqs: SQSClient,
  options: { prefix?: string; fifo?: boolean; attributes?: Record<string, string> } = {},
): Promise<{ url: string; name: string; arn: string }> {
  const name = `${randomName(options.prefix ?? 'q')}${options.fifo ? '.fifo' : ''}`;
  const Attributes = { ...(options.fifo ? { FifoQueue: 'true' } : {}), ...options.attributes };
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  return { url: QueueUrl as string, name, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
}

export function expectNoInternalErrors(t: TestCloud): void {
  expect(t.logs.filter((line) => line.includes('internal error'))).toEqual([]);
}

/** Receives up to 10 messages without waiting, with all their system attributes. */
export function receive(sqs: SQSClient, QueueUrl: string, extra: Record<string, unknown> = {}) {
  return sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      WaitTimeSeconds: 0,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      ...extra,
    }),
  );
}
