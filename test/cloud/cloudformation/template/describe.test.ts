/**
 * describeTemplate: what GetTemplateSummary and ValidateTemplate report, capabilities included.
 */
import { describe, expect, it } from 'vitest';
import {
  describeTemplate,
  parseTemplate,
  requiredCapabilities,
} from '../../../../src/cloud/cloudformation/template/index.js';
import { LAMBDA_YAML } from './fixtures.js';

describe('describeTemplate', () => {
  it('summarizes the Lambda fixture', () => {
    expect(describeTemplate(parseTemplate(LAMBDA_YAML))).toEqual({
      Description: 'A function, its role and who may invoke it',
      Parameters: [
        {
          ParameterKey: 'Stage',
          DefaultValue: 'dev',
          ParameterType: 'String',
          NoEcho: false,
          ParameterConstraints: { AllowedValues: ['dev', 'prod'] },
        },
        {
          ParameterKey: 'MemorySize',
          DefaultValue: '128',
          ParameterType: 'Number',
          NoEcho: false,
          ParameterConstraints: {},
        },
      ],
      Capabilities: ['CAPABILITY_IAM'],
      CapabilitiesReason: 'The following resource(s) require capabilities: [AWS::IAM::Role]',
      ResourceTypes: ['AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup'],
      Version: '2010-09-09',
      ResourceIdentifierSummaries: [
        { ResourceType: 'AWS::IAM::Role', LogicalResourceIds: ['Role'] },
        { ResourceType: 'AWS::Lambda::Function', LogicalResourceIds: ['Function'] },
        { ResourceType: 'AWS::Lambda::Permission', LogicalResourceIds: ['Permission'] },
        { ResourceType: 'AWS::Logs::LogGroup', LogicalResourceIds: ['Logs'] },
      ],
    });
  });

  it('reports NoEcho, descriptions, metadata and transforms', () => {
    const summary = describeTemplate(
      parseTemplate(`Transform: [AWS::Serverless-2016-10-31, {Name: AWS::Include}]
Metadata: {TopicName: sns-topic-simple}
Parameters:
  Secret: {Type: String, NoEcho: true, Description: the password}
Resources:
  A: {Type: AWS::SNS::Topic}
  B: {Type: AWS::SNS::Topic}
`),
    );
    expect(summary.Parameters).toEqual([
      {
        ParameterKey: 'Secret',
        ParameterType: 'String',
        NoEcho: true,
        Description: 'the password',
        ParameterConstraints: {},
      },
    ]);
    expect(summary.Metadata).toBe('{"TopicName":"sns-topic-simple"}');
    expect(summary.DeclaredTransforms).toEqual(['AWS::Serverless-2016-10-31', 'AWS::Include']);
    expect(summary.Capabilities).toEqual(['CAPABILITY_AUTO_EXPAND']);
    expect(summary.CapabilitiesReason).toBeUndefined();
    expect(summary.ResourceIdentifierSummaries).toEqual([
      { ResourceType: 'AWS::SNS::Topic', LogicalResourceIds: ['A', 'B'] },
    ]);
  });
});

describe('requiredCapabilities', () => {
  it('needs nothing without IAM resources', () => {
    expect(requiredCapabilities(parseTemplate('Resources:\n  B: {Type: AWS::S3::Bucket}\n'))).toEqual({
      capabilities: [],
    });
  });

  it('needs CAPABILITY_IAM for unnamed IAM resources, listing their types', () => {
    const t = parseTemplate(`Resources:
  R: {Type: AWS::IAM::Role}
  P:
    Type: AWS::IAM::Policy
    Properties: {PolicyName: inline}
  R2: {Type: AWS::IAM::Role}
`);
    expect(requiredCapabilities(t)).toEqual({
      capabilities: ['CAPABILITY_IAM'],
      reason: 'The following resource(s) require capabilities: [AWS::IAM::Policy, AWS::IAM::Role]',
    });
  });

  it.each([
    ['AWS::IAM::Role', 'RoleName'],
    ['AWS::IAM::User', 'UserName'],
    ['AWS::IAM::Group', 'GroupName'],
    ['AWS::IAM::ManagedPolicy', 'ManagedPolicyName'],
    ['AWS::IAM::InstanceProfile', 'InstanceProfileName'],
  ])('needs CAPABILITY_NAMED_IAM for %s with %s', (type, property) => {
    const t = parseTemplate(`Resources:\n  R:\n    Type: ${type}\n    Properties: {${property}: fixed}\n`);
    expect(requiredCapabilities(t)).toEqual({
      capabilities: ['CAPABILITY_NAMED_IAM'],
      reason: `The following resource(s) require capabilities: [${type}]`,
    });
  });
});
