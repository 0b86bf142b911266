/**
 * CopyObject directives and copy arguments, UploadPartCopy ranges, GetObjectAttributes, versions
 * listed with a delimiter, bucket logging, tagging limits, and the Content-Type of error answers.
 */
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLoggingCommand,
  GetObjectAttributesCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, md5Hex, newBucket } from './support.js';

const t = useCloud();
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'fidelity', true);
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

describe('CopyObject', () => {
  it('copies or replaces metadata and tags per directive, and takes storage class and checksum algorithm', async () => {
    const s3 = t.s3();
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'src',
        Body: 'source',
        ContentType: 'text/plain',
        Metadata: { a: '1' },
        Tagging: 'k=v',
      }),
    );
    const CopySource = `${Bucket}/src`;
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'kept', CopySource, ContentType: 'ignored/without-replace' }));
    const kept = await s3.send(new HeadObjectCommand({ Bucket, Key: 'kept' }));
    expect({ type: kept.ContentType, meta: kept.Metadata, tags: kept.TagCount }).toEqual({
      type: 'text/plain',
      meta: { a: '1' },
      tags: 1,
    });
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'replaced',
        CopySource,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/json',
        Metadata: { b: '2' },
        TaggingDirective: 'REPLACE',
        Tagging: 'x=y&z=w',
        StorageClass: 'STANDARD_IA',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(copied.CopyObjectResult?.ChecksumSHA256).toBeDefined();
    const replaced = await s3.send(new HeadObjectCommand({ Bucket, Key: 'replaced', ChecksumMode: 'ENABLED' }));
    expect({
      type: replaced.ContentType,
      meta: replaced.Metadata,
      storage: replaced.StorageClass,
      sha: replaced.ChecksumSHA256,
    }).toEqual({
      type: 'application/json',
      meta: { b: '2' },
      storage: 'STANDARD_IA',
      sha: copied.CopyObjectResult?.ChecksumSHA256,
    });
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'replaced' }))).TagSet).toEqual([
      { Key: 'x', Value: 'y' },
      { Key: 'z', Value: 'w' },
    ]);
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'bad', CopySource, MetadataDirective: 'MOVE' as 'COPY' })),
      {
        name: 'InvalidArgument',
        status: 400,
        message: 'Unknown metadata directive.',
      },
    );
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'kept', CopySource, CopySourceIfMatch: '"other"' })),
      { name: 'PreconditionFailed', status: 412 },
    );
  });

  it('gives the copy of a multipart object a single-part ETag, and copies ranges into parts', async () => {
    const s3 = t.s3();
    const body = 'abcdefghij';
    await s3.send(new PutObjectCommand({ Bucket, Key: 'letters', Body: body }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
    const part = await s3.send(
      new UploadPartCopyCommand({
        Bucket,
        Key: 'mp',
        UploadId,
        PartNumber: 1,
        CopySource: `${Bucket}/letters`,
        CopySourceRange: 'bytes=2-5',
      }),
    );
    expect(part.CopyPartResult?.ETag).toBe(`"${md5Hex('cdef')}"`);
    await expectS3Error(
      s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'mp',
          UploadId,
          PartNumber: 2,
          CopySource: `${Bucket}/letters`,
          CopySourceRange: 'bytes=5-2',
        }),
      ),
      { name: 'InvalidArgument', status: 400 },
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'mp',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] },
      }),
    );
    expect(done.ETag).toMatch(/-1"$/);
    const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: 'mp-copy', CopySource: `${Bucket}/mp` }));
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5Hex('cdef')}"`);
  });
});

describe('GetObjectAttributes', () => {
  it('answers the attributes asked for, ETag without quotes', async () => {
    const s3 = t.s3();
    const put = await s3.send(
      new PutObjectCommand({ Bucket, Key: 'attrs', Body: 'hello', ChecksumAlgorithm: 'CRC32' }),
    );
    const attrs = await s3.send(
      new GetObjectAttributesCommand({
        Bucket,
        Key: 'attrs',
        ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'],
      }),
    );
    expect({
      ETag: attrs.ETag,
      Checksum: attrs.Checksum,
      ObjectParts: attrs.ObjectParts,
      StorageClass: attrs.StorageClass,
      ObjectSize: attrs.ObjectSize,
      VersionId: attrs.VersionId,
    }).toEqual({
      ETag: md5Hex('hello'),
      Checksum: { ChecksumCRC32: put.ChecksumCRC32, ChecksumType: 'FULL_OBJECT' },
      ObjectParts: undefined,
      StorageClass: 'STANDARD',
      ObjectSize: 5,
      VersionId: put.VersionId,
    });
    const multipart = await s3.send(
      new GetObjectAttributesCommand({ Bucket, Key: 'mp', ObjectAttributes: ['ObjectParts'] }),
    );
    expect(multipart.ObjectParts).toEqual({ TotalPartsCount: 1 });
    await expectS3Error(
      s3.send(new GetObjectAttributesCommand({ Bucket, Key: 'attrs', ObjectAttributes: ['Size' as 'ETag'] })),
      { name: 'InvalidArgument', status: 400, message: 'Invalid attribute name specified.' },
    );
  });
});

