import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  ContentSha256MismatchError,
  createPayloadHashVerifier,
  isSha256Hex,
  PayloadHashVerifier,
} from '../../src/cloud/auth/payload-hash.js';
import { sha256Hex } from './helpers.js';

async function run(verifier: PayloadHashVerifier, parts: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(parts),
    verifier,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('PayloadHashVerifier', () => {
  const parts = [Buffer.from('Welcome '), Buffer.from('to '), Buffer.from('Amazon S3.')];
  const digest = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';

  it('passes the bytes through when the hash matches (any hex case)', async () => {
    expect(sha256Hex('Welcome to Amazon S3.')).toBe(digest);
    const v = createPayloadHashVerifier(digest.toUpperCase());
    expect((await run(v, parts)).toString()).toBe('Welcome to Amazon S3.');
    expect(v.digestHex).toBe(digest);
    expect(v.bytes).toBe(21);
  });

  it('fails with XAmzContentSHA256Mismatch when it does not', async () => {
    const expected = sha256Hex('something else');
    const err = await run(new PayloadHashVerifier(expected), parts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ContentSha256MismatchError);
    const e = err as ContentSha256MismatchError;
    expect(e.code).toBe('XAmzContentSHA256Mismatch');
    expect(e.clientComputed).toBe(expected);
    expect(e.s3Computed).toBe(digest);
    expect(e.detail).toEqual({ ClientComputedContentSHA256: expected, S3ComputedContentSHA256: digest });
  });

  it('only computes when nothing is expected; empty bodies', async () => {
    const v = new PayloadHashVerifier();
    await run(v, []);
    expect(v.digestHex).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('isSha256Hex', () => {
    expect(isSha256Hex(digest)).toBe(true);
    expect(isSha256Hex('UNSIGNED-PAYLOAD')).toBe(false);
    expect(isSha256Hex('STREAMING-UNSIGNED-PAYLOAD-TRAILER')).toBe(false);
    expect(isSha256Hex(digest.slice(1))).toBe(false);
  });
});
