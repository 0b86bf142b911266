/**
 * Bodies with a signed x-amz-content-sha256, on both sides of the size up to which the server reads
 * a streaming body whole (src/cloud/body.ts): stored byte for byte when the hash matches, refused
 * with XAmzContentSHA256Mismatch (and nothing stored) when it does not, and a missing bucket still
 * answered before the body is looked at.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/cloud/auth/sigv4.js';
import { WHOLE_BODY_BYTES } from '../../../src/cloud/body.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { signedFetch } from '../../helpers/signed-fetch.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket, quotedMd5 } from './support.js';

const t = useCloud();
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'signed-bodies');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

/** A PUT of `body` signed (path style) with `payloadHash` as its x-amz-content-sha256. */
async function signedPut(bucket: string, key: string, body: Buffer, payloadHash: string): Promise<Response> {
  return signedFetch(t.url, {
    method: 'PUT',
    service: 's3',
    path: `/${bucket}/${key}`,
    headers: { 'x-amz-content-sha256': payloadHash, 'content-length': String(body.length) },
    body,
    uriEscapePath: false,
  });
}

function sized(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + seed) % 256));
}

describe.each([
  ['read whole', 1024],
  ['at the whole-body limit', WHOLE_BODY_BYTES],
  ['streamed (one byte past it)', WHOLE_BODY_BYTES + 1],
])('a signed body %s', (_name, size) => {
  it('is stored byte for byte when its hash matches', async () => {
    const Key = randomName('ok');
    const body = sized(size, 1);
    const put = await signedPut(Bucket, Key, body, sha256Hex(body));
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(quotedMd5(body));
    const got = await t.s3().send(new GetObjectCommand({ Bucket, Key }));
    expect(
      Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    ).toEqual(body);
  });

  it('is refused with XAmzContentSHA256Mismatch when its hash does not match, and nothing is stored', async () => {
    const Key = randomName('bad');
    const body = sized(size, 2);
    const claimed = sha256Hex(sized(size, 3));
    const put = await signedPut(Bucket, Key, body, claimed);
    expect(put.status).toBe(400);
    const xml = await put.text();
    expect(xml).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(xml).toContain(`<ClientComputedContentSHA256>${claimed}</ClientComputedContentSHA256>`);
    expect(xml).toContain(`<S3ComputedContentSHA256>${sha256Hex(body)}</S3ComputedContentSHA256>`);
    await expectS3Error(t.s3().send(new HeadObjectCommand({ Bucket, Key })), { name: 'NotFound', status: 404 });
  });

  it('to a bucket that does not exist is NoSuchBucket, whatever its hash', async () => {
    const body = sized(size, 4);
    const put = await signedPut(randomName('missing'), 'key', body, sha256Hex(sized(size, 5)));
    expect(put.status).toBe(404);
    expect(await put.text()).toContain('<Code>NoSuchBucket</Code>');
  });
});
