/**
 * AWS::LanguageExtensions deployed through CloudFormation: Fn::ForEach over a CommaDelimitedList
 * parameter the caller gives (and a different list on update), loops in Conditions and Outputs,
 * an intrinsic DeletionPolicy that retains what it should, the transform listed before
 * AWS::Serverless-2016-10-31 so a loop produces SAM functions, and CloudFormation's refusals.
 */
import {
  CreateStackCommand,
  DeleteStackCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../../helpers/cloud.js';
import { cfn, created, deleted, output, sub, updated } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const AUTO_EXPAND = ['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_IAM'] as ('CAPABILITY_AUTO_EXPAND' | 'CAPABILITY_IAM')[];

const queuesTemplate = JSON.stringify({
  Transform: 'AWS::LanguageExtensions',
  Parameters: {
    Names: { Type: 'CommaDelimitedList' },
    Stage: { Type: 'String', Default: 'prod' },
  },
  Conditions: {
    'Fn::ForEach::Stages': [
      'S',
      ['dev', 'prod'],
      { [sub('Is', 'S')]: { 'Fn::Equals': [{ Ref: 'Stage' }, { Ref: 'S' }] } },
    ],
  },
  Resources: {
    'Fn::ForEach::Queues': [
      'Name',
      { Ref: 'Names' },
      {
        [sub('Queue', 'Name')]: {
          Type: 'AWS::SQS::Queue',
          DeletionPolicy: { 'Fn::If': ['Isprod', 'Retain', 'Delete'] },
          Properties: { QueueName: { 'Fn::Sub': `${sub('', 'AWS::StackName')}-${sub('', 'Name')}` } },
        },
      },
    ],
  },
  Outputs: {
    'Fn::ForEach::Urls': [
      'Name',
      { Ref: 'Names' },
      { [sub('', 'Name')]: { Value: { Ref: { 'Fn::Sub': sub('Queue', 'Name') } } } },
    ],
    Count: { Value: { 'Fn::Length': { Ref: 'Names' } } },
  },
});

async function queueExists(name: string): Promise<boolean> {
  try {
    await t.sqs().send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch {
    return false;
  }
}

describe('AWS::LanguageExtensions in the local cloud', () => {
  it('expands loops over a list parameter, updates with a new list, and resolves DeletionPolicy', async () => {
    const StackName = randomName('lang');
    const parameters = (names: string, stage = 'prod') => [
      { ParameterKey: 'Names', ParameterValue: names },
      { ParameterKey: 'Stage', ParameterValue: stage },
    ];
    await cfn(t).send(
      new CreateStackCommand({
        StackName,
        TemplateBody: queuesTemplate,
        Parameters: parameters('jobs,events'),
        Capabilities: AUTO_EXPAND,
      }),
    );
    const stack = await created(t, StackName);
    expect(output(stack, 'jobs')).toMatch(new RegExp(`/${StackName}-jobs$`));
    expect(output(stack, 'events')).toMatch(new RegExp(`/${StackName}-events$`));
    expect(output(stack, 'Count')).toBe('2');

    const processed = await cfn(t).send(new GetTemplateCommand({ StackName, TemplateStage: 'Processed' }));
    const expansion = JSON.parse(processed.TemplateBody ?? '{}') as {
      Resources: Record<string, { DeletionPolicy?: unknown }>;
      Conditions: Record<string, unknown>;
    };
    expect(Object.keys(expansion.Resources).sort()).toEqual(['Queueevents', 'Queuejobs']);
    expect(Object.keys(expansion.Conditions).sort()).toEqual(['Isdev', 'Isprod']);
    expect(expansion.Resources['Queuejobs']?.DeletionPolicy).toBe('Retain');

    // A new list and stage dev: the queue that goes keeps the policy it had (Retain, under prod).
    await cfn(t).send(
      new UpdateStackCommand({
        StackName,
        TemplateBody: queuesTemplate,
        Parameters: parameters('jobs,audit', 'dev'),
        Capabilities: AUTO_EXPAND,
      }),
    );
    const after = await updated(t, StackName);
    expect(after.Outputs?.map((o) => o.OutputKey).sort()).toEqual(['Count', 'audit', 'jobs']);
    expect(await queueExists(`${StackName}-events`)).toBe(true);
    expect(await queueExists(`${StackName}-audit`)).toBe(true);

    // Under dev the policy is Delete: deleting the stack deletes its queues.
    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
    expect(await queueExists(`${StackName}-jobs`)).toBe(false);
    expect(await queueExists(`${StackName}-audit`)).toBe(false);
    const url = (await t.sqs().send(new GetQueueUrlCommand({ QueueName: `${StackName}-events` }))).QueueUrl;
    await t.sqs().send(new DeleteQueueCommand({ QueueUrl: url }));
  });

  it('runs before AWS::Serverless-2016-10-31, so a loop can produce SAM functions', async () => {
    const StackName = randomName('lang-sam');
    const TemplateBody = JSON.stringify({
      Transform: ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31'],
      Resources: {
        'Fn::ForEach::Functions': [
          'Greeting',
          ['hello', 'bonjour'],
          {
            [sub('Say', 'Greeting')]: {
              Type: 'AWS::Serverless::Function',
              Properties: {
                Runtime: 'nodejs20.x',
                Handler: 'index.handler',
                InlineCode: { 'Fn::Sub': `exports.handler = async () => '${sub('', 'Greeting')}';` },
              },
            },
          },
        ],
      },
      Outputs: {
        'Fn::ForEach::Names': [
          'Greeting',
          ['hello', 'bonjour'],
          { [sub('', 'Greeting')]: { Value: { Ref: { 'Fn::Sub': sub('Say', 'Greeting') } } } },
        ],
      },
    });
    await cfn(t).send(new CreateStackCommand({ StackName, TemplateBody, Capabilities: AUTO_EXPAND }));
    const stack = await created(t, StackName);
    for (const greeting of ['hello', 'bonjour']) {
      const out = await t.lambda().send(new InvokeCommand({ FunctionName: output(stack, greeting) }));
      expect(new TextDecoder().decode(out.Payload)).toBe(JSON.stringify(greeting));
    }
    const processed = await cfn(t).send(new GetTemplateCommand({ StackName, TemplateStage: 'Processed' }));
    const resources = (JSON.parse(processed.TemplateBody ?? '{}') as { Resources: Record<string, { Type: string }> })
      .Resources;
    expect(resources['Sayhello']?.Type).toBe('AWS::Lambda::Function');
    expect(resources['SaybonjourRole']?.Type).toBe('AWS::IAM::Role');
    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
  });

  it.each([
    [
      'a loop without its collection',
      { 'Fn::ForEach::Q': ['N', { [sub('Q', 'N')]: { Type: 'AWS::SQS::Queue' } }] },
      'Fn::ForEach layout is incorrect',
    ],
    [
      'a collection that does not resolve',
      { 'Fn::ForEach::Q': ['N', { 'Fn::GetAtt': ['X', 'Arn'] }, { [sub('Q', 'N')]: { Type: 'AWS::SQS::Queue' } }] },
      'Could not find a collection or could not be resolved for Fn::ForEach',
    ],
    [
      'a DeletionPolicy of AWS::NoValue',
      { Q: { Type: 'AWS::SQS::Queue', DeletionPolicy: { Ref: 'AWS::NoValue' } } },
      'AWS::NoValue is not supported for DeletionPolicy or UpdateReplacePolicy',
    ],
    [
      'a DeletionPolicy naming a resource',
      { Q: { Type: 'AWS::SQS::Queue', UpdateReplacePolicy: { 'Fn::GetAtt': ['Q', 'Arn'] } } },
      'Unsupported expression for UpdateReplacePolicy in resource Q',
    ],
  ])('refuses %s as CloudFormation words it', async (_case, Resources, reason) => {
    const TemplateBody = JSON.stringify({ Transform: 'AWS::LanguageExtensions', Resources });
    const message = `Transform AWS::LanguageExtensions failed with: ${reason}`;
    expect(await failure(cfn(t).send(new ValidateTemplateCommand({ TemplateBody })))).toMatchObject({
      name: 'ValidationError',
      status: 400,
      message,
    });
    const StackName = randomName('lang-bad');
    expect(
      await failure(cfn(t).send(new CreateStackCommand({ StackName, TemplateBody, Capabilities: AUTO_EXPAND }))),
    ).toMatchObject({ name: 'ValidationError', message });
  });
});

describe('ValidateTemplate with AWS::LanguageExtensions', () => {
  it('accepts Fn::Length and Fn::ToJsonString, which only the transform allows', async () => {
    const TemplateBody = JSON.stringify({
      Transform: 'AWS::LanguageExtensions',
      Parameters: { Names: { Type: 'CommaDelimitedList', Default: 'a,b' } },
      Resources: {
        Q: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            Tags: [{ Key: 'count', Value: { 'Fn::ToJsonString': { n: { 'Fn::Length': { Ref: 'Names' } } } } }],
          },
        },
      },
    });
    const answer = await cfn(t).send(new ValidateTemplateCommand({ TemplateBody }));
    expect(answer.DeclaredTransforms).toEqual(['AWS::LanguageExtensions']);
    expect(answer.Capabilities).toContain('CAPABILITY_AUTO_EXPAND');
  });
});
