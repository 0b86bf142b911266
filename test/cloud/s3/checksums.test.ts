/**
 * Flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and Content-MD5: verified on upload
 * through both the header path (Buffer/string bodies) and the aws-chunked trailer path (stream
 * bodies), rejected when wrong or malformed, and returned on GET/HEAD with ChecksumMode ENABLED.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, md5Base64, newBucket } from './support.js';

const t = useCloud();
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'checksums');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
const member = (a: Algorithm) => `Checksum${a}` as const;

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** The base64 checksum AWS computes, from independent implementations. */
async function expectedChecksum(algorithm: Algorithm, data: Buffer): Promise<string> {
  switch (algorithm) {
    case 'CRC32':
      return uint32(crc32(data)).toString('base64');
    case 'CRC32C': {
      const c = new Crc32c();
      c.update(data);
      return uint32(c.digest()).toString('base64');
    }
    case 'CRC64NVME': {
      const c = new Crc64NvmeJs();
      c.update(data);
      return Buffer.from(await c.digest()).toString('base64');
    }
    case 'SHA1':
      return createHash('sha1').update(data).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(data).digest('base64');
  }
}

const DATA = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) % 251));

/** A stream body of known length: the SDK sends it aws-chunked with the checksum in a trailer. */
const streamOf = (data: Buffer) => Readable.from([data.subarray(0, 40_000), data.subarray(40_000)]);

/** Flips one payload byte after the SDK has computed the checksum (the first byte after the first chunk header). */
function corruptAfterChecksum(s3: S3Client): void {
  s3.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown };
      if (request.body instanceof Readable) {
        let state: 'header' | 'flip' | 'done' = 'header';
        const flipper = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            const out = Buffer.from(chunk);
            for (let i = 0; i < out.length && state !== 'done'; i++) {
              if (state === 'header' && out[i] === 0x0a) state = 'flip';
              else if (state === 'flip') {
                out[i] = (out[i] ?? 0) ^ 0xff;
                state = 'done';
              }
            }
            callback(null, out);
          },
        });
        request.body = request.body.pipe(flipper);
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'corruptAfterChecksum', priority: 'low' },
  );
}

