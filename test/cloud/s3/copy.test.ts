/** CopyObject: metadata and tagging directives, copy in place, versions, special keys, source conditions. */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket, quotedMd5 } from './support.js';

const t = useCloud();
let Bucket: string;
let Versioned: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'copy');
  Versioned = await newBucket(t.s3(), 'copyv', true);
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  await destroyBucket(t.s3(), Versioned);
  expectNoInternalErrors(t);
});

const failed = {
  name: 'PreconditionFailed',
  status: 412,
  message: 'At least one of the pre-conditions you specified did not hold',
};

async function putSource(Key: string) {
  return t.s3().send(
    new PutObjectCommand({
      Bucket,
      Key,
      Body: '{"key":"value"}',
      ContentType: 'application/json',
      CacheControl: 'max-age=5',
      Metadata: { origin: 'source' },
      Tagging: 'copied=yes',
    }),
  );
}

describe('CopyObject', () => {
  it('copies body, ETag, system headers, metadata and tags by default (COPY)', async () => {
    const s3 = t.s3();
    await putSource('src.json');
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'dst.json',
        CopySource: `${Bucket}/src.json`,
        // Ignored with the COPY directive.
        ContentType: 'text/plain',
        Metadata: { ignored: 'yes' },
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(quotedMd5('{"key":"value"}'));
    expect(copy.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
    expect(copy.CopySourceVersionId).toBeUndefined();
    expect(copy.VersionId).toBeUndefined();
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'dst.json' }));
    expect(await got.Body?.transformToString()).toBe('{"key":"value"}');
    expect(got).toMatchObject({
      ContentType: 'application/json',
      CacheControl: 'max-age=5',
      Metadata: { origin: 'source' },
      TagCount: 1,
    });
  });

  it('replaces headers and metadata with MetadataDirective REPLACE, and tags with TaggingDirective REPLACE', async () => {
    const s3 = t.s3();
    await putSource('src2.json');
    await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'replaced.json',
        CopySource: `${Bucket}/src2.json`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { fresh: 'true' },
        TaggingDirective: 'REPLACE',
        Tagging: 'a=1&b=2',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'replaced.json' }));
    expect(head).toMatchObject({ ContentType: 'text/plain', Metadata: { fresh: 'true' } });
    expect(head.CacheControl).toBeUndefined();
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'replaced.json' }));
    expect(tags.TagSet).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
  });

  it('refuses to copy an object onto itself without changes, allows it with REPLACE', async () => {
    const s3 = t.s3();
    await putSource('self.json');
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'self.json', CopySource: `${Bucket}/self.json` })),
      {
        name: 'InvalidRequest',
        status: 400,
        message:
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      },
    );
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'self.json',
        CopySource: `${Bucket}/self.json`,
        MetadataDirective: 'REPLACE',
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(quotedMd5('{"key":"value"}'));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'self.json' }));
    // REPLACE without headers leaves the defaults.
    expect(head).toMatchObject({ ContentType: 'binary/octet-stream', Metadata: {} });
  });

  it('copies keys that need URL encoding, across buckets', async () => {
    const s3 = t.s3();
    const Key = 'dir with space/ü+?&=#.txt';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'special' }));
    await s3.send(
      new CopyObjectCommand({
        Bucket: Versioned,
        Key: 'copied/special.txt',
        CopySource: `${Bucket}/${encodeURIComponent(Key)}`,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: Versioned, Key: 'copied/special.txt' }));
    expect(await got.Body?.transformToString()).toBe('special');
  });

  it('copies a specific source version and reports both version ids', async () => {
    const s3 = t.s3();
    const v1 = await s3.send(new PutObjectCommand({ Bucket: Versioned, Key: 'ver', Body: 'version one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: Versioned, Key: 'ver', Body: 'version two' }));
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: Versioned,
        Key: 'ver-copy',
        CopySource: `${Versioned}/ver?versionId=${v1.VersionId}`,
      }),
    );
    expect(copy.CopySourceVersionId).toBe(v1.VersionId);
    expect(copy.VersionId).toMatch(/^[A-Za-z0-9._-]{32}$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: Versioned, Key: 'ver-copy' }));
    expect(await got.Body?.transformToString()).toBe('version one');
    // Restoring an old version by copying it onto its own key is allowed.
    const restored = await s3.send(
      new CopyObjectCommand({
        Bucket: Versioned,
        Key: 'ver',
        CopySource: `${Versioned}/ver?versionId=${v1.VersionId}`,
      }),
    );
    expect(restored.VersionId).not.toBe(v2.VersionId);
    const latest = await s3.send(new GetObjectCommand({ Bucket: Versioned, Key: 'ver' }));
    expect(await latest.Body?.transformToString()).toBe('version one');
    // Without a version id, the latest version of a versioned source is copied and named.
    const fromLatest = await s3.send(
      new CopyObjectCommand({ Bucket, Key: 'from-latest', CopySource: `${Versioned}/ver` }),
    );
    expect(fromLatest.CopySourceVersionId).toBe(restored.VersionId);
  });

  it('answers NoSuchBucket / NoSuchKey for a missing source, InvalidRequest for a delete-marker version', async () => {
    const s3 = t.s3();
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${randomName('nobucket')}/k` })),
      { name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' },
    );
    await expectS3Error(s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/missing-key` })), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    await s3.send(new PutObjectCommand({ Bucket: Versioned, Key: 'deleted', Body: 'x' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: Versioned, Key: 'deleted' }));
    await expectS3Error(s3.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Versioned}/deleted` })), {
      name: 'NoSuchKey',
      status: 404,
    });
    await expectS3Error(
      s3.send(
        new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Versioned}/deleted?versionId=${marker.VersionId}` }),
      ),
      {
        name: 'InvalidRequest',
        status: 400,
        message: 'The source of a copy request may not specifically refer to a delete marker by version id.',
      },
    );
  });

  it('evaluates the x-amz-copy-source-if-* conditions, failing each with 412', async () => {
    const s3 = t.s3();
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'cond', Body: 'data' }));
    const etag = put.ETag ?? '';
    const CopySource = `${Bucket}/cond`;
    const yesterday = new Date(Date.now() - 86_400_000);
    const cases: [Partial<ConstructorParameters<typeof CopyObjectCommand>[0]>, string][] = [
      [{ CopySourceIfMatch: '"nope"', CopySourceIfNoneMatch: etag }, 'x-amz-copy-source-If-Match'],
      [
        { CopySourceIfUnmodifiedSince: yesterday, CopySourceIfNoneMatch: etag },
        'x-amz-copy-source-If-Unmodified-Since',
      ],
      [{ CopySourceIfNoneMatch: etag.replaceAll('"', '') }, 'x-amz-copy-source-If-None-Match'],
      [{ CopySourceIfModifiedSince: new Date() }, 'x-amz-copy-source-If-Modified-Since'],
    ];
    for (const [conditions, condition] of cases) {
      const error = await expectS3Error(
        s3.send(new CopyObjectCommand({ Bucket, Key: 'cond-copy', CopySource, ...conditions })),
        failed,
      );
      expect(error['Condition']).toBe(condition);
    }
    const ok = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'cond-copy',
        CopySource,
        CopySourceIfMatch: etag,
        CopySourceIfNoneMatch: '"other"',
        CopySourceIfModifiedSince: yesterday,
        // A future If-Modified-Since is ignored.
      }),
    );
    expect(ok.CopyObjectResult?.ETag).toBe(etag);
    const future = await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'cond-copy',
        CopySource,
        CopySourceIfModifiedSince: new Date(Date.now() + 86_400_000),
      }),
    );
    expect(future.$metadata.httpStatusCode).toBe(200);
  });
});
