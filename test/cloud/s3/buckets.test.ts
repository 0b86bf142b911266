/** Buckets: create (name rules, re-create, regions), head, list, delete, location, versioning, tagging. */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, expectS3Error, newBucket } from './support.js';

const OTHER_ACCOUNT = {
  accessKeyId: 'AKIAOTHERACCOUNT0001',
  secretAccessKey: 'other-secret',
  accountId: '111111111111',
};
const t = useCloud({ credentials: [OTHER_ACCOUNT] });
afterAll(() => expectNoInternalErrors(t));

describe('CreateBucket', () => {
  it('rejects names that break the naming rules with InvalidBucketName', async () => {
    const s3 = t.s3();
    const invalid = [
      'ab',
      'a'.repeat(64),
      'Upper-Case-Bucket',
      'under_score',
      '-leading-dash',
      'trailing-dash-',
      'double..dot',
      'dot-.dash',
      '192.168.10.20',
      'xn--punycode',
      'name-s3alias',
    ];
    for (const Bucket of invalid) {
      await expectS3Error(s3.send(new CreateBucketCommand({ Bucket })), {
        name: 'InvalidBucketName',
        status: 400,
        message: 'The specified bucket is not valid.',
      });
    }
    // The longest and shortest valid names.
    for (const Bucket of [`a${randomName('x').slice(0, 1)}b`, `${randomName('long')}-${'z'.repeat(63)}`.slice(0, 63)]) {
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new DeleteBucketCommand({ Bucket }));
    }
  });

  it('answers 200 to re-creating your own bucket in us-east-1', async () => {
    const s3 = t.s3();
    const Bucket = randomName('again');
    const first = await s3.send(new CreateBucketCommand({ Bucket }));
    expect(first.Location).toBe(`/${Bucket}`);
    const second = await s3.send(new CreateBucketCommand({ Bucket }));
    expect(second.$metadata.httpStatusCode).toBe(200);
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it('answers BucketAlreadyOwnedByYou to re-creating your own bucket in another region', async () => {
    const s3 = t.s3({ region: 'eu-west-1' });
    const Bucket = randomName('eu');
    const config = { CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' as const } };
    await s3.send(new CreateBucketCommand({ Bucket, ...config }));
    const error = await expectS3Error(s3.send(new CreateBucketCommand({ Bucket, ...config })), {
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
      message: 'Your previous request to create the named bucket succeeded and you already own it.',
    });
    expect(error['BucketName']).toBe(Bucket);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket }));
    expect(location.LocationConstraint).toBe('eu-west-1');
    // A us-east-1 client re-creating the eu-west-1 bucket is told it already owns it, too.
    await expectS3Error(t.s3().send(new CreateBucketCommand({ Bucket })), {
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it('rejects us-east-1 as an explicit location constraint', async () => {
    // (The SDK itself adds the client's region as LocationConstraint outside us-east-1.)
    const Bucket = randomName('loc');
    const config = { CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } };
    await expectS3Error(t.s3().send(new CreateBucketCommand({ Bucket, ...config })), {
      name: 'InvalidLocationConstraint',
      status: 400,
      message: 'The specified location-constraint is not valid',
    });
  });
});

describe('buckets of another account', () => {
  it('answers BucketAlreadyExists to creating, and AccessDenied to using, a bucket another account owns', async () => {
    const s3 = t.s3();
    const other = t.s3({ credentials: OTHER_ACCOUNT });
    const Bucket = await newBucket(s3, 'owned');
    const error = await expectS3Error(other.send(new CreateBucketCommand({ Bucket })), {
      name: 'BucketAlreadyExists',
      status: 409,
      message:
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
    });
    expect(error['BucketName']).toBe(Bucket);
    const denied = { name: 'AccessDenied', status: 403, message: 'Access Denied' };
    await expectS3Error(other.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' })), denied);
    await expectS3Error(other.send(new DeleteBucketCommand({ Bucket })), denied);
    await expectS3Error(other.send(new HeadBucketCommand({ Bucket })), { name: 'Unknown', status: 403 });
    expect((await other.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name) ?? []).not.toContain(Bucket);
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
});

describe('HeadBucket, ListBuckets, GetBucketLocation', () => {
  it('heads an existing bucket and answers 404 NotFound for a missing one', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'head');
    const head = await s3.send(new HeadBucketCommand({ Bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe('us-east-1');
    await expectS3Error(s3.send(new HeadBucketCommand({ Bucket: randomName('missing') })), {
      name: 'NotFound',
      status: 404,
    });
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it('lists the buckets with their creation dates and the owner', async () => {
    const s3 = t.s3();
    const before = Date.now() - 1000;
    const names = [await newBucket(s3, 'list'), await newBucket(s3, 'list')];
    const listed = await s3.send(new ListBucketsCommand({}));
    for (const name of names) {
      const entry = listed.Buckets?.find((b) => b.Name === name);
      expect(entry?.CreationDate?.getTime()).toBeGreaterThanOrEqual(before);
    }
    expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const sorted = (listed.Buckets ?? []).map((b) => b.Name ?? '');
    expect(sorted).toEqual([...sorted].sort());
    for (const Bucket of names) await s3.send(new DeleteBucketCommand({ Bucket }));
    const after = await s3.send(new ListBucketsCommand({}));
    expect(after.Buckets?.map((b) => b.Name)).not.toContain(names[0]);
  });

  it('reports no location constraint for us-east-1 buckets', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'loc');
    const location = await s3.send(new GetBucketLocationCommand({ Bucket }));
    expect(location.LocationConstraint).toBeUndefined();
    await s3.send(new DeleteBucketCommand({ Bucket }));
    await expectS3Error(s3.send(new GetBucketLocationCommand({ Bucket })), {
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
  });
});

describe('DeleteBucket', () => {
  it('refuses a bucket with objects (BucketNotEmpty) and deletes an empty one', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'del');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    const error = await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket })), {
      name: 'BucketNotEmpty',
      status: 409,
      message: 'The bucket you tried to delete is not empty',
    });
    expect(error['BucketName']).toBe(Bucket);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    const deleted = await s3.send(new DeleteBucketCommand({ Bucket }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await expectS3Error(s3.send(new HeadBucketCommand({ Bucket })), { name: 'NotFound', status: 404 });
    await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket })), {
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
  });

  it('refuses a versioned bucket while only old versions and delete markers remain', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'delv', true);
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    expect(marker.DeleteMarker).toBe(true);
    const message = 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.';
    await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket })), { name: 'BucketNotEmpty', status: 409, message });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: put.VersionId }));
    // Only the delete marker is left.
    await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket })), { name: 'BucketNotEmpty', status: 409, message });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: marker.VersionId }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
});

