/**
 * AWS::Serverless::Application deployed: SAM expands it to an AWS::CloudFormation::Stack, the
 * nested stack is created from the template at Location (in the local S3), its parameters go in and
 * its outputs come back through `!GetAtt <App>.Outputs.<Name>`; deleting the parent deletes it.
 */
import { CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../../helpers/cloud.js';
import { cfn, created, deleted, output, sub } from '../support.js';

const t = useCloud();

const CHILD = JSON.stringify({
  Parameters: { Stage: { Type: 'String' } },
  Resources: {
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: { 'Fn::Sub': sub(`${sub('', 'AWS::StackName')}-`, 'Stage') } },
    },
  },
  Outputs: { Name: { Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } } },
});

it('creates the application as a nested stack with its parameters, outputs and deletion', async () => {
  const bucket = randomName('apps');
  await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  await t.s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'child.template', Body: CHILD }));
  const StackName = randomName('sam-app');
  await cfn(t).send(
    new CreateStackCommand({
      StackName,
      Capabilities: ['CAPABILITY_AUTO_EXPAND'],
      TemplateBody: JSON.stringify({
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: {
          Child: {
            Type: 'AWS::Serverless::Application',
            Properties: {
              Location: `https://${bucket}.s3.amazonaws.com/child.template`,
              Parameters: { Stage: 'prod' },
            },
          },
        },
        Outputs: { ChildQueue: { Value: { 'Fn::GetAtt': ['Child', 'Outputs.Name'] } } },
      }),
    }),
  );
  const parent = await created(t, StackName);
  const queueName = output(parent, 'ChildQueue') ?? '';
  expect(queueName).toMatch(new RegExp(`^${StackName}-Child-[A-Z0-9]+-prod$`));
  const nestedName = queueName.slice(0, -'-prod'.length);
  const nested = (await cfn(t).send(new DescribeStacksCommand({ StackName: nestedName }))).Stacks?.[0];
  expect(nested).toMatchObject({ StackStatus: 'CREATE_COMPLETE', ParentId: parent.StackId, RootId: parent.StackId });

  await cfn(t).send(new DeleteStackCommand({ StackName }));
  await deleted(t, StackName);
  expect(await failure(cfn(t).send(new DescribeStacksCommand({ StackName: nestedName })))).toMatchObject({
    name: 'ValidationError',
  });
});
