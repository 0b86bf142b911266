import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  ListImportsCommand,
  waitUntilChangeSetCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { cfn, created, deleted, describe as describeStack, output, sub, updated, WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

function functionTemplate(timeout: number, memory = 128) {
  return `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Timeout:
    Type: Number
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: ${ROLE}
      MemorySize: ${memory}
      Timeout: !Ref Timeout
      Code:
        ZipFile: |
          def handler(event, context):
              return {"ok": True}
Outputs:
  Name:
    Value: !Ref Fn
`.replace('!Ref Timeout', String(timeout));
}

describe('change sets', () => {
  it('creates a stack through a CREATE change set, then plans and runs an update', async () => {
    const client = cfn(t);
    const stackName = randomName('cs');
    const createSet = await client.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'create',
        ChangeSetType: 'CREATE',
        TemplateBody: functionTemplate(3),
        Parameters: [{ ParameterKey: 'Timeout', ParameterValue: '3' }],
      }),
    );
    expect(createSet.Id).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:changeSet\/create\//);
    expect((await describeStack(t, stackName)).StackStatus).toBe('REVIEW_IN_PROGRESS');
    await waitUntilChangeSetCreateComplete({ client, ...WAIT }, { StackName: stackName, ChangeSetName: 'create' });
    const planned = await client.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: 'create' }));
    expect(planned).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' });
    expect(planned.Changes).toEqual([
      {
        Type: 'Resource',
        ResourceChange: {
          Action: 'Add',
          LogicalResourceId: 'Fn',
          ResourceType: 'AWS::Lambda::Function',
          Scope: [],
          Details: [],
        },
      },
    ]);
    await client.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: 'create' }));
    const stack = await created(t, stackName);
    const name = output(stack, 'Name') ?? '';

    // An update that changes memory (in place) is listed as a Modify without replacement.
    await client.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'more-memory',
        TemplateBody: functionTemplate(3, 256),
        Parameters: [{ ParameterKey: 'Timeout', UsePreviousValue: true }],
      }),
    );
    await waitUntilChangeSetCreateComplete({ client, ...WAIT }, { StackName: stackName, ChangeSetName: 'more-memory' });
    const update = await client.send(
      new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: 'more-memory' }),
    );
    expect(update.Changes?.[0]?.ResourceChange).toMatchObject({
      Action: 'Modify',
      LogicalResourceId: 'Fn',
      PhysicalResourceId: name,
      Replacement: 'False',
      Scope: ['Properties'],
      Details: [
        {
          Target: { Attribute: 'Properties', Name: 'MemorySize', RequiresRecreation: 'Never' },
          Evaluation: 'Static',
          ChangeSource: 'DirectModification',
        },
      ],
    });
    const listed = await client.send(new ListChangeSetsCommand({ StackName: stackName }));
    expect(listed.Summaries?.map((s) => s.ChangeSetName)).toEqual(['more-memory']);
    await client.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: 'more-memory' }));
    await updated(t, stackName);
    expect((await t.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name }))).MemorySize).toBe(256);

    // A change set without changes fails with AWS's reason (and the waiter reports the failure).
    await client.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'nothing',
        TemplateBody: functionTemplate(3, 256),
        Parameters: [{ ParameterKey: 'Timeout', UsePreviousValue: true }],
      }),
    );
    await expect(
      waitUntilChangeSetCreateComplete({ client, ...WAIT }, { StackName: stackName, ChangeSetName: 'nothing' }),
    ).rejects.toThrow();
    const empty = await client.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: 'nothing' }));
    expect(empty).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    await client.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: 'nothing' }));
    expect(
      (await failure(client.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: 'nothing' }))))
        .name,
    ).toBe('ChangeSetNotFoundException');
    await client.send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
  });
});

