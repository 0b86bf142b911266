/**
 * Server-side verification of AWS Signature Version 4 (AWS4-HMAC-SHA256).
 *
 * Hand-written on purpose: the maintained SigV4 libraries (@smithy/signature-v4, botocore, aws-sigv4) only *sign*
 * outgoing requests from a structured request object; none verifies a raw incoming request as it arrives on the wire.
 * This module rebuilds the canonical request from the bytes the client sent and compares signatures in constant time.
 *
 * Both forms are supported:
 *  - header auth: `Authorization: AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/region/service/aws4_request,
 *    SignedHeaders=a;b, Signature=hex`, date from `x-amz-date` (else the HTTP `date` header);
 *  - presigned URLs: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
 *    `X-Amz-Signature` (and optionally `X-Amz-Security-Token`) query parameters.
 *
 * Interoperability choices (several candidate canonical requests are tried; any match is accepted):
 *  - S3: canonical URI = the path exactly as received, else the path percent-decoded and re-encoded per RFC 3986
 *    with '/' kept (clients disagree on which characters they escape in keys).
 *  - other services: canonical URI = the received path with empty and dot segments removed, encoded once more
 *    (what the SDKs sign); then the same without normalisation, the raw path, and the re-encoded path.
 *  - presigned non-S3 requests without an explicit payload hash: the body hash, then `UNSIGNED-PAYLOAD`.
 */
import { createHash, createHmac, hash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId: string;
  /** epoch ms */
  expiresAt?: number;
  principalArn?: string;
  /**
   * The caller's unique id as GetCallerIdentity reports it: the IAM user's id (AIDA...) for a
   * user's key and the sessions it started, `<RoleId>:<session name>` for a role's session.
   */
  principalId?: string;
}

export type CredentialLookup = (accessKeyId: string) => Credentials | undefined;

export interface IncomingSignedRequest {
  method: string;
  /** The path exactly as received (still percent-encoded), no query. */
  rawPath: string;
  /** Text after '?', '' if none, exactly as received. */
  rawQuery: string;
  /** node's IncomingHttpHeaders (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Optional: node's `req.rawHeaders` (flat [name, value, name, value, ...]). When given, repeated headers are
   * canonicalised exactly (values joined by ','), instead of relying on node's ', '-joined `headers` values.
   */
  rawHeaders?: readonly string[];
}

/** Credential scope read from the Authorization header or the X-Amz-Credential query param, WITHOUT verifying. */
export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export type AuthFailureKind =
  | 'MissingAuthentication'
  | 'MalformedAuthorization'
  | 'UnknownAccessKey'
  | 'SignatureMismatch'
  | 'RequestTimeSkewed'
  | 'PresignedExpired'
  | 'ExpiredToken'
  | 'InvalidToken'
  | 'MissingContentSha256';

export class AuthFailure extends Error {
  constructor(
    readonly kind: AuthFailureKind,
    message: string,
    readonly detail: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AuthFailure';
  }
}

export interface VerifiedAuth {
  credentials: Credentials;
  scope: CredentialScope;
  presigned: boolean;
  /** The payload hash the signature covers: a hex sha256, 'UNSIGNED-PAYLOAD', or one of the STREAMING-* values. */
  payloadHash: string;
  /** Needed to verify aws-chunked chunk signatures. */
  signingKey: Buffer;
  /** The request signature (lower-case hex); the seed of aws-chunked chunk signatures. */
  signature: string;
  /** The request time as signed, basic ISO8601 (20260101T000000Z). */
  amzDate: string;
  /** date/region/service/aws4_request */
  scopeString: string;
}

