/**
 * Virtual-hosted-style requests (`bucket.localhost:PORT`) through the SDK, and presigned GET/PUT
 * URLs used with plain fetch, node:http and the curl binary, including an expired URL.
 */
import { execFile } from 'node:child_process';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { Agent, request } from 'node:http';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { destroyBucket, expectNoInternalErrors, expectS3Error, newBucket, quotedMd5 } from './support.js';

const t = useCloud();
const run = promisify(execFile);
let Bucket: string;
beforeAll(async () => {
  Bucket = await newBucket(t.s3(), 'presign');
});
afterAll(async () => {
  await destroyBucket(t.s3(), Bucket);
  expectNoInternalErrors(t);
});

/**
 * `*.localhost` is loopback by RFC 6761, but glibc without nss-myhostname does not resolve it, so
 * the vhost client's agent resolves every `localhost` name to 127.0.0.1 itself (curl does so natively).
 */
function loopbackLookup(
  _hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
): void {
  if ((options as LookupAllOptions).all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

/** An SDK client that addresses buckets virtual-hosted style, recording the hosts it sent to. */
function vhostClient(): { s3: S3Client; hosts: string[] } {
  const hosts: string[] = [];
  const s3 = t.s3({
    forcePathStyle: false,
    endpoint: `http://localhost:${t.cloud.port}`,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, lookup: loopbackLookup }) },
  });
  s3.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { hostname?: string; port?: number };
      hosts.push(`${req.hostname}:${req.port}`);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordHost', priority: 'low' },
  );
  return { s3, hosts };
}

/** Runs curl, returning the status code and the body. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

const xmlField = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('virtual-hosted style', () => {
  it('creates, writes, lists, reads and deletes through bucket.localhost', async () => {
    const { s3, hosts } = vhostClient();
    const bucket = randomName('vhost');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/file name.txt', Body: 'virtual' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Name).toBe(bucket);
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['dir/file name.txt']);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/file name.txt' }));
    expect(await got.Body?.transformToString()).toBe('virtual');
    // Path style sees the same bucket.
    const pathStyle = await t.s3().send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/file name.txt' }));
    expect(await pathStyle.Body?.transformToString()).toBe('virtual');
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })), {
      name: 'NoSuchKey',
      status: 404,
    });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dir/file name.txt' }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(new Set(hosts)).toEqual(new Set([`${bucket}.localhost:${t.cloud.port}`]));
  });

  it('serves a presigned virtual-hosted URL to curl and to node:http with the Host header', async () => {
    const { s3 } = vhostClient();
    await t.s3().send(new PutObjectCommand({ Bucket, Key: 'vhost.txt', Body: 'hosted' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'vhost.txt' }), { expiresIn: 300 });
    expect(new URL(url).host).toBe(`${Bucket}.localhost:${t.cloud.port}`);
    expect(await curl([url])).toEqual({ status: 200, body: 'hosted' });

    const parsed = new URL(url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: t.cloud.port,
          path: `${parsed.pathname}${parsed.search}`,
          headers: { host: parsed.host },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 200, body: 'hosted' });
  });
});

describe('presigned URLs', () => {
  it('PUT and GET with fetch', async () => {
    const s3 = t.s3();
    const Key = 'fetched/a file+name.txt';
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key }), { expiresIn: 300 });
    const put = await fetch(putUrl, { method: 'PUT', body: 'from fetch', headers: { 'content-type': 'text/plain' } });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(quotedMd5('from fetch'));

    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn: 300 });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(await got.text()).toBe('from fetch');
    // Response overrides travel in the signed query.
    const overridden = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket, Key, ResponseContentDisposition: 'attachment; filename="x.txt"' }),
      { expiresIn: 300 },
    );
    const download = await fetch(overridden);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="x.txt"');
    await download.text();
  });

  it('PUT and GET with curl', async () => {
    const s3 = t.s3();
    const Key = 'curled.bin';
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key }), { expiresIn: 300 });
    const put = await curl([
      '-X',
      'PUT',
      '-H',
      'Content-Type: application/x-curl',
      '--data-binary',
      'from curl',
      putUrl,
    ]);
    expect(put.status).toBe(200);
    const head = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(head.ContentType).toBe('application/x-curl');
    expect(await head.Body?.transformToString()).toBe('from curl');
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn: 300 });
    expect(await curl([getUrl])).toEqual({ status: 200, body: 'from curl' });
    expect(await curl(['-r', '5-8', getUrl])).toEqual({ status: 206, body: 'curl' });
  });

  it('refuses an expired URL with 403 AccessDenied "Request has expired"', async () => {
    const s3 = t.s3();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'expired.txt', Body: 'x' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'expired.txt' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    for (const answer of [
      await curl([url]),
      await fetch(url).then(async (r) => ({ status: r.status, body: await r.text() })),
    ]) {
      expect(answer.status).toBe(403);
      expect(xmlField(answer.body, 'Code')).toBe('AccessDenied');
      expect(xmlField(answer.body, 'Message')).toBe('Request has expired');
      expect(xmlField(answer.body, 'X-Amz-Expires')).toBe('60');
    }
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: 'expired.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const put = await curl(['-X', 'PUT', '--data-binary', 'overwrite', putUrl]);
    expect(put.status).toBe(403);
    expect(xmlField(put.body, 'Message')).toBe('Request has expired');
    const still = await s3.send(new GetObjectCommand({ Bucket, Key: 'expired.txt' }));
    expect(await still.Body?.transformToString()).toBe('x');
  });

  it('refuses a tampered URL with SignatureDoesNotMatch', async () => {
    const url = await getSignedUrl(t.s3(), new GetObjectCommand({ Bucket, Key: 'expired.txt' }), { expiresIn: 300 });
    const tampered = url.replace('expired.txt', 'other.txt');
    const answer = await curl([tampered]);
    expect(answer.status).toBe(403);
    expect(xmlField(answer.body, 'Code')).toBe('SignatureDoesNotMatch');
  });
});
