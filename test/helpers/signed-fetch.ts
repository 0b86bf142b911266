/** Test support: a raw HTTP request signed with SigV4 by the SDK's own signer (for wire-level checks). */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../auth/helpers.js';
import { TEST_CREDENTIALS } from './cloud.js';

export interface SignedRequest {
  method: string;
  service: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** S3 signs the path as sent (no second escaping); the other services escape it. @default true */
  uriEscapePath?: boolean;
}

/** Sends `request` to the cloud at `url`, signed with the test credentials in us-east-1. */
export async function signedFetch(url: string, request: SignedRequest): Promise<Response> {
  const { method, service, path = '/', headers = {}, body, uriEscapePath = true } = request;
  const signer = new SignatureV4({
    credentials: TEST_CREDENTIALS,
    region: 'us-east-1',
    service,
    sha256: NodeSha256,
    uriEscapePath,
  });
  const u = new URL(url);
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path,
    headers: { host: u.host, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return fetch(new URL(path, url), { method, headers: signed.headers, ...(body === undefined ? {} : { body }) });
}

export function signedPost(
  url: string,
  service: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  path = '/',
): Promise<Response> {
  return signedFetch(url, { method: 'POST', service, headers, body, path });
}
