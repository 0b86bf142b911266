/**
 * S3's legacy Signature Version 2, which botocore (boto3, AWS CLI v1) still uses by default for
 * presigned S3 URLs in us-east-1 (`?AWSAccessKeyId=...&Expires=...&Signature=...`), plus the
 * `Authorization: AWS AKID:signature` header form. S3 accepts both; so do we. Hand-written like
 * sigv4.ts: no maintained library verifies requests server-side.
 *
 * StringToSign = VERB \n Content-MD5 \n Content-Type \n (Expires | Date) \n
 *                CanonicalizedAmzHeaders CanonicalizedResource
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseQueryString } from '../query-string.js';
import {
  AuthFailure,
  type CredentialLookup,
  type IncomingSignedRequest,
  MAX_SKEW_MS,
  type VerifiedAuth,
} from './sigv4.js';

/** Query parameters that are part of the canonical resource (S3's documented sub-resource list). */
const SUBRESOURCES = new Set([
  'acl',
  'cors',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'restore',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
]);

function header(req: IncomingSignedRequest, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** True when the request uses SigV2 (query or header form). */
export function isSigV2(req: IncomingSignedRequest): boolean {
  if (header(req, 'authorization').startsWith('AWS ')) return true;
  return /(?:^|&)AWSAccessKeyId=/.test(req.rawQuery) && /(?:^|&)Signature=/.test(req.rawQuery);
}

/**
 * Verifies a SigV2 S3 request. `resourcePath` is the path-style path as sent (for virtual-hosted
 * requests the caller prepends `/bucket`).
 */
export function verifySigV2(
  req: IncomingSignedRequest,
  resourcePath: string,
  opts: { lookup: CredentialLookup; now: number; region: string },
): VerifiedAuth {
  const params = parseQueryString(req.rawQuery);
  const get = (name: string) => params.find(([k]) => k === name)?.[1];
  const auth = header(req, 'authorization');
  let accessKeyId: string;
  let signature: string;
  let timeField: string;
  let presigned = false;
  if (auth.startsWith('AWS ')) {
    const colon = auth.lastIndexOf(':');
    if (colon < 4) throw new AuthFailure('MalformedAuthorization', 'The authorization header you provided is invalid.');
    accessKeyId = auth.slice(4, colon).trim();
    signature = auth.slice(colon + 1).trim();
    const date = Date.parse(header(req, 'x-amz-date') || header(req, 'date'));
    if (Number.isNaN(date))
      throw new AuthFailure('MalformedAuthorization', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(opts.now - date) > MAX_SKEW_MS) {
      throw new AuthFailure(
        'RequestTimeSkewed',
        'The difference between the request time and the current time is too large.',
        {
          requestTime: new Date(date).toUTCString(),
          serverTime: new Date(opts.now).toUTCString(),
        },
      );
    }
    // With x-amz-date present, the Date line of the string to sign is empty (it is signed as an amz header).
    timeField = header(req, 'x-amz-date') ? '' : header(req, 'date');
  } else {
    presigned = true;
    accessKeyId = get('AWSAccessKeyId') ?? '';
    signature = get('Signature') ?? '';
    timeField = get('Expires') ?? '';
    const expires = Number(timeField);
    if (!Number.isInteger(expires)) {
      throw new AuthFailure('MalformedAuthorization', 'Invalid date (should be seconds since epoch)', {
        presigned: 'true',
      });
    }
    if (expires * 1000 < opts.now) {
      throw new AuthFailure('PresignedExpired', 'Request has expired', {
        xAmzExpires: timeField,
        expires: new Date(expires * 1000).toISOString(),
        serverTime: new Date(opts.now).toISOString(),
      });
    }
  }
  const credentials = opts.lookup(accessKeyId);
  if (!credentials)
    throw new AuthFailure('UnknownAccessKey', 'The AWS Access Key Id you provided does not exist in our records.', {
      accessKeyId,
    });
  const token = header(req, 'x-amz-security-token') || get('x-amz-security-token') || undefined;
  if ((credentials.sessionToken ?? undefined) !== token) {
    throw new AuthFailure('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
  if (credentials.expiresAt !== undefined && credentials.expiresAt <= opts.now) {
    throw new AuthFailure('ExpiredToken', 'The provided token has expired.');
  }

  const amzHeaders = Object.keys(req.headers)
    .filter((name) => name.startsWith('x-amz-'))
    .sort()
    .map((name) => `${name}:${header(req, name).trim()}\n`)
    .join('');
  const sub = params
    .filter(([k]) => SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
  const resource = resourcePath + (sub.length ? `?${sub.join('&')}` : '');
  const stringToSign = `${req.method}\n${header(req, 'content-md5')}\n${header(req, 'content-type')}\n${timeField}\n${amzHeaders}${resource}`;
  const expected = createHmac('sha1', credentials.secretAccessKey).update(stringToSign, 'utf8').digest();
  const provided = Buffer.from(signature, 'base64');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw new AuthFailure(
      'SignatureMismatch',
      'The request signature we calculated does not match the signature you provided.',
      {
        accessKeyId,
        signatureProvided: signature,
        stringToSign,
      },
    );
  }
  return {
    credentials,
    scope: { accessKeyId, date: '', region: opts.region, service: 's3' },
    presigned,
    payloadHash: 'UNSIGNED-PAYLOAD',
    signingKey: Buffer.alloc(0),
    signature,
    amzDate: '',
    scopeString: '',
  };
}
