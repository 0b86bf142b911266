/**
 * The request body as the handler sees it, with the integrity checks its signature promises:
 * aws-chunked bodies are decoded (chunk signatures verified), a signed hex x-amz-content-sha256
 * is checked as the bytes pass, UNSIGNED-PAYLOAD passes through. Failures surface as stream
 * errors, so whatever was consuming the body (a blob write) is abandoned, never committed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { chunkedModeFor, decodeAwsChunked } from './auth/aws-chunked.js';
import { createPayloadHashVerifier, isSha256Hex } from './auth/payload-hash.js';
import type { VerifiedAuth } from './auth/sigv4.js';
import { headerValue } from './protocol/codec.js';
import { forward } from './stream-pump.js';

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
    return { stream: verifier, trailers: Promise.resolve({}) };
  }
  return { stream: req, trailers: Promise.resolve({}) };
}
