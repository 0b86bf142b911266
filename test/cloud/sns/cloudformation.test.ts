/**
 * AWS::SNS::Topic, AWS::SNS::Subscription and AWS::SNS::TopicPolicy through stacks: created with
 * their attributes, updated in place (inline subscriptions by diff), replaced when the topic's name
 * changes, deleted with the stack; a topic's lambda subscription delivers once the function's
 * permission (AWS::Lambda::Permission) lets the topic in.
 */
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  PublishCommand,
} from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, type TestCloud, useCloud, waitFor } from '../../helpers/cloud.js';
import {
  cfn,
  created,
  deleted,
  describe as describeStack,
  eventLines,
  output,
  ROLE_STATEMENT,
  updated,
  WAIT,
} from '../cloudformation/support.js';
import { expectNoInternalErrors } from '../sqs/support.js';
import { ACCOUNT, LOGGING_HANDLER, lambdaEvents, newTopic, receiveAll, useSns } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const client = useSns(t);
afterAll(() => expectNoInternalErrors(t));

/** Waits for a failed create to finish rolling back. */
async function rolledBack(t: TestCloud, StackName: string): Promise<void> {
  const status = await waitFor(
    `${StackName} rolled back`,
    async () => {
      const current = (await describeStack(t, StackName)).StackStatus ?? '';
      return current.endsWith('IN_PROGRESS') ? undefined : current;
    },
    WAIT.maxWaitTime * 1000,
  );
  expect(status).toBe('ROLLBACK_COMPLETE');
}

/** A queue and its policy letting every topic of the stack send to it. */
function queueResources(logicalId: string): Record<string, unknown> {
  return {
    [logicalId]: { Type: 'AWS::SQS::Queue' },
    [`${logicalId}Policy`]: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: logicalId }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [logicalId, 'Arn'] },
            },
          ],
        },
      },
    },
  };
}

interface Options {
  topicName: string;
  topic: Record<string, unknown>;
  /** Which queue the topic's inline Subscription list names. */
  inlineQueue: 'Inline' | 'Other';
  subscription: Record<string, unknown>;
  topicPolicy: boolean;
}

function template(o: Options): string {
  return JSON.stringify({
    Resources: {
      ...queueResources('Inline'),
      ...queueResources('Other'),
      ...queueResources('FilterQueue'),
      Topic: {
        Type: 'AWS::SNS::Topic',
        DependsOn: ['InlinePolicy', 'OtherPolicy'],
        Properties: {
          TopicName: o.topicName,
          Subscription: [{ Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': [o.inlineQueue, 'Arn'] } }],
          ...o.topic,
        },
      },
      Ordered: { Type: 'AWS::SNS::Topic', Properties: { FifoTopic: true, ContentBasedDeduplication: true } },
      Filtered: {
        Type: 'AWS::SNS::Subscription',
        DependsOn: 'FilterQueuePolicy',
        Properties: {
          TopicArn: { Ref: 'Topic' },
          Protocol: 'sqs',
          Endpoint: { 'Fn::GetAtt': ['FilterQueue', 'Arn'] },
          ...o.subscription,
        },
      },
      ...(o.topicPolicy
        ? {
            TopicPolicy: {
              Type: 'AWS::SNS::TopicPolicy',
              Properties: {
                Topics: [{ Ref: 'Topic' }],
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Sid: 'partner',
                      Effect: 'Allow',
                      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
                      Action: 'sns:Publish',
                      Resource: { Ref: 'Topic' },
                    },
                  ],
                },
              },
            },
          }
        : {}),
    },
    Outputs: {
      TopicRef: { Value: { Ref: 'Topic' } },
      TopicArn: { Value: { 'Fn::GetAtt': ['Topic', 'TopicArn'] } },
      TopicName: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } },
      OrderedName: { Value: { 'Fn::GetAtt': ['Ordered', 'TopicName'] } },
      SubscriptionRef: { Value: { Ref: 'Filtered' } },
      InlineUrl: { Value: { Ref: 'Inline' } },
      OtherUrl: { Value: { Ref: 'Other' } },
      FilteredUrl: { Value: { Ref: 'FilterQueue' } },
      OtherArn: { Value: { 'Fn::GetAtt': ['Other', 'Arn'] } },
    },
  });
}

