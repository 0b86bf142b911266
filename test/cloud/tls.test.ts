/**
 * HTTPS on the cloud's one port: the certificate is signed by the data dir's own CA, which clients
 * trust explicitly (a client that does not is refused by its own TLS check, proving the TLS is
 * real); the SDK's HTTP/1.1 and HTTP/2 (ALPN) clients and boto3 work over it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { startCloud } from '../../src/cloud/cloud.js';
import { caCertificateFile } from '../../src/cloud/tls.js';
import { AWS_CLI_ENV } from '../helpers/aws-cli.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../helpers/cloud.js';

const run = promisify(execFile);
const t = useCloud();
const httpsUrl = () => t.url.replace(/^http:/, 'https:');
const ca = () => readFileSync(t.cloud.caFile());

function fetchText(url: string, options: { ca?: Buffer } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, options, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('HTTPS on the same port', () => {
  it('serves the SNS signing certificate over HTTPS to a client that trusts the CA, by IP and by name', async () => {
    const path = '/_sns/SimpleNotificationService-local.pem';
    const byIp = await fetchText(`${httpsUrl()}${path}`, { ca: ca() });
    expect(byIp.status).toBe(200);
    expect(byIp.body).toContain('-----BEGIN CERTIFICATE-----');
    const byName = await fetchText(`${httpsUrl().replace('127.0.0.1', 'localhost')}${path}`, { ca: ca() });
    expect(byName.body).toBe(byIp.body);
    // Plain HTTP keeps working on the same port.
    expect(await (await fetch(`${t.url}${path}`)).text()).toBe(byIp.body);
  });

  it('is refused by a client that does not trust the CA', async () => {
    await expect(fetchText(`${httpsUrl()}/`)).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/),
    });
  });

  it('serves HTTPS: the SDK on HTTP/1.1, and HTTP/2 when ALPN picks it', async () => {
    const s3 = new S3Client({
      endpoint: httpsUrl(),
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: ca() }) }),
    });
    const bucket = randomName('tls');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'over tls' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(await object.Body?.transformToString()).toBe('over tls');
    // S3 names itself as the client reached it: https in CompleteMultipartUpload's Location.
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'parts' }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'parts', UploadId, PartNumber: 1, Body: 'one part' }),
    );
    const completed = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'parts',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(completed.Location).toBe(`${httpsUrl()}/${bucket}/parts`);
    s3.destroy();

    const session = connect(httpsUrl(), { ca: ca() });
    const answer = await new Promise<{ status: unknown; protocol: string | undefined }>((resolve, reject) => {
      session.once('error', reject);
      const stream = session.request({ ':path': '/_sns/none' });
      stream.once('response', (headers) => resolve({ status: headers[':status'], protocol: session.alpnProtocol }));
      stream.once('error', reject);
      stream.resume();
    });
    await new Promise<void>((resolve) => session.close(() => resolve()));
    expect(answer).toEqual({ status: 404, protocol: 'h2' });
  });

  it('serves boto3 with the CA as its bundle', async () => {
    const script = `
import sys, boto3
sts = boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test',
    aws_secret_access_key='test', verify=sys.argv[2])
print(sts.get_caller_identity()['Account'])
`;
    const { stdout } = await run('python3', ['-c', script, httpsUrl(), t.cloud.caFile()], {
      env: AWS_CLI_ENV,
    });
    expect(stdout.trim()).toBe('000000000000');
  });

  it('keeps its CA across a restart of the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-tls-'));
    try {
      const first = await startCloud({ port: 0, dataDir });
      const caFile = caCertificateFile(dataDir);
      // The CA is made on the first TLS connection; any path answers once the handshake is done.
      await fetchText(`${first.url.replace('http:', 'https:')}/_sns/none`, { ca: ca() }).catch(() => undefined);
      const before = readFileSync(caFile);
      await first.close();
      const second = await startCloud({ port: 0, dataDir });
      const answer = await fetchText(`${second.url.replace('http:', 'https:')}/_sns/none`, { ca: before });
      await second.close();
      expect(answer.status).toBe(404);
      expect(readFileSync(caFile)).toEqual(before);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
