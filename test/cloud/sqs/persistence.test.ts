/** Queues and messages survive a restart; in-flight messages come back when their timeout passes; retention. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS } from '../../helpers/cloud.js';

const dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-sqs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `offsetMs`: how far the server's clock is ahead, so signatures stay in date. */
function client(url: string, offsetMs = 0): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    systemClockOffset: offsetMs,
  });
}

describe('persistence', () => {
  it('keeps in-flight messages across a restart and makes them visible when their timeout passes', async () => {
    let offset = 0;
    const clock = () => Date.now() + offset;
    const log: string[] = [];
    let cloud = await startCloud({ port: 0, dataDir: dir, clock, log: (line) => log.push(line) });
    let sqs = client(cloud.url);
    const QueueName = randomName('restart');
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName, Attributes: { MessageRetentionPeriod: '3600' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'in flight' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }));
    expect(first.Messages).toHaveLength(1);
    sqs.destroy();
    await cloud.close();

    cloud = await startCloud({ port: 0, dataDir: dir, clock, log: (line) => log.push(line) });
    sqs = client(cloud.url);
    const url = `${cloud.url}/000000000000/${QueueName}`;
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(counts.Attributes).toMatchObject({ ApproximateNumberOfMessages: '1', MessageRetentionPeriod: '3600' });
    // Both come back: the waiting one at once, the in-flight one when its timeout has passed (a long poll wakes for it).
    const bodies: string[] = [];
    while (bodies.length < 2) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          WaitTimeSeconds: 5,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      expect(Messages.length).toBeGreaterThan(0);
      bodies.push(...Messages.map((m) => `${m.Body}:${m.Attributes?.ApproximateReceiveCount}`));
    }
    expect(bodies.sort()).toEqual(['in flight:2', 'waiting:1']);

    // Retention: an hour later both are gone.
    offset = 3_601_000;
    sqs.destroy();
    sqs = client(cloud.url, offset);
    const after = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(after.Attributes).toEqual({ ApproximateNumberOfMessagesNotVisible: '0' });
    sqs.destroy();
    await cloud.close();
    expect(log.filter((line) => line.includes('internal error'))).toEqual([]);
  });
});
