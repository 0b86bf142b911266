/** A template synthesized by the AWS CDK (scripts/synth-cdk-fixture.mjs) deploys, and its function answers. */
import { readFileSync } from 'node:fs';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, output } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const TEMPLATE = readFileSync(new URL('../../fixtures/cdk/hello.template.json', import.meta.url), 'utf8');

describe('a CDK-synthesized template', () => {
  it('deploys a function with its role and permission, and the function answers an invoke', async () => {
    const stackName = randomName('cdk');
    await cfn(t).send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: TEMPLATE, Capabilities: ['CAPABILITY_IAM'] }),
    );
    const stack = await created(t, stackName);
    const functionName = output(stack, 'FunctionName') ?? '';
    expect(output(stack, 'FunctionArn')).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${functionName}`);
    const out = await t
      .lambda()
      .send(new InvokeCommand({ FunctionName: functionName, Payload: '{"name":"cdk user"}' }));
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toEqual({ hello: 'cdk user', from: 'cdk' });
  });
});