describe('ListObjectVersions with a delimiter', () => {
  it('pages through versions and common prefixes without repeating a prefix', async () => {
    const s3 = t.s3();
    const Prefix = 'tree/';
    for (const Key of ['tree/a', 'tree/dir1/x', 'tree/dir1/y', 'tree/b', 'tree/dir2/z']) {
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: '1' }));
    }
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tree/a', Body: '2' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'tree/b' }));
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const got = await s3.send(
        new ListObjectVersionsCommand({ Bucket, Prefix, Delimiter: '/', MaxKeys: 2, KeyMarker, VersionIdMarker }),
      );
      for (const v of got.Versions ?? []) seen.push(`v:${v.Key}`);
      for (const m of got.DeleteMarkers ?? []) seen.push(`m:${m.Key}`);
      for (const p of got.CommonPrefixes ?? []) seen.push(`p:${p.Prefix}`);
      if (!got.IsTruncated) break;
      KeyMarker = got.NextKeyMarker;
      VersionIdMarker = got.NextVersionIdMarker;
    }
    expect(seen.sort()).toEqual(
      ['v:tree/a', 'v:tree/a', 'm:tree/b', 'v:tree/b', 'p:tree/dir1/', 'p:tree/dir2/'].sort(),
    );
  });
});

describe('bucket logging', () => {
  it('is stored when the target bucket exists and its policy lets the logging service write', async () => {
    const s3 = t.s3();
    const target = await newBucket(s3, 'logs');
    const put = (TargetBucket: string) =>
      s3.send(
        new PutBucketLoggingCommand({
          Bucket,
          BucketLoggingStatus: { LoggingEnabled: { TargetBucket, TargetPrefix: 'access/' } },
        }),
      );
    const missing = await expectS3Error(put(randomName('nowhere')), {
      name: 'InvalidTargetBucketForLogging',
      status: 400,
      message: 'The target bucket for logging does not exist',
    });
    expect(missing['TargetBucket']).toBeDefined();
    await expectS3Error(put(target), { name: 'InvalidTargetBucketForLogging', status: 400 });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: target,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${target}/access/*`,
            },
          ],
        }),
      }),
    );
    await put(target);
    expect((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled).toEqual({
      TargetBucket: target,
      TargetPrefix: 'access/',
    });
    await s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: {} }));
    expect((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled).toBeUndefined();
    await destroyBucket(s3, target);
  });
});

describe('tagging limits', () => {
  it('refuses the aws: prefix, more than 10 object or 50 bucket tags, and invalid characters', async () => {
    const s3 = t.s3();
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const objectPrefix = await expectS3Error(
      s3.send(
        new PutObjectTaggingCommand({ Bucket, Key: 'attrs', Tagging: { TagSet: [{ Key: 'aws:x', Value: 'v' }] } }),
      ),
      { name: 'InvalidTag', status: 400, message: 'Your TagKey cannot be prefixed with aws:' },
    );
    expect(objectPrefix['TagKey']).toBe('aws:x');
    await expectS3Error(
      s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'aws:x', Value: 'v' }] } })),
      { name: 'InvalidTag', status: 400, message: 'System tags cannot be added/updated by requester' },
    );
    await expectS3Error(s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'attrs', Tagging: { TagSet: tags(11) } })), {
      name: 'BadRequest',
      status: 400,
      message: 'Object tags cannot be greater than 10',
    });
    await expectS3Error(
      s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'too-many',
          Body: 'x',
          Tagging: 'a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11',
        }),
      ),
      {
        name: 'BadRequest',
        status: 400,
      },
    );
    await expectS3Error(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: tags(51) } })), {
      name: 'BadRequest',
      status: 400,
      message: 'Bucket tag count cannot be greater than 50',
    });
    await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: tags(50) } }));
    await expectS3Error(
      s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'attrs', Tagging: { TagSet: [{ Key: 'a,b', Value: 'v' }] } })),
      { name: 'InvalidTag', status: 400, message: 'The TagKey you have provided is invalid' },
    );
  });
});

describe('CreateBucket location and error answers', () => {
  it('refuses a LocationConstraint that is not the endpoint region, as XML', async () => {
    const s3 = t.s3({ region: 'eu-west-1' });
    await expectS3Error(
      s3.send(
        new CreateBucketCommand({
          Bucket: randomName('where'),
          CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
        }),
      ),
      {
        name: 'IllegalLocationConstraintException',
        status: 400,
        message:
          'The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to.',
      },
    );
    const raw = await fetch(`${t.url}/${randomName('missing')}/key`);
    expect({ status: raw.status, type: raw.headers.get('content-type') }).toEqual({
      status: 403,
      type: 'application/xml',
    });
  });
});
