/**
 * No notification lost when the server stops between delivery attempts: an HTTP endpoint answers
 * 500 while the first cloud retries; the cloud stops (its data dir kept), a new one starts on it,
 * the endpoint recovers, and the stored delivery is retried to it: the message arrives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmSubscriptionCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, expect, it } from 'vitest';
import { type CloudOptions, startCloud } from '../../../src/cloud/cloud.js';
import { TEST_CREDENTIALS, waitFor } from '../../helpers/cloud.js';
import { newTopic, useHttpEndpoints } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-sns-restart-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const endpoint = useHttpEndpoints();

function snsClient(url: string): SNSClient {
  return new SNSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

/** Retries every second of AWS's time (20 ms here), for long enough to outlast the restart. */
const DELIVERY_POLICY = JSON.stringify({
  healthyRetryPolicy: { numRetries: 1000, minDelayTarget: 1, maxDelayTarget: 1, backoffFunction: 'linear' },
});

it('a notification the endpoint has not accepted yet is delivered after a restart', async () => {
  const logs: string[] = [];
  const options: CloudOptions = {
    port: 0,
    dataDir: join(work, 'data'),
    log: (line) => logs.push(line),
    sns: { deliveryDelayMsPerSecond: 20 },
  };
  let accepting = true;
  const hook = await endpoint(() => (accepting ? 200 : 500));

  const first = await startCloud(options);
  const one = snsClient(first.url);
  const topicArn = await newTopic(one);
  const { SubscriptionArn } = await one.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'http',
      Endpoint: hook.url,
      Attributes: { DeliveryPolicy: DELIVERY_POLICY },
      ReturnSubscriptionArn: true,
    }),
  );
  const confirmation = await waitFor('the confirmation', () => hook.received[0]);
  await one.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: confirmation.body['Token'] }));
  accepting = false;
  const { MessageId } = await one.send(new PublishCommand({ TopicArn: topicArn, Message: 'through the restart' }));
  const attempts = () => hook.received.filter((r) => r.body['MessageId'] === MessageId).length;
  // The endpoint refused it more than once: the delivery is between retries.
  await waitFor('two refused attempts', () => (attempts() >= 2 ? true : undefined));
  one.destroy();
  await first.close();
  const refused = attempts();

  accepting = true;
  const second = await startCloud(options);
  try {
    const delivered = await waitFor('the delivery after the restart', () =>
      attempts() > refused ? hook.received[hook.received.length - 1] : undefined,
    );
    expect(delivered.headers['x-amz-sns-subscription-arn']).toBe(SubscriptionArn);
    expect(delivered.body).toMatchObject({ Type: 'Notification', MessageId, Message: 'through the restart' });
  } finally {
    await second.close();
  }
  expect(logs.filter((l) => l.includes('internal error'))).toEqual([]);
});
