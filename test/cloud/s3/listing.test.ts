/** Listings: ListObjectsV2, ListObjects (v1) and ListObjectVersions with prefixes, delimiters, pagination, encoding. */
import {
  DeleteObjectCommand,
  ListObjectsCommand,
  type ListObjectsCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket, quotedMd5 } from './support.js';

const t = useCloud();
const KEYS = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/deep/3.txt', 'c/1.txt', 'd.txt', 'e/x/1.txt', 'e/y/2.txt', 'f.txt'];
let Bucket: string;
beforeAll(async () => {
  const s3 = t.s3();
  Bucket = await newBucket(s3, 'listing');
  for (const Key of KEYS) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

/** Pages through ListObjectsV2 and returns every page. */
async function allV2Pages(input: { Prefix?: string; Delimiter?: string; MaxKeys?: number; StartAfter?: string }) {
  const pages: ListObjectsV2CommandOutput[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await t.s3().send(new ListObjectsV2Command({ Bucket, ...input, ContinuationToken }));
    pages.push(page);
    ContinuationToken = page.NextContinuationToken;
    expect(Boolean(ContinuationToken)).toBe(page.IsTruncated);
  } while (ContinuationToken);
  return pages;
}

const keysOf = (pages: { Contents?: { Key?: string }[] }[]) =>
  pages.flatMap((p) => (p.Contents ?? []).map((c) => c.Key));
const prefixesOf = (pages: { CommonPrefixes?: { Prefix?: string }[] }[]) =>
  pages.flatMap((p) => (p.CommonPrefixes ?? []).map((c) => c.Prefix));

describe('ListObjectsV2', () => {
  it('lists every key in byte order with size, ETag and storage class', async () => {
    const page = await t.s3().send(new ListObjectsV2Command({ Bucket }));
    expect(page.Contents?.map((c) => c.Key)).toEqual(KEYS);
    expect(page).toMatchObject({ IsTruncated: false, KeyCount: KEYS.length, MaxKeys: 1000, Name: Bucket, Prefix: '' });
    expect(page.Contents?.[0]).toMatchObject({
      Key: 'a.txt',
      Size: 5,
      ETag: quotedMd5('a.txt'),
      StorageClass: 'STANDARD',
      ChecksumAlgorithm: ['CRC32'],
      ChecksumType: 'FULL_OBJECT',
    });
    expect(page.Contents?.[0]?.Owner).toBeUndefined();
    expect(page.NextContinuationToken).toBeUndefined();
    const withOwner = await t.s3().send(new ListObjectsV2Command({ Bucket, MaxKeys: 1, FetchOwner: true }));
    expect(withOwner.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by prefix and folds keys into common prefixes at the delimiter', async () => {
    const s3 = t.s3();
    const top = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/' }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'd.txt', 'f.txt']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'c/', 'e/']);
    expect(top.KeyCount).toBe(6);
    expect(top.Delimiter).toBe('/');
    const inB = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'b/', Delimiter: '/' }));
    expect(inB.Contents?.map((c) => c.Key)).toEqual(['b/1.txt', 'b/2.txt']);
    expect(inB.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/deep/']);
    const prefixOnly = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'e/' }));
    expect(prefixOnly.Contents?.map((c) => c.Key)).toEqual(['e/x/1.txt', 'e/y/2.txt']);
    const none = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'zzz' }));
    expect(none).toMatchObject({ KeyCount: 0, IsTruncated: false });
    expect(none.Contents).toBeUndefined();
  });

  it('pages with MaxKeys and continuation tokens, with and without a delimiter', async () => {
    const pages = await allV2Pages({ MaxKeys: 2 });
    expect(pages.map((p) => p.KeyCount)).toEqual([2, 2, 2, 2, 1]);
    expect(keysOf(pages)).toEqual(KEYS);
    const folded = await allV2Pages({ MaxKeys: 2, Delimiter: '/' });
    expect(folded.length).toBe(3);
    expect(keysOf(folded)).toEqual(['a.txt', 'd.txt', 'f.txt']);
    expect(prefixesOf(folded)).toEqual(['b/', 'c/', 'e/']);
    // The token is echoed back on the next page.
    const first = await t.s3().send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }));
    const second = await t
      .s3()
      .send(new ListObjectsV2Command({ Bucket, MaxKeys: 1, ContinuationToken: first.NextContinuationToken }));
    expect(second.ContinuationToken).toBe(first.NextContinuationToken);
    expect(second.Contents?.map((c) => c.Key)).toEqual(['b/1.txt']);
  });

  it('starts after StartAfter (which need not be a key)', async () => {
    const page = await t.s3().send(new ListObjectsV2Command({ Bucket, StartAfter: 'b/2.txt' }));
    expect(page.StartAfter).toBe('b/2.txt');
    expect(page.Contents?.map((c) => c.Key)).toEqual(KEYS.slice(3));
    const pages = await allV2Pages({ StartAfter: 'c', MaxKeys: 2, Delimiter: '/' });
    expect([...keysOf(pages), ...prefixesOf(pages)].sort()).toEqual(['c/', 'd.txt', 'e/', 'f.txt']);
  });

  it('answers MaxKeys=0 with an empty, untruncated page', async () => {
    const page = await t.s3().send(new ListObjectsV2Command({ Bucket, MaxKeys: 0 }));
    expect(page).toMatchObject({ KeyCount: 0, MaxKeys: 0 });
    expect(page.Contents).toBeUndefined();
  });

  it('percent-encodes keys, prefixes and delimiters with encoding-type=url', async () => {
    const s3 = t.s3();
    const Key = 'enc dir/a+b&c=ü.txt';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'enc ', EncodingType: 'url' }));
    expect(page.EncodingType).toBe('url');
    expect(page.Prefix).toBe('enc+');
    expect(page.Contents?.map((c) => c.Key)).toEqual(['enc+dir/a%2Bb%26c%3D%C3%BC.txt']);
    const folded = await s3.send(
      new ListObjectsV2Command({ Bucket, Prefix: 'enc', Delimiter: ' ', EncodingType: 'url' }),
    );
    expect(folded.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['enc+']);
    expect(folded.Delimiter).toBe('+');
    const plain = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'enc ' }));
    expect(plain.Contents?.map((c) => c.Key)).toEqual([Key]);
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
  });

  it('rejects an unknown encoding type and a bad continuation token', async () => {
    const s3 = t.s3();
    await expectS3Error(s3.send(new ListObjectsV2Command({ Bucket, EncodingType: 'base64' as never })), {
      name: 'InvalidArgument',
      status: 400,
      message: 'Invalid Encoding Method specified in Request',
    });
    await expectS3Error(s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: 'not-a-token' })), {
      name: 'InvalidArgument',
      status: 400,
      message: 'The continuation token provided is incorrect',
    });
  });
});

