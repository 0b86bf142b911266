/** GET/HEAD with Range (incl. suffix ranges, 416) and the If-* conditions (304/412), and conditional writes, as S3 evaluates them. */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket } from './support.js';

const t = useCloud();
const BODY = 'abcdefghijklmnopqrstuvwxyz';
const Key = 'alphabet.txt';
let Bucket: string;
let etag: string;
let lastModified: Date;
beforeAll(async () => {
  const s3 = t.s3();
  Bucket = await newBucket(s3, 'ranges');
  etag = (await s3.send(new PutObjectCommand({ Bucket, Key, Body: BODY }))).ETag ?? '';
  lastModified = (await s3.send(new HeadObjectCommand({ Bucket, Key }))).LastModified ?? new Date(0);
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

async function getRange(Range: string) {
  const got = await t.s3().send(new GetObjectCommand({ Bucket, Key, Range }));
  return {
    status: got.$metadata.httpStatusCode,
    body: await got.Body?.transformToString(),
    ContentRange: got.ContentRange,
    ContentLength: got.ContentLength,
  };
}

describe('Range', () => {
  it('answers 206 with Content-Range for first-last, open-ended and suffix ranges', async () => {
    expect(await getRange('bytes=0-4')).toEqual({
      status: 206,
      body: 'abcde',
      ContentRange: 'bytes 0-4/26',
      ContentLength: 5,
    });
    expect(await getRange('bytes=20-')).toEqual({
      status: 206,
      body: 'uvwxyz',
      ContentRange: 'bytes 20-25/26',
      ContentLength: 6,
    });
    expect(await getRange('bytes=-3')).toEqual({
      status: 206,
      body: 'xyz',
      ContentRange: 'bytes 23-25/26',
      ContentLength: 3,
    });
    expect(await getRange('bytes=25-25')).toEqual({
      status: 206,
      body: 'z',
      ContentRange: 'bytes 25-25/26',
      ContentLength: 1,
    });
  });

  it('clamps a last byte past the end, and a suffix longer than the object, to the object', async () => {
    expect(await getRange('bytes=24-1000')).toMatchObject({ status: 206, body: 'yz', ContentRange: 'bytes 24-25/26' });
    expect(await getRange('bytes=-100')).toMatchObject({ status: 206, body: BODY, ContentRange: 'bytes 0-25/26' });
  });

  it('ignores a syntactically invalid range and answers 200 with the whole object', async () => {
    for (const range of ['bytes=5-2', 'bytes=abc', 'items=0-1']) {
      expect(await getRange(range)).toEqual({ status: 200, body: BODY, ContentRange: undefined, ContentLength: 26 });
    }
  });

  it('answers 416 InvalidRange for a range starting past the end', async () => {
    const error = await expectS3Error(t.s3().send(new GetObjectCommand({ Bucket, Key, Range: 'bytes=26-30' })), {
      name: 'InvalidRange',
      status: 416,
      message: 'The requested range is not satisfiable',
    });
    expect(error['ActualObjectSize']).toBe('26');
    expect(error['RangeRequested']).toBe('bytes=26-30');
    await expectS3Error(t.s3().send(new GetObjectCommand({ Bucket, Key, Range: 'bytes=-0' })), {
      name: 'InvalidRange',
      status: 416,
    });
  });

  it('answers 416 for any range of an empty object', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'empty', Body: '' }));
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'empty', Range: 'bytes=0-0' })), {
      name: 'InvalidRange',
      status: 416,
    });
  });

  it('applies the range to HEAD as well', async () => {
    const head = await t.s3().send(new HeadObjectCommand({ Bucket, Key, Range: 'bytes=2-5' }));
    expect(head.$metadata.httpStatusCode).toBe(206);
    expect(head).toMatchObject({ ContentLength: 4, ContentRange: 'bytes 2-5/26' });
  });
});

