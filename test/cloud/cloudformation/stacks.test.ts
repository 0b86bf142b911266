import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { GetAliasCommand, GetFunctionCommand, GetPolicyCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { GetBucketVersioningCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import {
  cfn,
  created,
  deleted,
  describe as describeStack,
  eventLines,
  output,
  ROLE_STATEMENT,
  sub,
  updated,
} from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

function appTemplate(options: { timeout?: number; functionName?: string; handlerText?: string } = {}) {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'a function, its role, permission, version, alias, logs and a bucket',
    Parameters: {
      Stage: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] },
      ApiKey: { Type: 'String', NoEcho: true, Default: 'not-so-secret' },
    },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: ROLE_STATEMENT,
          ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
      },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Timeout: options.timeout ?? 3,
          Environment: { Variables: { STAGE: { Ref: 'Stage' } } },
          Code: { ZipFile: options.handlerText ?? 'exports.handler = async (e) => ({ stage: process.env.STAGE, e });' },
          ...(options.functionName ? { FunctionName: options.functionName } : {}),
        },
      },
      Permission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      },
      Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
      Alias: {
        Type: 'AWS::Lambda::Alias',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          Name: 'live',
          FunctionVersion: { 'Fn::GetAtt': ['Version', 'Version'] },
        },
      },
      Logs: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: { 'Fn::Sub': sub('/custom/', 'Fn') }, RetentionInDays: 7 },
      },
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          VersioningConfiguration: { Status: 'Enabled' },
          Tags: [{ Key: 'stage', Value: { Ref: 'Stage' } }],
        },
      },
    },
    Outputs: {
      FunctionName: { Value: { Ref: 'Fn' } },
      FunctionArn: {
        Value: { 'Fn::GetAtt': ['Fn', 'Arn'] },
        Export: { Name: { 'Fn::Sub': `${sub('', 'AWS::StackName')}-fn` } },
      },
      AliasArn: { Value: { Ref: 'Alias' } },
      BucketName: { Value: { Ref: 'Bucket' } },
      BucketArn: { Value: { 'Fn::GetAtt': ['Bucket', 'Arn'] } },
    },
  });
}

