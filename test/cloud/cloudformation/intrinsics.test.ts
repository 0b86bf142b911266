/**
 * Every intrinsic function in AWS's list through a real stack (table-driven: each row is an output
 * and the value AWS gives it), the template errors AWS answers at validation, and the stack-level
 * failures it reports at create and update time (a missing export, an export in use).
 */
import {
  CreateStackCommand,
  DeleteStackCommand,
  ListExportsCommand,
  ListImportsCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { awsCli } from '../../helpers/aws-cli.js';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted, describe as describeStack, eventLines, output, reached, sub, WAIT } from './support.js';

const t = useCloud();
const cli = awsCli(() => t.url);

const QUEUE = { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } };

/** Output name -> [its Value, what AWS resolves it to for a stack named `name` with Stage=dev]. */
function outputTable(name: string): Record<string, [unknown, string]> {
  return {
    Base64: [{ 'Fn::Base64': 'hello' }, 'aGVsbG8='],
    Cidr: [{ 'Fn::Select': [1, { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }] }, '10.0.1.0/24'],
    FindInMap: [{ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Size'] }, '3'],
    FindInMapDefault: [{ 'Fn::FindInMap': ['Sizes', 'test', 'Size', { DefaultValue: 'nine' }] }, 'nine'],
    GetAttList: [{ 'Fn::GetAtt': ['Queue', 'Arn'] }, `arn:aws:sqs:us-east-1:000000000000:${name}-Queue-`],
    GetAttDotted: [{ 'Fn::GetAtt': 'Queue.QueueName' }, `${name}-Queue-`],
    GetAZs: [{ 'Fn::Join': [',', { 'Fn::GetAZs': '' }] }, 'us-east-1a,us-east-1b,us-east-1c'],
    GetAZsOfRegion: [{ 'Fn::Select': [0, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] }, 'us-east-1a'],
    Join: [{ 'Fn::Join': ['-', ['a', { Ref: 'Stage' }, 'b']] }, 'a-dev-b'],
    Length: [{ 'Fn::Length': { Ref: 'Names' } }, '3'],
    Select: [{ 'Fn::Select': ['2', { Ref: 'Names' }] }, 'z'],
    Split: [{ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'b'],
    SubString: [
      { 'Fn::Sub': `${sub(`${sub('', 'AWS::StackName')}-`, 'Stage')}-${sub('', '!Literal')}` },
      `${name}-dev-${sub('', 'Literal')}`,
    ],
    SubList: [
      { 'Fn::Sub': [`${sub('', 'Greeting')}:${sub('', 'Queue.QueueName')}`, { Greeting: 'hi' }] },
      `hi:${name}-Queue-`,
    ],
    ToJsonString: [
      { 'Fn::ToJsonString': { Stage: { Ref: 'Stage' }, List: [1, 'two'] } },
      '{"Stage":"dev","List":[1,"two"]}',
    ],
    RefParameter: [{ Ref: 'Stage' }, 'dev'],
    RefListParameter: [{ Ref: 'Names' }, 'x,y,z'],
    RefPseudo: [
      { 'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::AccountId' }]] },
      'aws:amazonaws.com:000000000000',
    ],
    RefResource: [{ Ref: 'Queue' }, `/000000000000/${name}-Queue-`],
    IfEquals: [{ 'Fn::If': ['IsDev', 'yes', 'no'] }, 'yes'],
    IfAndOrNot: [{ 'Fn::If': ['Mixed', 'yes', 'no'] }, 'no'],
    IfNoValue: [{ 'Fn::Join': [',', ['a', { 'Fn::If': ['IsProd', 'b', { Ref: 'AWS::NoValue' }] }]] }, 'a'],
  };
}

function intrinsicsTemplate(name: string): string {
  return JSON.stringify({
    Transform: 'AWS::LanguageExtensions',
    Parameters: {
      Stage: { Type: 'String', Default: 'dev' },
      Names: { Type: 'CommaDelimitedList', Default: 'x,y,z' },
    },
    Mappings: { Sizes: { dev: { Size: 3 }, prod: { Size: 5 } } },
    Conditions: {
      IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] },
      IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] },
      Mixed: {
        'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Or': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'b'] }] }],
      },
    },
    Resources: QUEUE,
    Outputs: {
      ...Object.fromEntries(Object.entries(outputTable(name)).map(([key, [Value]]) => [key, { Value }])),
      OnlyInProd: { Condition: 'IsProd', Value: 'left out' },
    },
  });
}

