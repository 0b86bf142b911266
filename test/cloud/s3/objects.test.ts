/** Objects: put/get/head/delete, system headers and user metadata, ETags, batch delete, object tagging. */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket, quotedMd5 } from './support.js';

const t = useCloud();
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'objects');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

const noSuchKey = { name: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' };

describe('PutObject, GetObject, HeadObject', () => {
  it('stores a body and answers with its quoted MD5 ETag', async () => {
    const s3 = t.s3();
    const body = 'hello, local cloud';
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'hello.txt', Body: body }));
    expect(put.ETag).toBe(quotedMd5(body));
    expect(put.VersionId).toBeUndefined();
    expect(put.ServerSideEncryption).toBe('AES256');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'hello.txt' }));
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got).toMatchObject({ ETag: quotedMd5(body), ContentLength: body.length, AcceptRanges: 'bytes' });
    expect(got.ContentType).toBe('application/octet-stream');
    expect(got.LastModified).toBeInstanceOf(Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'hello.txt' }));
    expect(head).toMatchObject({ ETag: quotedMd5(body), ContentLength: body.length });
    expect(head.LastModified?.getTime()).toBe(got.LastModified?.getTime());
  });

  it('stores an empty object and binary bodies byte for byte', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'empty', Body: '' }));
    const empty = await s3.send(new GetObjectCommand({ Bucket, Key: 'empty' }));
    expect(empty.ContentLength).toBe(0);
    expect((await empty.Body?.transformToByteArray())?.length).toBe(0);
    expect(empty.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'binary.bin', Body: binary }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'binary.bin' }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(binary)).toBe(true);
    expect(got.ETag).toBe(quotedMd5(binary));
  });

  it('keeps keys with spaces, unicode, slashes and reserved characters', async () => {
    const s3 = t.s3();
    const keys = [
      'dir/sub dir/file name.txt',
      'ünïcødé/日本語.txt',
      'plus+and&equals=?#hash',
      'a//double/slash',
      '~tilde%percent',
    ];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    for (const Key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
      expect(await got.Body?.transformToString()).toBe(Key);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket }));
    for (const Key of keys) expect(listed.Contents?.map((c) => c.Key)).toContain(Key);
    for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket, Key }));
  });

  it('returns content headers and user metadata as stored', async () => {
    const s3 = t.s3();
    const Expires = new Date('2030-01-02T03:04:05Z');
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'meta.json',
        Body: '{"a":1}',
        ContentType: 'application/json; charset=utf-8',
        CacheControl: 'max-age=60, public',
        ContentEncoding: 'identity',
        ContentDisposition: 'attachment; filename="meta.json"',
        ContentLanguage: 'en-GB',
        Expires,
        Metadata: { Owner: 'Team-A', 'with-dash': 'value with spaces' },
      }),
    );
    for (const out of [
      await s3.send(new HeadObjectCommand({ Bucket, Key: 'meta.json' })),
      await s3.send(new GetObjectCommand({ Bucket, Key: 'meta.json' })),
    ]) {
      expect(out).toMatchObject({
        ContentType: 'application/json; charset=utf-8',
        CacheControl: 'max-age=60, public',
        ContentEncoding: 'identity',
        ContentDisposition: 'attachment; filename="meta.json"',
        ContentLanguage: 'en-GB',
        // User metadata names come back lower-cased, as S3 stores them.
        Metadata: { owner: 'Team-A', 'with-dash': 'value with spaces' },
      });
      expect(out.ExpiresString).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
    }
  });

  it('overrides response headers with the response-* query parameters', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'override', Body: 'x', ContentType: 'text/plain' }));
    const got = await s3.send(
      new GetObjectCommand({
        Bucket,
        Key: 'override',
        ResponseContentType: 'application/x-custom',
        ResponseContentDisposition: 'inline',
        ResponseCacheControl: 'no-cache',
      }),
    );
    expect(got).toMatchObject({
      ContentType: 'application/x-custom',
      ContentDisposition: 'inline',
      CacheControl: 'no-cache',
    });
  });

  it('replaces an object on a second put', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'over', Body: 'one', Metadata: { v: '1' } }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'over', Body: 'two' }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'over' }));
    expect(await got.Body?.transformToString()).toBe('two');
    expect(got.Metadata).toEqual({});
  });

  it('answers NoSuchKey (GET) and 404 NotFound (HEAD) for a missing key, NoSuchBucket for a missing bucket', async () => {
    const s3 = t.s3();
    const error = await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'nope/missing' })), noSuchKey);
    expect(error['Key']).toBe('nope/missing');
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key: 'missing' })), { name: 'NotFound', status: 404 });
    const other = randomName('absent');
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: other, Key: 'k' })), {
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket: other, Key: 'k', Body: 'x' })), {
      name: 'NoSuchBucket',
      status: 404,
    });
  });
});

