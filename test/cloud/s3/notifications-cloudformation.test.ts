/**
 * AWS::S3::Bucket NotificationConfiguration: a stack ordered by DependsOn (the queue policy before
 * the bucket's notification) configures the bucket; without the policy the bucket fails with S3's
 * message; a stack update adds the notification to an existing bucket.
 */
import { CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import {
  cfn,
  created,
  describe as describeStack,
  eventLines,
  output,
  sub,
  updated,
  WAIT,
} from '../cloudformation/support.js';
import { receiveJson, recordsOf } from './notifications-support.js';

const t = useCloud();

function template(options: { notification: boolean; policy: boolean }): string {
  const bucketName = { 'Fn::Sub': `${sub('', 'AWS::StackName')}-bucket` };
  return JSON.stringify({
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      ...(options.policy
        ? {
            QueuePolicy: {
              Type: 'AWS::SQS::QueuePolicy',
              Properties: {
                Queues: [{ Ref: 'Queue' }],
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: { Service: 's3.amazonaws.com' },
                      Action: 'sqs:SendMessage',
                      Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] },
                      Condition: {
                        ArnLike: { 'aws:SourceArn': { 'Fn::Sub': `${sub('arn:aws:s3:::', 'AWS::StackName')}-bucket` } },
                      },
                    },
                  ],
                },
              },
            },
          }
        : {}),
      Bucket: {
        Type: 'AWS::S3::Bucket',
        ...(options.policy ? { DependsOn: 'QueuePolicy' } : {}),
        Properties: {
          BucketName: bucketName,
          ...(options.notification
            ? {
                NotificationConfiguration: {
                  QueueConfigurations: [
                    {
                      Event: 's3:ObjectCreated:*',
                      Queue: { 'Fn::GetAtt': ['Queue', 'Arn'] },
                      Filter: { S3Key: { Rules: [{ Name: 'suffix', Value: '.txt' }] } },
                    },
                  ],
                },
              }
            : {}),
        },
      },
    },
    Outputs: { QueueUrl: { Value: { Ref: 'Queue' } }, QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
  });
}

it('configures the bucket after the queue policy, and a stack update adds the notification', async () => {
  const StackName = randomName('s3n');
  const bucket = `${StackName}-bucket`;
  await cfn(t).send(
    new CreateStackCommand({ StackName, TemplateBody: template({ notification: false, policy: true }) }),
  );
  await created(t, StackName);
  await cfn(t).send(
    new UpdateStackCommand({ StackName, TemplateBody: template({ notification: true, policy: true }) }),
  );
  const stack = await updated(t, StackName);
  const got = await t.s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  expect(got.QueueConfigurations?.[0]).toMatchObject({
    QueueArn: output(stack, 'QueueArn'),
    Events: ['s3:ObjectCreated:*'],
    Filter: { Key: { FilterRules: [{ Name: 'Suffix', Value: '.txt' }] } },
  });
  await t.s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
  const records = recordsOf(await receiveJson(t.sqs(), output(stack, 'QueueUrl') ?? '', 2));
  expect(records.map((r) => r.s3.object.key)).toEqual(['a.txt']);
});

it('fails the bucket with S3 message when the queue does not allow it', async () => {
  const StackName = randomName('s3n');
  await cfn(t).send(
    new CreateStackCommand({ StackName, TemplateBody: template({ notification: true, policy: false }) }),
  );
  const deadline = Date.now() + WAIT.maxWaitTime * 1000;
  let status = '';
  while (Date.now() < deadline) {
    status = (await describeStack(t, StackName)).StackStatus ?? '';
    if (!status.endsWith('IN_PROGRESS')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(status).toBe('ROLLBACK_COMPLETE');
  const lines = await eventLines(t, StackName, true);
  expect(lines.find((l) => l.startsWith('Bucket CREATE_FAILED'))).toContain(
    'Unable to validate the following destination configurations',
  );
});