describe('ListObjects (v1)', () => {
  it('pages with Marker; NextMarker only comes with a delimiter', async () => {
    const s3 = t.s3();
    const pages: ListObjectsCommandOutput[] = [];
    let Marker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 4, ...(Marker ? { Marker } : {}) }));
      pages.push(page);
      expect(page.NextMarker).toBeUndefined();
      if (!page.IsTruncated) break;
      Marker = page.Contents?.at(-1)?.Key;
    }
    expect(pages.map((p) => p.Contents?.length)).toEqual([4, 4, 1]);
    expect(keysOf(pages)).toEqual(KEYS);
    expect(pages[1]?.Marker).toBe('b/deep/3.txt');
    expect(pages[0]?.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(pages[0]?.Contents?.[0]?.ChecksumAlgorithm).toEqual(['CRC32']);

    const folded: ListObjectsCommandOutput[] = [];
    let next: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 2, Delimiter: '/', Marker: next }));
      folded.push(page);
      if (!page.IsTruncated) break;
      next = page.NextMarker;
      expect(next).toBeDefined();
    }
    expect(folded.map((p) => p.NextMarker)).toEqual(['b/', 'd.txt', undefined]);
    expect(keysOf(folded)).toEqual(['a.txt', 'd.txt', 'f.txt']);
    expect(prefixesOf(folded)).toEqual(['b/', 'c/', 'e/']);
  });

  it('lists under a prefix with a delimiter and an empty marker', async () => {
    const page = await t.s3().send(new ListObjectsCommand({ Bucket, Prefix: 'e/', Delimiter: '/', Marker: '' }));
    expect(page).toMatchObject({ Prefix: 'e/', Delimiter: '/', Marker: '', IsTruncated: false, MaxKeys: 1000 });
    expect(page.Contents).toBeUndefined();
    expect(prefixesOf([page])).toEqual(['e/x/', 'e/y/']);
  });
});

