/** Multipart uploads: create, upload part, part copy with ranges, complete (and its errors), abort, list parts/uploads. */
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import {
  destroyBucket,
  expectNoInternalErrors,
  expectS3Error,
  md5Hex,
  multipartEtag,
  newBucket,
  quotedMd5,
} from './support.js';

const t = useCloud();
const MiB = 1024 * 1024;
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'multipart');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

/** A deterministic part body: `size` bytes derived from `seed`. */
function partBody(seed: number, size: number): Buffer {
  const block = createHash('sha256').update(`part-${seed}`).digest();
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += block.length) block.copy(out, i);
  return out;
}

async function create(Key: string, extra: Partial<ConstructorParameters<typeof CreateMultipartUploadCommand>[0]> = {}) {
  const created = await t.s3().send(new CreateMultipartUploadCommand({ Bucket, Key, ...extra }));
  expect(created).toMatchObject({ Bucket, Key });
  return created.UploadId ?? '';
}

async function uploadParts(Key: string, UploadId: string, bodies: Buffer[]): Promise<CompletedPart[]> {
  const parts: CompletedPart[] = [];
  for (const [i, Body] of bodies.entries()) {
    const up = await t.s3().send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
    expect(up.ETag).toBe(quotedMd5(Body));
    parts.push({ PartNumber: i + 1, ETag: up.ETag });
  }
  return parts;
}

