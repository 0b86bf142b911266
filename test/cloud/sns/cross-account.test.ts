/**
 * Callers of another account: refused by AWS's default topic policy (AuthorizationError, 403),
 * let in by a policy statement naming their account (set as Policy or through AddPermission), and
 * refused again once it goes. A partner's subscription of its own queue gets the owner's publish.
 */
import {
  AddPermissionCommand,
  PublishCommand,
  RemovePermissionCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import { newQueue, newTopic, receiveAll, useSns } from './support.js';

const PARTNER_ACCOUNT = '111111111111';
const PARTNER = { accessKeyId: 'partner-key', secretAccessKey: 'partner-secret' };
const t = useCloud({ credentials: [{ ...PARTNER, accountId: PARTNER_ACCOUNT }] });
const client = useSns(t);
const partnerClients: SNSClient[] = [];
afterAll(() => {
  for (const c of partnerClients) c.destroy();
});

function partnerSns(): SNSClient {
  const made = new SNSClient({ endpoint: t.url, region: 'us-east-1', credentials: PARTNER, maxAttempts: 1 });
  partnerClients.push(made);
  return made;
}

async function refusal(call: Promise<unknown>, action: string, topicArn: string): Promise<void> {
  expect(await failure(call)).toEqual({
    name: 'AuthorizationErrorException',
    status: 403,
    message: `User: arn:aws:iam::${PARTNER_ACCOUNT}:root is not authorized to perform: ${action} on resource: ${topicArn} because no resource-based policy allows the ${action} action`,
  });
}

describe('topic policies across accounts', () => {
  it('refuses another account by default, and lets it publish and subscribe once the policy allows it', async () => {
    const owner = client();
    const partner = partnerSns();
    const topicArn = await newTopic(owner);
    const partnerQueue = await newQueue(t.sqs({ credentials: PARTNER }), topicArn, { account: PARTNER_ACCOUNT });
    expect(partnerQueue.url).toContain(`/${PARTNER_ACCOUNT}/`);
    const subscribe = () =>
      partner.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: partnerQueue.arn }));

    await refusal(partner.send(new PublishCommand({ TopicArn: topicArn, Message: 'no' })), 'SNS:Publish', topicArn);
    await refusal(subscribe(), 'SNS:Subscribe', topicArn);

    await owner.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: PARTNER_ACCOUNT },
              Action: ['sns:Subscribe', 'sns:Publish'],
              Resource: topicArn,
            },
          ],
        }),
      }),
    );
    const { SubscriptionArn } = await subscribe();
    expect(SubscriptionArn?.startsWith(`${topicArn}:`)).toBe(true);
    const { MessageId } = await partner.send(new PublishCommand({ TopicArn: topicArn, Message: 'from the partner' }));
    const [got] = await receiveAll(t.sqs({ credentials: PARTNER }), partnerQueue.url, 1);
    expect(JSON.parse(got?.Body ?? '{}')).toMatchObject({ MessageId, Message: 'from the partner' });
  });

  it('follows AddPermission and RemovePermission', async () => {
    const owner = client();
    const partner = partnerSns();
    const topicArn = await newTopic(owner);
    const publish = () => partner.send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' }));
    await owner.send(
      new AddPermissionCommand({
        TopicArn: topicArn,
        Label: 'partner-publish',
        AWSAccountId: [PARTNER_ACCOUNT],
        ActionName: ['Publish'],
      }),
    );
    expect((await publish()).MessageId).toMatch(/^[0-9a-f-]{36}$/);
    // Only the action granted: subscribing stays refused.
    await refusal(
      partner.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'a@example.com' })),
      'SNS:Subscribe',
      topicArn,
    );
    await owner.send(new RemovePermissionCommand({ TopicArn: topicArn, Label: 'partner-publish' }));
    await refusal(publish(), 'SNS:Publish', topicArn);
  });
});