describe('flexible checksums on PutObject', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: verifies header and trailer uploads and returns the checksum with ChecksumMode`, async () => {
      const s3 = t.s3();
      const expected = await expectedChecksum(algorithm, DATA);
      const fromBuffer = await s3.send(
        new PutObjectCommand({ Bucket, Key: `${algorithm}/buffer`, Body: DATA, ChecksumAlgorithm: algorithm }),
      );
      expect(fromBuffer[member(algorithm)]).toBe(expected);
      expect(fromBuffer.ChecksumType).toBe('FULL_OBJECT');
      const fromStream = await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: `${algorithm}/stream`,
          Body: streamOf(DATA),
          ContentLength: DATA.length,
          ChecksumAlgorithm: algorithm,
        }),
      );
      expect(fromStream[member(algorithm)]).toBe(expected);
      for (const Key of [`${algorithm}/buffer`, `${algorithm}/stream`]) {
        const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
        expect(head[member(algorithm)]).toBe(expected);
        expect(head.ChecksumType).toBe('FULL_OBJECT');
        // aws-chunked is transport framing, never stored as the object's Content-Encoding.
        expect(head.ContentEncoding).toBeUndefined();
        // The SDK validates the body against the returned checksum as it reads it.
        const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
        expect(got[member(algorithm)]).toBe(expected);
        expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(DATA)).toBe(true);
        // Without ChecksumMode no checksum is returned.
        const plain = await s3.send(new HeadObjectCommand({ Bucket, Key }));
        expect(plain[member(algorithm)]).toBeUndefined();
      }
    });

    it(`${algorithm}: rejects a wrong value with BadDigest and a malformed one with InvalidRequest`, async () => {
      const s3 = t.s3();
      const wrong = await expectedChecksum(algorithm, Buffer.from('something else'));
      await expectS3Error(
        s3.send(new PutObjectCommand({ Bucket, Key: `${algorithm}/wrong`, Body: DATA, [member(algorithm)]: wrong })),
        {
          name: 'BadDigest',
          status: 400,
          message: `The ${algorithm} you specified did not match the calculated checksum.`,
        },
      );
      await expectS3Error(
        s3.send(
          new PutObjectCommand({
            Bucket,
            Key: `${algorithm}/bad`,
            Body: DATA,
            [member(algorithm)]: 'bm90IGEgY2hlY2tzdW0gYXQgYWxs',
          }),
        ),
        {
          name: 'InvalidRequest',
          status: 400,
          message: `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`,
        },
      );
      await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key: `${algorithm}/wrong` })), {
        name: 'NotFound',
        status: 404,
      });
    });
  }

  it('rejects a body whose aws-chunked trailer checksum does not match (BadDigest), storing nothing', async () => {
    const s3 = t.s3();
    corruptAfterChecksum(s3);
    await expectS3Error(
      s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'corrupt',
          Body: streamOf(DATA),
          ContentLength: DATA.length,
          ChecksumAlgorithm: 'SHA256',
        }),
      ),
      { name: 'BadDigest', status: 400, message: 'The SHA256 you specified did not match the calculated checksum.' },
    );
    await expectS3Error(t.s3().send(new HeadObjectCommand({ Bucket, Key: 'corrupt' })), {
      name: 'NotFound',
      status: 404,
    });
  });

  it('uses CRC32 when the SDK picks the algorithm, and CRC64NVME when the client sends none', async () => {
    const byDefault = await t.s3().send(new PutObjectCommand({ Bucket, Key: 'default', Body: DATA }));
    expect(byDefault.ChecksumCRC32).toBe(await expectedChecksum('CRC32', DATA));
    const s3 = t.s3({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'none', Body: DATA }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'none', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC64NVME).toBe(await expectedChecksum('CRC64NVME', DATA));
    expect(head.ChecksumCRC32).toBeUndefined();
  });

  it('does not return a checksum for a ranged GET', async () => {
    const got = await t
      .s3()
      .send(new GetObjectCommand({ Bucket, Key: 'default', ChecksumMode: 'ENABLED', Range: 'bytes=0-9' }));
    expect(got.ChecksumCRC32).toBeUndefined();
    expect((await got.Body?.transformToByteArray())?.length).toBe(10);
  });

  it('rejects an unknown checksum algorithm', async () => {
    const s3 = t.s3({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    s3.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-sdk-checksum-algorithm'] = 'MD4';
        return next(args);
      },
      { step: 'build', name: 'unknownAlgorithm' },
    );
    await expectS3Error(s3.send(new PutObjectCommand({ Bucket, Key: 'md4', Body: 'x' })), {
      name: 'InvalidRequest',
      status: 400,
      message:
        'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    });
  });
});

describe('Content-MD5', () => {
  it('accepts a matching Content-MD5 and rejects a mismatch with BadDigest', async () => {
    const s3 = t.s3();
    const ok = await s3.send(new PutObjectCommand({ Bucket, Key: 'md5', Body: DATA, ContentMD5: md5Base64(DATA) }));
    expect(ok.ETag).toBe(`"${createHash('md5').update(DATA).digest('hex')}"`);
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket, Key: 'md5-bad', Body: DATA, ContentMD5: md5Base64('other') })),
      { name: 'BadDigest', status: 400, message: 'The Content-MD5 you specified did not match what we received.' },
    );
    await expectS3Error(
      s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'md5-bad',
          Body: streamOf(DATA),
          ContentLength: DATA.length,
          ContentMD5: md5Base64('other'),
        }),
      ),
      { name: 'BadDigest', status: 400 },
    );
  });

  it('rejects a Content-MD5 that is not a base64 MD5 with InvalidDigest', async () => {
    const error = await expectS3Error(
      t.s3().send(new PutObjectCommand({ Bucket, Key: 'md5-invalid', Body: DATA, ContentMD5: 'MTIz' })),
      { name: 'InvalidDigest', status: 400, message: 'The Content-MD5 you specified was invalid.' },
    );
    expect(error['Content-MD5']).toBe('MTIz');
  });
});