export interface VerifyOptions {
  lookup: CredentialLookup;
  /** epoch ms, default Date.now() */
  now?: number;
  /**
   * hex sha256 of the body, computed by the caller for services whose clients do not send x-amz-content-sha256
   * (everything but S3). Used when the header is absent; if it is absent too, the empty-body hash is assumed.
   */
  bodySha256?: string;
  /**
   * true for S3: the canonical URI is the path as sent (single encoding, no dot-segment normalisation); for every
   * other service the canonical URI is the received path encoded once more (double encoding) after removing dot
   * segments, as the SDKs sign it.
   */
  s3: boolean;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGN_EXPIRES_SECONDS = 604800;

const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const CREDENTIAL_FORMAT = '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"';
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Signing key

const SIGNING_KEY_CACHE_MAX = 1000;
const signingKeyCache = new Map<string, Buffer>();

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Cached HMAC chain AWS4+secret -> date -> region -> service -> aws4_request. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${date}\n${region}\n${service}\n${secret}`;
  const hit = signingKeyCache.get(cacheKey);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order, so the first key is the least recently used.
    signingKeyCache.delete(cacheKey);
    signingKeyCache.set(cacheKey, hit);
    return hit;
  }
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  if (signingKeyCache.size >= SIGNING_KEY_CACHE_MAX) {
    const oldest = signingKeyCache.keys().next();
    if (!oldest.done) signingKeyCache.delete(oldest.value);
  }
  signingKeyCache.set(cacheKey, key);
  return key;
}

// ---------------------------------------------------------------------------------------------------------------
// Percent encoding (byte level, so invalid UTF-8 never throws)

const HEX = '0123456789ABCDEF';

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x2e || // .
    b === 0x5f || // _
    b === 0x7e // ~
  );
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
}

/**
 * The bytes of a string taken from the wire. Node decodes the request line as latin1, so a string with no code unit
 * above 0xFF is mapped byte for byte; anything else (a caller that decoded as UTF-8) is encoded as UTF-8.
 */
function wireBytes(s: string): Buffer {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole latin1 range is intended.
  return /^[\u0000-\u00ff]*$/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

/** Percent-decodes %XX sequences (malformed ones are kept literally). '+' is NOT turned into a space. */
function percentDecode(s: string): Buffer {
  const bytes = wireBytes(s);
  if (!bytes.includes(0x25)) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x25) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** RFC 3986 encoding: unreserved bytes kept, every other byte %XX (upper-case); '/' kept when keepSlash. */
function uriEncode(bytes: Buffer, keepSlash: boolean): string {
  let out = '';
  for (const b of bytes) {
    if (isUnreserved(b) || (keepSlash && b === 0x2f)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Request parsing helpers

function headerValue(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

interface QueryParam {
  rawKey: string;
  rawValue: string;
  key: string; // decoded (UTF-8, lossy only for invalid sequences)
  value: string;
}

function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawKey = eq < 0 ? piece : piece.slice(0, eq);
    const rawValue = eq < 0 ? '' : piece.slice(eq + 1);
    params.push({
      rawKey,
      rawValue,
      key: percentDecode(rawKey).toString('utf8'),
      value: percentDecode(rawValue).toString('utf8'),
    });
  }
  return params;
}

function queryParam(params: QueryParam[], name: string, caseInsensitive = false): string | undefined {
  const lower = name.toLowerCase();
  for (const p of params) {
    if (caseInsensitive ? p.key.toLowerCase() === lower : p.key === name) return p.value;
  }
  return undefined;
}

function isPresigned(params: QueryParam[]): boolean {
  return params.some((p) => (PRESIGN_PARAMS as readonly string[]).includes(p.key));
}

function parseCredential(value: string): CredentialScope | undefined {
  const parts = value.split('/');
  if (parts.length !== 5) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service || terminator !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
}

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE_RE.exec(value);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(t) ? undefined : t;
}

/** Formats epoch ms as AWS basic ISO8601: 20260101T000000Z. */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface HeaderAuthParts {
  credential: CredentialScope;
  signedHeaders: string;
  signature: string;
}

function parseAuthorizationHeader(value: string): HeaderAuthParts {
  const trimmed = value.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new AuthFailure(
      'MalformedAuthorization',
      `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`,
    );
  }
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  const fields = new Map<string, string>();
  for (const raw of rest.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) {
      throw new AuthFailure(
        'MalformedAuthorization',
        `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${value}'.`,
      );
    }
    fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature']
    .filter((k) => !fields.get(k))
    .map((k) => `Authorization header requires '${k}' parameter.`);
  if (missing.length > 0) {
    throw new AuthFailure('MalformedAuthorization', `${missing.join(' ')} Authorization=${value}`);
  }
  const credentialText = fields.get('Credential') ?? '';
  const credential = parseCredential(credentialText);
  if (!credential) {
    throw new AuthFailure(
      'MalformedAuthorization',
      `The authorization header is malformed; the Credential is mal-formed; expecting ${CREDENTIAL_FORMAT}. Credential=${credentialText}`,
    );
  }
  return { credential, signedHeaders: fields.get('SignedHeaders') ?? '', signature: fields.get('Signature') ?? '' };
}

