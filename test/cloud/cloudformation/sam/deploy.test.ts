/**
 * SAM templates deployed to the local cloud through CloudFormation and exercised: an SQS event
 * really triggers the function (through the alias AutoPublishAlias made), an S3 upload and an SNS
 * publish deliver to it, the Kinesis and DynamoDB events become enabled mappings, the layer and the
 * simple table exist; new code publishes a new version and moves the alias. GetTemplate shows both
 * stages; CAPABILITY_AUTO_EXPAND and unserved event types fail as AWS words it.
 */
import {
  CreateStackCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { awsCli } from '../../../helpers/aws-cli.js';
import { failure, randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../../../helpers/cloud.js';
import { nodeFunction } from '../../../helpers/zip.js';
import { cfn, created, output, updated } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const aws = awsCli(() => t.url);

/** A function that logs each event it gets and answers with its code's version. */
const code = (version: string) => nodeFunction(`console.log('EVENT ' + JSON.stringify(event)); return '${version}';`);

function samTemplate(artifacts: string, codeKey: string): string {
  return JSON.stringify({
    Transform: 'AWS::Serverless-2016-10-31',
    Globals: { Function: { Runtime: 'nodejs20.x', Handler: 'index.handler', Timeout: 10 } },
    Resources: {
      Jobs: { Type: 'AWS::SQS::Queue' },
      Uploads: { Type: 'AWS::S3::Bucket' },
      Orders: { Type: 'AWS::SNS::Topic' },
      Clicks: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
      Table: { Type: 'AWS::Serverless::SimpleTable' },
      Items: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        },
      },
      Deps: {
        Type: 'AWS::Serverless::LayerVersion',
        Properties: { ContentUri: `s3://${artifacts}/layer.zip`, CompatibleRuntimes: ['nodejs20.x'] },
      },
      Worker: {
        Type: 'AWS::Serverless::Function',
        Properties: {
          CodeUri: `s3://${artifacts}/${codeKey}`,
          AutoPublishAlias: 'live',
          Layers: [{ Ref: 'Deps' }],
          Environment: { Variables: { TABLE: { Ref: 'Table' } } },
          Policies: [{ DynamoDBCrudPolicy: { TableName: { Ref: 'Table' } } }],
          Events: {
            Queue: { Type: 'SQS', Properties: { Queue: { 'Fn::GetAtt': ['Jobs', 'Arn'] }, BatchSize: 5 } },
            Upload: {
              Type: 'S3',
              Properties: {
                Bucket: { Ref: 'Uploads' },
                Events: 's3:ObjectCreated:*',
                Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'in/' }] } },
              },
            },
            Order: { Type: 'SNS', Properties: { Topic: { Ref: 'Orders' } } },
            Stream: {
              Type: 'Kinesis',
              Properties: { Stream: { 'Fn::GetAtt': ['Clicks', 'Arn'] }, StartingPosition: 'LATEST' },
            },
            Changes: {
              Type: 'DynamoDB',
              Properties: { Stream: { 'Fn::GetAtt': ['Items', 'StreamArn'] }, StartingPosition: 'TRIM_HORIZON' },
            },
          },
        },
      },
    },
    Outputs: {
      Function: { Value: { Ref: 'Worker' } },
      Alias: { Value: { Ref: 'Worker.Alias' } },
      Version: { Value: { Ref: 'Worker.Version' } },
      Layer: { Value: { Ref: 'Deps' } },
      Table: { Value: { Ref: 'Table' } },
      Bucket: { Value: { Ref: 'Uploads' } },
      Topic: { Value: { Ref: 'Orders' } },
      Queue: { Value: { 'Fn::GetAtt': ['Jobs', 'QueueName'] } },
    },
  });
}

async function artifactsBucket(): Promise<string> {
  const bucket = randomName('artifacts');
  await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of [
    ['v1.zip', await code('v1')],
    ['v2.zip', await code('v2')],
    ['layer.zip', await nodeFunction('return 1;', 'nodejs/lib.js')],
  ] as const) {
    await t.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
  return bucket;
}