describe('intrinsic functions in a stack', () => {
  it('resolves every function as AWS does, and leaves out outputs whose Condition is false', async () => {
    const name = randomName('fns');
    await cfn(t).send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: intrinsicsTemplate(name),
        Capabilities: ['CAPABILITY_AUTO_EXPAND'],
      }),
    );
    const stack = await created(t, name);
    for (const [key, [, expected]] of Object.entries(outputTable(name))) {
      const value = output(stack, key);
      // Generated names end in a random suffix: the table gives what comes before it.
      if (expected.endsWith('-Queue-'))
        expect(value, key).toMatch(new RegExp(`${expected.replace(/[/]/g, '\\/')}[A-Z0-9]{12}$`));
      else expect(value, key).toBe(expected);
    }
    expect(stack.Outputs?.some((o) => o.OutputKey === 'OnlyInProd')).toBe(false);
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
  });

  /** Each row: an output Value (or a Conditions section) and AWS's ValidationError message. */
  const invalid: [string, Record<string, unknown>, string][] = [
    [
      'Fn::Length without AWS::LanguageExtensions',
      { Outputs: { O: { Value: { 'Fn::Length': [1, 2] } } } },
      'Template Error: Encountered unsupported function: Fn::Length Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]',
    ],
    [
      'Fn::FindInMap with a default without AWS::LanguageExtensions',
      {
        Mappings: { M: { K: { V: 'x' } } },
        Outputs: { O: { Value: { 'Fn::FindInMap': ['M', 'K', 'W', { DefaultValue: 'd' }] } } },
      },
      'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
    ],
    [
      'Fn::FindInMap of a key the map does not have',
      { Mappings: { M: { K: { V: 'x' } } }, Outputs: { O: { Value: { 'Fn::FindInMap': ['M', 'Other', 'V'] } } } },
      'Template error: Unable to get mapping for M::Other::V',
    ],
    [
      'Fn::GetAtt with one argument',
      { Outputs: { O: { Value: { 'Fn::GetAtt': ['Queue'] } } } },
      'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
    ],
    [
      'Fn::GetAtt of a resource the template does not have',
      { Outputs: { O: { Value: { 'Fn::GetAtt': ['Nothing', 'Arn'] } } } },
      'Template error: instance of Fn::GetAtt references undefined resource Nothing',
    ],
    [
      'Fn::GetAtt of an attribute the type does not have',
      { Outputs: { O: { Value: { 'Fn::GetAtt': 'Queue.Color' } } } },
      'Template error: resource Queue does not support attribute type Color in Fn::GetAtt',
    ],
    [
      'Fn::Select beyond a literal list',
      { Outputs: { O: { Value: { 'Fn::Select': [3, ['a', 'b']] } } } },
      'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
    ],
    [
      'Fn::Split with one argument',
      { Outputs: { O: { Value: { 'Fn::Split': [','] } } } },
      'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
    ],
    [
      'Fn::Join with three arguments',
      { Outputs: { O: { Value: { 'Fn::Join': [',', ['a'], 'b'] } } } },
      'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
    ],
    [
      'Fn::Sub with a variable name AWS does not allow',
      { Outputs: { O: { Value: { 'Fn::Sub': sub('', 'a-b') } } } },
      'Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons',
    ],
    [
      'Ref to nothing',
      { Resources: { ...QUEUE, Other: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'Missing' } } } } },
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    ],
    [
      'Fn::If naming an undeclared condition',
      { Outputs: { O: { Value: { 'Fn::If': ['Nope', 'a', 'b'] } } } },
      'Template error: unresolved condition dependency Nope in Fn::If',
    ],
    [
      'Fn::Equals with one argument',
      { Conditions: { C: { 'Fn::Equals': ['a'] } } },
      'Template error: every Fn::Equals object requires a list of 2 string parameters.',
    ],
    [
      'a function AWS does not have',
      { Outputs: { O: { Value: { 'Fn::Upper': 'a' } } } },
      'Template Error: Encountered unsupported function: Fn::Upper Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]',
    ],
    [
      'Fn::ImportValue of a name that reads a resource',
      { Outputs: { O: { Value: { 'Fn::ImportValue': { 'Fn::GetAtt': ['Queue', 'Arn'] } } } } },
      'Template error: the attribute in Fn::ImportValue must not depend on any resources, imported values, or Fn::GetAZs',
    ],
    [
      'an Export Name that reads a resource',
      { Outputs: { O: { Value: 'x', Export: { Name: { 'Fn::Sub': sub('', 'Queue.QueueName') } } } } },
      'Template format error: Output O is malformed. The Name field of Export must not depend on any resources, imported values, or Fn::GetAZs.',
    ],
    [
      'Fn::Transform whose Name is not a string',
      { Outputs: { O: { Value: { 'Fn::Transform': { Name: ['AWS::Include'] } } } } },
      'Key Name of transform definition must be a string.',
    ],
    [
      'Fn::Transform naming a macro the local cloud does not have',
      { Outputs: { O: { Value: { 'Fn::Transform': { Name: 'MyMacro' } } } } },
      'Template format error: Fn::Transform names MyMacro, which the local cloud cannot run: it has no macros, and AWS::Include is the one transform Fn::Transform expands',
    ],
  ];

  it.each(invalid)('refuses %s with AWS ValidationError', async (_case, sections, message) => {
    const template = JSON.stringify({ Resources: QUEUE, ...sections });
    expect(await failure(cfn(t).send(new ValidateTemplateCommand({ TemplateBody: template })))).toEqual({
      name: 'ValidationError',
      message,
      status: 400,
    });
  });

  it('answers the AWS CLI with the same message', async () => {
    const { code, stderr } = await cli.failure(
      'cloudformation',
      'validate-template',
      '--template-body',
      JSON.stringify({ Resources: QUEUE, Outputs: { O: { Value: { 'Fn::GetAtt': ['Nothing', 'Arn'] } } } }),
    );
    expect(code).toBe(255);
    expect(stderr).toContain(
      'An error occurred (ValidationError) when calling the ValidateTemplate operation: Template error: instance of Fn::GetAtt references undefined resource Nothing',
    );
  });

  it('fails Fn::Select of an index a run-time list does not have when the stack is created', async () => {
    const name = randomName('select');
    const template = { Resources: QUEUE, Outputs: { O: { Value: { 'Fn::Select': [7, { 'Fn::GetAZs': '' }] } } } };
    await cfn(t).send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
    await reached(t, name, 'ROLLBACK_COMPLETE');
    expect(await eventLines(t, name, true)).toContain(
      `${name} CREATE_FAILED Template error: Fn::Select cannot select nonexistent value at index 7`,
    );
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
  });

  it('expands AWS::Include from the local S3 through Fn::Transform', async () => {
    const bucket = randomName('snippets');
    const s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tags.yaml', Body: 'Key: team\nValue: !Ref Stage\n' }));
    const name = randomName('include');
    const template = {
      Parameters: { Stage: { Type: 'String', Default: 'dev' } },
      Resources: {
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            Tags: [{ 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: `s3://${bucket}/tags.yaml` } } }],
          },
        },
      },
      Outputs: { Url: { Value: { Ref: 'Queue' } } },
    };
    await cfn(t).send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
    const url = output(await created(t, name), 'Url') ?? '';
    const tags = await t.sqs().send(new ListQueueTagsCommand({ QueueUrl: url }));
    expect(tags.Tags).toEqual({ team: 'dev' });

    const missing = {
      ...template,
      Resources: {
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            Tags: [
              {
                'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://no-such-bucket-here/x.yaml' } },
              },
            ],
          },
        },
      },
    };
    expect(
      await failure(
        cfn(t).send(
          new CreateStackCommand({ StackName: randomName('include'), TemplateBody: JSON.stringify(missing) }),
        ),
      ),
    ).toEqual({
      name: 'ValidationError',
      message: 'Transform AWS::Include failed with: S3 bucket [no-such-bucket-here] does not exist.',
      status: 400,
    });
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
    await deleted(t, name);
  });
});

