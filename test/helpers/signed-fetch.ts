/** Test support: a raw HTTP request signed with SigV4 by the SDK's own signer (for wire-level checks). */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../auth/helpers.js';
import { TEST_CREDENTIALS } from './cloud.js';

export async function signedPost(
  url: string,
  service: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  path = '/',
): Promise<Response> {
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service, sha256: NodeSha256 });
  const u = new URL(url);
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path,
    headers: { host: u.host, ...headers },
    body,
  });
  return fetch(new URL(path, url), { method: 'POST', headers: signed.headers, body });
}
