/** Error responses as S3 sends them: the XML shape and ids, HEAD without a body, NoSuchBucket everywhere, auth and input errors. */
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket } from './support.js';

const t = useCloud();
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'errors');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

const xmlField = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('error response shape', () => {
  it('sends <Error> with Code, Message, the resource, RequestId and HostId matching the headers', async () => {
    const url = await getSignedUrl(t.s3(), new GetObjectCommand({ Bucket, Key: 'no/such key' }), { expiresIn: 60 });
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const body = await response.text();
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Error>')).toBe(true);
    expect(xmlField(body, 'Code')).toBe('NoSuchKey');
    expect(xmlField(body, 'Message')).toBe('The specified key does not exist.');
    expect(xmlField(body, 'Key')).toBe('no/such key');
    expect(xmlField(body, 'RequestId')).toBe(response.headers.get('x-amz-request-id'));
    expect(xmlField(body, 'HostId')).toBe(response.headers.get('x-amz-id-2'));
  });

  it('exposes the request ids to the SDK', async () => {
    const error = await expectS3Error(t.s3().send(new GetObjectCommand({ Bucket, Key: 'missing' })), {
      name: 'NoSuchKey',
      status: 404,
    });
    const meta = error.$metadata as { requestId?: string; extendedRequestId?: string };
    expect(meta.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.extendedRequestId).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it('answers HEAD errors with the status and no body', async () => {
    const url = await getSignedUrl(t.s3(), new HeadObjectCommand({ Bucket, Key: 'missing' }), { expiresIn: 60 });
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
    expect(response.headers.get('x-amz-request-id')).toBeTruthy();
  });
});

describe('NoSuchBucket', () => {
  it('is the answer of every bucket and object operation on a missing bucket', async () => {
    const s3 = t.s3();
    const missing = randomName('gone');
    const noSuchBucket = { name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' };
    const calls: (() => Promise<unknown>)[] = [
      () => s3.send(new ListObjectsV2Command({ Bucket: missing })),
      () => s3.send(new ListObjectVersionsCommand({ Bucket: missing })),
      () => s3.send(new PutObjectCommand({ Bucket: missing, Key: 'k', Body: 'x' })),
      () => s3.send(new GetObjectCommand({ Bucket: missing, Key: 'k' })),
      () => s3.send(new DeleteObjectCommand({ Bucket: missing, Key: 'k' })),
      () => s3.send(new DeleteObjectsCommand({ Bucket: missing, Delete: { Objects: [{ Key: 'k' }] } })),
      () => s3.send(new GetBucketTaggingCommand({ Bucket: missing })),
      () =>
        s3.send(new PutBucketVersioningCommand({ Bucket: missing, VersioningConfiguration: { Status: 'Enabled' } })),
      () => s3.send(new CreateMultipartUploadCommand({ Bucket: missing, Key: 'k' })),
    ];
    for (const call of calls) {
      const error = await expectS3Error(call(), noSuchBucket);
      expect(error['BucketName']).toBe(missing);
    }
    await expectS3Error(s3.send(new HeadBucketCommand({ Bucket: missing })), { name: 'NotFound', status: 404 });
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: missing, Key: 'k' })), {
      name: 'NotFound',
      status: 404,
    });
  });
});

describe('authentication', () => {
  it('rejects an unknown access key with InvalidAccessKeyId', async () => {
    const s3 = t.s3({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } });
    const error = await expectS3Error(s3.send(new ListObjectsV2Command({ Bucket })), {
      name: 'InvalidAccessKeyId',
      status: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    });
    expect(error['AWSAccessKeyId']).toBe('AKIAUNKNOWN000000000');
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const s3 = t.s3({ credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } });
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' })), {
      name: 'SignatureDoesNotMatch',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    });
  });

  it('rejects an unsigned request with AccessDenied', async () => {
    const response = await fetch(`${t.url}/${Bucket}/anything`);
    expect(response.status).toBe(403);
    const body = await response.text();
    expect([xmlField(body, 'Code'), xmlField(body, 'Message')]).toEqual(['AccessDenied', 'Access Denied']);
  });
});

describe('invalid input', () => {
  it('rejects a key longer than 1024 bytes with KeyTooLongError', async () => {
    const Key = 'k'.repeat(1025);
    const error = await expectS3Error(t.s3().send(new PutObjectCommand({ Bucket, Key, Body: 'x' })), {
      name: 'KeyTooLongError',
      status: 400,
      message: 'Your key is too long',
    });
    expect(error).toMatchObject({ MaxSizeAllowed: '1024', Size: '1025' });
    await t.s3().send(new PutObjectCommand({ Bucket, Key: 'k'.repeat(1024), Body: 'x' }));
  });

  it('rejects a malformed XML body with MalformedXML', async () => {
    const s3 = t.s3();
    s3.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { body?: unknown }).body = '<Tagging><TagSet><Tag><Key>k</Key>';
        return next(args);
      },
      { step: 'build', name: 'breakXml', priority: 'high' },
    );
    await expectS3Error(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [] } })), {
      name: 'MalformedXML',
      status: 400,
      message: 'The XML you provided was not well-formed or did not validate against our published schema',
    });
  });

  it('rejects a negative MaxKeys with InvalidArgument', async () => {
    const error = await expectS3Error(t.s3().send(new ListObjectsV2Command({ Bucket, MaxKeys: -1 })), {
      name: 'InvalidArgument',
      status: 400,
      message: 'Argument maxKeys must be an integer between 0 and 2147483647',
    });
    expect(error['ArgumentName']).toBe('maxKeys');
  });

  it('answers 501 NotImplemented for an operation lambda-tasks does not implement', async () => {
    await expectS3Error(t.s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket })), {
      name: 'NotImplemented',
      status: 501,
      message: 'The operation GetBucketLifecycleConfiguration of S3 is not implemented by lambda-tasks yet.',
    });
  });
});
