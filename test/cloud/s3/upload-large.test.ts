/** @aws-sdk/lib-storage's Upload of a 100 MiB stream: a real multipart upload, read back whole. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, newBucket } from './support.js';

const t = useCloud();
const MiB = 1024 * 1024;
const TOTAL = 100 * MiB;
const PART = 5 * MiB;
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'upload');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

/** One deterministic 1 MiB block, varied per index so no two blocks (or parts) are alike. */
const BASE = (() => {
  const seed = createHash('sha512').update('lambda-tasks').digest();
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i += seed.length) seed.copy(block, i);
  return block;
})();
function block(index: number): Buffer {
  const b = Buffer.from(BASE);
  for (let i = 0; i < MiB; i += 4096) b.writeUInt32BE(index * 7919 + i, i);
  return b;
}

/** The 100 MiB body as a stream of 1 MiB blocks, generated as it is read. */
function body(): Readable {
  let index = 0;
  return new Readable({
    read() {
      this.push(index < TOTAL / MiB ? block(index++) : null);
    },
  });
}

/** What AWS answers for this body uploaded in 5 MiB parts: the multipart ETag, and the whole body's MD5. */
function expected(): { etag: string; md5: string } {
  const whole = createHash('md5');
  const partMd5s = createHash('md5');
  let part = createHash('md5');
  let inPart = 0;
  let parts = 0;
  for (let i = 0; i < TOTAL / MiB; i++) {
    const b = block(i);
    whole.update(b);
    part.update(b);
    inPart += b.length;
    if (inPart === PART) {
      partMd5s.update(part.digest());
      part = createHash('md5');
      inPart = 0;
      parts++;
    }
  }
  return { etag: `"${partMd5s.digest('hex')}-${parts}"`, md5: whole.digest('hex') };
}

describe('lib-storage Upload', () => {
  it('uploads 100 MiB from a stream in 5 MiB parts; the object has the right size and multipart ETag', async () => {
    const s3 = t.s3();
    const Key = 'large/100mib.bin';
    const progress: number[] = [];
    const upload = new Upload({
      client: s3,
      params: { Bucket, Key, Body: body(), ContentType: 'application/octet-stream' },
      partSize: PART,
      queueSize: 4,
    });
    upload.on('httpUploadProgress', (p) => {
      if (p.loaded !== undefined) progress.push(p.loaded);
    });
    const result = await upload.done();
    const want = expected();
    expect(result.ETag).toBe(want.etag);
    expect(Math.max(...progress)).toBe(TOTAL);

    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    expect(head).toMatchObject({ ContentLength: TOTAL, ETag: want.etag });
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    const md5 = createHash('md5');
    let size = 0;
    for await (const chunk of got.Body as Readable) {
      md5.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    expect(size).toBe(TOTAL);
    expect(md5.digest('hex')).toBe(want.md5);
  });
});