describe('DeleteObject and DeleteObjects', () => {
  it('deletes an object (204) and answers 204 for a key that does not exist', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'gone', Body: 'x' }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'gone' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(deleted.DeleteMarker).toBeUndefined();
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'gone' })), noSuchKey);
    const again = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'gone' }));
    expect(again.$metadata.httpStatusCode).toBe(204);
  });

  it('deletes a batch, reporting each key (also keys that did not exist)', async () => {
    const s3 = t.s3();
    for (const Key of ['batch/a', 'batch/b', 'batch/c'])
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: { Objects: [{ Key: 'batch/a' }, { Key: 'batch/b' }, { Key: 'batch/never-existed' }] },
      }),
    );
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(['batch/a', 'batch/b', 'batch/never-existed']);
    expect(result.Errors).toBeUndefined();
    const left = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'batch/' }));
    expect(left.Contents?.map((c) => c.Key)).toEqual(['batch/c']);
  });

  it('reports nothing but errors in quiet mode', async () => {
    const s3 = t.s3();
    for (const Key of ['quiet/a', 'quiet/b']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Quiet: true, Objects: [{ Key: 'quiet/a' }, { Key: 'quiet/b' }] } }),
    );
    expect(result.Deleted).toBeUndefined();
    expect(result.Errors).toBeUndefined();
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'quiet/' }))).KeyCount).toBe(0);
  });

  it('rejects an empty batch as MalformedXML', async () => {
    await expectS3Error(t.s3().send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [] } })), {
      name: 'MalformedXML',
      status: 400,
      message: 'The XML you provided was not well-formed or did not validate against our published schema',
    });
  });
});

describe('object tagging', () => {
  it('takes tags from x-amz-tagging on put and counts them on GET', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tagged', Body: 'x', Tagging: 'project=alpha&owner=team%20b' }));
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'tagged' }));
    expect(tags.TagSet).toEqual([
      { Key: 'project', Value: 'alpha' },
      { Key: 'owner', Value: 'team b' },
    ]);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'tagged' }));
    expect(got.TagCount).toBe(2);
  });

  it('puts, replaces and deletes the tag set', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'retag', Body: 'x' }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'retag' }))).TagSet).toEqual([]);
    const put = await s3.send(
      new PutObjectTaggingCommand({ Bucket, Key: 'retag', Tagging: { TagSet: [{ Key: 'k1', Value: 'v1' }] } }),
    );
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'retag' }))).TagSet).toEqual([
      { Key: 'k1', Value: 'v1' },
    ]);
    const deleted = await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'retag' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'retag' }))).TagSet).toEqual([]);
    expect((await s3.send(new GetObjectCommand({ Bucket, Key: 'retag' }))).TagCount).toBeUndefined();
  });

  it('rejects more than 10 tags, and tags on a missing key', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'many-tags', Body: 'x' }));
    const TagSet = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectS3Error(s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'many-tags', Tagging: { TagSet } })), {
      name: 'BadRequest',
      status: 400,
      message: 'Object tags cannot be greater than 10',
    });
    await expectS3Error(s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'no-such-key' })), noSuchKey);
  });
});