describe('ListObjectVersions', () => {
  it('pages through versions and delete markers with key and version-id markers', async () => {
    const s3 = t.s3();
    const bucket = await newBucket(s3, 'listver', true);
    const expected: [string, string, boolean][] = [];
    for (const Key of ['k1', 'k2']) {
      const ids: [string, string, boolean][] = [];
      for (let i = 0; i < 3; i++) {
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `${Key}-${i}` }));
        ids.unshift([Key, put.VersionId ?? '', false]);
      }
      expected.push(...ids);
    }
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k1' }));
    expected.unshift(['k1', marker.VersionId ?? '', true]);

    const pages: ListObjectVersionsCommandOutput[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 2, KeyMarker, VersionIdMarker }),
      );
      pages.push(page);
      expect(page.KeyMarker).toBe(KeyMarker ?? '');
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
    expect(pages.map((p) => p.NextKeyMarker)).toEqual(['k1', 'k1', 'k2', undefined]);
    expect(pages[1]?.VersionIdMarker).toBe(pages[0]?.NextVersionIdMarker);
    const seen = pages.flatMap((p) =>
      [
        ...(p.Versions ?? []).map((v) => [v.Key, v.VersionId, false, v.LastModified?.getTime()] as const),
        ...(p.DeleteMarkers ?? []).map((m) => [m.Key, m.VersionId, true, m.LastModified?.getTime()] as const),
      ]
        // Within a page S3 lists versions and markers in separate lists; restore the single (key, newest-first) order.
        .sort(
          (a, b) => (a[0] ?? '').localeCompare(b[0] ?? '') || (b[3] ?? 0) - (a[3] ?? 0) || Number(b[2]) - Number(a[2]),
        ),
    );
    expect(seen.map(([k, v, m]) => [k, v, m])).toEqual(expected);
    const latest = pages.flatMap((p) => [...(p.Versions ?? []), ...(p.DeleteMarkers ?? [])]).filter((v) => v.IsLatest);
    expect(latest.map((v) => v.VersionId).sort()).toEqual([marker.VersionId, expected[4]?.[1]].sort());

    // A key marker alone skips every version of that key.
    const afterK1 = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'k1' }));
    expect(afterK1.Versions?.map((v) => v.Key)).toEqual(['k2', 'k2', 'k2']);
    expect(afterK1.DeleteMarkers).toBeUndefined();
    // Prefix and delimiter apply as in the object listings.
    const folded = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'k', Delimiter: '2' }));
    expect(folded.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['k2']);
    expect(folded.Versions?.every((v) => v.Key === 'k1')).toBe(true);
    await destroyBucket(s3, bucket);
  });

  it('lists an unversioned bucket with null version ids', async () => {
    const page = await t.s3().send(new ListObjectVersionsCommand({ Bucket, Prefix: 'a' }));
    expect(page.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([['a.txt', 'null', true]]);
  });
});
