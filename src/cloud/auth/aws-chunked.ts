/**
 * Decoder for `Content-Encoding: aws-chunked` request bodies (S3 streaming uploads).
 *
 * Exports:
 *  - `decodeAwsChunked(opts)` -> `{ stream, trailers }`: `stream` is a Transform; write the raw body into it and read
 *    the decoded object bytes out. `trailers` resolves (after the stream has flushed) with the trailing headers,
 *    names lower-cased, `x-amz-trailer-signature` removed; it rejects with the same error the stream fails with.
 *  - `chunkedModeFor(payloadHash)`: maps an x-amz-content-sha256 value to the decoder mode (undefined if the value
 *    is not an aws-chunked streaming form this decoder handles).
 *  - `AwsChunkedDecoder`: the Transform class itself.
 *  - `ChunkedBodyError`: framing errors, `code` 'IncompleteBody' (body ended early / decoded length differs from
 *    x-amz-decoded-content-length) or 'InvalidChunk' (unparseable framing).
 *  Signature failures (a chunk or the trailer signature does not verify, or is missing) fail the stream with
 *  `AuthFailure('SignatureMismatch', ...)` from ./sigv4.js.
 *
 * Modes (the x-amz-content-sha256 value the request was signed with):
 *  - 'signed'           STREAMING-AWS4-HMAC-SHA256-PAYLOAD
 *                       `<hex-size>;chunk-signature=<sig>\r\n<data>\r\n` ... `0;chunk-signature=<sig>\r\n\r\n`
 *  - 'signed-trailer'   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the same, then after the 0-chunk
 *                       `name:value\r\n`... `x-amz-trailer-signature:<sig>\r\n\r\n`
 *  - 'unsigned-trailer' STREAMING-UNSIGNED-PAYLOAD-TRAILER: `<hex-size>\r\n<data>\r\n` ... `0\r\n`, trailers, `\r\n`
 *
 * Chunk signature: HMAC(signingKey, "AWS4-HMAC-SHA256-PAYLOAD\n<amzDate>\n<scope>\n<previous signature>\n
 * <sha256('')>\n<sha256(chunk data)>"), seeded with the request signature.
 * Trailer signature: HMAC(signingKey, "AWS4-HMAC-SHA256-TRAILER\n<amzDate>\n<scope>\n<signature of the 0-chunk>\n
 * <sha256 of the trailer lines, each 'name:value\n'>"). The lines are hashed in the order received, and, if that
 * does not match, sorted by name (the SDKs send a single checksum trailer, so the two agree in practice).
 * Checked against the AWS documentation's published examples (see test/auth/aws-chunked.test.ts).
 *
 * Memory is O(1) in the body size: chunk data is hashed and passed through as it arrives, so the bytes of a chunk
 * are emitted BEFORE its signature is checked at the end of the chunk. Consumers must only commit what they read
 * once the stream has ended without error (the same holds for the decoded-length and checksum checks).
 * Tolerated: chunk extensions, bare '\n' line ends, data split at any byte boundary, a body that ends right after
 * the 0-chunk line, blank lines inside the trailer section.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuthFailure, EMPTY_SHA256, type VerifiedAuth } from './sigv4.js';

export type AwsChunkedMode = 'signed' | 'signed-trailer' | 'unsigned-trailer';

export interface DecodeAwsChunkedOptions {
  mode: AwsChunkedMode;
  /** Required for 'signed' and 'signed-trailer'. */
  auth?: VerifiedAuth;
  /** x-amz-decoded-content-length, when the client sent it. */
  decodedLength?: number;
}

export type ChunkedBodyErrorCode = 'IncompleteBody' | 'InvalidChunk';

export class ChunkedBodyError extends Error {
  constructor(
    readonly code: ChunkedBodyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChunkedBodyError';
  }
}

export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export function chunkedModeFor(payloadHash: string): AwsChunkedMode | undefined {
  switch (payloadHash) {
    case STREAMING_SIGNED:
      return 'signed';
    case STREAMING_SIGNED_TRAILER:
      return 'signed-trailer';
    case STREAMING_UNSIGNED_TRAILER:
      return 'unsigned-trailer';
    default:
      return undefined;
  }
}

const MAX_HEADER_LINE = 4096;
const MAX_TRAILER_SECTION = 16 * 1024;
const CR = 0x0d;
const LF = 0x0a;

