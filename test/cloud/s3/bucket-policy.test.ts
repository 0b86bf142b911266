import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { expectS3Error, newBucket } from './support.js';

const t = useCloud();

describe('bucket policy', () => {
  it('stores, returns and deletes a policy, refusing one that is not JSON', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'policy');
    await expectS3Error(s3.send(new GetBucketPolicyCommand({ Bucket })), {
      name: 'NoSuchBucketPolicy',
      status: 404,
      message: 'The bucket policy does not exist',
    });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` }],
    });
    const put = await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(policy);
    await expectS3Error(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: 'not json' })), {
      name: 'MalformedPolicy',
      status: 400,
    });
    await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    await expectS3Error(s3.send(new GetBucketPolicyCommand({ Bucket })), { name: 'NoSuchBucketPolicy', status: 404 });
  });
});