describe('create, update, delete', () => {
  it('creates a stack whose resources are the services’ own, then updates in place and by replacement', async () => {
    const stackName = randomName('app');
    const client = cfn(t);
    const { StackId } = await client.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: appTemplate(), Capabilities: ['CAPABILITY_IAM'] }),
    );
    expect(StackId).toMatch(
      new RegExp(`^arn:aws:cloudformation:us-east-1:000000000000:stack/${stackName}/[0-9a-f-]{36}$`),
    );
    const stack = await created(t, stackName);
    expect(stack).toMatchObject({
      StackName: stackName,
      StackStatus: 'CREATE_COMPLETE',
      Capabilities: ['CAPABILITY_IAM'],
    });
    expect(stack.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'Stage', ParameterValue: 'dev' },
        { ParameterKey: 'ApiKey', ParameterValue: '****' },
      ]),
    );

    // The function is the Lambda service's function: it answers an invoke.
    const lambda = t.lambda();
    const functionName = output(stack, 'FunctionName') ?? '';
    expect(functionName).toMatch(new RegExp(`^${stackName}-Fn-[A-Z0-9]{12}$`));
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
    expect(fn.Configuration?.FunctionArn).toBe(output(stack, 'FunctionArn'));
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: `${functionName}:live`, Payload: '{"n":1}' }));
    expect(JSON.parse(Buffer.from(invoked.Payload ?? []).toString())).toEqual({ stage: 'dev', e: { n: 1 } });
    expect(invoked.ExecutedVersion).toBe('1');
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: functionName }))).Policy ?? '');
    expect(policy.Statement[0]).toMatchObject({ Principal: { Service: 's3.amazonaws.com' } });
    expect((await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: 'live' }))).FunctionVersion).toBe(
      '1',
    );
    const bucket = output(stack, 'BucketName') ?? '';
    expect(output(stack, 'BucketArn')).toBe(`arn:aws:s3:::${bucket}`);
    expect((await t.s3().send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');

    const resources = await client.send(new ListStackResourcesCommand({ StackName: stackName }));
    expect(resources.StackResourceSummaries?.map((r) => `${r.LogicalResourceId}:${r.ResourceStatus}`).sort()).toEqual(
      ['Alias', 'Bucket', 'Fn', 'Logs', 'Permission', 'Role', 'Version'].map((id) => `${id}:CREATE_COMPLETE`),
    );
    const fnResource = await client.send(
      new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: 'Fn' }),
    );
    expect(fnResource.StackResourceDetail?.PhysicalResourceId).toBe(functionName);
    const events = await eventLines(t, stackName);
    expect(events[0]).toBe(`${stackName} CREATE_IN_PROGRESS`);
    expect(events.at(-1)).toBe(`${stackName} CREATE_COMPLETE`);
    expect(events.indexOf('Role CREATE_COMPLETE')).toBeLessThan(events.indexOf('Fn CREATE_IN_PROGRESS'));

    // In place: a new timeout updates the same function.
    await client.send(
      new UpdateStackCommand({
        StackName: stackName,
        TemplateBody: appTemplate({ timeout: 9 }),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const afterUpdate = await updated(t, stackName);
    expect(afterUpdate.StackStatus).toBe('UPDATE_COMPLETE');
    expect(output(afterUpdate, 'FunctionName')).toBe(functionName);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: functionName }))).Configuration?.Timeout).toBe(9);
    expect(await eventLines(t, stackName)).toContain('Fn UPDATE_COMPLETE');

    // The same template again: nothing to do, as AWS says.
    expect(
      await failure(
        client.send(
          new UpdateStackCommand({
            StackName: stackName,
            TemplateBody: appTemplate({ timeout: 9 }),
            Capabilities: ['CAPABILITY_IAM'],
          }),
        ),
      ),
    ).toEqual({ name: 'ValidationError', message: 'No updates are to be performed.', status: 400 });

    // A new FunctionName replaces the function: created first, the old one deleted in cleanup.
    const newName = randomName('renamed');
    await client.send(
      new UpdateStackCommand({
        StackName: stackName,
        TemplateBody: appTemplate({ timeout: 9, functionName: newName }),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const replaced = await updated(t, stackName);
    expect(output(replaced, 'FunctionName')).toBe(newName);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: newName }))).Configuration?.Timeout).toBe(9);
    expect((await failure(lambda.send(new GetFunctionCommand({ FunctionName: functionName })))).name).toBe(
      'ResourceNotFoundException',
    );
    const replaceEvents = await eventLines(t, stackName, true);
    expect(replaceEvents).toContain(
      'Fn UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.',
    );
    expect(replaceEvents).toContain(`${stackName} UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`);

    await client.send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
    expect((await failure(lambda.send(new GetFunctionCommand({ FunctionName: newName })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await failure(t.s3().send(new HeadBucketCommand({ Bucket: bucket })))).status).toBe(404);
    // A deleted stack is found by id only, with DELETE_COMPLETE.
    expect((await describeStack(t, StackId ?? '')).StackStatus).toBe('DELETE_COMPLETE');
    expect((await failure(describeStack(t, stackName))).message).toBe(`Stack with id ${stackName} does not exist`);
    const listed = await client.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(listed.StackSummaries?.some((s) => s.StackId === StackId)).toBe(true);
  });

  it('leaves Outputs out of a stack that has none, counting outputs whose Condition is false', async () => {
    const StackName = randomName('no-outputs');
    await cfn(t).send(
      new CreateStackCommand({
        StackName,
        TemplateBody: JSON.stringify({
          Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
          Resources: { Logs: { Type: 'AWS::Logs::LogGroup' } },
          Outputs: { Hidden: { Condition: 'Never', Value: { Ref: 'Logs' } } },
        }),
      }),
    );
    const stack = await created(t, StackName);
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.Outputs).toBeUndefined();
  });

  it('requires CAPABILITY_IAM for IAM resources', async () => {
    expect(
      await failure(
        cfn(t).send(new CreateStackCommand({ StackName: randomName('caps'), TemplateBody: appTemplate() })),
      ),
    ).toEqual({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
      status: 400,
    });
  });
});

