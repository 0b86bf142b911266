/** Templates for the cloudformation-stack tests: small, quick to provision in the local cloud. */

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** A log group (retention from a parameter), a NoEcho parameter echoed in an output, and a bucket. */
export function logsTemplate(options: { retention?: number; withBucket?: boolean } = {}): string {
  return `
AWSTemplateFormatVersion: '2010-09-09'
Description: logs and a bucket
Parameters:
  Retention:
    Type: Number
    Default: ${options.retention ?? 7}
  Secret:
    Type: String
    NoEcho: true
    Default: not-given
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: !Ref Retention
${
  options.withBucket
    ? `  Bucket:
    Type: AWS::S3::Bucket
`
    : ''
}Outputs:
  LogGroupName:
    Value: !Ref Logs
  SecretEcho:
    Value: !Ref Secret
`;
}

/** A bucket, then a function whose code is missing from it: the function fails, the stack rolls back. */
export function failingTemplate(): string {
  return JSON.stringify({
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket' },
      Fn: {
        Type: 'AWS::Lambda::Function',
        DependsOn: 'Bucket',
        Properties: {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: ROLE,
          Code: { S3Bucket: { Ref: 'Bucket' }, S3Key: 'missing.zip' },
        },
      },
    },
  });
}

/** A function with inline code answering with its TIMEOUT. */
export function functionTemplate(timeout = 3): string {
  return JSON.stringify({
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: ROLE,
          Timeout: timeout,
          Code: { ZipFile: 'exports.handler = async () => ({ ok: true });' },
        },
      },
    },
    Outputs: { FunctionName: { Value: { Ref: 'Fn' } } },
  });
}

/** The reason the local cloud (and AWS) gives a function whose S3 code is missing. */
export const MISSING_CODE =
  /Fn \(AWS::Lambda::Function\) CREATE_FAILED: Resource handler returned message: "Error occurred while GetObject\. S3 Error Code: NoSuchKey\./;
