import { createHmac } from 'node:crypto';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';
import { describe, expect, it } from 'vitest';
import {
  AuthFailure,
  type AuthFailureKind,
  type Credentials,
  EMPTY_SHA256,
  formatAmzDate,
  type IncomingSignedRequest,
  readCredentialScope,
  signingKey,
  type VerifyOptions,
  verifyRequest,
} from '../../src/cloud/auth/sigv4.js';
import {
  CREDS,
  HOST,
  lookup,
  NOW,
  NodeSha256,
  SIGNING_DATE,
  sha256Hex,
  sign,
  TEMP_CREDS,
  toIncoming,
  withHeaders,
  withQueryParam,
} from './helpers.js';

function failure(fn: () => unknown): AuthFailure {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthFailure);
    return err as AuthFailure;
  }
  throw new Error('expected an AuthFailure, nothing was thrown');
}

function expectKind(fn: () => unknown, kind: AuthFailureKind): AuthFailure {
  const err = failure(fn);
  expect(err.kind, err.message).toBe(kind);
  return err;
}

const s3Opts: VerifyOptions = { lookup, now: NOW, s3: true };
const lambdaOpts: VerifyOptions = { lookup, now: NOW, s3: false };

/** An S3 object path as the SDK v3 serialiser writes it: each segment encoded, '/' kept. */
const s3Path = (bucket: string, key: string) =>
  `/${bucket}/${key.split('/').map(extendedEncodeURIComponent).join('/')}`;

const WEIRD_KEY = "dir one/a b+c=d~e&f/üñí€😀/it's (1)*!.txt";
const WEIRD_QUERY = {
  prefix: 'a b+c=d/é~x',
  'list-type': '2',
  'continuation-token': 'x/y+z==',
  delimiter: '/',
  'encoding-type': 'url',
  empty: '',
};

