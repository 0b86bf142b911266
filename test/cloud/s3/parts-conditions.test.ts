/**
 * GET/HEAD `?partNumber` (206, Content-Range, x-amz-mp-parts-count, 416 InvalidPartNumber), the
 * write conditions' 409 ConditionalRequestConflict, DeleteObject's If-Match, and a
 * CompleteMultipartUpload repeated after success, as S3 answers them.
 */
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
const FIRST = Buffer.alloc(5 * 1024 * 1024, 'a');
const SECOND = Buffer.from('the second part');
const SIZE = FIRST.length + SECOND.length;
let Bucket: string;

/** Uploads `parts` as a multipart object (with CRC32 part checksums when asked) and returns Complete's answer. */
async function multipart(Key: string, parts: Buffer[], ChecksumAlgorithm?: 'CRC32') {
  const s3 = t.s3();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm }));
  const done = [];
  for (const [i, Body] of parts.entries()) {
    const part = await s3.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm }),
    );
    done.push({ PartNumber: i + 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
  }
  const Parts = done;
  const complete = () =>
    s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
  return { UploadId, Parts, complete, result: await complete() };
}

beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'parts');
  await multipart('two-parts', [FIRST, SECOND]);
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

describe('GetObject and HeadObject with PartNumber', () => {
  it('answers 206 with the part, its Content-Range and the part count of a multipart object', async () => {
    const s3 = t.s3();
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'two-parts', PartNumber: 2 }));
    expect({
      status: got.$metadata.httpStatusCode,
      ContentLength: got.ContentLength,
      ContentRange: got.ContentRange,
      PartsCount: got.PartsCount,
      body: await got.Body?.transformToString(),
    }).toEqual({
      status: 206,
      ContentLength: SECOND.length,
      ContentRange: `bytes ${FIRST.length}-${SIZE - 1}/${SIZE}`,
      PartsCount: 2,
      body: SECOND.toString(),
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'two-parts', PartNumber: 1 }));
    expect(head.$metadata.httpStatusCode).toBe(206);
    expect(head).toMatchObject({
      ContentLength: FIRST.length,
      ContentRange: `bytes 0-${FIRST.length - 1}/${SIZE}`,
      PartsCount: 2,
    });
    // Without a part number, no part count.
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'two-parts' }))).PartsCount).toBeUndefined();
  });

  it('treats a single-part object as part 1, with its checksum, and no part count', async () => {
    const s3 = t.s3();
    const put = await s3.send(
      new PutObjectCommand({ Bucket, Key: 'single', Body: 'test-123', ChecksumAlgorithm: 'CRC32' }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'single', PartNumber: 1, ChecksumMode: 'ENABLED' }));
    expect({
      status: got.$metadata.httpStatusCode,
      ContentRange: got.ContentRange,
      PartsCount: got.PartsCount,
      ChecksumCRC32: got.ChecksumCRC32,
      body: await got.Body?.transformToString(),
    }).toEqual({
      status: 206,
      ContentRange: 'bytes 0-7/8',
      PartsCount: undefined,
      ChecksumCRC32: put.ChecksumCRC32,
      body: 'test-123',
    });
  });

  it('returns a composite object part its own checksum', async () => {
    const s3 = t.s3();
    const { Parts } = await multipart('composite', [FIRST, SECOND], 'CRC32');
    const got = await s3.send(
      new GetObjectCommand({ Bucket, Key: 'composite', PartNumber: 2, ChecksumMode: 'ENABLED' }),
    );
    await got.Body?.transformToString();
    expect({ ChecksumCRC32: got.ChecksumCRC32, ChecksumType: got.ChecksumType }).toEqual({
      ChecksumCRC32: Parts[1]?.ChecksumCRC32,
      ChecksumType: 'COMPOSITE',
    });
  });

  it('answers 416 InvalidPartNumber for a part the object does not have, 400 with a Range too', async () => {
    const s3 = t.s3();
    const error = await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'two-parts', PartNumber: 3 })), {
      name: 'InvalidPartNumber',
      status: 416,
      message: 'The requested partnumber is not satisfiable',
    });
    expect({ requested: error['PartNumberRequested'], actual: error['ActualPartCount'] }).toEqual({
      requested: '3',
      actual: '2',
    });
    const single = await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'single', PartNumber: 2 })), {
      name: 'InvalidPartNumber',
      status: 416,
    });
    expect(single['ActualPartCount']).toBe('1');
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key: 'single', PartNumber: 2 })), {
      name: 'Unknown',
      status: 416,
    });
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket, Key: 'single', PartNumber: 1, Range: 'bytes=0-1' })), {
      name: 'InvalidRequest',
      status: 400,
      message: 'Cannot specify both Range header and partNumber query parameter',
    });
  });
});

describe('conditional writes racing other writes', () => {
  it('CompleteMultipartUpload with If-Match conflicts (409) when the key changed after the upload began', async () => {
    const s3 = t.s3();
    const Key = 'if-match-race';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v1' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'part' }));
    const during = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'v2' }));
    const complete = (IfMatch: string | undefined) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          IfMatch,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
    await expectS3Error(complete('"0123456789abcdef0123456789abcdef"'), { name: 'PreconditionFailed', status: 412 });
    const conflict = await expectS3Error(complete(during.ETag), {
      name: 'ConditionalRequestConflict',
      status: 409,
      message: 'The conditional request cannot succeed due to a conflicting operation against this resource.',
    });
    expect({ condition: conflict['Condition'], key: conflict['Key'] }).toEqual({ condition: 'If-Match', key: Key });
  });
});

describe('DeleteObject with If-Match', () => {
  it('deletes only when the ETag matches; a missing key succeeds; size and time conditions are not implemented', async () => {
    const s3 = t.s3();
    const Key = 'delete-if-match';
    const put = await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const error = await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket, Key, IfMatch: '"nope"' })), {
      name: 'PreconditionFailed',
      status: 412,
      message: 'At least one of the pre-conditions you specified did not hold',
    });
    expect(error['Condition']).toBe('If-Match');
    const notImplemented = await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket, Key, IfMatchSize: 1 })), {
      name: 'NotImplemented',
      status: 501,
    });
    expect(notImplemented['Header']).toBe('x-amz-if-match-size');
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket, Key, IfMatch: put.ETag }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key })), { name: 'NotFound', status: 404 });
    const missing = await s3.send(new DeleteObjectCommand({ Bucket, Key, IfMatch: put.ETag }));
    expect(missing.$metadata.httpStatusCode).toBe(204);
  });
});

describe('CompleteMultipartUpload repeated', () => {
  it('answers a repeat with the same parts as the first time, and NoSuchUpload for other parts', async () => {
    const s3 = t.s3();
    const { UploadId, result, complete } = await multipart('repeated', [Buffer.from('only part')]);
    const again = await complete();
    expect({
      ETag: again.ETag,
      Key: again.Key,
      Location: again.Location,
      ChecksumCRC64NVME: again.ChecksumCRC64NVME,
    }).toEqual({
      ETag: result.ETag,
      Key: result.Key,
      Location: result.Location,
      ChecksumCRC64NVME: result.ChecksumCRC64NVME,
    });
    await expectS3Error(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'repeated',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 2, ETag: result.ETag }] },
        }),
      ),
      { name: 'NoSuchUpload', status: 404 },
    );
  });
});