/** Waits until the function logged an event containing `marker`. */
async function delivered(functionName: string, marker: string): Promise<void> {
  await waitFor(
    `an event with ${marker} in ${functionName}'s logs`,
    async () => {
      try {
        const out = await t
          .cwLogs()
          .send(
            new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}`, filterPattern: `"${marker}"` }),
          );
        return out.events?.some((e) => e.message?.includes('EVENT')) ? true : undefined;
      } catch {
        return undefined;
      }
    },
    15_000,
  );
}

describe('SAM templates in the local cloud', () => {
  it('deploys every resource and event, delivers events, and moves the alias on new code', async () => {
    const artifacts = await artifactsBucket();
    const StackName = randomName('sam');
    const Capabilities = ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;
    const body = samTemplate(artifacts, 'v1.zip');
    await cfn(t).send(new CreateStackCommand({ StackName, TemplateBody: body, Capabilities: [...Capabilities] }));
    const stack = await created(t, StackName);
    const fn = output(stack, 'Function') ?? '';
    const aliasArn = output(stack, 'Alias') ?? '';
    expect(aliasArn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${fn}:live`);
    expect(output(stack, 'Version')).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${fn}:1`);

    const config = await t.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    expect(config.Layers?.map((l) => l.Arn)).toEqual([output(stack, 'Layer')]);
    expect(output(stack, 'Layer')).toMatch(/:layer:Deps:1$/);
    expect(config.Environment?.Variables?.['TABLE']).toBe(output(stack, 'Table'));
    expect(config.Role).toMatch(/^arn:aws:iam::000000000000:role\//);
    const table = await t.dynamodb().send(new DescribeTableCommand({ TableName: output(stack, 'Table') }));
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

    const mappings = await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName: aliasArn }));
    expect(mappings.EventSourceMappings?.map((m) => m.EventSourceArn?.split(':')[2]).sort()).toEqual([
      'dynamodb',
      'kinesis',
      'sqs',
    ]);
    await waitFor('the mappings enabled', async () => {
      const out = await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName: aliasArn }));
      return out.EventSourceMappings?.every((m) => m.State === 'Enabled') ? true : undefined;
    });

    // SQS (pull), S3 and SNS (push) all reach the function.
    const queueUrl = (await t.sqs().send(new GetQueueUrlCommand({ QueueName: output(stack, 'Queue') }))).QueueUrl;
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'sqs-marker-1' }));
    await delivered(fn, 'sqs-marker-1');
    await t.s3().send(new PutObjectCommand({ Bucket: output(stack, 'Bucket'), Key: 'in/s3-marker-2.txt', Body: 'x' }));
    await delivered(fn, 's3-marker-2');
    const sns = new SNSClient({ endpoint: t.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    await sns.send(new PublishCommand({ TopicArn: output(stack, 'Topic'), Message: 'sns-marker-3' }));
    await delivered(fn, 'sns-marker-3');
    sns.destroy();

    // GetTemplate: the text as given, and the expansion.
    const original = await cfn(t).send(new GetTemplateCommand({ StackName }));
    expect(original.TemplateBody).toBe(body);
    const processed = await cfn(t).send(new GetTemplateCommand({ StackName, TemplateStage: 'Processed' }));
    const expansion = JSON.parse(processed.TemplateBody ?? '{}') as { Resources: Record<string, { Type: string }> };
    expect(expansion).not.toHaveProperty('Transform');
    expect(expansion.Resources['WorkerAliaslive']?.Type).toBe('AWS::Lambda::Alias');
    expect(expansion.Resources['WorkerRole']?.Type).toBe('AWS::IAM::Role');
    // The AWS CLI (botocore) reads both stages over the wire too.
    const viaCli = (await aws.json(
      'cloudformation',
      'get-template',
      '--stack-name',
      StackName,
      '--template-stage',
      'Processed',
    )) as { TemplateBody: { Resources: Record<string, unknown> }; StagesAvailable: string[] };
    expect(Object.keys(viaCli.TemplateBody.Resources).sort()).toEqual(Object.keys(expansion.Resources).sort());
    expect(viaCli.StagesAvailable).toEqual(['Original', 'Processed']);

    // New code: a new version, the alias follows it.
    await cfn(t).send(
      new UpdateStackCommand({
        StackName,
        TemplateBody: samTemplate(artifacts, 'v2.zip'),
        Capabilities: [...Capabilities],
      }),
    );
    const after = await updated(t, StackName);
    expect(output(after, 'Version')).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${fn}:2`);
    const alias = await t.lambda().send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
    const answer = await t.lambda().send(new InvokeCommand({ FunctionName: aliasArn, Payload: '{}' }));
    expect(Buffer.from(answer.Payload ?? []).toString()).toBe('"v2"');
  }, 60_000);

  it('asks for CAPABILITY_AUTO_EXPAND on CreateStack, and names unserved event types', async () => {
    const artifacts = await artifactsBucket();
    const TemplateBody = samTemplate(artifacts, 'v1.zip');
    expect(
      await failure(
        cfn(t).send(
          new CreateStackCommand({ StackName: randomName('sam'), TemplateBody, Capabilities: ['CAPABILITY_IAM'] }),
        ),
      ),
    ).toEqual({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]',
      status: 400,
    });

    const withApi = JSON.stringify({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Web: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            CodeUri: `s3://${artifacts}/v1.zip`,
            Handler: 'index.handler',
            Runtime: 'nodejs20.x',
            Events: { Get: { Type: 'Api', Properties: { Path: '/', Method: 'get' } } },
          },
        },
      },
    });
    expect(await failure(cfn(t).send(new ValidateTemplateCommand({ TemplateBody: withApi })))).toEqual({
      name: 'ValidationError',
      message:
        'Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application Specification document. ' +
        'Number of errors found: 1. Resource with id [Web] is invalid. Event with id [Get] is invalid. ' +
        'Events of type Api need Amazon API Gateway (REST APIs), which the lambda-tasks local cloud does not serve.',
      status: 400,
    });

    const valid = await cfn(t).send(new ValidateTemplateCommand({ TemplateBody }));
    expect(valid.DeclaredTransforms).toEqual(['AWS::Serverless-2016-10-31']);
    expect(valid.Capabilities).toEqual(['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND']);
  });
});
