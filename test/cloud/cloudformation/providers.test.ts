/** Every resource type of this issue through one stack, TemplateURL, size limits, OnFailure DELETE, UpdateReplacePolicy. */
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRolePolicyCommand,
  GetPolicyCommand as IamGetPolicyCommand,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetLayerVersionByArnCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetBucketPolicyCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { zip } from '../../helpers/zip.js';
import { cfn, created, deleted, output, ROLE_STATEMENT, sub, updated } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

describe('providers', () => {
  it('provisions every supported type from a template in S3, with GetAtt values as AWS documents them', async () => {
    const s3 = t.s3();
    const artifacts = randomName('artifacts');
    await s3.send(new CreateBucketCommand({ Bucket: artifacts }));
    await s3.send(
      new PutObjectCommand({
        Bucket: artifacts,
        Key: 'layer.zip',
        Body: await zip({ 'nodejs/node_modules/shout/index.js': 'module.exports = (s) => s.toUpperCase();' }),
      }),
    );
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ROLE_STATEMENT } },
        Inline: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'logs',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
            },
          },
        },
        Managed: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
            },
          },
        },
        Layer: {
          Type: 'AWS::Lambda::LayerVersion',
          Properties: { Content: { S3Bucket: artifacts, S3Key: 'layer.zip' }, CompatibleRuntimes: ['nodejs20.x'] },
        },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Layers: [{ Ref: 'Layer' }],
            Code: { ZipFile: 'const shout = require("shout"); exports.handler = async (e) => shout(e.text);' },
          },
        },
        InvokeConfig: {
          Type: 'AWS::Lambda::EventInvokeConfig',
          Properties: { FunctionName: { Ref: 'Fn' }, Qualifier: '$LATEST', MaximumRetryAttempts: 0 },
        },
        Bucket: { Type: 'AWS::S3::Bucket' },
        BucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Bucket' },
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:GetObject',
                  Resource: { 'Fn::Sub': [`${sub('', 'Arn')}/*`, { Arn: { 'Fn::GetAtt': ['Bucket', 'Arn'] } }] },
                },
              ],
            },
          },
        },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 3 } },
      },
      Outputs: {
        RoleName: { Value: { Ref: 'Role' } },
        RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } },
        RoleId: { Value: { 'Fn::GetAtt': ['Role', 'RoleId'] } },
        ManagedArn: { Value: { Ref: 'Managed' } },
        LayerArn: { Value: { Ref: 'Layer' } },
        FunctionName: { Value: { Ref: 'Fn' } },
        Bucket: { Value: { Ref: 'Bucket' } },
        BucketDomain: { Value: { 'Fn::GetAtt': ['Bucket', 'RegionalDomainName'] } },
        LogGroup: { Value: { Ref: 'Logs' } },
        LogGroupArn: { Value: { 'Fn::GetAtt': ['Logs', 'Arn'] } },
      },
    };
    await s3.send(new PutObjectCommand({ Bucket: artifacts, Key: 'template.json', Body: JSON.stringify(template) }));
    const stackName = randomName('all-types');
    const client = cfn(t);
    const templateUrl = `https://s3.amazonaws.com/${artifacts}/template.json`;
    const validated = await client.send(new ValidateTemplateCommand({ TemplateURL: templateUrl }));
    expect(validated.Capabilities).toEqual(['CAPABILITY_IAM']);
    await client.send(
      new CreateStackCommand({ StackName: stackName, TemplateURL: templateUrl, Capabilities: ['CAPABILITY_IAM'] }),
    );
    const stack = await created(t, stackName);
    const roleName = output(stack, 'RoleName') ?? '';
    expect(output(stack, 'RoleArn')).toBe(`arn:aws:iam::000000000000:role/${roleName}`);
    expect(output(stack, 'RoleId')).toMatch(/^AROA[A-Z0-9]{17}$/);
    const iam = t.iam();
    expect((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'logs' }))).PolicyName).toBe(
      'logs',
    );
    const managedArn = output(stack, 'ManagedArn') ?? '';
    expect((await iam.send(new IamGetPolicyCommand({ PolicyArn: managedArn }))).Policy?.AttachmentCount).toBe(1);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies?.map(
        (p) => p.PolicyArn,
      ),
    ).toEqual([managedArn]);
    const lambda = t.lambda();
    const layerArn = output(stack, 'LayerArn') ?? '';
    expect((await lambda.send(new GetLayerVersionByArnCommand({ Arn: layerArn }))).Version).toBe(1);
    const functionName = output(stack, 'FunctionName') ?? '';
    expect(
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).Layers?.[0]?.Arn,
    ).toBe(layerArn);
    expect(
      (await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: functionName }))).MaximumRetryAttempts,
    ).toBe(0);
    const bucket = output(stack, 'Bucket') ?? '';
    expect(output(stack, 'BucketDomain')).toBe(`${bucket}.s3.us-east-1.amazonaws.com`);
    expect(
      JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '').Statement[0].Resource,
    ).toBe(`arn:aws:s3:::${bucket}/*`);
    const group = output(stack, 'LogGroup') ?? '';
    expect(output(stack, 'LogGroupArn')).toBe(`arn:aws:logs:us-east-1:000000000000:log-group:${group}:*`);
    const groups = await t.cwLogs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(3);

    await client.send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
    expect((await failure(s3.send(new HeadBucketCommand({ Bucket: bucket })))).status).toBe(404);
  });
});