describe('conditional GET and HEAD', () => {
  const yesterday = () => new Date(Date.now() - 86_400_000);
  // AWS sends 304s, and errors on HEAD, without a body: the SDK then names the error 'Unknown'.
  const notModified = { name: 'Unknown', status: 304 };
  const failed = {
    name: 'PreconditionFailed',
    status: 412,
    message: 'At least one of the pre-conditions you specified did not hold',
  };

  it('If-Match: 200 when the ETag matches (quoted, unquoted or *), 412 otherwise', async () => {
    const s3 = t.s3();
    for (const IfMatch of [etag, etag.replaceAll('"', ''), '*', `"other", ${etag}`]) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key, IfMatch }));
      expect(got.$metadata.httpStatusCode).toBe(200);
      await got.Body?.transformToString();
    }
    const error = await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key, IfMatch: '"0123"' })), failed);
    expect(error['Condition']).toBe('If-Match');
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key, IfMatch: '"0123"' })), {
      name: 'Unknown',
      status: 412,
    });
  });

  it('If-None-Match: 304 when the ETag matches, 200 otherwise', async () => {
    const s3 = t.s3();
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key, IfNoneMatch: etag })), notModified);
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket, Key, IfNoneMatch: etag.replaceAll('"', '') })),
      notModified,
    );
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key, IfNoneMatch: etag })), notModified);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key, IfNoneMatch: '"other"' }));
    expect(await got.Body?.transformToString()).toBe(BODY);
  });

  it('If-Modified-Since: 304 at or after Last-Modified, 200 before it; a future date is ignored', async () => {
    const s3 = t.s3();
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key, IfModifiedSince: lastModified })), notModified);
    const now = new Date();
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key, IfModifiedSince: now })), notModified);
    const before = await s3.send(new GetObjectCommand({ Bucket, Key, IfModifiedSince: yesterday() }));
    expect(await before.Body?.transformToString()).toBe(BODY);
    const future = await s3.send(
      new GetObjectCommand({ Bucket, Key, IfModifiedSince: new Date(Date.now() + 86_400_000) }),
    );
    expect(future.$metadata.httpStatusCode).toBe(200);
    await future.Body?.transformToString();
  });

  it('If-Unmodified-Since: 200 at or after Last-Modified, 412 before it', async () => {
    const s3 = t.s3();
    const same = await s3.send(new GetObjectCommand({ Bucket, Key, IfUnmodifiedSince: lastModified }));
    expect(same.$metadata.httpStatusCode).toBe(200);
    await same.Body?.transformToString();
    const error = await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket, Key, IfUnmodifiedSince: yesterday() })),
      failed,
    );
    expect(error['Condition']).toBe('If-Unmodified-Since');
  });

  it('evaluates the conditions in RFC 7232 order', async () => {
    const s3 = t.s3();
    // A failing If-Match wins over everything.
    const ifMatch = await expectS3Error(
      s3.send(
        new GetObjectCommand({
          Bucket,
          Key,
          IfMatch: '"nope"',
          IfNoneMatch: etag,
          IfModifiedSince: new Date(),
          IfUnmodifiedSince: yesterday(),
        }),
      ),
      failed,
    );
    expect(ifMatch['Condition']).toBe('If-Match');
    // Then If-Unmodified-Since, before the 304 of a matching If-None-Match.
    const unmodified = await expectS3Error(
      s3.send(
        new GetObjectCommand({
          Bucket,
          Key,
          IfNoneMatch: etag,
          IfModifiedSince: new Date(),
          IfUnmodifiedSince: yesterday(),
        }),
      ),
      failed,
    );
    expect(unmodified['Condition']).toBe('If-Unmodified-Since');
    // A matching If-Match overrides a failing If-Unmodified-Since; a non-matching If-None-Match overrides If-Modified-Since.
    const all = await s3.send(
      new GetObjectCommand({
        Bucket,
        Key,
        IfMatch: etag,
        IfNoneMatch: '"other"',
        IfModifiedSince: new Date(),
        IfUnmodifiedSince: yesterday(),
      }),
    );
    expect(await all.Body?.transformToString()).toBe(BODY);
  });
});

describe('conditional writes (PutObject and CompleteMultipartUpload)', () => {
  const failed = { name: 'PreconditionFailed', status: 412 };

  it('If-None-Match: * creates a key only when it does not exist (or is hidden by a delete)', async () => {
    const s3 = t.s3();
    const Key = 'create-only';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'first', IfNoneMatch: '*' }));
    const error = await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket, Key, Body: 'second', IfNoneMatch: '*' })),
      failed,
    );
    expect(error['Condition']).toBe('If-None-Match');
    const kept = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(await kept.Body?.transformToString()).toBe('first');
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'third', IfNoneMatch: '*' }));
  });

  it('If-Match replaces only the version with that ETag; NoSuchKey when there is none', async () => {
    const s3 = t.s3();
    const Key = 'replace-only';
    const put = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v1' }));
    const error = await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v2', IfMatch: '"0000"' })),
      failed,
    );
    expect(error['Condition']).toBe('If-Match');
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v2', IfMatch: put.ETag }));
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket, Key: 'absent', Body: 'x', IfMatch: put.ETag })), {
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('rejects unsupported condition values with 501 NotImplemented', async () => {
    const s3 = t.s3();
    const notImplemented = {
      name: 'NotImplemented',
      status: 501,
      message: 'A header you provided implies functionality that is not implemented',
    };
    const star = await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket, Key: 'x', Body: 'x', IfMatch: '*' })),
      notImplemented,
    );
    expect(star['Header']).toBe('If-Match');
    const both = await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket, Key: 'x', Body: 'x', IfMatch: '"a"', IfNoneMatch: '*' })),
      notImplemented,
    );
    expect(both['Header']).toBe('If-Match,If-None-Match');
  });

  it('applies If-None-Match: * to CompleteMultipartUpload', async () => {
    const s3 = t.s3();
    const Key = 'multipart-create-only';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'exists' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'part' }));
    const complete = () =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
    const error = await expectS3Error(complete(), failed);
    expect(error['Condition']).toBe('If-None-Match');
    // The key changed (deleted) after the upload began: the upload conflicts and must start over.
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    const conflict = await expectS3Error(complete(), { name: 'ConditionalRequestConflict', status: 409 });
    expect(conflict['Condition']).toBe('If-None-Match');
    const again = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part2 = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId: again.UploadId, PartNumber: 1, Body: 'part' }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: again.UploadId,
        IfNoneMatch: '*',
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part2.ETag }] },
      }),
    );
    expect(done.ETag).toMatch(/-1"$/);
  });
});