describe('bucket versioning configuration', () => {
  it('starts unset, then reports Enabled and Suspended', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'ver');
    const initial = await s3.send(new GetBucketVersioningCommand({ Bucket }));
    expect(initial.Status).toBeUndefined();
    expect(initial.MFADelete).toBeUndefined();
    for (const Status of ['Enabled', 'Suspended'] as const) {
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status } }));
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe(Status);
    }
    await expectS3Error(
      s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'On' as never } })),
      {
        name: 'MalformedXML',
        status: 400,
        message: 'The XML you provided was not well-formed or did not validate against our published schema',
      },
    );
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
});

describe('bucket tagging', () => {
  it('puts, gets and deletes the tag set; NoSuchTagSet when there is none', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'tag');
    const noTags = { name: 'NoSuchTagSet', status: 404, message: 'The TagSet does not exist' };
    await expectS3Error(s3.send(new GetBucketTaggingCommand({ Bucket })), noTags);
    const TagSet = [
      { Key: 'team', Value: 'platform' },
      { Key: 'env', Value: '' },
    ];
    await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual(TagSet);
    // Put replaces the whole set.
    await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual([{ Key: 'only', Value: 'one' }]);
    const deleted = await s3.send(new DeleteBucketTaggingCommand({ Bucket }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await expectS3Error(s3.send(new GetBucketTaggingCommand({ Bucket })), noTags);
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it('rejects duplicate keys with InvalidTag', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'tagdup');
    const TagSet = [
      { Key: 'a', Value: '1' },
      { Key: 'a', Value: '2' },
    ];
    await expectS3Error(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } })), {
      name: 'InvalidTag',
      status: 400,
      message: 'Cannot provide multiple Tags with the same key',
    });
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
});
