/** Versioning: version ids on put/get/head/delete/tagging, delete markers, suspended buckets, version listings. */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket, quotedMd5 } from './support.js';

const t = useCloud();
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'versions', true);
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

/** A version id shaped like S3's that this server never issued. */
const FOREIGN_VERSION_ID = 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD';
const methodNotAllowed = {
  name: 'MethodNotAllowed',
  status: 405,
  message: 'The specified method is not allowed against this resource.',
};

describe('versioned objects', () => {
  it('gives every put its own version and reads each back by id', async () => {
    const s3 = t.s3();
    const Key = 'doc.txt';
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'first' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'second' }));
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9._-]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    const latest = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(latest.VersionId).toBe(v2.VersionId);
    expect(await latest.Body?.transformToString()).toBe('second');
    const old = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId: v1.VersionId }));
    expect(old.VersionId).toBe(v1.VersionId);
    expect(await old.Body?.transformToString()).toBe('first');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key, VersionId: v1.VersionId }));
    expect(head).toMatchObject({ VersionId: v1.VersionId, ETag: quotedMd5('first'), ContentLength: 5 });
  });

  it('hides the key behind a delete marker: NoSuchKey for the latest, 405 for the marker itself', async () => {
    const s3 = t.s3();
    const Key = 'marked.txt';
    const put = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'data' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    expect(marker.$metadata.httpStatusCode).toBe(204);
    expect(marker.DeleteMarker).toBe(true);
    expect(marker.VersionId).not.toBe(put.VersionId);

    const error = await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key })), {
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    expect(error['Key']).toBe(Key);
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key })), { name: 'NotFound', status: 404 });

    const onMarker = await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket, Key, VersionId: marker.VersionId })),
      methodNotAllowed,
    );
    expect(onMarker['Method']).toBe('GET');
    expect(onMarker['ResourceType']).toBe('DeleteMarker');
    // HEAD errors carry no body; the SDK names them by status.
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key, VersionId: marker.VersionId })), {
      name: 'Unknown',
      status: 405,
    });
    await expectS3Error(
      s3.send(new PutObjectTaggingCommand({ Bucket, Key, VersionId: marker.VersionId, Tagging: { TagSet: [] } })),
      methodNotAllowed,
    );

    // The old version is still there, and removing the marker brings the key back.
    const old = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId: put.VersionId }));
    expect(await old.Body?.transformToString()).toBe('data');
    const removed = await s3.send(new DeleteObjectCommand({ Bucket, Key, VersionId: marker.VersionId }));
    expect(removed).toMatchObject({ DeleteMarker: true, VersionId: marker.VersionId });
    const back = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(back.VersionId).toBe(put.VersionId);
    expect(await back.Body?.transformToString()).toBe('data');
  });

  it('deletes a specific version permanently; the previous one becomes latest', async () => {
    const s3 = t.s3();
    const Key = 'permanent.txt';
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'two' }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket, Key, VersionId: v2.VersionId }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(deleted.VersionId).toBe(v2.VersionId);
    expect(deleted.DeleteMarker).toBeUndefined();
    const error = await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key, VersionId: v2.VersionId })), {
      name: 'NoSuchVersion',
      status: 404,
      message: 'The specified version does not exist.',
    });
    expect(error['VersionId']).toBe(v2.VersionId);
    const latest = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(latest.VersionId).toBe(v1.VersionId);
    await latest.Body?.transformToString();
  });

  it('rejects a version id it never issued with InvalidArgument', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'v.txt', Body: 'x' }));
    const invalid = { name: 'InvalidArgument', status: 400, message: 'Invalid version id specified' };
    const error = await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket, Key: 'v.txt', VersionId: FOREIGN_VERSION_ID })),
      invalid,
    );
    expect(error['ArgumentName']).toBe('versionId');
    expect(error['ArgumentValue']).toBe(FOREIGN_VERSION_ID);
    await expectS3Error(
      s3.send(new DeleteObjectCommand({ Bucket, Key: 'v.txt', VersionId: FOREIGN_VERSION_ID })),
      invalid,
    );
  });

  it('tags each version separately', async () => {
    const s3 = t.s3();
    const Key = 'tags.txt';
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: '1', Tagging: 'gen=1' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: '2', Tagging: 'gen=2' }));
    const put = await s3.send(
      new PutObjectTaggingCommand({
        Bucket,
        Key,
        VersionId: v1.VersionId,
        Tagging: { TagSet: [{ Key: 'gen', Value: 'old' }] },
      }),
    );
    expect(put.VersionId).toBe(v1.VersionId);
    const tags1 = await s3.send(new GetObjectTaggingCommand({ Bucket, Key, VersionId: v1.VersionId }));
    expect(tags1).toMatchObject({ VersionId: v1.VersionId, TagSet: [{ Key: 'gen', Value: 'old' }] });
    const latest = await s3.send(new GetObjectTaggingCommand({ Bucket, Key }));
    expect(latest).toMatchObject({ VersionId: v2.VersionId, TagSet: [{ Key: 'gen', Value: '2' }] });
  });

  it('batch-deletes versions, creating markers for keys named without a version', async () => {
    const s3 = t.s3();
    const a1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'batch/a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'batch/b', Body: 'b' }));
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: {
          Objects: [
            { Key: 'batch/a', VersionId: a1.VersionId },
            { Key: 'batch/b' },
            { Key: 'batch/c', VersionId: FOREIGN_VERSION_ID },
          ],
        },
      }),
    );
    const deleted = [...(result.Deleted ?? [])].sort((x, y) => (x.Key ?? '').localeCompare(y.Key ?? ''));
    expect(deleted[0]).toEqual({ Key: 'batch/a', VersionId: a1.VersionId });
    expect(deleted[1]).toMatchObject({ Key: 'batch/b', DeleteMarker: true });
    expect(deleted[1]?.DeleteMarkerVersionId).toMatch(/^[A-Za-z0-9._-]{32}$/);
    expect(result.Errors).toEqual([
      {
        Key: 'batch/c',
        VersionId: FOREIGN_VERSION_ID,
        Code: 'NoSuchVersion',
        Message: 'The specified version does not exist.',
      },
    ]);
    // Removing the marker through a batch reports it as a delete marker.
    const marker = deleted[1]?.DeleteMarkerVersionId;
    const again = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'batch/b', VersionId: marker }] } }),
    );
    expect(again.Deleted).toEqual([
      { Key: 'batch/b', VersionId: marker, DeleteMarker: true, DeleteMarkerVersionId: marker },
    ]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'batch/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['batch/b']);
    // Quiet mode still reports the errors.
    const quiet = await s3.send(
      new DeleteObjectsCommand({
        Bucket,
        Delete: { Quiet: true, Objects: [{ Key: 'batch/b' }, { Key: 'batch/d', VersionId: FOREIGN_VERSION_ID }] },
      }),
    );
    expect(quiet.Deleted).toBeUndefined();
    expect(quiet.Errors?.map((e) => [e.Key, e.Code])).toEqual([['batch/d', 'NoSuchVersion']]);
  });

  it('lists versions and delete markers newest first, with IsLatest', async () => {
    const s3 = t.s3();
    const Prefix = 'listed/';
    const Key = `${Prefix}k`;
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'three' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix }));
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size, v.ETag])).toEqual([
      [v2.VersionId, false, 5, quotedMd5('three')],
      [v1.VersionId, false, 3, quotedMd5('one')],
    ]);
    expect(listed.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([[Key, marker.VersionId, true]]);
    expect(listed.DeleteMarkers?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(listed.IsTruncated).toBe(false);
    // Plain listings do not show a key whose latest version is a delete marker.
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix }))).KeyCount).toBe(0);
  });
});

describe('suspended versioning', () => {
  it('writes the null version, replacing the previous null version but keeping older ones', async () => {
    const s3 = t.s3();
    const bucket = await newBucket(s3, 'suspended', true);
    const Key = 'k';
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'enabled' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    const n1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'null-1' }));
    expect(n1.VersionId).toBe('null');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'null-2' }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      ['null', true],
      [v1.VersionId, false],
    ]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, VersionId: 'null' }));
    expect(await got.Body?.transformToString()).toBe('null-2');
    // A delete now writes a null delete marker.
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    expect(marker).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
    await destroyBucket(s3, bucket);
  });

  it('rejects an empty or unknown versioning status', async () => {
    const s3 = t.s3();
    await expectS3Error(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: {} })), {
      name: 'IllegalVersioningConfigurationException',
      status: 400,
      message: 'The Versioning element must be specified',
    });
    await expectS3Error(
      s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Disabled' as never } })),
      { name: 'MalformedXML', status: 400 },
    );
  });
});