describe('multipart upload', () => {
  it('uploads parts, lists them, completes with the multipart ETag, and reads the object back', async () => {
    const s3 = t.s3();
    const Key = 'big/object.bin';
    const UploadId = await create(Key, { ContentType: 'application/x-test', Metadata: { kind: 'multipart' } });
    const bodies = [partBody(1, 5 * MiB), partBody(2, 5 * MiB), partBody(3, 1234)];
    const parts = await uploadParts(Key, UploadId, bodies);

    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual(
      bodies.map((b, i) => [i + 1, quotedMd5(b), b.length]),
    );
    expect(listed).toMatchObject({ IsTruncated: false, UploadId, Key, StorageClass: 'STANDARD' });

    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    const etag = multipartEtag(bodies);
    expect(done).toMatchObject({ Bucket, Key, ETag: etag });
    expect(done.Location).toContain(`/${Bucket}/big/object.bin`);

    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    expect(head).toMatchObject({
      ETag: etag,
      ContentLength: 10 * MiB + 1234,
      ContentType: 'application/x-test',
      Metadata: { kind: 'multipart' },
    });
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect(md5Hex(bytes)).toBe(md5Hex(Buffer.concat(bodies)));
    // The upload is gone once completed.
    await expectS3Error(s3.send(new ListPartsCommand({ Bucket, Key, UploadId })), {
      name: 'NoSuchUpload',
      status: 404,
      message:
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    });
  });

  it('gives an upload without a checksum algorithm a full-object CRC64NVME', async () => {
    const s3 = t.s3();
    const Key = 'crc64';
    const UploadId = await create(Key);
    const bodies = [partBody(4, 5 * MiB), partBody(5, 10)];
    const parts = await uploadParts(Key, UploadId, bodies);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    expect(done.ChecksumType).toBe('FULL_OBJECT');
    expect(done.ChecksumCRC64NVME).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    // The SDK validates the full-object checksum against the body as it reads it.
    const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC64NVME).toBe(done.ChecksumCRC64NVME);
    expect((await got.Body?.transformToByteArray())?.length).toBe(5 * MiB + 10);
  });

  it('gives a SHA256 upload a composite checksum of the part checksums', async () => {
    const s3 = t.s3();
    const Key = 'sha256-composite';
    const UploadId = await create(Key, { ChecksumAlgorithm: 'SHA256' });
    const bodies = [partBody(6, 5 * MiB), partBody(7, 100)];
    const parts: CompletedPart[] = [];
    for (const [i, Body] of bodies.entries()) {
      const up = await s3.send(
        new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: 'SHA256' }),
      );
      expect(up.ChecksumSHA256).toBe(createHash('sha256').update(Body).digest('base64'));
      parts.push({ PartNumber: i + 1, ETag: up.ETag, ChecksumSHA256: up.ChecksumSHA256 });
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    const composite = createHash('sha256');
    for (const b of bodies) composite.update(createHash('sha256').update(b).digest());
    expect(done.ChecksumSHA256).toBe(`${composite.digest('base64')}-2`);
    expect(done.ChecksumType).toBe('COMPOSITE');
  });

  it('copies byte ranges of existing objects into parts (UploadPartCopy)', async () => {
    const s3 = t.s3();
    const source = partBody(8, 6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'copy-source', Body: source }));
    const Key = 'assembled';
    const UploadId = await create(Key);
    const first = await s3.send(
      new UploadPartCopyCommand({
        Bucket,
        Key,
        UploadId,
        PartNumber: 1,
        CopySource: `${Bucket}/copy-source`,
        CopySourceRange: `bytes=0-${5 * MiB - 1}`,
      }),
    );
    expect(first.CopyPartResult?.ETag).toBe(quotedMd5(source.subarray(0, 5 * MiB)));
    expect(first.CopyPartResult?.LastModified).toBeInstanceOf(Date);
    const second = await s3.send(
      new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 2, CopySource: `${Bucket}/copy-source` }),
    );
    expect(second.CopyPartResult?.ETag).toBe(quotedMd5(source));
    const third = await s3.send(
      new UploadPartCopyCommand({
        Bucket,
        Key,
        UploadId,
        PartNumber: 3,
        CopySource: `${Bucket}/copy-source`,
        CopySourceRange: 'bytes=100-199',
      }),
    );
    await expectS3Error(
      s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: 4,
          CopySource: `${Bucket}/copy-source`,
          CopySourceRange: `bytes=0-${6 * MiB}`,
        }),
      ),
      {
        name: 'InvalidArgument',
        status: 400,
        message: `Range specified is not valid for source object of size: ${6 * MiB}`,
      },
    );
    const parts = [first.CopyPartResult?.ETag, second.CopyPartResult?.ETag, third.CopyPartResult?.ETag].map(
      (ETag, i) => ({
        PartNumber: i + 1,
        ETag,
      }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    const expectedParts = [source.subarray(0, 5 * MiB), source, source.subarray(100, 200)];
    expect(done.ETag).toBe(multipartEtag(expectedParts));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=${11 * MiB}-` }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(source.subarray(100, 200))).toBe(true);
  });
});

describe('CompleteMultipartUpload errors', () => {
  it('InvalidPartOrder, InvalidPart, EntityTooSmall, and an empty request', async () => {
    const s3 = t.s3();
    const Key = 'errors';
    const UploadId = await create(Key);
    const bodies = [partBody(9, 1000), partBody(10, 2000)];
    const parts = await uploadParts(Key, UploadId, bodies);
    const complete = (Parts: CompletedPart[] | undefined) =>
      s3.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, ...(Parts ? { MultipartUpload: { Parts } } : {}) }),
      );

    const order = await expectS3Error(complete([...parts].reverse()), {
      name: 'InvalidPartOrder',
      status: 400,
      message: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
    });
    expect(order['UploadId']).toBe(UploadId);

    const wrongEtag = `"${md5Hex('not the part')}"`;
    const invalid = await expectS3Error(complete([parts[0] ?? {}, { PartNumber: 2, ETag: wrongEtag }]), {
      name: 'InvalidPart',
      status: 400,
      message:
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    });
    expect(invalid['PartNumber']).toBe('2');
    expect(invalid['ETag']).toBe(md5Hex('not the part'));
    await expectS3Error(complete([...parts, { PartNumber: 3, ETag: wrongEtag }]), { name: 'InvalidPart', status: 400 });

    const small = await expectS3Error(complete(parts), {
      name: 'EntityTooSmall',
      status: 400,
      message: 'Your proposed upload is smaller than the minimum allowed size',
    });
    expect(small).toMatchObject({ ProposedSize: '1000', MinSizeAllowed: '5242880', PartNumber: '1' });

    await expectS3Error(complete(undefined), {
      name: 'InvalidRequest',
      status: 400,
      message: 'You must specify at least one part',
    });
    // A single small part is fine: only non-last parts have a minimum size.
    const single = await complete([parts[1] ?? {}]);
    expect(single.ETag).toBe(multipartEtag([bodies[1] ?? Buffer.alloc(0)]));
  });

  it('NoSuchUpload after an abort, for upload, complete, list and abort', async () => {
    const s3 = t.s3();
    const Key = 'aborted';
    const UploadId = await create(Key);
    const parts = await uploadParts(Key, UploadId, [partBody(11, 100)]);
    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    const noSuchUpload = { name: 'NoSuchUpload', status: 404 };
    const error = await expectS3Error(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } })),
      noSuchUpload,
    );
    expect(error['UploadId']).toBe(UploadId);
    await expectS3Error(
      s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: 'x' })),
      noSuchUpload,
    );
    await expectS3Error(s3.send(new ListPartsCommand({ Bucket, Key, UploadId })), noSuchUpload);
    await expectS3Error(s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })), noSuchUpload);
    // An upload id used with another key is not found either.
    const other = await create('other-key');
    await expectS3Error(s3.send(new ListPartsCommand({ Bucket, Key, UploadId: other })), noSuchUpload);
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'other-key', UploadId: other }));
  });

  it('rejects part numbers outside 1..10000', async () => {
    const UploadId = await create('partnum');
    for (const PartNumber of [0, 10001]) {
      const error = await expectS3Error(
        t.s3().send(new UploadPartCommand({ Bucket, Key: 'partnum', UploadId, PartNumber, Body: 'x' })),
        {
          name: 'InvalidArgument',
          status: 400,
          message: 'Part number must be an integer between 1 and 10000, inclusive',
        },
      );
      expect(error['ArgumentName']).toBe('partNumber');
    }
    await t.s3().send(new AbortMultipartUploadCommand({ Bucket, Key: 'partnum', UploadId }));
  });
});

describe('ListParts and ListMultipartUploads', () => {
  it('pages parts with MaxParts and PartNumberMarker; a re-uploaded part replaces the old one', async () => {
    const s3 = t.s3();
    const Key = 'paged-parts';
    const UploadId = await create(Key);
    await uploadParts(Key, UploadId, [partBody(12, 10), partBody(13, 20), partBody(14, 30)]);
    await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: partBody(15, 25) }));
    const seen: [number | undefined, number | undefined][] = [];
    let PartNumberMarker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 2, PartNumberMarker }));
      expect(page.MaxParts).toBe(2);
      seen.push(...(page.Parts ?? []).map((p) => [p.PartNumber, p.Size] as [number | undefined, number | undefined]));
      if (!page.IsTruncated) break;
      PartNumberMarker = page.NextPartNumberMarker;
    }
    expect(PartNumberMarker).toBe('2');
    expect(seen).toEqual([
      [1, 10],
      [2, 25],
      [3, 30],
    ]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
  });

  it('lists uploads in key then initiation order, paging with key and upload-id markers', async () => {
    const s3 = t.s3();
    const bucket = await newBucket(s3, 'uploads');
    const ids: [string, string][] = [];
    for (const Key of ['b', 'a', 'b', 'c/nested']) {
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      ids.push([Key, created.UploadId ?? '']);
    }
    const expected = [ids[1], ids[0], ids[2], ids[3]];
    const seen: (string | undefined)[][] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 1, KeyMarker, UploadIdMarker }),
      );
      seen.push(...(page.Uploads ?? []).map((u) => [u.Key, u.UploadId]));
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
    expect(seen).toEqual(expected);
    const folded = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: '/' }));
    expect(folded.Uploads?.map((u) => u.Key)).toEqual(['a', 'b', 'b']);
    expect(folded.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['c/']);
    const prefixed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'c/' }));
    expect(prefixed.Uploads?.map((u) => u.Key)).toEqual(['c/nested']);
    expect(prefixed.Uploads?.[0]?.Initiated).toBeInstanceOf(Date);
    await destroyBucket(s3, bucket);
  });
});
