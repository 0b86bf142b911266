/**
 * AWS::Lambda::EventSourceMapping through a stack: a queue, a role, a function and the mapping
 * between them, as AWS users write them. Ref is the mapping's UUID, GetAtt gives Id and the ARN;
 * a stack update changes the mapping in place (and disables it); deleting the stack deletes it.
 */
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetEventSourceMappingCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted, output, ROLE_STATEMENT, updated } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

function template(mapping: Record<string, unknown>) {
  return JSON.stringify({
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ROLE_STATEMENT } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Code: { ZipFile: 'exports.handler = async () => ({});' },
        },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          ...mapping,
        },
      },
    },
    Outputs: {
      Ref: { Value: { Ref: 'Mapping' } },
      Id: { Value: { 'Fn::GetAtt': ['Mapping', 'Id'] } },
      Arn: { Value: { 'Fn::GetAtt': ['Mapping', 'EventSourceMappingArn'] } },
      QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } },
      FunctionName: { Value: { Ref: 'Fn' } },
    },
  });
}

describe('AWS::Lambda::EventSourceMapping', () => {
  it('creates the mapping (Ref = UUID), updates it in place, and deletes it with the stack', async () => {
    const StackName = randomName('esm');
    await cfn(t).send(
      new CreateStackCommand({
        StackName,
        Capabilities: ['CAPABILITY_IAM'],
        TemplateBody: template({ BatchSize: '5', Tags: [{ Key: 'team', Value: 'pull' }] }),
      }),
    );
    const stack = await created(t, StackName);
    const uuid = output(stack, 'Ref') ?? '';
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(output(stack, 'Id')).toBe(uuid);
    expect(output(stack, 'Arn')).toBe(`arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${uuid}`);
    const mapping = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(mapping).toMatchObject({
      State: 'Enabled',
      BatchSize: 5,
      EventSourceArn: output(stack, 'QueueArn'),
      FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${output(stack, 'FunctionName')}`,
    });
    expect((await t.lambda().send(new ListTagsCommand({ Resource: output(stack, 'Arn') }))).Tags).toEqual({
      team: 'pull',
    });

    await cfn(t).send(
      new UpdateStackCommand({
        StackName,
        Capabilities: ['CAPABILITY_IAM'],
        TemplateBody: template({ BatchSize: 7, Enabled: false, MaximumBatchingWindowInSeconds: 2 }),
      }),
    );
    const after = await updated(t, StackName);
    expect(output(after, 'Ref')).toBe(uuid); // in place, not replaced
    expect(await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }))).toMatchObject({
      State: 'Disabled',
      BatchSize: 7,
      MaximumBatchingWindowInSeconds: 2,
    });
    expect((await t.lambda().send(new ListTagsCommand({ Resource: output(stack, 'Arn') }))).Tags).toEqual({});

    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
    expect(await failure(t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });
});
