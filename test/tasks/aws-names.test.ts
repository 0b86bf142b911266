import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../src/pipeline/errors.js';
import { awsFailure, isAwsError, isNotFound } from '../../src/tasks/aws-errors.js';
import { awsName, paramName, toAwsShape } from '../../src/tasks/aws-names.js';

describe('aws-names', () => {
  it('maps lowerCamelCase parameters to the SDK members, irregular ones included', () => {
    expect(['memorySize', 'kmsKeyArn', 'sseKmsKeyId', 'roleARN', 's3Bucket', 'principalOrgID'].map(awsName)).toEqual([
      'MemorySize',
      'KMSKeyArn',
      'SSEKMSKeyId',
      'RoleARN',
      'S3Bucket',
      'PrincipalOrgID',
    ]);
    expect(['MemorySize', 'KMSKeyArn', 'VPCConfig', 'S3Bucket'].map(paramName)).toEqual([
      'memorySize',
      'kmsKeyArn',
      'vpcConfig',
      's3Bucket',
    ]);
  });

  it('converts nested members but keeps the keys of free-form maps', () => {
    expect(
      toAwsShape({
        environment: { variables: { myVar: '1' } },
        tags: { costCenter: 'x' },
        routingConfig: { additionalVersionWeights: { '2': 0.5 } },
        vpcConfig: { subnetIds: ['a'] },
        layers: ['arn'],
        dropped: undefined,
      }),
    ).toEqual({
      Environment: { Variables: { myVar: '1' } },
      Tags: { costCenter: 'x' },
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      VpcConfig: { SubnetIds: ['a'] },
      Layers: ['arn'],
    });
  });
});

describe('aws-errors', () => {
  /** An SDK service exception as the SDK builds it. */
  function serviceError(name: string, message: string, status = 400): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
  }

  it('turns AWS errors into AwsError with the call, a hint, and the cause', () => {
    const cause = serviceError('ResourceNotFoundException', 'Function not found: x', 404);
    const error = awsFailure(cause, 'UpdateFunctionCode x', { ResourceNotFoundException: 'create it first' });
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({
      code: 'AwsError',
      message: 'ResourceNotFoundException: Function not found: x (UpdateFunctionCode x)',
      hint: 'create it first',
      cause,
    });
    expect(awsFailure(serviceError('AccessDeniedException', 'no'), 'X')).toMatchObject({
      hint: expect.stringMatching(/IAM policy/),
    });
    expect(awsFailure(serviceError('NotFound', 'UnknownError', 404), 'HeadObject s3://b/k')).toMatchObject({
      message: 'NotFound (HeadObject s3://b/k)',
    });
    expect(awsFailure(serviceError('X', 'y'), 'c', 'the hint itself')).toMatchObject({ hint: 'the hint itself' });
  });

  it('passes other errors through untouched', () => {
    const bug = new TypeError('a bug');
    const pipeline = new PipelineError('ActionFailed', 'mine');
    expect(awsFailure(bug)).toBe(bug);
    expect(awsFailure(pipeline)).toBe(pipeline);
    expect(isAwsError(bug, 'TypeError')).toBe(false);
    expect(isNotFound(serviceError('NoSuchKey', 'gone', 404))).toBe(true);
  });
});
