import { createHash, createHmac } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  AwsChunkedDecoder,
  ChunkedBodyError,
  chunkedModeFor,
  type DecodeAwsChunkedOptions,
  decodeAwsChunked,
} from '../../src/cloud/auth/aws-chunked.js';
import {
  AuthFailure,
  type Credentials,
  EMPTY_SHA256,
  signingKey,
  type VerifiedAuth,
  verifyRequest,
} from '../../src/cloud/auth/sigv4.js';
import { CREDS, lookup, NOW, sign } from './helpers.js';

const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function authFor(seed: string, opts: { secret?: string; date?: string; amzDate?: string } = {}): VerifiedAuth {
  const date = opts.date ?? '20130524';
  const credentials: Credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: opts.secret ?? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    accountId: '123456789012',
  };
  return {
    credentials,
    scope: { accessKeyId: credentials.accessKeyId, date, region: 'us-east-1', service: 's3' },
    presigned: false,
    payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    signingKey: signingKey(credentials.secretAccessKey, date, 'us-east-1', 's3'),
    signature: seed,
    amzDate: opts.amzDate ?? `${date}T000000Z`,
    scopeString: `${date}/us-east-1/s3/aws4_request`,
  };
}

/** Builds a signed aws-chunked body following the S3 documentation (independently of the decoder). */
function encodeSigned(auth: VerifiedAuth, chunks: Buffer[], trailers?: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  let previous = auth.signature;
  const signChunk = (data: Buffer) => {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', auth.amzDate, auth.scopeString, previous, EMPTY_SHA256, hex(data)];
    previous = createHmac('sha256', auth.signingKey).update(sts.join('\n')).digest('hex');
    return previous;
  };
  for (const data of chunks) {
    parts.push(
      Buffer.from(`${data.length.toString(16)};chunk-signature=${signChunk(data)}\r\n`),
      data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`0;chunk-signature=${signChunk(Buffer.alloc(0))}\r\n`));
  if (trailers) {
    const canonical = trailers.map(([n, v]) => `${n}:${v}\n`).join('');
    const sts = ['AWS4-HMAC-SHA256-TRAILER', auth.amzDate, auth.scopeString, previous, hex(canonical)].join('\n');
    const sig = createHmac('sha256', auth.signingKey).update(sts).digest('hex');
    parts.push(Buffer.from(`${canonical.replace(/\n/g, '\r\n')}x-amz-trailer-signature:${sig}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** The framing @smithy/util-stream's getAwsChunkedEncodingStream produces for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
function encodeUnsigned(chunks: Buffer[], trailers: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const data of chunks) parts.push(Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n'));
  for (const [n, v] of trailers) parts.push(Buffer.from(`${n}:${v}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

const crc32Base64 = (data: Buffer) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
};

async function decode(
  opts: DecodeAwsChunkedOptions,
  body: Buffer,
  step = Math.max(body.length, 1),
): Promise<{ data: Buffer; trailers: Record<string, string> }> {
  const { stream, trailers } = decodeAwsChunked(opts);
  const out: Buffer[] = [];
  async function* source() {
    for (let i = 0; i < body.length; i += step) yield body.subarray(i, i + step);
  }
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk);
      cb();
    },
  });
  await pipeline(Readable.from(source()), stream, sink);
  return { data: Buffer.concat(out), trailers: await trailers };
}

async function decodeError(opts: DecodeAwsChunkedOptions, body: Buffer, step?: number): Promise<Error> {
  const { stream, trailers } = decodeAwsChunked(opts);
  const source = Readable.from(
    (function* () {
      const s = step ?? Math.max(body.length, 1);
      for (let i = 0; i < body.length; i += s) yield body.subarray(i, i + s);
    })(),
  );
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const err = await pipeline(source, stream, sink).then(
    () => undefined,
    (e: Error) => e,
  );
  if (!err) throw new Error('expected the decoder to fail');
  await expect(trailers).rejects.toBe(err);
  return err;
}

const DOC_DATA = Buffer.alloc(66560, 'a');

