/** SNS topics and subscriptions through the SDK: create (idempotent, FIFO), attributes, lists, tags, errors. */
import {
  AddPermissionCommand,
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  RemovePermissionCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, newTopic, useSns } from './support.js';

const t = useCloud();
const client = useSns(t);

describe('topics', () => {
  it('creates idempotently, reports attributes and lists', async () => {
    const sns = client();
    const name = randomName('topic');
    const first = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Hello' } }));
    expect(first.TopicArn).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:${name}`);
    const again = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Hello' } }));
    expect(again.TopicArn).toBe(first.TopicArn);
    const differs = await failure(
      sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Other' } })),
    );
    expect(differs.name).toBe('InvalidParameterException');
    expect(differs.message).toBe(
      'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
    );

    const { Attributes = {} } = await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
    expect(Attributes).toMatchObject({
      TopicArn: first.TopicArn,
      Owner: ACCOUNT,
      DisplayName: 'Hello',
      SubscriptionsConfirmed: '0',
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
    });
    expect(JSON.parse(Attributes['Policy'] ?? '')).toMatchObject({ Id: '__default_policy_ID' });
    expect(Attributes['FifoTopic']).toBeUndefined();

    await sns.send(
      new SetTopicAttributesCommand({ TopicArn: first.TopicArn, AttributeName: 'DisplayName', AttributeValue: 'New' }),
    );
    const after = await sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
    expect(after.Attributes?.['DisplayName']).toBe('New');

    const listed = await sns.send(new ListTopicsCommand({}));
    expect(listed.Topics?.map((topic) => topic.TopicArn)).toContain(first.TopicArn);

    await sns.send(new DeleteTopicCommand({ TopicArn: first.TopicArn }));
    await sns.send(new DeleteTopicCommand({ TopicArn: first.TopicArn }));
    const gone = await failure(sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn })));
    expect(gone.name).toBe('NotFoundException');
    expect(gone.message).toBe('Topic does not exist');
  });

  it('creates FIFO topics and refuses bad names and attributes', async () => {
    const sns = client();
    const arn = await newTopic(sns, { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(Attributes).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const badFifo = await failure(
      sns.send(new CreateTopicCommand({ Name: 'nofifo', Attributes: { FifoTopic: 'true' } })),
    );
    expect(badFifo.message).toMatch(/^Invalid parameter: Fifo Topic names must end with .fifo/);
    const badName = await failure(sns.send(new CreateTopicCommand({ Name: 'has space' })));
    expect(badName.message).toBe('Invalid parameter: Topic Name');
    const badAttribute = await failure(
      sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Nope', AttributeValue: 'x' })),
    );
    expect(badAttribute.message).toBe('Invalid parameter: AttributeName');
  });

  it('tags topics', async () => {
    const sns = client();
    const arn = await newTopic(sns);
    await sns.send(
      new TagResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await sns.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
    const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    expect(Tags).toEqual([{ Key: 'b', Value: '2' }]);
    const missing = await failure(sns.send(new ListTagsForResourceCommand({ ResourceArn: `${arn}-gone` })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('adds and removes topic policy statements', async () => {
    const sns = client();
    const arn = await newTopic(sns);
    await sns.send(
      new AddPermissionCommand({
        TopicArn: arn,
        Label: 'other',
        AWSAccountId: ['111111111111'],
        ActionName: ['Publish'],
      }),
    );
    const withStatement = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    const policy = JSON.parse(withStatement.Attributes?.['Policy'] ?? '{}') as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['__default_statement_ID', 'other']);
    await sns.send(new RemovePermissionCommand({ TopicArn: arn, Label: 'other' }));
    const without = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(JSON.parse(without.Attributes?.['Policy'] ?? '{}').Statement).toHaveLength(1);
  });
});

describe('subscriptions', () => {
  it('subscribes, lists, sets attributes and unsubscribes', async () => {
    const sns = client();
    const arn = await newTopic(sns);
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${randomName('q')}`;
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    expect(SubscriptionArn).toMatch(new RegExp(`^${arn}:[0-9a-f-]{36}$`));
    const same = await sns.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    expect(same.SubscriptionArn).toBe(SubscriptionArn);

    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({
      SubscriptionArn,
      TopicArn: arn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Owner: ACCOUNT,
      PendingConfirmation: 'false',
      ConfirmationWasAuthenticated: 'true',
      RawMessageDelivery: 'true',
    });
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'FilterPolicy',
        AttributeValue: JSON.stringify({ color: ['red'] }),
      }),
    );
    const filtered = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(filtered.Attributes).toMatchObject({ FilterPolicyScope: 'MessageAttributes' });
    const badPolicy = await failure(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"a": []}',
        }),
      ),
    );
    expect(badPolicy.message).toMatch(/^Invalid parameter: FilterPolicy: /);

    const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
    expect(byTopic.Subscriptions).toEqual([
      { SubscriptionArn, Owner: ACCOUNT, Protocol: 'sqs', Endpoint: queueArn, TopicArn: arn },
    ]);
    const all = await sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions?.map((s) => s.SubscriptionArn)).toContain(SubscriptionArn);

    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    const gone = await failure(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })));
    expect(gone.name).toBe('NotFoundException');
    const counts = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(counts.Attributes?.['SubscriptionsDeleted']).toBe('1');
  });

  it('keeps email subscriptions pending and refuses bad protocols and endpoints', async () => {
    const sns = client();
    const arn = await newTopic(sns);
    const pending = await sns.send(
      new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: 'me@example.com' }),
    );
    expect(pending.SubscriptionArn).toBe('pending confirmation');
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
    expect(listed.Subscriptions?.[0]?.SubscriptionArn).toBe('PendingConfirmation');
    const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(topic.Attributes?.['SubscriptionsPending']).toBe('1');
    const protocol = await failure(
      sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'pigeon', Endpoint: 'x' })),
    );
    expect(protocol.message).toBe('Invalid parameter: Amazon SNS does not support this protocol string: pigeon');
    const endpoint = await failure(
      sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: 'not-an-arn' })),
    );
    expect(endpoint.message).toBe('Invalid parameter: SQS endpoint ARN');
    const raw = await failure(
      sns.send(
        new SubscribeCommand({
          TopicArn: arn,
          Protocol: 'lambda',
          Endpoint: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      ),
    );
    expect(raw.message).toBe('Invalid parameter: Delivery protocol [lambda] does not support raw message delivery.');
    const token = await failure(sns.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: 'nope' })));
    expect(token.message).toBe('Invalid parameter: Token');
  });
});