describe('Fn::ImportValue and exports', () => {
  const exporter = (exportName: string, value: string) =>
    JSON.stringify({
      Resources: QUEUE,
      Outputs: { Shared: { Value: value, Export: { Name: exportName } } },
    });
  const importer = (exportName: string) =>
    JSON.stringify({
      Resources: QUEUE,
      Outputs: { Imported: { Value: { 'Fn::ImportValue': { 'Fn::Sub': sub('', 'Name') } } } },
      Parameters: { Name: { Type: 'String', Default: exportName } },
    });

  it('imports, lists imports, and refuses to drop or change an export in use as AWS does', async () => {
    const exportName = randomName('shared');
    const producer = randomName('producer');
    const consumer = randomName('consumer');
    await cfn(t).send(new CreateStackCommand({ StackName: producer, TemplateBody: exporter(exportName, 'v1') }));
    await created(t, producer);
    await cfn(t).send(new CreateStackCommand({ StackName: consumer, TemplateBody: importer(exportName) }));
    expect(output(await created(t, consumer), 'Imported')).toBe('v1');

    const exports = await cfn(t).send(new ListExportsCommand({}));
    expect(exports.Exports?.find((e) => e.Name === exportName)?.Value).toBe('v1');
    expect((await cfn(t).send(new ListImportsCommand({ ExportName: exportName }))).Imports).toEqual([consumer]);

    // Changing the value: the update rolls back with AWS's reason.
    await cfn(t).send(new UpdateStackCommand({ StackName: producer, TemplateBody: exporter(exportName, 'v2') }));
    await reached(t, producer, 'UPDATE_ROLLBACK_COMPLETE');
    expect(await eventLines(t, producer, true)).toContain(
      `${producer} UPDATE_ROLLBACK_IN_PROGRESS Export ${exportName} cannot be updated as it is in use by ${consumer}`,
    );
    expect(output(await describeStack(t, producer), 'Shared')).toBe('v1');

    // Deleting the exporter fails while the import stands.
    await cfn(t).send(new DeleteStackCommand({ StackName: producer }));
    await reached(t, producer, 'DELETE_FAILED');
    expect((await describeStack(t, producer)).StackStatusReason).toBe(
      `Export ${exportName} cannot be deleted as it is in use by ${consumer}`,
    );

    await cfn(t).send(new DeleteStackCommand({ StackName: consumer }));
    await deleted(t, consumer);
    await cfn(t).send(new DeleteStackCommand({ StackName: producer }));
    await waitUntilStackDeleteComplete({ client: cfn(t), ...WAIT }, { StackName: producer });
    expect(await failure(cfn(t).send(new ListImportsCommand({ ExportName: exportName })))).toEqual({
      name: 'ValidationError',
      message: `Export '${exportName}' is not imported by any stack.`,
      status: 400,
    });
  });

  it('fails the whole stack, not a resource, when an import names no export', async () => {
    const name = randomName('orphan');
    const missing = randomName('missing');
    await cfn(t).send(new CreateStackCommand({ StackName: name, TemplateBody: importer(missing) }));
    await reached(t, name, 'ROLLBACK_COMPLETE');
    const lines = await eventLines(t, name, true);
    expect(lines).toContain(
      `${name} ROLLBACK_IN_PROGRESS No export named ${missing} found. Rollback requested by user.`,
    );
    expect(lines.some((line) => line.startsWith('Queue '))).toBe(false);
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
  });

  it('shows the AWS CLI the reason of a stack that does not roll back', async () => {
    const name = randomName('boto');
    const missing = randomName('missing');
    await cfn(t).send(
      new CreateStackCommand({ StackName: name, TemplateBody: importer(missing), OnFailure: 'DO_NOTHING' }),
    );
    await reached(t, name, 'CREATE_FAILED');
    const { stdout } = await cli.run(
      '--output',
      'text',
      'cloudformation',
      'describe-stacks',
      '--stack-name',
      name,
      '--query',
      'Stacks[0].StackStatusReason',
    );
    expect(stdout.trim()).toBe(`No export named ${missing} found`);
    await cfn(t).send(new DeleteStackCommand({ StackName: name }));
  });
});
