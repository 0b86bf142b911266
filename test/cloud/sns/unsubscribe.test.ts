/**
 * Unsubscribing a confirmed HTTP/S subscription sends the endpoint AWS's UnsubscribeConfirmation
 * (signed, with the Token and a SubscribeURL that restores the subscription).
 */
import { GetSubscriptionAttributesCommand, PublishCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../../helpers/cloud.js';
import { newTopic, subscribeHttp, useHttpEndpoints, useSns } from './support.js';

const t = useCloud();
const client = useSns(t);
const endpoint = useHttpEndpoints();

describe('UnsubscribeConfirmation', () => {
  it('is sent on Unsubscribe, and its SubscribeURL restores the subscription', async () => {
    const sns = client();
    const topicArn = await newTopic(sns);
    const hook = await endpoint();
    const { SubscriptionArn, confirmation } = await subscribeHttp(sns, topicArn, hook);
    expect((await fetch(confirmation.body['SubscribeURL'] ?? '')).status).toBe(200);

    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    const goodbye = await waitFor('the unsubscribe confirmation', () => hook.received[1]);
    expect(goodbye.headers).toMatchObject({
      'x-amz-sns-message-type': 'UnsubscribeConfirmation',
      'x-amz-sns-topic-arn': topicArn,
      'x-amz-sns-message-id': goodbye.body['MessageId'],
    });
    expect(goodbye.headers['x-amz-sns-subscription-arn']).toBeUndefined();
    expect(Object.keys(goodbye.body)).toEqual([
      'Type',
      'MessageId',
      'Token',
      'TopicArn',
      'Message',
      'SubscribeURL',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
    ]);
    expect(goodbye.body).toMatchObject({
      Type: 'UnsubscribeConfirmation',
      TopicArn: topicArn,
      Message: `You have chosen to deactivate subscription ${SubscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
      SignatureVersion: '1',
    });
    expect(goodbye.body['Token']).not.toBe(confirmation.body['Token']);
    const gone = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })).catch((e: Error) => e);
    expect((gone as Error).name).toBe('NotFoundException');

    const restored = await fetch(goodbye.body['SubscribeURL'] ?? '');
    expect(restored.status).toBe(200);
    expect(await restored.text()).toContain(`<SubscriptionArn>${SubscriptionArn}</SubscriptionArn>`);
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes?.['PendingConfirmation']).toBe('false');
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'back again' }));
    const notification = await waitFor('the notification', () => hook.received[2]);
    expect(notification.body).toMatchObject({ Type: 'Notification', MessageId, Message: 'back again' });
  });

  it('is not sent for a subscription still pending confirmation', async () => {
    const sns = client();
    const topicArn = await newTopic(sns);
    const pendingHook = await endpoint();
    const confirmedHook = await endpoint();
    const pending = await subscribeHttp(sns, topicArn, pendingHook);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: pending.SubscriptionArn }));
    // A confirmed subscription unsubscribed after it: its UnsubscribeConfirmation, due later, shows the first had its turn.
    const { SubscriptionArn, confirmation } = await subscribeHttp(sns, topicArn, confirmedHook);
    await fetch(confirmation.body['SubscribeURL'] ?? '');
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    const goodbye = await waitFor('the unsubscribe confirmation', () => confirmedHook.received[1]);
    expect(goodbye.body['Type']).toBe('UnsubscribeConfirmation');
    expect(pendingHook.received.map((r) => r.body['Type'])).toEqual(['SubscriptionConfirmation']);
  });
});
