/** Test helpers: sign requests with the real @smithy/signature-v4 signer and turn them into wire-form requests. */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { buildQueryString, HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { Credentials, IncomingSignedRequest } from '../../src/cloud/auth/sigv4.js';

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(new Uint8Array(data));
}

/** A @smithy/types Checksum over node:crypto (sha256, or HMAC-sha256 when given a secret). */
export class NodeSha256 implements Checksum {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const HOST = 'localhost:4566';

export const CREDS: Credentials = {
  accessKeyId: 'AKIAEXAMPLE000000001',
  secretAccessKey: 'secret/with+chars=0123456789abcdefghijk',
  accountId: '000000000000',
};
export const TEMP_CREDS: Credentials = {
  accessKeyId: 'ASIAEXAMPLE000000002',
  secretAccessKey: 'tempsecret0123456789',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/slashes==',
  accountId: '000000000000',
  expiresAt: Date.UTC(2030, 0, 1),
};
export const lookup = (id: string): Credentials | undefined =>
  id === CREDS.accessKeyId ? CREDS : id === TEMP_CREDS.accessKeyId ? TEMP_CREDS : undefined;

export const SIGNING_DATE = new Date(Date.UTC(2026, 0, 15, 12, 30, 0));
export const NOW = SIGNING_DATE.getTime();

export interface SignInput {
  method?: string;
  /** The path as it goes on the wire (already encoded, as the SDK serialisers produce it). */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
  region?: string;
  s3?: boolean;
  /** false: do not add x-amz-content-sha256 (what the SDK clients of most services do). */
  applyChecksum?: boolean;
  credentials?: Credentials;
  date?: Date;
  /** presign with this expiresIn (seconds) instead of header auth. */
  presign?: number;
}

export function toIncoming(req: {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}): IncomingSignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  return { method: req.method, rawPath: req.path, rawQuery: buildQueryString(req.query ?? {}), headers };
}

export async function sign(input: SignInput): Promise<IncomingSignedRequest> {
  const creds = input.credentials ?? CREDS;
  const s3 = input.s3 ?? input.service === 's3';
  const signer = new SignatureV4({
    service: input.service ?? (s3 ? 's3' : 'lambda'),
    region: input.region ?? 'us-east-1',
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
    sha256: NodeSha256,
    uriEscapePath: !s3,
    applyChecksum: input.applyChecksum ?? true,
  });
  const request = new HttpRequest({
    method: input.method ?? 'GET',
    protocol: 'http:',
    hostname: 'localhost',
    port: 4566,
    path: input.path,
    query: input.query ?? {},
    headers: { host: HOST, ...(input.headers ?? {}) },
    ...(input.body !== undefined ? { body: input.body } : {}),
  });
  const signingDate = input.date ?? SIGNING_DATE;
  const signed =
    input.presign !== undefined
      ? await signer.presign(request, { signingDate, expiresIn: input.presign })
      : await signer.sign(request, { signingDate });
  return toIncoming(signed as HttpRequest);
}

/** Replaces one query parameter's raw value (raw text after '='). */
export function withQueryParam(req: IncomingSignedRequest, name: string, rawValue: string): IncomingSignedRequest {
  const parts = req.rawQuery.split('&').filter((p) => !p.startsWith(`${name}=`));
  parts.push(`${name}=${rawValue}`);
  return { ...req, rawQuery: parts.join('&') };
}

export function withHeaders(req: IncomingSignedRequest, headers: Record<string, string | undefined>) {
  const next = { ...req.headers, ...headers };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete next[k];
  return { ...req, headers: next };
}
