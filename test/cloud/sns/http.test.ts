/**
 * HTTP/S subscriptions against a real HTTP server on port 0: the SubscriptionConfirmation message,
 * confirming through the SubscribeURL, notifications with SNS's headers, the UnsubscribeURL, and
 * retries then the dead-letter queue for an endpoint that keeps failing.
 */
import {
  GetSubscriptionAttributesCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../../helpers/cloud.js';
import { newQueue, newTopic, receiveAll, subscribeHttp, useHttpEndpoints, useSns } from './support.js';

const t = useCloud();
const client = useSns(t);

const endpoint = useHttpEndpoints();

describe('http subscriptions', () => {
  it('confirms through the SubscribeURL, then delivers with SNS headers, and unsubscribes through the UnsubscribeURL', async () => {
    const sns = client();
    const topicArn = await newTopic(sns);
    const hook = await endpoint();
    const { SubscriptionArn, confirmation } = await subscribeHttp(sns, topicArn, hook);
    expect(confirmation.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation');
    expect(confirmation.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(confirmation.body).toMatchObject({ Type: 'SubscriptionConfirmation', TopicArn: topicArn });
    const pending = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(pending.Attributes?.['PendingConfirmation']).toBe('true');

    const confirmed = await fetch(confirmation.body['SubscribeURL'] ?? '');
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain(`<SubscriptionArn>${SubscriptionArn}</SubscriptionArn>`);

    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'over http' }));
    const notification = await waitFor('the notification', () => hook.received[1]);
    expect(notification.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': MessageId,
      'x-amz-sns-topic-arn': topicArn,
      'x-amz-sns-subscription-arn': SubscriptionArn,
    });
    expect(notification.body).toMatchObject({ Type: 'Notification', Message: 'over http', MessageId });

    expect((await fetch(notification.body['UnsubscribeURL'] ?? '')).status).toBe(200);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'not delivered' }));
    const gone = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })).catch((e: Error) => e);
    expect((gone as Error).name).toBe('NotFoundException');
  });

  it('retries a failing endpoint per the delivery policy, then dead-letters', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns);
    const dlq = await newQueue(sqs, topicArn);
    const hook = await endpoint(500);
    const { SubscriptionArn, confirmation } = await subscribeHttp(sns, topicArn, hook);
    await fetch(confirmation.body['SubscribeURL'] ?? '');
    const attempts = hook.received.length;
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'RedrivePolicy',
        AttributeValue: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
      }),
    );
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'fails' }));
    const [dead] = await receiveAll(sqs, dlq.url, 1);
    expect(JSON.parse(dead?.Body ?? '{}')).toMatchObject({ MessageId });
    // The first attempt and AWS's default 3 retries.
    expect(hook.received.filter((r) => r.body['MessageId'] === MessageId)).toHaveLength(4);
    expect(attempts).toBeGreaterThan(0);
  });
});
