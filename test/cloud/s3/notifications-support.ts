/** S3 notification test support: a queue S3 may send to, and reading what arrived on it. */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { randomName } from '../../helpers/cloud.js';

/** A queue policy statement letting S3 send from `bucket` (as the S3 console writes it). */
export function s3QueuePolicy(queueArn: string, bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
      },
    ],
  });
}

/** A new queue; with `allowBucket`, its policy lets that bucket's notifications in. */
export async function createQueue(sqs: SQSClient, allowBucket?: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: randomName('q') }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.['QueueArn'] ?? '';
  if (allowBucket) {
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: s3QueuePolicy(arn, allowBucket) } }),
    );
  }
  return { url: QueueUrl, arn };
}

/** Receives (and deletes) until `count` message bodies arrived, parsed as JSON, or the deadline passed. */
export async function receiveJson(
  sqs: SQSClient,
  url: string,
  count: number,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < count) {
    if (Date.now() > deadline) throw new Error(`received ${bodies.length} of ${count} messages`);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body ?? '{}') as Record<string, unknown>);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return bodies;
}

export interface S3Record {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
}

/** The records of S3 event messages (test events left out). */
export function recordsOf(messages: Record<string, unknown>[]): S3Record[] {
  return messages.flatMap((m) => (m['Records'] as S3Record[] | undefined) ?? []);
}
