/**
 * Resource types: AWS's "Unrecognized resource types" for types AWS does not know, a message
 * naming the AWS types the local cloud does not provision at every operation that deploys, and the
 * generated table of supported types kept equal to the provider registry.
 */
import { readFileSync } from 'node:fs';
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  GetTemplateSummaryCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { resourceTypesMarkdown } from '../../../src/cloud/cloudformation/engine/resource-docs.js';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted } from './support.js';

const t = useCloud();

const QUEUE = { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } };
const UNPROVISIONED =
  'Template format error: The lambda-tasks local cloud does not provision these AWS resource types yet: [AWS::EC2::VPC, Custom::Thing]. docs/cloudformation-resources.md lists the types it provisions.';

function template(resources: Record<string, unknown>): string {
  return JSON.stringify({ Resources: { ...QUEUE, ...resources } });
}

const KNOWN_ELSEWHERE = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
  Other: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
  Custom: { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:x' } },
};

describe('resource types', () => {
  it('answers AWS\'s "Unrecognized resource types" for types AWS does not know, before anything else', async () => {
    const body = template({
      Bad: { Type: 'AWS::Nope::Thing' },
      Serverless: { Type: 'AWS::Serverless::Function' },
      ...KNOWN_ELSEWHERE,
    });
    const expected = {
      name: 'ValidationError',
      message: 'Template format error: Unrecognized resource types: [AWS::Nope::Thing, AWS::Serverless::Function]',
      status: 400,
    };
    expect(await failure(cfn(t).send(new ValidateTemplateCommand({ TemplateBody: body })))).toEqual(expected);
    expect(
      await failure(cfn(t).send(new CreateStackCommand({ StackName: randomName('types'), TemplateBody: body }))),
    ).toEqual(expected);
  });

  it('validates templates of any AWS type, as AWS does', async () => {
    const body = template(KNOWN_ELSEWHERE);
    const out = await cfn(t).send(new ValidateTemplateCommand({ TemplateBody: body }));
    expect(out.Parameters).toEqual([]);
    const summary = await cfn(t).send(new GetTemplateSummaryCommand({ TemplateBody: body }));
    expect(summary.ResourceTypes).toEqual(['AWS::SQS::Queue', 'AWS::EC2::VPC', 'Custom::Thing']);
  });

  it('names the AWS types the local cloud does not provision at CreateStack, UpdateStack and CreateChangeSet', async () => {
    const body = template(KNOWN_ELSEWHERE);
    const expected = { name: 'ValidationError', message: UNPROVISIONED, status: 400 };
    const name = randomName('types');
    expect(await failure(cfn(t).send(new CreateStackCommand({ StackName: name, TemplateBody: body })))).toEqual(
      expected,
    );
    expect(
      await failure(
        cfn(t).send(
          new CreateChangeSetCommand({
            StackName: name,
            ChangeSetName: 'c1',
            ChangeSetType: 'CREATE',
            TemplateBody: body,
          }),
        ),
      ),
    ).toEqual(expected);
    await cfn(t).send(new CreateStackCommand({ StackName: name, TemplateBody: template({}) }));
    await created(t, name);
    expect(await failure(cfn(t).send(new UpdateStackCommand({ StackName: name, TemplateBody: body })))).toEqual(
      expected,
    );
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
  });

  it('keeps docs/cloudformation-resources.md equal to the provider registry (node scripts/cfn-resources-doc.mjs)', () => {
    const committed = readFileSync(new URL('../../../docs/cloudformation-resources.md', import.meta.url), 'utf8');
    expect(committed).toBe(resourceTypesMarkdown());
  });
});
