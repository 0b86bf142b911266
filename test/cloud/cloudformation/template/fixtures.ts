/**
 * Small realistic templates and a fake running stack shared by the template library's tests.
 */
import type { EvalContext, ValidateOptions } from '../../../../src/cloud/cloudformation/template/index.js';

/** A Lambda function with its role, a permission for S3 and a log group: the usual first stack. */
export const LAMBDA_YAML = `AWSTemplateFormatVersion: "2010-09-09"
Description: A function, its role and who may invoke it
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  MemorySize:
    Type: Number
    Default: 128
    MinValue: 128
    MaxValue: 10240
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Mappings:
  StageConfig:
    dev:
      Timeout: 10
    prod:
      Timeout: 30
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  Function:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "\${AWS::StackName}-handler"
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      MemorySize: !Ref MemorySize
      Timeout: !FindInMap [StageConfig, !Ref Stage, Timeout]
      Code:
        ZipFile: |
          exports.handler = async () => 'ok';
      Environment:
        Variables:
          STAGE: !Ref Stage
          DEBUG: !If [IsProd, !Ref AWS::NoValue, "1"]
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Function
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
  Logs:
    Type: AWS::Logs::LogGroup
    Condition: IsProd
    Properties:
      LogGroupName: !Join ["", ["/aws/lambda/", !Ref Function]]
      RetentionInDays: 14
Outputs:
  FunctionArn:
    Value: !GetAtt Function.Arn
    Export:
      Name: !Sub "\${AWS::StackName}-FunctionArn"
  LogGroup:
    Condition: IsProd
    Value: !Ref Logs
`;

const ATTRIBUTES: Record<string, string[]> = {
  'AWS::IAM::Role': ['Arn', 'RoleId'],
  'AWS::Lambda::Function': ['Arn'],
  'AWS::Lambda::Permission': [],
  'AWS::Logs::LogGroup': ['Arn'],
  'AWS::S3::Bucket': ['Arn', 'DomainName'],
  'AWS::SNS::Topic': ['TopicArn', 'TopicName'],
  'AWS::SQS::Queue': ['Arn', 'QueueName', 'QueueUrl'],
  'AWS::CloudFormation::Stack': ['Outputs.*'],
};

/** Options as the service passes them: the types the local cloud provisions. */
export const OPTIONS: ValidateOptions = {
  isSupportedType: (type) => Object.hasOwn(ATTRIBUTES, type) || type.startsWith('Custom::'),
  attributesOf: (type) => ATTRIBUTES[type],
};

/** A context for a stack whose resources all exist, with physical ids `<logicalId>-physical`. */
export function context(overrides: Partial<EvalContext> = {}): EvalContext {
  return {
    parameters: { Stage: 'dev', Subnets: ['subnet-1', 'subnet-2'] },
    pseudo: {
      accountId: '000000000000',
      region: 'us-east-1',
      stackName: 'app',
      stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/app/1234',
    },
    conditions: { IsProd: false, IsDev: true },
    mappings: { StageConfig: { dev: { Timeout: 10, Zones: ['a', 'b'] }, prod: { Timeout: 30 } } },
    ref: (id) => `${id}-physical`,
    getAtt: (id, attribute) => (attribute === 'List' ? ['x', 'y', 'z'] : `${id}.${attribute}-value`),
    importValue: (name) => (name === 'shared-vpc' ? 'vpc-123' : undefined),
    azs: (region) => [`${region}a`, `${region}b`, `${region}c`],
    ...overrides,
  };
}