describe('AWS documentation known answers', () => {
  const docCreds: Credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    accountId: '123456789012',
  };
  const docOpts: VerifyOptions = { lookup: () => docCreds, now: Date.UTC(2013, 4, 24), s3: true };
  const host = 'examplebucket.s3.amazonaws.com';
  const auth = (signedHeaders: string, signature: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;

  it('derives the documented signing key', () => {
    expect(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('GET Object with Range', () => {
    const req: IncomingSignedRequest = {
      method: 'GET',
      rawPath: '/test.txt',
      rawQuery: '',
      headers: {
        host,
        range: 'bytes=0-9',
        'x-amz-content-sha256': EMPTY_SHA256,
        'x-amz-date': '20130524T000000Z',
        authorization: auth(
          'host;range;x-amz-content-sha256;x-amz-date',
          'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
        ),
      },
    };
    const v = verifyRequest(req, docOpts);
    expect(v.payloadHash).toBe(EMPTY_SHA256);
    expect(v.scope).toEqual({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      date: '20130524',
      region: 'us-east-1',
      service: 's3',
    });
    expect(v.scopeString).toBe('20130524/us-east-1/s3/aws4_request');
    expect(v.presigned).toBe(false);
  });

  it('PUT Object with Date, a $ in the key and a storage class', () => {
    const payload = sha256Hex('Welcome to Amazon S3.');
    const v = verifyRequest(
      {
        method: 'PUT',
        rawPath: '/test%24file.text',
        rawQuery: '',
        headers: {
          host,
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': payload,
          authorization: auth(
            'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
            '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
          ),
        },
      },
      docOpts,
    );
    expect(v.payloadHash).toBe(payload);
  });

  it.each([
    ['lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'],
    ['max-keys=2&prefix=J', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'],
    ['prefix=J&max-keys=2', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'],
  ])('GET /?%s', (rawQuery, signature) => {
    const req: IncomingSignedRequest = {
      method: 'GET',
      rawPath: '/',
      rawQuery,
      headers: {
        host,
        'x-amz-content-sha256': EMPTY_SHA256,
        'x-amz-date': '20130524T000000Z',
        authorization: auth('host;x-amz-content-sha256;x-amz-date', signature),
      },
    };
    expect(verifyRequest(req, docOpts).credentials).toBe(docCreds);
  });

  it('presigned GET Object', () => {
    const req: IncomingSignedRequest = {
      method: 'GET',
      rawPath: '/test.txt',
      rawQuery:
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      headers: { host },
    };
    const v = verifyRequest(req, { ...docOpts, now: Date.UTC(2013, 4, 24, 23, 59) });
    expect(v.presigned).toBe(true);
    expect(v.payloadHash).toBe('UNSIGNED-PAYLOAD');
    expectKind(() => verifyRequest(req, { ...docOpts, now: Date.UTC(2013, 4, 25, 0, 0, 1) }), 'PresignedExpired');
  });
});

describe('header auth signed by @smithy/signature-v4', () => {
  it('accepts an S3 request with special characters in key and query, and odd header spacing', async () => {
    const req = await sign({
      service: 's3',
      method: 'PUT',
      path: s3Path('my-bucket', WEIRD_KEY),
      query: WEIRD_QUERY,
      headers: { 'x-amz-meta-note': '  spaced    value\there  ', 'content-type': 'text/plain; charset=utf-8' },
      body: 'hello',
    });
    expect(req.rawPath).toContain('%20');
    const v = verifyRequest(req, s3Opts);
    expect(v.payloadHash).toBe(sha256Hex('hello'));
    expect(v.credentials).toBe(CREDS);
    expect(v.signingKey.equals(signingKey(CREDS.secretAccessKey, '20260115', 'us-east-1', 's3'))).toBe(true);
    expect(v.amzDate).toBe('20260115T123000Z');
    expect(v.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts S3 with a session token and UNSIGNED-PAYLOAD', async () => {
    const req = await sign({
      service: 's3',
      path: s3Path('b', 'k'),
      credentials: TEMP_CREDS,
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect(req.headers['x-amz-security-token']).toBe(TEMP_CREDS.sessionToken);
    expect(verifyRequest(req, s3Opts).payloadHash).toBe('UNSIGNED-PAYLOAD');
  });

  it('accepts the STREAMING-* payload markers as the payload hash', async () => {
    const req = await sign({
      service: 's3',
      method: 'PUT',
      path: s3Path('b', 'k'),
      headers: {
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'x-amz-decoded-content-length': '5',
      },
    });
    expect(verifyRequest(req, s3Opts).payloadHash).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  });

  it('accepts a non-S3 request whose client sends no x-amz-content-sha256 (double-encoded path)', async () => {
    const body = '{"Payload":"x+y=z"}';
    const path = `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:my-fn')}/invocations`;
    const req = await sign({ method: 'POST', path, body, applyChecksum: false, query: { Qualifier: '$LATEST' } });
    expect(req.headers['x-amz-content-sha256']).toBeUndefined();
    const v = verifyRequest(req, { ...lambdaOpts, bodySha256: sha256Hex(body) });
    expect(v.payloadHash).toBe(sha256Hex(body));
    expect(v.scope.service).toBe('lambda');
    // Without the body hash the empty-body hash is assumed, which does not match.
    expectKind(() => verifyRequest(req, lambdaOpts), 'SignatureMismatch');
    // A different body does not match either.
    expectKind(() => verifyRequest(req, { ...lambdaOpts, bodySha256: sha256Hex('{}') }), 'SignatureMismatch');
  });

  it('accepts non-S3 paths with encoded spaces, unicode, tildes and dot segments', async () => {
    for (const path of ['/a%20b/c~d/%C3%BC%E2%82%AC', '/foo/./bar/../baz%2Fqux', '/x//y/', '/']) {
      const req = await sign({ service: 'execute-api', path, applyChecksum: false });
      expect(verifyRequest(req, lambdaOpts).scope.service).toBe('execute-api');
    }
  });

  it('accepts a non-S3 request signed with applyChecksum (x-amz-content-sha256 present)', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const req = await sign({
      service: 'sts',
      method: 'POST',
      path: '/',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(req.headers['x-amz-content-sha256']).toBe(sha256Hex(body));
    expect(verifyRequest(req, lambdaOpts).payloadHash).toBe(sha256Hex(body));
  });

  it('tolerates Authorization headers with no or extra spaces around commas', async () => {
    const req = await sign({ service: 's3', path: s3Path('b', 'k') });
    const a = req.headers.authorization as string;
    const tight = a.replace(/,\s*/g, ',');
    const loose = a.replace(/,\s*/g, ' ,  ');
    expect(tight).not.toBe(a);
    verifyRequest(withHeaders(req, { authorization: tight }), s3Opts);
    verifyRequest(withHeaders(req, { authorization: loose }), s3Opts);
  });

  it('canonicalises a query sent with a different (but equivalent) encoding', async () => {
    const req = await sign({ service: 's3', path: s3Path('b', ''), query: { q: 'a~b c', r: 'x/y' } });
    expect(req.rawQuery).toBe('q=a~b%20c&r=x%2Fy');
    verifyRequest({ ...req, rawQuery: 'r=x/y&q=a%7Eb%20c' }, s3Opts);
    verifyRequest({ ...req, rawQuery: 'q=a%7eb%20c&r=x%2fy' }, s3Opts);
    // '+' is a literal plus, not a space.
    expectKind(() => verifyRequest({ ...req, rawQuery: 'q=a~b+c&r=x%2Fy' }, s3Opts), 'SignatureMismatch');
  });

  it('canonicalises repeated query keys and keys without a value', async () => {
    const req = await sign({ service: 's3', path: '/b', query: { tag: ['z', 'a', 'm'], uploads: '' } });
    verifyRequest(req, s3Opts);
    verifyRequest({ ...req, rawQuery: 'uploads&tag=m&tag=z&tag=a' }, s3Opts);
  });

  it('accepts an S3 path the client sent less encoded than it signed', async () => {
    // A client that signs "/b/it%27s%20%281%29" but sends the legal-on-the-wire "/b/it's%20(1)".
    const req = await sign({ service: 's3', path: '/b/it%27s%20%281%29' });
    verifyRequest({ ...req, rawPath: "/b/it's%20(1)" }, s3Opts);
  });

  it('uses node rawHeaders for repeated headers', async () => {
    const req = await sign({ service: 's3', path: '/b/k', headers: { 'x-amz-meta-list': 'one,two' } });
    // Node would present the two lines as 'one, two'.
    const asNode = withHeaders(req, { 'x-amz-meta-list': 'one, two' });
    expectKind(() => verifyRequest(asNode, s3Opts), 'SignatureMismatch');
    const rawHeaders: string[] = [];
    for (const [k, v] of Object.entries(req.headers)) {
      if (k === 'x-amz-meta-list') rawHeaders.push('X-Amz-Meta-List', 'one', 'x-amz-meta-list', ' two ');
      else rawHeaders.push(k, v as string);
    }
    verifyRequest({ ...asNode, rawHeaders }, s3Opts);
  });

  it('accepts non-ASCII header values however node decoded them', async () => {
    const req = await sign({ service: 's3', path: '/b/k', headers: { 'x-amz-meta-name': 'café' } });
    // An SDK sending the JS string: node receives the latin1 byte and decodes it back to 'café'.
    verifyRequest(req, s3Opts);
    // A client sending UTF-8 bytes: node decodes them as latin1 ('cafÃ©'); the signature covers the UTF-8 bytes.
    verifyRequest(withHeaders(req, { 'x-amz-meta-name': Buffer.from('café', 'utf8').toString('latin1') }), s3Opts);
    expectKind(() => verifyRequest(withHeaders(req, { 'x-amz-meta-name': 'cafe' }), s3Opts), 'SignatureMismatch');
  });

  it('falls back to the Date header when there is no x-amz-date', () => {
    // Hand-built, because the SDK signers always add x-amz-date.
    const date = 'Thu, 15 Jan 2026 12:30:00 GMT';
    const canonical = ['GET', '/b/k', '', `date:${date}`, `host:${HOST}`, `x-amz-content-sha256:${EMPTY_SHA256}`, '']
      .concat(['date;host;x-amz-content-sha256', EMPTY_SHA256])
      .join('\n');
    const sts = `AWS4-HMAC-SHA256\n20260115T123000Z\n20260115/us-east-1/s3/aws4_request\n${sha256Hex(canonical)}`;
    const sig = createHmac('sha256', signingKey(CREDS.secretAccessKey, '20260115', 'us-east-1', 's3'))
      .update(sts)
      .digest('hex');
    const req: IncomingSignedRequest = {
      method: 'GET',
      rawPath: '/b/k',
      rawQuery: '',
      headers: {
        host: HOST,
        date,
        'x-amz-content-sha256': EMPTY_SHA256,
        authorization: `AWS4-HMAC-SHA256 Credential=${CREDS.accessKeyId}/20260115/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256, Signature=${sig}`,
      },
    };
    expect(verifyRequest(req, s3Opts).amzDate).toBe('20260115T123000Z');
  });
});

describe('presigned URLs', () => {
  async function s3Presigned(
    opts: { key?: string; query?: Record<string, string>; creds?: Credentials; expiresIn?: number } = {},
  ) {
    const creds = opts.creds ?? CREDS;
    const presigner = new S3RequestPresigner({
      credentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
      },
      region: 'eu-west-1',
      sha256: NodeSha256,
    });
    const request = new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: 'localhost',
      port: 4566,
      path: s3Path('bucket', opts.key ?? WEIRD_KEY),
      query: opts.query ?? {},
      headers: { host: HOST },
    });
    const signed = await presigner.presign(request, { signingDate: SIGNING_DATE, expiresIn: opts.expiresIn ?? 900 });
    return toIncoming(signed as HttpRequest);
  }

  it('accepts an S3RequestPresigner URL with special characters and a session token', async () => {
    const req = await s3Presigned({ query: { 'response-content-disposition': 'attachment; filename="a b+c.txt"' } });
    const v = verifyRequest(req, s3Opts);
    expect(v.presigned).toBe(true);
    expect(v.payloadHash).toBe('UNSIGNED-PAYLOAD');
    expect(v.scope.region).toBe('eu-west-1');

    const withToken = await s3Presigned({ creds: TEMP_CREDS });
    expect(withToken.rawQuery).toContain('X-Amz-Security-Token=');
    expect(verifyRequest(withToken, s3Opts).credentials).toBe(TEMP_CREDS);
  });

  it('accepts a presigned non-S3 request (payload = empty body hash)', async () => {
    const req = await sign({
      service: 'sts',
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      presign: 60,
      credentials: TEMP_CREDS,
    });
    const v = verifyRequest(req, lambdaOpts);
    expect(v.presigned).toBe(true);
    expect(v.payloadHash).toBe(EMPTY_SHA256);
  });

  it('expires, refuses future dates and bad X-Amz-Expires', async () => {
    const req = await s3Presigned({ expiresIn: 3600 });
    verifyRequest(req, { ...s3Opts, now: NOW + 3600_000 });
    expectKind(() => verifyRequest(req, { ...s3Opts, now: NOW + 3601_000 }), 'PresignedExpired');
    // Fine shortly before the signing date (clock skew), refused more than 15 minutes before it.
    verifyRequest(req, { ...s3Opts, now: NOW - 14 * 60_000 });
    const skewed = expectKind(() => verifyRequest(req, { ...s3Opts, now: NOW - 16 * 60_000 }), 'RequestTimeSkewed');
    expect(skewed.detail).toEqual({ requestTime: '20260115T123000Z', serverTime: '20260115T121400Z' });
    for (const bad of ['0', '604801', 'abc', '-5']) {
      expectKind(() => verifyRequest(withQueryParam(req, 'X-Amz-Expires', bad), s3Opts), 'MalformedAuthorization');
    }
  });

  it('rejects tampering with the query, path and signature', async () => {
    const req = await s3Presigned({ key: 'k', query: { versionId: 'v1' } });
    expectKind(() => verifyRequest(withQueryParam(req, 'versionId', 'v2'), s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest({ ...req, rawQuery: `${req.rawQuery}&extra=1` }, s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest({ ...req, rawPath: '/bucket/other' }, s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest({ ...req, method: 'DELETE' }, s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest(withQueryParam(req, 'X-Amz-Signature', 'abc'), s3Opts), 'SignatureMismatch');
  });

  it('rejects missing presign parameters and unsupported algorithms', async () => {
    const req = await s3Presigned({ key: 'k' });
    const noDate = { ...req, rawQuery: req.rawQuery.replace(/X-Amz-Date=[^&]*&?/, '') };
    expect(failure(() => verifyRequest(noDate, s3Opts)).message).toContain('requires the X-Amz-Algorithm');
    expectKind(
      () => verifyRequest(withQueryParam(req, 'X-Amz-Algorithm', 'AWS4-ECDSA-P256-SHA256'), s3Opts),
      'MalformedAuthorization',
    );
    expectKind(
      () => verifyRequest(withHeaders(req, { authorization: 'AWS4-HMAC-SHA256 Credential=x' }), s3Opts),
      'MalformedAuthorization',
    );
  });
});

describe('rejections', () => {
  const s3Req = () =>
    sign({ service: 's3', method: 'PUT', path: s3Path('b', WEIRD_KEY), headers: { 'x-amz-meta-a': 'b' }, body: 'x' });

  it('wrong secret', async () => {
    const req = await s3Req();
    const wrong = { ...CREDS, secretAccessKey: 'not-the-secret' };
    const err = expectKind(() => verifyRequest(req, { ...s3Opts, lookup: () => wrong }), 'SignatureMismatch');
    expect(err.detail.canonicalRequest).toContain('PUT\n/b/');
    expect(err.detail.stringToSign).toMatch(/^AWS4-HMAC-SHA256\n20260115T123000Z\n/);
  });

  it('missing auth, unknown access key', async () => {
    const req = await s3Req();
    expectKind(() => verifyRequest(withHeaders(req, { authorization: undefined }), s3Opts), 'MissingAuthentication');
    expectKind(
      () => verifyRequest({ method: 'GET', rawPath: '/', rawQuery: '', headers: {} }, s3Opts),
      'MissingAuthentication',
    );
    expectKind(() => verifyRequest(req, { ...s3Opts, lookup: () => undefined }), 'UnknownAccessKey');
  });

  it('tampered header, path, query, method, payload hash', async () => {
    const req = await s3Req();
    expectKind(() => verifyRequest(withHeaders(req, { 'x-amz-meta-a': 'c' }), s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest(withHeaders(req, { host: 'evil:4566' }), s3Opts), 'SignatureMismatch');
    expectKind(
      () => verifyRequest(withHeaders(req, { 'x-amz-content-sha256': sha256Hex('y') }), s3Opts),
      'SignatureMismatch',
    );
    expectKind(() => verifyRequest({ ...req, rawPath: `${req.rawPath}x` }, s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest({ ...req, rawQuery: 'acl' }, s3Opts), 'SignatureMismatch');
    expectKind(() => verifyRequest({ ...req, method: 'POST' }, s3Opts), 'SignatureMismatch');
    // Removing a signed header.
    expectKind(() => verifyRequest(withHeaders(req, { 'x-amz-meta-a': undefined }), s3Opts), 'SignatureMismatch');
  });

  it('an unsigned extra header is fine', async () => {
    const req = await s3Req();
    verifyRequest(withHeaders(req, { 'user-agent': 'curl', 'x-forwarded-for': '1.2.3.4' }), s3Opts);
  });

  it('clock skew beyond 15 minutes in both directions', async () => {
    const req = await s3Req();
    verifyRequest(req, { ...s3Opts, now: NOW + 15 * 60_000 });
    verifyRequest(req, { ...s3Opts, now: NOW - 15 * 60_000 });
    const late = expectKind(() => verifyRequest(req, { ...s3Opts, now: NOW + 16 * 60_000 }), 'RequestTimeSkewed');
    expect(late.detail).toEqual({ requestTime: '20260115T123000Z', serverTime: formatAmzDate(NOW + 16 * 60_000) });
    expect(late.detail.serverTime).toBe('20260115T124600Z');
    expectKind(() => verifyRequest(req, { ...s3Opts, now: NOW - 16 * 60_000 }), 'RequestTimeSkewed');
  });

  it('expired credentials', async () => {
    const req = await sign({ service: 's3', path: '/b/k', credentials: TEMP_CREDS });
    const expired = { ...TEMP_CREDS, expiresAt: NOW - 1 };
    expectKind(() => verifyRequest(req, { ...s3Opts, lookup: () => expired }), 'ExpiredToken');
  });

  it('missing, wrong and unexpected session tokens', async () => {
    const req = await sign({ service: 's3', path: '/b/k', credentials: TEMP_CREDS });
    // Signed without a token although the credentials have one (client forgot the token).
    const noTokenSigned = await sign({
      service: 's3',
      path: '/b/k',
      credentials: { ...TEMP_CREDS, sessionToken: undefined } as never,
    });
    expect(noTokenSigned.headers['x-amz-security-token']).toBeUndefined();
    expectKind(() => verifyRequest(noTokenSigned, s3Opts), 'InvalidToken');
    expectKind(() => verifyRequest(withHeaders(req, { 'x-amz-security-token': 'other' }), s3Opts), 'InvalidToken');
    // A token sent for long-term credentials.
    const extra = await sign({ service: 's3', path: '/b/k', credentials: { ...CREDS, sessionToken: 'tok' } });
    expectKind(() => verifyRequest(extra, s3Opts), 'InvalidToken');
  });

  it('S3 header auth without x-amz-content-sha256', async () => {
    const req = await sign({ service: 's3', path: '/b/k', applyChecksum: false });
    expectKind(() => verifyRequest(req, s3Opts), 'MissingContentSha256');
  });

  it('malformed Authorization headers', async () => {
    const req = await s3Req();
    const a = req.headers.authorization as string;
    const noSig = expectKind(
      () => verifyRequest(withHeaders(req, { authorization: a.replace(/, Signature=.*$/, '') }), s3Opts),
      'MalformedAuthorization',
    );
    expect(noSig.message).toContain("Authorization header requires 'Signature' parameter.");
    const noParts = failure(() => verifyRequest(withHeaders(req, { authorization: 'AWS4-HMAC-SHA256' }), s3Opts));
    expect(noParts.message).toContain("requires 'Credential' parameter");
    expect(noParts.message).toContain("requires 'SignedHeaders' parameter");
    for (const authorization of [
      'AWS AKIAEXAMPLE:c2lnbmF0dXJl',
      'AWS4-ECDSA-P256-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=00',
      a.replace('/aws4_request', '/aws5_request'),
      a.replace('/20260115/', '/2026-01-15/'),
      a.replace('/20260115/', '/20260114/'),
      a.replace('Signature=', 'Signature'),
    ]) {
      expectKind(() => verifyRequest(withHeaders(req, { authorization }), s3Opts), 'MalformedAuthorization');
    }
    expectKind(() => verifyRequest(withHeaders(req, { 'x-amz-date': 'yesterday' }), s3Opts), 'MalformedAuthorization');
    expectKind(
      () =>
        verifyRequest(withHeaders(req, { authorization: a.replace(/Signature=[0-9a-f]+/, 'Signature=zz') }), s3Opts),
      'SignatureMismatch',
    );
  });

  it('both an Authorization header and presign parameters', async () => {
    const req = await s3Req();
    expectKind(
      () => verifyRequest({ ...req, rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }, s3Opts),
      'MalformedAuthorization',
    );
  });
});

describe('readCredentialScope', () => {
  it('reads the scope from either form without verifying', async () => {
    const header = await sign({ service: 'lambda', region: 'ap-south-1', path: '/x' });
    expect(readCredentialScope(header)).toEqual({
      accessKeyId: CREDS.accessKeyId,
      date: '20260115',
      region: 'ap-south-1',
      service: 'lambda',
    });
    const query = await sign({ service: 's3', path: '/b', presign: 60 });
    expect(readCredentialScope(query)?.service).toBe('s3');
    expect(readCredentialScope({ method: 'GET', rawPath: '/', rawQuery: '', headers: {} })).toBeUndefined();
    expect(
      readCredentialScope({ method: 'GET', rawPath: '/', rawQuery: '', headers: { authorization: 'Basic abc' } }),
    ).toBeUndefined();
    expect(
      readCredentialScope({ method: 'GET', rawPath: '/', rawQuery: 'X-Amz-Credential=garbage', headers: {} }),
    ).toBeUndefined();
  });
});
