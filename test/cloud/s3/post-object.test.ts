/**
 * POST Object: browser form uploads, built here as a browser builds them (FormData over fetch),
 * with policies signed by SigV4 (and SigV2), and through boto3's generate_presigned_post with
 * python requests. Errors as S3 words them; the upload fires s3:ObjectCreated:Post.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  PutBucketCorsCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { AWS_CLI_ENV } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { createQueue, receiveJson, recordsOf } from './notifications-support.js';

const run = promisify(execFile);
const t = useCloud();

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

interface FormOptions {
  bucket: string;
  /** The policy's conditions; bucket and the signature's fields are added as SDKs add them. */
  conditions: unknown[];
  fields: Record<string, string>;
  file?: { content: string; name?: string };
  /** Fields sent after the file (S3 ignores them). */
  after?: Record<string, string>;
  expiration?: Date;
  secret?: string;
}

/** A SigV4-signed upload form, as @aws-sdk/s3-presigned-post and boto3 build it. */
function signedForm(options: FormOptions): FormData {
  const now = new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const credential = `test/${date}/us-east-1/s3/aws4_request`;
  const policy = Buffer.from(
    JSON.stringify({
      expiration: (options.expiration ?? new Date(now.getTime() + 600_000)).toISOString(),
      conditions: [
        { bucket: options.bucket },
        ...options.conditions,
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': credential },
        { 'x-amz-date': amzDate },
      ],
    }),
  ).toString('base64');
  const key = hmac(hmac(hmac(hmac(`AWS4${options.secret ?? 'test'}`, date), 'us-east-1'), 's3'), 'aws4_request');
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields)) form.append(name, value);
  form.append('x-amz-algorithm', 'AWS4-HMAC-SHA256');
  form.append('x-amz-credential', credential);
  form.append('x-amz-date', amzDate);
  form.append('policy', policy);
  form.append('x-amz-signature', createHmac('sha256', key).update(policy).digest('hex'));
  const file = options.file ?? { content: 'hello', name: 'hello.txt' };
  form.append('file', new Blob([file.content], { type: 'text/plain' }), file.name ?? 'blob');
  for (const [name, value] of Object.entries(options.after ?? {})) form.append(name, value);
  return form;
}

async function newBucket(): Promise<string> {
  const bucket = randomName('post');
  await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

function post(bucket: string, form: FormData, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}/${bucket}`, { method: 'POST', body: form, headers, redirect: 'manual' });
}

/** The Code and Message of an S3 XML error body, with the status. */
async function errorOf(response: Response): Promise<{ status: number; code?: string; message?: string }> {
  const xml = await response.text();
  const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.replace(/&quot;/g, '"');
  return { status: response.status, code: element('Code'), message: element('Message') };
}

async function bodyOf(bucket: string, key: string) {
  const got = await t.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { text: await got.Body?.transformToString(), contentType: got.ContentType, metadata: got.Metadata };
}

it('stores a form upload with its fields and answers 201 with a PostResponse', async () => {
  const bucket = await newBucket();
  const form = signedForm({
    bucket,
    conditions: [
      ['starts-with', '$key', 'uploads/'],
      ['starts-with', '$Content-Type', 'text/'],
      ['content-length-range', 1, 1024],
      { success_action_status: '201' },
      { 'x-amz-meta-owner': 'ana' },
      { tagging: '<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>' },
    ],
    fields: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's placeholder for the file's name.
      key: 'uploads/${filename}',
      'Content-Type': 'text/plain',
      success_action_status: '201',
      'x-amz-meta-owner': 'ana',
      tagging: '<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>',
      'x-ignore-tracker': 'not in the policy, ignored',
    },
    file: { content: 'hello world', name: 'notes.txt' },
    after: { 'x-amz-meta-after': 'ignored: after the file' },
  });
  const response = await post(bucket, form);
  expect(response.status).toBe(201);
  const etag = '"5eb63bbbe01eeed093cb22bb8f5acdc3"';
  expect(response.headers.get('etag')).toBe(etag);
  expect(response.headers.get('location')).toBe(`${t.url}/${bucket}/uploads/notes.txt`);
  expect(await response.text()).toBe(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${t.url}/${bucket}/uploads/notes.txt</Location><Bucket>${bucket}</Bucket>` +
      '<Key>uploads/notes.txt</Key><ETag>&quot;5eb63bbbe01eeed093cb22bb8f5acdc3&quot;</ETag></PostResponse>',
  );
  expect(await bodyOf(bucket, 'uploads/notes.txt')).toEqual({
    text: 'hello world',
    contentType: 'text/plain',
    metadata: { owner: 'ana' },
  });
  const tags = await t.s3().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'uploads/notes.txt' }));
  expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'web' }]);
});

