/**
 * The request body as the handler sees it, with the integrity checks its signature promises:
 * aws-chunked bodies are decoded (chunk signatures verified), a signed hex x-amz-content-sha256
 * is checked, UNSIGNED-PAYLOAD passes through. Failures surface as stream errors, so whatever was
 * consuming the body (a blob write) is abandoned, never committed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { chunkedModeFor, decodeAwsChunked } from './auth/aws-chunked.js';
import { createPayloadHashVerifier, isSha256Hex } from './auth/payload-hash.js';
import { sha256Hex, type VerifiedAuth } from './auth/sigv4.js';
import { AwsError } from './errors.js';
import { headerValue } from './protocol/codec.js';
import { SMALL_BLOB_BYTES } from './store/blobs.js';
import { forward } from './stream-pump.js';

/**
 * A streaming operation's body up to this size (by Content-Length) is read whole and checked at
 * once, and handed over as a Buffer: a verifier stream and the pipes around it cost more than the
 * bytes for a small object. The blob store's own bound for a small body, so that every body read
 * whole here is one the store takes whole (a row, not a stream to a file).
 */
export const WHOLE_BODY_BYTES = SMALL_BLOB_BYTES;

/** The trailers of a body that has none (only aws-chunked bodies have trailers). */
export const NO_TRAILERS: Promise<Record<string, string>> = Promise.resolve(
  Object.freeze({}) as Record<string, string>,
);

export interface RequestBody {
  /** A Buffer, or a stream for a streaming operation's large or aws-chunked body. */
  body: Buffer | Readable;
  trailers: Promise<Record<string, string>>;
}

/**
 * The checked body of an S3 request (whose signature was verified before the body was read).
 * `streaming`: the operation takes its body as a stream (PutObject, UploadPart); otherwise the
 * body is read whole, up to `maxBytes`.
 */
export async function readSignedBody(
  req: Readable,
  headers: IncomingHttpHeaders,
  auth: VerifiedAuth,
  options: { streaming: boolean; maxBytes: number },
): Promise<RequestBody> {
  const length = Number(headers['content-length'] ?? Number.NaN);
  if (!chunkedModeFor(auth.payloadHash) && (!options.streaming || length <= WHOLE_BODY_BYTES)) {
    const whole = await readAll(req, options.maxBytes);
    if (!isSha256Hex(auth.payloadHash) || sha256Hex(whole) === auth.payloadHash.toLowerCase()) {
      return { body: whole, trailers: NO_TRAILERS };
    }
    // A body that does not match its hash fails where a streamed one would: when it is read.
    return consume(bodyStream(Readable.from([whole]), headers, auth), options);
  }
  return consume(bodyStream(req, headers, auth), options);
}

function consume(
  decoded: { stream: Readable; trailers: Promise<Record<string, string>> },
  options: { streaming: boolean; maxBytes: number },
): Promise<RequestBody> | RequestBody {
  if (options.streaming) return { body: decoded.stream, trailers: decoded.trailers };
  return readAll(decoded.stream, options.maxBytes).then((body) => ({ body, trailers: decoded.trailers }));
}

export function bodyStream(
  req: Readable,
  headers: IncomingHttpHeaders,
  auth: VerifiedAuth,
): { stream: Readable; trailers: Promise<Record<string, string>> } {
  const mode = chunkedModeFor(auth.payloadHash);
  if (mode) {
    const decodedHeader = headerValue(headers, 'x-amz-decoded-content-length');
    const decodedLength = decodedHeader === undefined ? undefined : Number(decodedHeader);
    const decoded = decodeAwsChunked({ mode, auth, ...(decodedLength !== undefined ? { decodedLength } : {}) });
    // The error reaches the consumer through the decoder.
    forward(req, decoded.stream);
    decoded.trailers.catch(() => {});
    return { stream: decoded.stream, trailers: decoded.trailers };
  }
  if (isSha256Hex(auth.payloadHash)) {
    const verifier = createPayloadHashVerifier(auth.payloadHash);
    forward(req, verifier);
    return { stream: verifier, trailers: NO_TRAILERS };
  }
  return { stream: req, trailers: NO_TRAILERS };
}

/**
 * The whole body, up to `limit` bytes. Plain 'data' events rather than `for await`: the async
 * iterator costs a promise per chunk, on every request.
 */
export function readAll(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.resume();
        reject(new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes.`, 413));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A client that hangs up mid-body: the same error `for await` reports (answered as IncompleteBody).
    const onClose = () => {
      cleanup();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
