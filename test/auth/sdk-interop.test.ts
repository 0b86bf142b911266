/**
 * The verifier and decoders against what the real AWS SDK v3 clients put on the wire: a tiny HTTP server verifies
 * every request with verifyRequest, decodes aws-chunked bodies / checks x-amz-content-sha256, and records what it saw.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkedModeFor, decodeAwsChunked } from '../../src/cloud/auth/aws-chunked.js';
import { isSha256Hex, PayloadHashVerifier } from '../../src/cloud/auth/payload-hash.js';
import {
  AuthFailure,
  type Credentials,
  type IncomingSignedRequest,
  readCredentialScope,
  type VerifiedAuth,
  verifyRequest,
} from '../../src/cloud/auth/sigv4.js';
import { CREDS, lookup, sha256Hex, TEMP_CREDS } from './helpers.js';

interface Seen {
  method: string;
  rawPath: string;
  rawQuery: string;
  auth?: VerifiedAuth;
  failure?: string;
  body?: Buffer;
  trailers?: Record<string, string>;
}

async function collect(source: Readable, through?: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      out.push(chunk);
      cb();
    },
  });
  if (through) await pipeline(source, through, sink);
  else await pipeline(source, sink);
  return Buffer.concat(out);
}

const seen: Seen[] = [];
let server: Server;
let endpoint: string;
const objects = new Map<string, Buffer>();

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const incoming: IncomingSignedRequest = {
    method: req.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    rawHeaders: req.rawHeaders,
  };
  const record: Seen = { method: incoming.method, rawPath: incoming.rawPath, rawQuery: incoming.rawQuery };
  seen.push(record);
  const s3 = readCredentialScope(incoming)?.service === 's3';
  try {
    let body: Buffer | undefined;
    if (!s3) body = await collect(req);
    const auth = verifyRequest(incoming, { lookup, s3, ...(body ? { bodySha256: sha256Hex(body) } : {}) });
    record.auth = auth;
    if (s3) {
      const mode = chunkedModeFor(auth.payloadHash);
      if (mode) {
        const decodedLength = req.headers['x-amz-decoded-content-length'];
        const { stream, trailers } = decodeAwsChunked({
          mode,
          auth,
          ...(decodedLength !== undefined ? { decodedLength: Number(decodedLength) } : {}),
        });
        body = await collect(req, stream);
        record.trailers = await trailers;
      } else if (isSha256Hex(auth.payloadHash)) {
        body = await collect(req, new PayloadHashVerifier(auth.payloadHash));
      } else {
        body = await collect(req);
      }
    }
    record.body = body;
    if (!s3) {
      res.setHeader('content-type', 'text/xml');
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::${auth.credentials.accountId}:user/test</Arn><UserId>AIDATEST</UserId>` +
          `<Account>${auth.credentials.accountId}</Account></GetCallerIdentityResult>` +
          '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
      return;
    }
    const path = decodeURIComponent(incoming.rawPath);
    if (incoming.method === 'PUT' && body) {
      objects.set(path, body);
      res.setHeader('ETag', '"etag"');
      res.end();
    } else if (incoming.method === 'GET' && incoming.rawQuery.includes('list-type=2')) {
      res.setHeader('content-type', 'application/xml');
      res.end(
        '<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
      );
    } else if (incoming.method === 'GET') {
      const object = objects.get(path);
      res.statusCode = object ? 200 : 404;
      res.end(object ?? '<Error><Code>NoSuchKey</Code><Message>no</Message></Error>');
    } else {
      res.end();
    }
  } catch (err) {
    record.failure = err instanceof AuthFailure ? err.kind : ((err as { code?: string }).code ?? String(err));
    req.resume();
    res.statusCode = 403;
    res.setHeader('content-type', 'application/xml');
    res.end(`<Error><Code>${record.failure}</Code><Message>${(err as Error).message}</Message></Error>`);
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const clientCreds = (c: Credentials) => ({
  accessKeyId: c.accessKeyId,
  secretAccessKey: c.secretAccessKey,
  ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
});
const s3Client = (c: Credentials = CREDS) =>
  new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: clientCreds(c), maxAttempts: 1 });

function last(): Seen {
  const r = seen.at(-1);
  if (!r) throw new Error('the server saw no request');
  return r;
}

const KEY = "dir one/a b+c=d~e&f/üñí€😀/it's (1)*!@$,;:.txt";
const crc32Base64 = (data: Buffer) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  return b.toString('base64');
};

describe('real SDK clients against verifyRequest', () => {
  it('S3 PutObject with a string body and an awkward key (x-amz-content-sha256 checked)', async () => {
    await s3Client().send(new PutObjectCommand({ Bucket: 'b', Key: KEY, Body: 'hello world' }));
    const r = last();
    expect(r.failure).toBeUndefined();
    expect(r.auth?.payloadHash).toBe(sha256Hex('hello world'));
    expect(r.body?.toString()).toBe('hello world');
  });

  it('S3 PutObject and UploadPart with streams (STREAMING-UNSIGNED-PAYLOAD-TRAILER, crc32 trailer)', async () => {
    const data = Buffer.alloc(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    await s3Client(TEMP_CREDS).send(
      new PutObjectCommand({
        Bucket: 'b',
        Key: KEY,
        Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]),
        ContentLength: data.length,
      }),
    );
    let r = last();
    expect(r.failure).toBeUndefined();
    expect(r.auth?.payloadHash).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(r.body?.equals(data)).toBe(true);
    expect(r.trailers).toEqual({ 'x-amz-checksum-crc32': crc32Base64(data) });

    await s3Client().send(
      new UploadPartCommand({
        Bucket: 'b',
        Key: 'mp',
        UploadId: 'u/1+2',
        PartNumber: 3,
        Body: Readable.from([data]),
        ContentLength: data.length,
      }),
    );
    r = last();
    expect(r.failure).toBeUndefined();
    expect(r.rawQuery).toContain('uploadId=u%2F1%2B2');
    expect(r.body?.equals(data)).toBe(true);
  });

  it('S3 GetObject and ListObjectsV2 with special characters in the query', async () => {
    const got = await s3Client().send(
      new GetObjectCommand({ Bucket: 'b', Key: KEY, ResponseContentDisposition: 'attachment; filename="a b+c.txt"' }),
    );
    expect(last().failure).toBeUndefined();
    expect((await got.Body?.transformToByteArray())?.length).toBe(200_000);
    await s3Client().send(
      new ListObjectsV2Command({ Bucket: 'b', Prefix: "dir one/a b+c=d~é/'(*)'", Delimiter: '/', StartAfter: 'x y' }),
    );
    expect(last().failure).toBeUndefined();
  });

  it('presigned GET and PUT URLs from getSignedUrl', async () => {
    const client = s3Client(TEMP_CREDS);
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'b', Key: `${KEY}-presigned` }), {
      expiresIn: 300,
    });
    const put = await fetch(putUrl, { method: 'PUT', body: 'presigned body' });
    expect(put.status, await put.text()).toBe(200);
    expect(last().auth?.presigned).toBe(true);
    expect(last().auth?.payloadHash).toBe('UNSIGNED-PAYLOAD');

    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: `${KEY}-presigned` }));
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('presigned body');

    const tampered = await fetch(getUrl.replace('-presigned', '-presignee'));
    expect(tampered.status).toBe(403);
    expect(last().failure).toBe('SignatureMismatch');
  });

  it('rejects a client with the wrong secret and one with an unknown key', async () => {
    await expect(
      s3Client({ ...CREDS, secretAccessKey: 'wrong' }).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })),
    ).rejects.toThrow();
    expect(last().failure).toBe('SignatureMismatch');
    await expect(
      s3Client({ ...CREDS, accessKeyId: 'AKIAUNKNOWN' }).send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })),
    ).rejects.toThrow();
    expect(last().failure).toBe('UnknownAccessKey');
  });

  it('STS GetCallerIdentity (non-S3, body hash computed by the server)', async () => {
    const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: clientCreds(TEMP_CREDS), maxAttempts: 1 });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(TEMP_CREDS.accountId);
    const r = last();
    expect(r.auth?.scope.service).toBe('sts');
    expect(r.body?.toString()).toContain('Action=GetCallerIdentity');
  });
});