describe('failures', () => {
  const failingTemplate = (bucketName: string) =>
    JSON.stringify({
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucketName } },
        Fn: {
          Type: 'AWS::Lambda::Function',
          DependsOn: 'Bucket',
          Properties: {
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Role: 'arn:aws:iam::000000000000:role/lambda-role',
            Code: { S3Bucket: { Ref: 'Bucket' }, S3Key: 'missing.zip' },
          },
        },
      },
    });

  it('rolls back when a resource fails, with the service error as the reason', async () => {
    const stackName = randomName('fails');
    const bucketName = randomName('rollback');
    await cfn(t).send(new CreateStackCommand({ StackName: stackName, TemplateBody: failingTemplate(bucketName) }));
    const error = await failure(created(t, stackName));
    expect(error.message).toMatch(/ROLLBACK_COMPLETE|failure/i);
    const stack = await describeStack(t, stackName);
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = await eventLines(t, stackName, true);
    const failed = events.find((e) => e.startsWith('Fn CREATE_FAILED'));
    expect(failed).toMatch(
      /^Fn CREATE_FAILED Resource handler returned message: "Error occurred while GetObject\. S3 Error Code: NoSuchKey\. S3 Error Message: The specified key does not exist\." \(RequestToken: [0-9a-f-]+, HandlerErrorCode: InvalidRequest\)$/,
    );
    expect(events).toContain(
      `${stackName} ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Fn]. Rollback requested by user.`,
    );
    expect(events).toContain('Bucket DELETE_COMPLETE');
    expect(events.at(-1)).toBe(`${stackName} ROLLBACK_COMPLETE`);
    // The bucket made before the failure is gone.
    expect((await failure(t.s3().send(new HeadBucketCommand({ Bucket: bucketName })))).status).toBe(404);
    // A stack in ROLLBACK_COMPLETE can only be deleted.
    const refused = await failure(
      cfn(t).send(new UpdateStackCommand({ StackName: stackName, TemplateBody: failingTemplate(bucketName) })),
    );
    expect(refused.name).toBe('ValidationError');
    expect(refused.message).toMatch(
      /^Stack:arn:aws:cloudformation:.* is in ROLLBACK_COMPLETE state and can not be updated\.$/,
    );
  });

  it('keeps what was created with DisableRollback, in CREATE_FAILED', async () => {
    const stackName = randomName('norollback');
    const bucketName = randomName('kept');
    await cfn(t).send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: failingTemplate(bucketName),
        DisableRollback: true,
      }),
    );
    await failure(created(t, stackName));
    expect((await describeStack(t, stackName)).StackStatus).toBe('CREATE_FAILED');
    await t.s3().send(new HeadBucketCommand({ Bucket: bucketName }));
    const resources = await cfn(t).send(new DescribeStackResourcesCommand({ StackName: stackName }));
    expect(resources.StackResources?.map((r) => `${r.LogicalResourceId}:${r.ResourceStatus}`).sort()).toEqual([
      'Bucket:CREATE_COMPLETE',
      'Fn:CREATE_FAILED',
    ]);
    await cfn(t).send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
  });

  it('refuses bad templates before provisioning anything', async () => {
    const client = cfn(t);
    const cases: [unknown, string][] = [
      [
        { Resources: { X: { Type: 'AWS::Nope::Thing' } } },
        'Template format error: Unrecognized resource types: [AWS::Nope::Thing]',
      ],
      [
        { Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { Ref: 'Missing' } } } } },
        'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
      ],
    ];
    for (const [template, message] of cases) {
      expect(
        await failure(
          client.send(new CreateStackCommand({ StackName: randomName('bad'), TemplateBody: JSON.stringify(template) })),
        ),
      ).toEqual({ name: 'ValidationError', message, status: 400 });
    }
    expect(
      (
        await failure(
          client.send(
            new CreateStackCommand({
              StackName: randomName('bad'),
              TemplateBody: JSON.stringify({
                Resources: {
                  A: { Type: 'AWS::S3::Bucket', DependsOn: 'B' },
                  B: { Type: 'AWS::S3::Bucket', DependsOn: 'A' },
                },
              }),
            }),
          ),
        )
      ).message,
    ).toMatch(/^Circular dependency between resources: \[/);
  });
});

describe('deletion policy, termination protection, templates', () => {
  it('retains a resource with DeletionPolicy Retain', async () => {
    const stackName = randomName('retain');
    const template = JSON.stringify({
      Resources: { Kept: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' } },
      Outputs: { Name: { Value: { Ref: 'Kept' } } },
    });
    const client = cfn(t);
    await client.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: template, EnableTerminationProtection: true }),
    );
    const stack = await created(t, stackName);
    expect(await failure(client.send(new DeleteStackCommand({ StackName: stackName })))).toEqual({
      name: 'ValidationError',
      message: `Stack [${stackName}] cannot be deleted while TerminationProtection is enabled`,
      status: 400,
    });
    await client.send(
      new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: false }),
    );
    expect((await client.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody).toBe(template);
    await client.send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
    await t.s3().send(new HeadBucketCommand({ Bucket: output(stack, 'Name') }));
    expect(await eventLines(t, stack.StackId ?? '')).toContain('Kept DELETE_SKIPPED');
  });
});
