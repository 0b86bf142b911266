/** AWS::SQS::Queue and AWS::SQS::QueuePolicy provisioned by a stack, updated in place and deleted. */
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted, output, updated } from '../cloudformation/support.js';
import { ACCOUNT, expectNoInternalErrors } from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

function template(queueName: string, queueProperties: Record<string, unknown>): string {
  return JSON.stringify({
    Resources: {
      DeadLetters: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
      Work: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: queueName,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] }, maxReceiveCount: 4 },
          Tags: [{ Key: 'team', Value: 'core' }],
          ...queueProperties,
        },
      },
      Ordered: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, ContentBasedDeduplication: true } },
      Policy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: 'Work' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: '*',
                Action: 'sqs:SendMessage',
                Resource: { 'Fn::GetAtt': ['Work', 'Arn'] },
              },
            ],
          },
        },
      },
    },
    Outputs: {
      WorkUrl: { Value: { Ref: 'Work' } },
      WorkArn: { Value: { 'Fn::GetAtt': ['Work', 'Arn'] } },
      OrderedName: { Value: { 'Fn::GetAtt': ['Ordered', 'QueueName'] } },
      DeadLettersUrl: { Value: { 'Fn::GetAtt': ['DeadLetters', 'QueueUrl'] } },
    },
  });
}

describe('AWS::SQS::Queue', () => {
  it('creates queues with their attributes, updates them in place and deletes them with the stack', async () => {
    const sqs = t.sqs();
    const stackName = randomName('sqs-stack');
    const queueName = randomName('work');
    await cfn(t).send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: template(queueName, { VisibilityTimeout: 45, DelaySeconds: 3 }),
      }),
    );
    const stack = await created(t, stackName);
    const url = output(stack, 'WorkUrl') as string;
    expect(url.endsWith(`/${ACCOUNT}/${queueName}`)).toBe(true);
    expect(output(stack, 'WorkArn')).toBe(`arn:aws:sqs:us-east-1:${ACCOUNT}:${queueName}`);
    expect(output(stack, 'OrderedName')).toMatch(/\.fifo$/);
    const attributes = async () =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
    const before = await attributes();
    expect(before).toMatchObject({ VisibilityTimeout: '45', DelaySeconds: '3' });
    expect(JSON.parse(before['RedrivePolicy'] as string)).toMatchObject({ maxReceiveCount: 4 });
    expect(JSON.parse(before['Policy'] as string).Statement[0].Action).toBe('sqs:SendMessage');
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: 'core' });

    await cfn(t).send(
      new UpdateStackCommand({ StackName: stackName, TemplateBody: template(queueName, { VisibilityTimeout: 60 }) }),
    );
    const after = await updated(t, stackName);
    expect(output(after, 'WorkUrl')).toBe(url);
    expect(await attributes()).toMatchObject({ VisibilityTimeout: '60', DelaySeconds: '0' });

    const dlqUrl = output(after, 'DeadLettersUrl') as string;
    await cfn(t).send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
    expect((await failure(sqs.send(new GetQueueUrlCommand({ QueueName: queueName })))).name).toBe('QueueDoesNotExist');
    expect(
      (await failure(sqs.send(new GetQueueUrlCommand({ QueueName: dlqUrl.slice(dlqUrl.lastIndexOf('/') + 1) })))).name,
    ).toBe('QueueDoesNotExist');
  });
});