describe('AWS::SNS::Topic, Subscription and TopicPolicy', () => {
  it('creates, updates in place, replaces on a new name and deletes with the stack', async () => {
    const sns = client();
    const sqs = t.sqs();
    const StackName = randomName('sns-stack');
    const topicName = randomName('topic');
    const base: Options = {
      topicName,
      topic: {
        DisplayName: 'Orders',
        Tags: [{ Key: 'team', Value: 'core' }],
        DeliveryStatusLogging: [
          {
            Protocol: 'sqs',
            SuccessFeedbackRoleArn: `arn:aws:iam::${ACCOUNT}:role/feedback`,
            SuccessFeedbackSampleRate: '50',
          },
        ],
        DataProtectionPolicy: { Name: 'basic', Description: '', Version: '2021-06-01', Statement: [] },
      },
      inlineQueue: 'Inline',
      subscription: { FilterPolicy: { kind: ['order'] }, RawMessageDelivery: true },
      topicPolicy: true,
    };
    await cfn(t).send(new CreateStackCommand({ StackName, TemplateBody: template(base) }));
    const stack = await created(t, StackName);
    const topicArn = output(stack, 'TopicRef') ?? '';
    expect(topicArn).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:${topicName}`);
    expect(output(stack, 'TopicArn')).toBe(topicArn);
    expect(output(stack, 'TopicName')).toBe(topicName);
    expect(output(stack, 'OrderedName')).toMatch(/\.fifo$/);
    const subscriptionArn = output(stack, 'SubscriptionRef') ?? '';
    expect(subscriptionArn.startsWith(`${topicArn}:`)).toBe(true);

    const topicAttributes = async (arn = topicArn) =>
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
    const subscriptionAttributes = async () =>
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).Attributes ?? {};
    const before = await topicAttributes();
    expect(before).toMatchObject({
      DisplayName: 'Orders',
      SQSSuccessFeedbackRoleArn: `arn:aws:iam::${ACCOUNT}:role/feedback`,
      SQSSuccessFeedbackSampleRate: '50',
      SubscriptionsConfirmed: '2',
    });
    expect(JSON.parse(before['DataProtectionPolicy'] ?? '{}')).toMatchObject({ Name: 'basic' });
    expect(JSON.parse(before['Policy'] ?? '{}').Statement[0].Sid).toBe('partner');
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))).Tags).toEqual([
      { Key: 'team', Value: 'core' },
    ]);
    expect(await subscriptionAttributes()).toMatchObject({
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify({ kind: ['order'] }),
      Protocol: 'sqs',
    });

    // Published through the stack's subscriptions: the inline one gets the envelope, the filtered
    // one the raw body of the message its filter policy lets through.
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'first',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
      }),
    );
    const [inline] = await receiveAll(sqs, output(stack, 'InlineUrl') ?? '', 1);
    expect(JSON.parse(inline?.Body ?? '{}')).toMatchObject({ Type: 'Notification', Message: 'first' });
    expect((await receiveAll(sqs, output(stack, 'FilteredUrl') ?? '', 1)).map((m) => m.Body)).toEqual(['first']);

    // In place: the topic keeps its ARN, the subscription its ARN; the inline list moves to the
    // other queue; the topic policy leaves, giving the topic AWS's default policy back.
    const inPlace: Options = {
      ...base,
      topic: { DisplayName: 'Orders v2', Tags: [{ Key: 'stage', Value: 'beta' }] },
      inlineQueue: 'Other',
      subscription: { FilterPolicy: { kind: ['refund'] } },
      topicPolicy: false,
    };
    await cfn(t).send(new UpdateStackCommand({ StackName, TemplateBody: template(inPlace) }));
    const after = await updated(t, StackName);
    expect(output(after, 'TopicRef')).toBe(topicArn);
    expect(output(after, 'SubscriptionRef')).toBe(subscriptionArn);
    const changed = await topicAttributes();
    expect(changed['DisplayName']).toBe('Orders v2');
    expect(changed['SQSSuccessFeedbackRoleArn'] ?? '').toBe('');
    expect(JSON.parse(changed['Policy'] ?? '{}').Statement[0].Sid).toBe('__default_statement_ID');
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))).Tags).toEqual([
      { Key: 'stage', Value: 'beta' },
    ]);
    expect(await subscriptionAttributes()).toMatchObject({
      RawMessageDelivery: 'false',
      FilterPolicy: JSON.stringify({ kind: ['refund'] }),
    });
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(listed.Subscriptions?.map((s) => s.Endpoint).sort()).toEqual(
      [output(after, 'OtherArn'), (await subscriptionAttributes())['Endpoint']].sort(),
    );

    // Replacement: a new name makes a new topic (and a new subscription to it); the old one goes.
    const renamed = randomName('topic');
    await cfn(t).send(
      new UpdateStackCommand({ StackName, TemplateBody: template({ ...inPlace, topicName: renamed }) }),
    );
    const replaced = await updated(t, StackName);
    const newArn = output(replaced, 'TopicRef') ?? '';
    expect(newArn).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:${renamed}`);
    expect(output(replaced, 'SubscriptionRef')).not.toBe(subscriptionArn);
    expect((await failure(topicAttributes(topicArn))).name).toBe('NotFoundException');
    expect((await topicAttributes(newArn))['DisplayName']).toBe('Orders v2');

    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
    expect((await failure(topicAttributes(newArn))).name).toBe('NotFoundException');
    expect(
      (
        await failure(
          sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: output(replaced, 'SubscriptionRef') })),
        )
      ).name,
    ).toBe('NotFoundException');
  });

  it('fails to create a named topic that already exists, and leaves that topic alone', async () => {
    const sns = client();
    const existing = await newTopic(sns);
    const StackName = randomName('sns-dup');
    await cfn(t).send(
      new CreateStackCommand({
        StackName,
        TemplateBody: JSON.stringify({
          Resources: {
            Topic: {
              Type: 'AWS::SNS::Topic',
              Properties: { TopicName: existing.slice(existing.lastIndexOf(':') + 1) },
            },
          },
        }),
      }),
    );
    await rolledBack(t, StackName);
    const lines = await eventLines(t, StackName, true);
    expect(lines.find((l) => l.startsWith('Topic CREATE_FAILED'))).toContain(
      `Resource of type 'AWS::SNS::Topic' with identifier '${existing}' already exists.`,
    );
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn: existing }))).Attributes?.['TopicArn']).toBe(
      existing,
    );
  });

  it('delivers a publish to a lambda subscription whose function permits the topic', async () => {
    const sns = client();
    const StackName = randomName('sns-fn');
    await cfn(t).send(
      new CreateStackCommand({
        StackName,
        Capabilities: ['CAPABILITY_IAM'],
        TemplateBody: JSON.stringify({
          Resources: {
            Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ROLE_STATEMENT } },
            Fn: {
              Type: 'AWS::Lambda::Function',
              Properties: {
                Runtime: 'nodejs20.x',
                Handler: 'index.handler',
                Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
                Code: { ZipFile: LOGGING_HANDLER },
              },
            },
            Permission: {
              Type: 'AWS::Lambda::Permission',
              Properties: {
                FunctionName: { Ref: 'Fn' },
                Action: 'lambda:InvokeFunction',
                Principal: 'sns.amazonaws.com',
                SourceArn: { Ref: 'Topic' },
              },
            },
            Topic: {
              Type: 'AWS::SNS::Topic',
              Properties: { Subscription: [{ Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] },
            },
          },
          Outputs: { Topic: { Value: { Ref: 'Topic' } }, Fn: { Value: { Ref: 'Fn' } } },
        }),
      }),
    );
    const stack = await created(t, StackName);
    const topicArn = output(stack, 'Topic') ?? '';
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'from the stack' }));
    const [event] = await lambdaEvents(t, output(stack, 'Fn') ?? '', 1);
    expect(event).toMatchObject({
      Records: [{ EventSource: 'aws:sns', Sns: { MessageId, TopicArn: topicArn, Message: 'from the stack' } }],
    });
    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
  });
});