it('answers 204 by default, 200 when asked, and 303 to success_action_redirect', async () => {
  const bucket = await newBucket();
  await t.s3().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const plain = await post(bucket, signedForm({ bucket, conditions: [{ key: 'a.txt' }], fields: { key: 'a.txt' } }));
  expect(plain.status).toBe(204);
  expect(plain.headers.get('x-amz-version-id')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const ok = await post(
    bucket,
    signedForm({
      bucket,
      conditions: [{ key: 'b.txt' }, { success_action_status: '200' }],
      fields: { key: 'b.txt', success_action_status: '200' },
    }),
  );
  expect(ok.status).toBe(200);
  const redirect = 'https://app.example.com/done?upload=1';
  const redirected = await post(
    bucket,
    signedForm({
      bucket,
      conditions: [{ key: 'c d.txt' }, ['starts-with', '$success_action_redirect', 'https://app.example.com/']],
      fields: { key: 'c d.txt', success_action_redirect: redirect },
    }),
  );
  expect(redirected.status).toBe(303);
  const location = new URL(redirected.headers.get('location') ?? '');
  expect(Object.fromEntries(location.searchParams)).toEqual({
    upload: '1',
    bucket,
    key: 'c d.txt',
    etag: '"5d41402abc4b2a76b9719d911017c592"',
  });
  expect((await bodyOf(bucket, 'c d.txt')).text).toBe('hello');
});

it('refuses forms that break their policy, as S3 words it', async () => {
  const bucket = await newBucket();
  const cases: [Omit<FormOptions, 'bucket'>, { status: number; code: string; message: string }][] = [
    [
      { conditions: [['starts-with', '$key', 'user/42/']], fields: { key: 'user/7/a.txt' } },
      {
        status: 403,
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/42/"]',
      },
    ],
    [
      { conditions: [{ key: 'a.txt' }, { 'Content-Type': 'image/png' }], fields: { key: 'a.txt' } },
      {
        status: 403,
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]',
      },
    ],
    [
      { conditions: [{ key: 'a.txt' }], fields: { key: 'a.txt', 'x-amz-meta-note': 'not in the policy' } },
      {
        status: 403,
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Extra input fields: x-amz-meta-note',
      },
    ],
    [
      { conditions: [{ key: 'a.txt' }], fields: { key: 'a.txt' }, expiration: new Date(Date.now() - 1000) },
      { status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' },
    ],
    [
      { conditions: [{ key: 'a.txt' }, ['content-length-range', 1, 3]], fields: { key: 'a.txt' } },
      { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' },
    ],
    [
      {
        conditions: [{ key: 'a.txt' }, ['content-length-range', 10, 30]],
        fields: { key: 'a.txt' },
      },
      { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size' },
    ],
    [
      { conditions: [], fields: {} },
      {
        status: 400,
        code: 'InvalidArgument',
        message:
          "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      },
    ],
    [
      { conditions: [{ key: 'a.txt' }], fields: { key: 'a.txt' }, secret: 'not-the-secret' },
      {
        status: 403,
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      },
    ],
  ];
  for (const [options, expected] of cases) {
    expect(await errorOf(await post(bucket, signedForm({ bucket, ...options })))).toEqual(expected);
  }
  const noFile = new FormData();
  noFile.append('key', 'a.txt');
  expect(await errorOf(await post(bucket, noFile))).toEqual({
    status: 400,
    code: 'InvalidArgument',
    message: 'POST requires exactly one file upload per request.',
  });
  const partial = new FormData();
  partial.append('key', 'a.txt');
  partial.append('x-amz-algorithm', 'AWS4-HMAC-SHA256');
  partial.append('file', 'x');
  expect(await errorOf(await post(bucket, partial))).toMatchObject({
    status: 400,
    code: 'InvalidArgument',
    message:
      "Bucket POST must contain a field named 'X-Amz-Credential'.  If it is specified, please check the order of the fields.",
  });
  const notForm = await fetch(`${t.url}/${bucket}`, {
    method: 'POST',
    body: 'key=a.txt',
    headers: { 'Content-Type': 'text/plain' },
  });
  expect(await errorOf(notForm)).toEqual({
    status: 400,
    code: 'RequestIsNotMultiPartContent',
    message: 'Bucket POST must be of the enclosure-type multipart/form-data.',
  });
  const missing = await post(randomName('none'), signedForm({ bucket: 'x', conditions: [], fields: { key: 'a' } }));
  expect(await errorOf(missing)).toMatchObject({ status: 404, code: 'NoSuchBucket' });
});

it('accepts a SigV2-signed policy', async () => {
  const bucket = await newBucket();
  const policy = Buffer.from(
    JSON.stringify({
      expiration: new Date(Date.now() + 60_000).toISOString(),
      conditions: [{ bucket }, { key: 'v2.txt' }],
    }),
  ).toString('base64');
  const form = new FormData();
  form.append('key', 'v2.txt');
  form.append('AWSAccessKeyId', 'test');
  form.append('policy', policy);
  form.append('signature', createHmac('sha1', 'test').update(policy).digest('base64'));
  form.append('file', new Blob(['v2']), 'v2.txt');
  expect((await post(bucket, form)).status).toBe(204);
  expect((await bodyOf(bucket, 'v2.txt')).text).toBe('v2');
});

it('fires s3:ObjectCreated:Post and carries the bucket’s CORS headers', async () => {
  const bucket = await newBucket();
  const s3 = t.s3();
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['POST'] }] },
    }),
  );
  const queue = await createQueue(t.sqs(), bucket);
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ Id: 'posts', QueueArn: queue.arn, Events: ['s3:ObjectCreated:Post'] }],
      },
    }),
  );
  await receiveJson(t.sqs(), queue.url, 1); // s3:TestEvent
  const response = await post(
    bucket,
    signedForm({ bucket, conditions: [{ key: 'ev.txt' }], fields: { key: 'ev.txt' } }),
    {
      Origin: 'https://app.example.com',
    },
  );
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  const [record] = recordsOf(await receiveJson(t.sqs(), queue.url, 1));
  expect(record).toMatchObject({
    eventName: 'ObjectCreated:Post',
    s3: { configurationId: 'posts', object: { key: 'ev.txt', size: 5, eTag: '5d41402abc4b2a76b9719d911017c592' } },
  });
});

it('takes boto3’s generate_presigned_post with python requests', async () => {
  const bucket = await newBucket();
  const script = `
import json, sys, boto3, requests
from botocore.config import Config
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
    aws_secret_access_key='test', config=Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}))
post = s3.generate_presigned_post(bucket, 'boto/\${filename}', Fields={'Content-Type': 'text/csv'},
    Conditions=[{'Content-Type': 'text/csv'}, ['content-length-range', 1, 100]], ExpiresIn=300)
ok = requests.post(post['url'], data=post['fields'], files={'file': ('data.csv', b'a,b\\n1,2\\n')})
big = requests.post(post['url'], data=post['fields'], files={'file': ('big.csv', b'x' * 101)})
got = s3.get_object(Bucket=bucket, Key='boto/data.csv')
print(json.dumps({'status': ok.status_code, 'body': got['Body'].read().decode(), 'type': got['ContentType'],
    'big': [big.status_code, 'EntityTooLarge' in big.text]}))
`;
  const { stdout } = await run('python3', ['-c', script, t.url, bucket], { env: AWS_CLI_ENV });
  expect(JSON.parse(stdout)).toEqual({ status: 204, body: 'a,b\n1,2\n', type: 'text/csv', big: [400, true] });
});