export function readCredentialScope(req: IncomingSignedRequest): CredentialScope | undefined {
  const auth = headerValue(req.headers, 'authorization');
  if (auth !== undefined) {
    const m = /^\s*AWS4-HMAC-SHA256\s.*?Credential=([^,\s]+)/.exec(auth);
    return m?.[1] ? parseCredential(m[1]) : undefined;
  }
  const credential = queryParam(parseQuery(req.rawQuery), 'X-Amz-Credential');
  return credential === undefined ? undefined : parseCredential(credential);
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical request pieces

/** Removes empty and dot segments the way the SDK signers do (leading / trailing '/' kept). */
function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const lead = path.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${lead}${segments.join('/')}${trail}`;
}

const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/** The candidates in order, each computed only when the ones before it did not match. */
function* canonicalUriCandidates(rawPath: string, s3: boolean): Generator<string> {
  const path = rawPath === '' ? '/' : rawPath;
  // Most paths are plain (unreserved characters and '/', no empty or dot segments): every
  // candidate is the path itself.
  if (PLAIN_PATH.test(path) && (s3 || normalizePath(path) === path)) {
    yield path;
    return;
  }
  const seen = new Set<string>();
  const candidates: (() => string)[] = s3
    ? [() => path, () => uriEncode(percentDecode(path), true)]
    : [
        () => uriEncode(wireBytes(normalizePath(path)), true),
        () => uriEncode(wireBytes(path), true),
        () => path,
        () => uriEncode(percentDecode(path), true),
      ];
  for (const candidate of candidates) {
    const uri = candidate();
    if (seen.has(uri)) continue;
    seen.add(uri);
    yield uri;
  }
}

function canonicalQuery(params: QueryParam[], presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const p of params) {
    if (presigned && p.key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([uriEncode(percentDecode(p.rawKey), false), uriEncode(percentDecode(p.rawValue), false)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const NEEDS_SQUEEZE = /[\r\n\t]| {2}|^\s|\s$/;

function canonicalHeaderValue(v: string): string {
  // Most values have nothing to squeeze: skip the two regex replacements for them.
  if (!NEEDS_SQUEEZE.test(v)) return v;
  return v
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

function canonicalHeaders(req: IncomingSignedRequest, names: string[]): string {
  // Only the signed headers are collected from the raw list (a request has many unsigned ones).
  let raw: Map<string, string[]> | undefined;
  if (req.rawHeaders) {
    const wanted = new Set(names);
    raw = new Map();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] as string).toLowerCase();
      if (!wanted.has(name)) continue;
      const list = raw.get(name);
      if (list) list.push(req.rawHeaders[i + 1] as string);
      else raw.set(name, [req.rawHeaders[i + 1] as string]);
    }
  }
  let out = '';
  for (const name of names) {
    let values: string[];
    const fromRaw = raw?.get(name);
    if (fromRaw) values = fromRaw;
    else {
      const v = req.headers[name];
      values = v === undefined ? [] : Array.isArray(v) ? v : [v];
    }
    out += `${name}:${values.length === 1 ? canonicalHeaderValue(values[0] as string) : values.map(canonicalHeaderValue).join(',')}\n`;
  }
  return out;
}

/**
 * Header values arrive as node decoded them (latin1, one char per byte). SDKs that send a non-ASCII JS string sign
 * its UTF-8 encoding (node puts the latin1 byte on the wire, which decodes back to the same string); clients that
 * send UTF-8 bytes sign those bytes, which only latin1 re-encoding reproduces. Both are tried when it matters.
 */
function canonicalEncodings(canonicalRequest: string): BufferEncoding[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the latin1 upper half is intended.
  return /[\u0080-\u00ff]/.test(canonicalRequest) && /^[\u0000-\u00ff]*$/.test(canonicalRequest)
    ? ['utf8', 'latin1']
    : ['utf8'];
}

/** Hex SHA-256 in one call (crypto.hash, Node 20.12+): no Hash object per request. */
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

interface ParsedAuth {
  presigned: boolean;
  credential: CredentialScope;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  requestTime: number;
  expiresSeconds?: number;
  token?: string;
  payloadCandidates: string[];
}

function parseHeaderAuth(req: IncomingSignedRequest, authorization: string, opts: VerifyOptions): ParsedAuth {
  const parts = parseAuthorizationHeader(authorization);
  const xAmzDate = headerValue(req.headers, 'x-amz-date');
  const httpDate = headerValue(req.headers, 'date');
  let amzDate: string;
  let requestTime: number | undefined;
  if (xAmzDate !== undefined) {
    requestTime = parseAmzDate(xAmzDate.trim());
    amzDate = xAmzDate.trim();
  } else if (httpDate !== undefined) {
    const t = Date.parse(httpDate);
    requestTime = Number.isNaN(t) ? undefined : t;
    amzDate = requestTime === undefined ? '' : formatAmzDate(requestTime);
  } else {
    throw new AuthFailure(
      'MalformedAuthorization',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (requestTime === undefined) {
    throw new AuthFailure('MalformedAuthorization', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  const contentSha = headerValue(req.headers, 'x-amz-content-sha256');
  let payloadCandidates: string[];
  if (contentSha !== undefined) payloadCandidates = [contentSha.trim()];
  else if (opts.s3) {
    throw new AuthFailure('MissingContentSha256', 'Missing required header for this request: x-amz-content-sha256');
  } else payloadCandidates = [opts.bodySha256 ?? EMPTY_SHA256];
  return {
    presigned: false,
    credential: parts.credential,
    signedHeaders: parts.signedHeaders,
    signature: parts.signature,
    amzDate,
    requestTime,
    token: headerValue(req.headers, 'x-amz-security-token'),
    payloadCandidates,
  };
}

function parsePresignedAuth(req: IncomingSignedRequest, params: QueryParam[], opts: VerifyOptions): ParsedAuth {
  const algorithm = queryParam(params, 'X-Amz-Algorithm');
  const credentialText = queryParam(params, 'X-Amz-Credential');
  const signature = queryParam(params, 'X-Amz-Signature');
  const amzDate = queryParam(params, 'X-Amz-Date');
  const signedHeaders = queryParam(params, 'X-Amz-SignedHeaders');
  const expires = queryParam(params, 'X-Amz-Expires');
  if (!algorithm || !credentialText || !signature || !amzDate || !signedHeaders || expires === undefined) {
    throw new AuthFailure(
      'MalformedAuthorization',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
        'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== ALGORITHM) {
    throw new AuthFailure('MalformedAuthorization', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
  }
  const credential = parseCredential(credentialText);
  if (!credential) {
    throw new AuthFailure(
      'MalformedAuthorization',
      `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting ${CREDENTIAL_FORMAT}.`,
    );
  }
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) {
    throw new AuthFailure(
      'MalformedAuthorization',
      `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
    );
  }
  if (!/^-?\d+$/.test(expires.trim())) {
    throw new AuthFailure('MalformedAuthorization', 'X-Amz-Expires should be a number');
  }
  const expiresSeconds = Number(expires.trim());
  if (expiresSeconds < 1) {
    throw new AuthFailure('MalformedAuthorization', 'X-Amz-Expires must be non-negative');
  }
  if (expiresSeconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new AuthFailure(
      'MalformedAuthorization',
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES_SECONDS}`,
    );
  }
  const explicit = headerValue(req.headers, 'x-amz-content-sha256') ?? queryParam(params, 'X-Amz-Content-Sha256', true);
  let payloadCandidates: string[];
  if (explicit !== undefined) payloadCandidates = [explicit.trim()];
  else if (opts.s3) payloadCandidates = [UNSIGNED_PAYLOAD];
  else payloadCandidates = [opts.bodySha256 ?? EMPTY_SHA256, UNSIGNED_PAYLOAD];
  return {
    presigned: true,
    credential,
    signedHeaders,
    signature,
    amzDate,
    requestTime,
    expiresSeconds,
    token: queryParam(params, 'X-Amz-Security-Token') ?? headerValue(req.headers, 'x-amz-security-token'),
    payloadCandidates,
  };
}

export function verifyRequest(req: IncomingSignedRequest, opts: VerifyOptions): VerifiedAuth {
  const now = opts.now ?? Date.now();
  const params = parseQuery(req.rawQuery);
  const authorization = headerValue(req.headers, 'authorization');
  const presigned = isPresigned(params);

  if (authorization !== undefined && presigned) {
    throw new AuthFailure(
      'MalformedAuthorization',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter ' +
        'or the Authorization header should be specified',
    );
  }
  if (authorization === undefined && !presigned) {
    throw new AuthFailure('MissingAuthentication', 'Request is missing Authentication Token');
  }
  const parsed =
    authorization !== undefined ? parseHeaderAuth(req, authorization, opts) : parsePresignedAuth(req, params, opts);
  const { credential } = parsed;

  if (credential.date !== parsed.amzDate.slice(0, 8)) {
    throw new AuthFailure(
      'MalformedAuthorization',
      `Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${parsed.amzDate.slice(0, 8)}".`,
    );
  }

  // Time checks.
  const timeDetail = () => ({ requestTime: formatAmzDate(parsed.requestTime), serverTime: formatAmzDate(now) });
  if (parsed.presigned) {
    if (parsed.requestTime - now > MAX_SKEW_MS) {
      throw new AuthFailure(
        'RequestTimeSkewed',
        'The difference between the request time and the current time is too large.',
        timeDetail(),
      );
    }
    const expiresAt = parsed.requestTime + (parsed.expiresSeconds ?? 0) * 1000;
    if (now > expiresAt) {
      throw new AuthFailure('PresignedExpired', 'Request has expired', {
        xAmzExpires: String(parsed.expiresSeconds),
        expires: formatIsoDate(expiresAt),
        serverTime: formatIsoDate(now),
      });
    }
  } else if (Math.abs(now - parsed.requestTime) > MAX_SKEW_MS) {
    throw new AuthFailure(
      'RequestTimeSkewed',
      'The difference between the request time and the current time is too large.',
      timeDetail(),
    );
  }

  // Credentials.
  const credentials = opts.lookup(credential.accessKeyId);
  if (!credentials) {
    throw new AuthFailure('UnknownAccessKey', 'The AWS Access Key Id you provided does not exist in our records.', {
      accessKeyId: credential.accessKeyId,
    });
  }
  if (credentials.sessionToken !== undefined) {
    if (parsed.token === undefined || !safeEqual(parsed.token, credentials.sessionToken)) {
      throw new AuthFailure('InvalidToken', 'The provided token is malformed or otherwise invalid.');
    }
  } else if (parsed.token !== undefined) {
    throw new AuthFailure('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
  if (credentials.expiresAt !== undefined && credentials.expiresAt <= now) {
    throw new AuthFailure('ExpiredToken', 'The provided token has expired.');
  }

  // Signature.
  const scopeString = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const key = signingKey(credentials.secretAccessKey, credential.date, credential.region, credential.service);
  const provided = parsed.signature.trim().toLowerCase();
  const providedOk = /^[0-9a-f]{64}$/.test(provided);
  const signedHeaderNames = parsed.signedHeaders.split(';').map((h) => h.trim().toLowerCase());
  const headersBlock = canonicalHeaders(req, signedHeaderNames);
  const query = canonicalQuery(params, parsed.presigned);

  let first: { canonicalRequest: string; stringToSign: string } | undefined;
  for (const payloadHash of parsed.payloadCandidates) {
    for (const uri of canonicalUriCandidates(req.rawPath, opts.s3)) {
      const canonicalRequest = `${req.method.toUpperCase()}\n${uri}\n${query}\n${headersBlock}\n${parsed.signedHeaders}\n${payloadHash}`;
      for (const encoding of canonicalEncodings(canonicalRequest)) {
        const stringToSign = `${ALGORITHM}\n${parsed.amzDate}\n${scopeString}\n${sha256Hex(encoding === 'utf8' ? canonicalRequest : Buffer.from(canonicalRequest, encoding))}`;
        first ??= { canonicalRequest, stringToSign };
        if (!providedOk) continue;
        const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
        if (!timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(provided, 'latin1'))) continue;
        return {
          credentials,
          scope: credential,
          presigned: parsed.presigned,
          payloadHash,
          signingKey: key,
          signature: provided,
          amzDate: parsed.amzDate,
          scopeString,
        };
      }
    }
  }
  throw new AuthFailure('SignatureMismatch', SIGNATURE_MISMATCH_MESSAGE, {
    signatureProvided: parsed.signature,
    stringToSign: first?.stringToSign ?? '',
    canonicalRequest: first?.canonicalRequest ?? '',
  });
}