describe('exports and imports', () => {
  it('imports another stack’s export and refuses to delete an export in use', async () => {
    const client = cfn(t);
    const exporter = randomName('exporter');
    const importer = randomName('importer');
    const exportName = randomName('shared-bucket');
    await client.send(
      new CreateStackCommand({
        StackName: exporter,
        TemplateBody: JSON.stringify({
          Resources: { Bucket: { Type: 'AWS::S3::Bucket' } },
          Outputs: { Bucket: { Value: { Ref: 'Bucket' }, Export: { Name: exportName } } },
        }),
      }),
    );
    const exported = await created(t, exporter);
    await client.send(
      new CreateStackCommand({
        StackName: importer,
        TemplateBody: JSON.stringify({
          Resources: {
            Logs: {
              Type: 'AWS::Logs::LogGroup',
              Properties: {
                LogGroupName: { 'Fn::Sub': [sub('/from/', 'B'), { B: { 'Fn::ImportValue': exportName } }] },
              },
            },
          },
          Outputs: { Group: { Value: { Ref: 'Logs' } } },
        }),
      }),
    );
    const imported = await created(t, importer);
    expect(output(imported, 'Group')).toBe(`/from/${output(exported, 'Bucket')}`);
    const exports = await client.send(new ListExportsCommand({}));
    expect(exports.Exports).toContainEqual({
      ExportingStackId: exported.StackId,
      Name: exportName,
      Value: output(exported, 'Bucket'),
    });
    expect((await client.send(new ListImportsCommand({ ExportName: exportName }))).Imports).toEqual([importer]);

    await client.send(new DeleteStackCommand({ StackName: exporter }));
    const failedDelete = await waitFor('the exporting stack to fail its delete', async () => {
      const stack = await describeStack(t, exporter);
      return stack.StackStatus === 'DELETE_FAILED' ? stack : undefined;
    });
    expect(failedDelete.StackStatusReason).toBe(
      `Export ${exportName} cannot be deleted as it is in use by ${importer}`,
    );
    await client.send(new DeleteStackCommand({ StackName: importer }));
    await deleted(t, importer);
    await client.send(new DeleteStackCommand({ StackName: exporter }));
    await deleted(t, exporter);
  });
});

describe('templates and parameters', () => {
  it('evaluates YAML short forms, conditions, mappings and intrinsics, and masks NoEcho everywhere', async () => {
    const client = cfn(t);
    const stackName = randomName('intrinsics');
    const template = `
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
  Secret:
    Type: String
    NoEcho: true
  Names:
    Type: CommaDelimitedList
    Default: "alpha,beta,gamma"
Mappings:
  Sizes:
    dev: { Memory: 128 }
    prod: { Memory: 1024 }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Join ['/', ['', !Ref 'AWS::StackName', !Select [1, !Ref Names]]]
      RetentionInDays: !If [IsProd, 30, !Ref 'AWS::NoValue']
  ProdOnly:
    Type: AWS::S3::Bucket
    Condition: IsProd
Outputs:
  Group:
    Value: !Ref Group
  GroupArn:
    Value: !GetAtt Group.Arn
  Memory:
    Value: !FindInMap [Sizes, !Ref Env, Memory]
  Sub:
    Value: !Sub 'region=\${AWS::Region} account=\${AWS::AccountId} group=\${Group} literal=\${!NotReplaced}'
  SubList:
    Value: !Sub ['\${A}-\${B}', { A: !Select [0, !Split ['-', 'x-y']], B: !Base64 'hi' }]
  Zones:
    Value: !Join [',', !GetAZs '']
  NotProd:
    Condition: NotProd
    Value: yes
  SecretEcho:
    Value: !Ref Secret
`;
    await client.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: template,
        Parameters: [
          { ParameterKey: 'Env', ParameterValue: 'dev' },
          { ParameterKey: 'Secret', ParameterValue: 'hunter2-very-secret' },
        ],
      }),
    );
    const stack = await created(t, stackName);
    expect(output(stack, 'Group')).toBe(`/${stackName}/beta`);
    expect(output(stack, 'GroupArn')).toBe(`arn:aws:logs:us-east-1:000000000000:log-group:/${stackName}/beta:*`);
    expect(output(stack, 'Memory')).toBe('128');
    expect(output(stack, 'Sub')).toBe(
      `region=us-east-1 account=000000000000 group=/${stackName}/beta literal=\${NotReplaced}`,
    );
    expect(output(stack, 'SubList')).toBe('x-aGk=');
    expect(output(stack, 'Zones')).toBe('us-east-1a,us-east-1b,us-east-1c');
    expect(output(stack, 'NotProd')).toBe('yes');
    expect(stack.Parameters).toContainEqual({ ParameterKey: 'Secret', ParameterValue: '****' });
    const events = await client.send(new DescribeStackEventsCommand({ StackName: stackName }));
    expect(JSON.stringify(events)).not.toContain('hunter2-very-secret');
    // The ProdOnly bucket's condition is false: it was not created.
    expect(stack.Outputs?.some((o) => o.OutputKey === 'ProdOnly')).toBe(false);

    const badParameter = await failure(
      client.send(
        new CreateStackCommand({
          StackName: randomName('badparam'),
          TemplateBody: template,
          Parameters: [
            { ParameterKey: 'Env', ParameterValue: 'staging' },
            { ParameterKey: 'Secret', ParameterValue: 'x' },
          ],
        }),
      ),
    );
    expect(badParameter.name).toBe('ValidationError');
    expect(badParameter.message).toMatch(/AllowedValues/);
    await client.send(new DeleteStackCommand({ StackName: stackName }));
    await deleted(t, stackName);
  });
});