type State = 'header' | 'data' | 'data-end' | 'trailer';

export class AwsChunkedDecoder extends Transform {
  readonly mode: AwsChunkedMode;
  /** Resolves with the trailing headers once the body has been fully decoded and verified. */
  readonly trailers: Promise<Record<string, string>>;
  /** Number of decoded bytes emitted so far. */
  decodedBytes = 0;

  private readonly auth: VerifiedAuth | undefined;
  private readonly decodedLength: number | undefined;
  private readonly signed: boolean;
  private state: State = 'header';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private chunkSignature = '';
  private chunkHash: ReturnType<typeof createHash> | undefined;
  private previousSignature: string;
  private sawCR = false;
  private chunkIndex = 0;
  private trailerBytes: Buffer[] = [];
  private trailerLength = 0;
  private resolveTrailers!: (t: Record<string, string>) => void;
  private rejectTrailers!: (e: Error) => void;

  constructor(opts: DecodeAwsChunkedOptions) {
    super();
    this.mode = opts.mode;
    this.signed = opts.mode !== 'unsigned-trailer';
    if (this.signed && !opts.auth) throw new TypeError(`aws-chunked mode '${opts.mode}' needs the verified auth`);
    this.auth = opts.auth;
    this.decodedLength = opts.decodedLength;
    this.previousSignature = opts.auth?.signature ?? '';
    this.trailers = new Promise<Record<string, string>>((resolve, reject) => {
      this.resolveTrailers = resolve;
      this.rejectTrailers = reject;
    });
    // Nobody has to listen to `trailers`; a failure is reported through the stream as well.
    this.trailers.catch(() => {});
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      this.fail(err as Error, callback);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.state !== 'trailer') {
        throw new ChunkedBodyError('IncompleteBody', 'The request body terminated unexpectedly');
      }
      const trailers = this.finishTrailers();
      if (this.decodedLength !== undefined && this.decodedBytes !== this.decodedLength) {
        throw new ChunkedBodyError(
          'IncompleteBody',
          `Decoded body length ${this.decodedBytes} does not match x-amz-decoded-content-length ${this.decodedLength}`,
        );
      }
      this.resolveTrailers(trailers);
      callback();
    } catch (err) {
      this.fail(err as Error, callback);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.rejectTrailers(error ?? new ChunkedBodyError('IncompleteBody', 'The request body stream was destroyed'));
    callback(error);
  }

  private fail(err: Error, callback: TransformCallback): void {
    this.rejectTrailers(err);
    callback(err);
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'header': {
          const nl = buf.indexOf(LF, i);
          const end = nl < 0 ? buf.length : nl;
          this.lineLength += end - i;
          if (this.lineLength > MAX_HEADER_LINE) throw new ChunkedBodyError('InvalidChunk', 'Chunk header too long');
          if (end > i) this.line.push(buf.subarray(i, end));
          if (nl < 0) return;
          i = nl + 1;
          const text = Buffer.concat(this.line).toString('latin1');
          this.line = [];
          this.lineLength = 0;
          this.startChunk(text.endsWith('\r') ? text.slice(0, -1) : text);
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, buf.length - i);
          const slice = buf.subarray(i, i + n);
          this.chunkHash?.update(slice);
          this.decodedBytes += n;
          if (this.decodedLength !== undefined && this.decodedBytes > this.decodedLength) {
            throw new ChunkedBodyError(
              'IncompleteBody',
              `Decoded body is longer than x-amz-decoded-content-length ${this.decodedLength}`,
            );
          }
          this.push(slice);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) {
            this.state = 'data-end';
            this.sawCR = false;
          }
          break;
        }
        case 'data-end': {
          const b = buf[i++];
          if (b === CR && !this.sawCR) this.sawCR = true;
          else if (b === LF) {
            this.endChunk();
            this.state = 'header';
          } else {
            throw new ChunkedBodyError('InvalidChunk', `Chunk ${this.chunkIndex} is not followed by CRLF`);
          }
          break;
        }
        case 'trailer': {
          const rest = buf.subarray(i);
          this.trailerLength += rest.length;
          if (this.trailerLength > MAX_TRAILER_SECTION) {
            throw new ChunkedBodyError('InvalidChunk', 'Trailer section too long');
          }
          this.trailerBytes.push(rest);
          return;
        }
      }
    }
  }

  private startChunk(line: string): void {
    const parts = line.split(';');
    const sizeText = (parts[0] ?? '').trim();
    if (!/^[0-9a-fA-F]{1,13}$/.test(sizeText)) {
      throw new ChunkedBodyError('InvalidChunk', `Invalid chunk size line: '${line.slice(0, 100)}'`);
    }
    const size = Number.parseInt(sizeText, 16);
    let signature: string | undefined;
    for (const ext of parts.slice(1)) {
      const eq = ext.indexOf('=');
      const name = (eq < 0 ? ext : ext.slice(0, eq)).trim().toLowerCase();
      if (name === 'chunk-signature') signature = (eq < 0 ? '' : ext.slice(eq + 1)).trim().toLowerCase();
    }
    if (this.signed) {
      if (signature === undefined) {
        throw new AuthFailure('SignatureMismatch', `Chunk ${this.chunkIndex} has no chunk-signature`);
      }
      this.chunkSignature = signature;
      this.chunkHash = createHash('sha256');
    }
    this.remaining = size;
    if (size === 0) {
      this.endChunk();
      this.state = 'trailer';
    } else {
      this.state = 'data';
    }
  }

  private endChunk(): void {
    if (this.signed) {
      const auth = this.auth as VerifiedAuth;
      const dataHash = (this.chunkHash ?? createHash('sha256')).digest('hex');
      const stringToSign = `AWS4-HMAC-SHA256-PAYLOAD\n${auth.amzDate}\n${auth.scopeString}\n${this.previousSignature}\n${EMPTY_SHA256}\n${dataHash}`;
      const expected = createHmac('sha256', auth.signingKey).update(stringToSign, 'utf8').digest('hex');
      if (!sameHex(expected, this.chunkSignature)) {
        throw new AuthFailure(
          'SignatureMismatch',
          `The chunk signature of chunk ${this.chunkIndex} does not match the signature calculated.`,
          { chunk: String(this.chunkIndex), stringToSign, signatureProvided: this.chunkSignature },
        );
      }
      this.previousSignature = expected;
      this.chunkHash = undefined;
    }
    this.chunkIndex++;
  }

  private finishTrailers(): Record<string, string> {
    const text = Buffer.concat(this.trailerBytes).toString('utf8');
    const entries: Array<[string, string]> = [];
    let signature: string | undefined;
    for (const rawLine of text.split('\n')) {
      const line = rawLine.replace(/\r+$/, '').trim();
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ChunkedBodyError('InvalidChunk', `Invalid trailer line: '${line.slice(0, 100)}'`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') signature = value.toLowerCase();
      else entries.push([name, value]);
    }
    if (this.mode === 'signed-trailer' && entries.length > 0) {
      if (signature === undefined) {
        throw new AuthFailure('SignatureMismatch', 'The trailing headers are missing x-amz-trailer-signature');
      }
      const auth = this.auth as VerifiedAuth;
      const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const orders = sorted.every((e, k) => e === entries[k]) ? [entries] : [entries, sorted];
      let ok = false;
      for (const order of orders) {
        const canonical = order.map(([n, v]) => `${n}:${v}\n`).join('');
        const stringToSign = `AWS4-HMAC-SHA256-TRAILER\n${auth.amzDate}\n${auth.scopeString}\n${this.previousSignature}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
        const expected = createHmac('sha256', auth.signingKey).update(stringToSign, 'utf8').digest('hex');
        if (sameHex(expected, signature)) ok = true;
      }
      if (!ok) {
        throw new AuthFailure('SignatureMismatch', 'The trailer signature does not match the signature calculated.', {
          signatureProvided: signature,
        });
      }
    }
    return Object.fromEntries(entries);
  }
}

function sameHex(expected: string, provided: string): boolean {
  if (provided.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(provided, 'latin1'));
}

/** Creates the decoder; `stream` and `trailers` are the decoder and its `trailers` promise. */
export function decodeAwsChunked(opts: DecodeAwsChunkedOptions): {
  stream: AwsChunkedDecoder;
  trailers: Promise<Record<string, string>>;
} {
  const stream = new AwsChunkedDecoder(opts);
  return { stream, trailers: stream.trailers };
}