describe('limits and policies', () => {
  it('refuses a TemplateBody over 51,200 bytes and a TemplateURL that does not exist', async () => {
    const client = cfn(t);
    const big = JSON.stringify({
      Description: 'x'.repeat(52_000),
      Resources: { B: { Type: 'AWS::S3::Bucket' } },
    });
    const tooBig = await failure(
      client.send(new CreateStackCommand({ StackName: randomName('big'), TemplateBody: big })),
    );
    expect(tooBig.name).toBe('ValidationError');
    expect(tooBig.message).toMatch(/templateBody.*less than or equal to 51200/);
    const bucket = randomName('tpl');
    await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    expect(
      await failure(
        client.send(
          new CreateStackCommand({
            StackName: randomName('nourl'),
            TemplateURL: `https://${bucket}.s3.amazonaws.com/missing.yaml`,
          }),
        ),
      ),
    ).toEqual({ name: 'ValidationError', message: 'S3 error: The specified key does not exist.', status: 400 });
  });

  it('deletes everything on failure with OnFailure DELETE', async () => {
    const stackName = randomName('onfailure');
    const bucketName = randomName('gone');
    await cfn(t).send(
      new CreateStackCommand({
        StackName: stackName,
        OnFailure: 'DELETE',
        TemplateBody: JSON.stringify({
          Resources: {
            Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucketName } },
            Broken: {
              Type: 'AWS::Lambda::Function',
              DependsOn: 'Bucket',
              Properties: {
                Runtime: 'nodejs20.x',
                Handler: 'index.handler',
                Role: 'arn:aws:iam::000000000000:role/r',
                Code: { S3Bucket: bucketName, S3Key: 'nothing-here.zip' },
              },
            },
          },
        }),
      }),
    );
    const stack = await waitFor('the stack to be deleted after its failure', async () => {
      const all = await cfn(t).send(new DescribeStacksCommand({}));
      const mine = all.Stacks?.find((s) => s.StackName === stackName);
      return mine ? undefined : true;
    });
    expect(stack).toBe(true);
    expect((await failure(t.s3().send(new HeadBucketCommand({ Bucket: bucketName })))).status).toBe(404);
  });

  it('keeps the old resource on replacement with UpdateReplacePolicy Retain', async () => {
    const stackName = randomName('replace-retain');
    const first = randomName('first');
    const second = randomName('second');
    const template = (name: string) =>
      JSON.stringify({
        Resources: { B: { Type: 'AWS::S3::Bucket', UpdateReplacePolicy: 'Retain', Properties: { BucketName: name } } },
      });
    const client = cfn(t);
    await client.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template(first) }));
    await created(t, stackName);
    await client.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: template(second) }));
    await updated(t, stackName);
    await t.s3().send(new HeadBucketCommand({ Bucket: first }));
    await t.s3().send(new HeadBucketCommand({ Bucket: second }));
  });
});
