/**
 * An explicit Deny in a resource policy applies to the owner's own principals too, as on AWS: a
 * queue policy denying sqs:SendMessage (to everyone, or when aws:SecureTransport is false) and a
 * bucket policy denying s3:DeleteObject stop the owner's calls; what they do not deny still works.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';

const t = useCloud();
const ACCOUNT = '000000000000';

function denying(action: string, resource: string, condition?: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: action,
        Resource: resource,
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
}

describe('owner-side explicit Deny', () => {
  it('a queue policy denying SendMessage stops the owner, other actions still work', async () => {
    const sqs = t.sqs();
    const name = randomName('q');
    const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'before the policy' }));
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: denying('sqs:SendMessage', arn) } }),
    );

    const error = await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'denied' })));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe(`Access to the resource ${QueueUrl} is denied.`);
    expect(error.status).toBe(403);

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages.map((m) => m.Body)).toEqual(['before the policy']);
    // The owner can still lift the policy: SetQueueAttributes is not denied.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '' } }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'allowed again' }));
  });

  it('a queue policy denying requests without TLS stops the owner on the plain HTTP endpoint', async () => {
    const sqs = t.sqs();
    const name = randomName('q');
    const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
    const Policy = denying('sqs:*', arn, { Bool: { 'aws:SecureTransport': 'false' } });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { Policy } }));
    expect((await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })))).name).toBe('AccessDenied');
    expect((await failure(sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))).name).toBe(
      'AccessDenied',
    );
  });

  it('a bucket policy denying DeleteObject stops the owner, GetObject still works', async () => {
    const s3 = t.s3();
    const bucket = randomName('bucket');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.txt', Body: 'kept' }));
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: denying('s3:DeleteObject', `arn:aws:s3:::${bucket}/*`) }),
    );
    const error = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'kept.txt' })));
    expect(error.name).toBe('AccessDenied');
    expect(error.status).toBe(403);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'kept.txt' }));
    expect(await got.Body?.transformToString()).toBe('kept');
  });
});