describe('AWS documentation examples', () => {
  const docBody = (sigs: [string, string, string], trailer = '\r\n') =>
    Buffer.concat([
      Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
      DOC_DATA.subarray(0, 65536),
      Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
      DOC_DATA.subarray(65536),
      Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n${trailer}`),
    ]);
  const signedSigs: [string, string, string] = [
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ];
  const seed = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';

  it('the seed request verifies with verifyRequest', () => {
    const v = verifyRequest(
      {
        method: 'PUT',
        rawPath: '/examplebucket/chunkObject.txt',
        rawQuery: '',
        headers: {
          host: 's3.amazonaws.com',
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': '66560',
          'content-length': '66824',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
            'SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;' +
            'x-amz-decoded-content-length;x-amz-storage-class,' +
            `Signature=${seed}`,
        },
      },
      { lookup: () => authFor(seed).credentials, now: Date.UTC(2013, 4, 24), s3: true },
    );
    expect(v.signature).toBe(seed);
    expect(chunkedModeFor(v.payloadHash)).toBe('signed');
  });

  it.each([1, 7, 4096, 70000])('STREAMING-AWS4-HMAC-SHA256-PAYLOAD, delivered %i bytes at a time', async (step) => {
    const body = docBody(signedSigs);
    expect(body.length).toBe(66824);
    const { data, trailers } = await decode({ mode: 'signed', auth: authFor(seed), decodedLength: 66560 }, body, step);
    expect(data.equals(DOC_DATA)).toBe(true);
    expect(trailers).toEqual({});
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with its trailer signature', async () => {
    const auth = authFor('106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e');
    const sigs: [string, string, string] = [
      'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
      '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
      '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
    ];
    const trailer =
      'x-amz-checksum-crc32c:sOO8/Q==\r\n' +
      'x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n';
    for (const step of [1, 100, 1 << 20]) {
      const r = await decode({ mode: 'signed-trailer', auth, decodedLength: 66560 }, docBody(sigs, trailer), step);
      expect(r.data.equals(DOC_DATA)).toBe(true);
      expect(r.trailers).toEqual({ 'x-amz-checksum-crc32c': 'sOO8/Q==' });
    }
    // The documentation prints the checksum line as "...\n\r\n"; tolerate that too.
    const variant = trailer.replace('==\r\n', '==\n\r\n');
    expect((await decode({ mode: 'signed-trailer', auth }, docBody(sigs, variant))).trailers).toEqual({
      'x-amz-checksum-crc32c': 'sOO8/Q==',
    });
    const badSig = trailer.replace('signature:d81f', 'signature:0000');
    const err = await decodeError({ mode: 'signed-trailer', auth }, docBody(sigs, badSig));
    expect(err).toBeInstanceOf(AuthFailure);
    expect((err as AuthFailure).kind).toBe('SignatureMismatch');
    const badValue = trailer.replace('sOO8', 'xOO8');
    expect(await decodeError({ mode: 'signed-trailer', auth }, docBody(sigs, badValue))).toBeInstanceOf(AuthFailure);
  });

  it('rejects a corrupted chunk and a wrong seed', async () => {
    const body = docBody(signedSigs);
    body[200] = 'b'.charCodeAt(0);
    const err = await decodeError({ mode: 'signed', auth: authFor(seed) }, body, 1);
    expect(err).toBeInstanceOf(AuthFailure);
    expect((err as AuthFailure).kind).toBe('SignatureMismatch');
    expect((err as AuthFailure).detail.chunk).toBe('0');
    const other = await decodeError({ mode: 'signed', auth: authFor('0'.repeat(64)) }, docBody(signedSigs));
    expect((other as AuthFailure).kind).toBe('SignatureMismatch');
  });
});

describe('signed aws-chunked bodies built by hand', () => {
  const auth = authFor('c'.repeat(64), { secret: 'my-secret', date: '20260115', amzDate: '20260115T123000Z' });
  const chunks = [Buffer.from('hello '), Buffer.alloc(3000, 0xff), Buffer.from('ünïcødé'), Buffer.from('\r\n0\r\n')];
  const all = Buffer.concat(chunks);

  it('decodes with 1-byte writes and checks every chunk', async () => {
    const body = encodeSigned(auth, chunks);
    const { data } = await decode({ mode: 'signed', auth, decodedLength: all.length }, body, 1);
    expect(data.equals(all)).toBe(true);
  });

  it('a bad signature on a later chunk', async () => {
    const body = encodeSigned(auth, chunks);
    const second = body.indexOf(';chunk-signature=', 20) + ';chunk-signature='.length;
    body[second] = body[second] === 0x30 ? 0x31 : 0x30;
    const err = await decodeError({ mode: 'signed', auth }, body);
    expect((err as AuthFailure).kind).toBe('SignatureMismatch');
    expect((err as AuthFailure).detail.chunk).toBe('1');
  });

  it('a bad final-chunk signature', async () => {
    const body = encodeSigned(auth, chunks);
    const last = body.lastIndexOf(';chunk-signature=') + ';chunk-signature='.length;
    body[last] = body[last] === 0x30 ? 0x31 : 0x30;
    expect(await decodeError({ mode: 'signed', auth }, body)).toBeInstanceOf(AuthFailure);
  });

  it('a chunk without chunk-signature', async () => {
    const body = Buffer.concat([Buffer.from('5\r\nhello\r\n'), encodeSigned(auth, [])]);
    expect(await decodeError({ mode: 'signed', auth }, body)).toBeInstanceOf(AuthFailure);
  });

  it('signed trailers: several headers, tampered or missing signature', async () => {
    const trailers: Array<[string, string]> = [
      ['x-amz-checksum-crc32', crc32Base64(all)],
      ['x-amz-meta-extra', 'v'],
    ];
    const body = encodeSigned(auth, chunks, trailers);
    const r = await decode({ mode: 'signed-trailer', auth, decodedLength: all.length }, body, 3);
    expect(r.data.equals(all)).toBe(true);
    expect(r.trailers).toEqual(Object.fromEntries(trailers));

    const tampered = Buffer.from(body.toString('latin1').replace('x-amz-meta-extra:v', 'x-amz-meta-extra:w'), 'latin1');
    expect(await decodeError({ mode: 'signed-trailer', auth }, tampered)).toBeInstanceOf(AuthFailure);
    const unsignedTrailers = Buffer.from(
      body.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''),
      'latin1',
    );
    expect(await decodeError({ mode: 'signed-trailer', auth }, unsignedTrailers)).toBeInstanceOf(AuthFailure);
  });

  it('needs the verified auth', () => {
    expect(() => new AwsChunkedDecoder({ mode: 'signed' })).toThrow(TypeError);
    expect(() => decodeAwsChunked({ mode: 'unsigned-trailer' })).not.toThrow();
  });

  it('works end to end with verifyRequest on an SDK-signed request', async () => {
    const data = Buffer.from('The quick brown fox');
    const req = await sign({
      service: 's3',
      method: 'PUT',
      path: '/bucket/key',
      headers: {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
      },
    });
    const verified = verifyRequest(req, { lookup, now: NOW, s3: true });
    expect(verified.credentials).toBe(CREDS);
    const mode = chunkedModeFor(verified.payloadHash);
    expect(mode).toBe('signed');
    if (!mode) return;
    const body = encodeSigned(verified, [data.subarray(0, 10), data.subarray(10)]);
    const r = await decode({ mode, auth: verified, decodedLength: data.length }, body, 1);
    expect(r.data.toString()).toBe('The quick brown fox');
  });
});

describe('STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  const chunks = [Buffer.from('hello '), Buffer.from('world'), Buffer.alloc(70000, 'x')];
  const all = Buffer.concat(chunks);

  it.each([1, 5, 1 << 20])('decodes the SDK framing with a crc32 trailer (%i-byte writes)', async (step) => {
    const checksum = crc32Base64(all);
    const body = encodeUnsigned(chunks, [['x-amz-checksum-crc32', checksum]]);
    const r = await decode({ mode: 'unsigned-trailer', decodedLength: all.length }, body, step);
    expect(r.data.equals(all)).toBe(true);
    expect(r.trailers).toEqual({ 'x-amz-checksum-crc32': checksum });
  });

  it('the exact bytes @aws-sdk/client-s3 sends', async () => {
    const body = Buffer.from('6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
    const r = await decode({ mode: 'unsigned-trailer', decodedLength: 11 }, body);
    expect(r.data.toString()).toBe('hello world');
    expect(r.trailers['x-amz-checksum-crc32']).toBe(crc32Base64(Buffer.from('hello world')));
  });

  it('tolerates chunk extensions, upper-case hex, an empty body, a missing final CRLF', async () => {
    const body = Buffer.from(
      'A;ext=1;chunk-signature=ignored\r\n0123456789\r\n0;x=y\r\nX-Amz-Checksum-Crc32:abc=\r\n\r\n',
    );
    const r = await decode({ mode: 'unsigned-trailer' }, body, 1);
    expect(r.data.toString()).toBe('0123456789');
    expect(r.trailers).toEqual({ 'x-amz-checksum-crc32': 'abc=' });
    expect((await decode({ mode: 'unsigned-trailer', decodedLength: 0 }, Buffer.from('0\r\n\r\n'))).data.length).toBe(
      0,
    );
    expect((await decode({ mode: 'unsigned-trailer' }, Buffer.from('3\r\nabc\r\n0\r\n'))).data.toString()).toBe('abc');
  });

  it('a wrong decoded length', async () => {
    const body = encodeUnsigned(chunks, []);
    for (const decodedLength of [all.length - 1, all.length + 1]) {
      const err = await decodeError({ mode: 'unsigned-trailer', decodedLength }, body);
      expect(err).toBeInstanceOf(ChunkedBodyError);
      expect((err as ChunkedBodyError).code).toBe('IncompleteBody');
    }
  });

  it('a truncated body', async () => {
    const body = encodeUnsigned(chunks, []);
    for (const cut of [3, 10, 100, body.length - 6]) {
      const err = await decodeError({ mode: 'unsigned-trailer' }, body.subarray(0, cut));
      expect((err as ChunkedBodyError).code).toBe('IncompleteBody');
    }
  });

  it('malformed framing', async () => {
    for (const text of ['zz\r\nabc\r\n0\r\n\r\n', '3\r\nabcd\r\n0\r\n\r\n', '3\r\nabc\r\n0\r\nnot a trailer\r\n\r\n']) {
      const err = await decodeError({ mode: 'unsigned-trailer' }, Buffer.from(text), 1);
      expect(err).toBeInstanceOf(ChunkedBodyError);
      expect((err as ChunkedBodyError).code).toBe('InvalidChunk');
    }
    const longLine = Buffer.from(`1${'0'.repeat(5000)}\r\n`);
    expect(((await decodeError({ mode: 'unsigned-trailer' }, longLine)) as ChunkedBodyError).code).toBe('InvalidChunk');
  });

  it('streams a large body without holding it', async () => {
    const size = 32 * 1024 * 1024;
    const piece = Buffer.alloc(64 * 1024, 'z');
    const { stream, trailers } = decodeAwsChunked({ mode: 'unsigned-trailer', decodedLength: size });
    let received = 0;
    let maxBuffered = 0;
    async function* source() {
      for (let sent = 0; sent < size; sent += piece.length) {
        yield Buffer.from(`${piece.length.toString(16)}\r\n`);
        yield piece;
        yield Buffer.from('\r\n');
        maxBuffered = Math.max(maxBuffered, stream.readableLength + stream.writableLength);
      }
      yield Buffer.from('0\r\n\r\n');
    }
    await pipeline(
      Readable.from(source()),
      stream,
      new Writable({
        write(chunk: Buffer, _e, cb) {
          received += chunk.length;
          setImmediate(cb);
        },
      }),
    );
    await trailers;
    expect(received).toBe(size);
    expect(maxBuffered).toBeLessThan(1024 * 1024);
  });
});

describe('chunkedModeFor', () => {
  it('maps the x-amz-content-sha256 values', () => {
    expect(chunkedModeFor('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')).toBe('signed');
    expect(chunkedModeFor('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER')).toBe('signed-trailer');
    expect(chunkedModeFor('STREAMING-UNSIGNED-PAYLOAD-TRAILER')).toBe('unsigned-trailer');
    expect(chunkedModeFor('UNSIGNED-PAYLOAD')).toBeUndefined();
    expect(chunkedModeFor(EMPTY_SHA256)).toBeUndefined();
  });
});
