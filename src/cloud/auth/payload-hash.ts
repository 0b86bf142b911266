/**
 * Pass-through body verifier for `x-amz-content-sha256`.
 *
 * Exports:
 *  - `PayloadHashVerifier`: a Transform that passes every byte through unchanged, computes its sha256, and, at the
 *    end, fails the stream with a `ContentSha256MismatchError` if the digest differs from the expected hex value.
 *    With no expected value it only computes (`digestHex` is set once the stream has flushed).
 *  - `createPayloadHashVerifier(expected?)`: same as `new PayloadHashVerifier(expected)`.
 *  - `isSha256Hex(value)`: whether an x-amz-content-sha256 value is a real digest (as opposed to UNSIGNED-PAYLOAD or
 *    a STREAMING-* marker), i.e. whether the body must be checked against it.
 *  - `ContentSha256MismatchError`: `code` 'XAmzContentSHA256Mismatch' (S3's error code), `clientComputed`,
 *    `s3Computed`, and `detail` with S3's XML element names (ClientComputedContentSHA256, S3ComputedContentSHA256).
 *
 * Bytes are emitted before the digest is known: consumers must only commit the body once the stream has ended
 * without error.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class ContentSha256MismatchError extends Error {
  readonly code = 'XAmzContentSHA256Mismatch';
  readonly detail: Record<string, string>;

  constructor(
    readonly clientComputed: string,
    readonly s3Computed: string,
  ) {
    super("The provided 'x-amz-content-sha256' header does not match what was computed.");
    this.name = 'ContentSha256MismatchError';
    this.detail = { ClientComputedContentSHA256: clientComputed, S3ComputedContentSHA256: s3Computed };
  }
}

export function isSha256Hex(value: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(value);
}

export class PayloadHashVerifier extends Transform {
  /** The hex sha256 of everything that went through; set when the stream flushes. */
  digestHex: string | undefined;
  /** Number of bytes that went through. */
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(readonly expected?: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const digest = this.hash.digest('hex');
    this.digestHex = digest;
    if (this.expected !== undefined && this.expected.toLowerCase() !== digest) {
      callback(new ContentSha256MismatchError(this.expected, digest));
      return;
    }
    callback();
  }
}

export function createPayloadHashVerifier(expected?: string): PayloadHashVerifier {
  return new PayloadHashVerifier(expected);
}
