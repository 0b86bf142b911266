/**
 * S3 CORS: the configuration calls (SDK), the unsigned preflight `OPTIONS` a browser
 * sends (plain fetch), and the Access-Control-* headers on real requests, fetched through presigned
 * URLs with an Origin as a browser fetches them. Expected answers are S3's as recorded against AWS.
 */
import {
  type CORSRule,
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { expectS3Error } from './support.js';

const t = useCloud();

const ORIGIN = 'https://app.example.com';
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const DENIED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

async function bucketWith(rules?: CORSRule[]): Promise<string> {
  const bucket = randomName('cors');
  await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  if (rules) await t.s3().send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  return bucket;
}

const appRule: CORSRule = {
  AllowedOrigins: [ORIGIN, 'http://*.localhost:5173'],
  AllowedMethods: ['GET', 'PUT'],
  AllowedHeaders: ['x-amz-*', 'Content-Type'],
  ExposeHeaders: ['ETag', 'x-amz-request-id'],
  MaxAgeSeconds: 3000,
};

function options(bucket: string, headers: Record<string, string>, key = 'photo.jpg'): Promise<Response> {
  return fetch(`${t.url}/${bucket}/${key}`, { method: 'OPTIONS', headers });
}

/** The Access-Control-* and Vary headers of an answer. */
function corsHeadersOf(response: Response): Record<string, string> {
  return Object.fromEntries(
    [...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
  );
}

/** The Code, Message and extra elements of an S3 XML error body. */
async function errorOf(response: Response): Promise<Record<string, string>> {
  const xml = await response.text();
  return Object.fromEntries(
    [...xml.matchAll(/<(Code|Message|Method|ResourceType)>([^<]*)<\/\1>/g)].map((m) => [
      m[1] as string,
      (m[2] as string).replace(/&apos;/g, "'"),
    ]),
  );
}

it('stores, returns and deletes a bucket CORS configuration', async () => {
  const s3 = t.s3();
  const bucket = await bucketWith();
  const missing = await expectS3Error(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), {
    name: 'NoSuchCORSConfiguration',
    status: 404,
    message: 'The CORS configuration does not exist',
  });
  expect(missing['BucketName']).toBe(bucket);
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [appRule] } }));
  const got = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
  expect(got.CORSRules).toEqual([appRule]);
  const deleted = await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  expect(deleted.$metadata.httpStatusCode).toBe(204);
  await expectS3Error(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), {
    name: 'NoSuchCORSConfiguration',
    status: 404,
  });
});

it('refuses configurations S3 refuses', async () => {
  const s3 = t.s3();
  const bucket = await bucketWith();
  const put = (CORSRules: CORSRule[]) =>
    s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules } }));
  await expectS3Error(put([{ AllowedOrigins: ['*'], AllowedMethods: ['GET', 'PATCH'] }]), {
    name: 'InvalidRequest',
    status: 400,
    message: 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
  });
  await expectS3Error(put([]), { name: 'MalformedXML', status: 400 });
  await expectS3Error(put(Array.from({ length: 101 }, () => ({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }))), {
    name: 'MalformedXML',
    status: 400,
  });
  await expectS3Error(put([{ AllowedOrigins: ['https://*.example.*'], AllowedMethods: ['GET'] }]), {
    name: 'InvalidRequest',
    status: 400,
    message: 'AllowedOrigin "https://*.example.*" can not have more than one wildcard.',
  });
  await expectS3Error(put([{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], ExposeHeaders: ['x-*'] }]), {
    name: 'InvalidRequest',
    status: 400,
    message: 'ExposeHeader "x-*" contains wildcard. We currently do not support wildcard for ExposeHeader.',
  });
  // A refused configuration leaves none behind.
  await expectS3Error(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), {
    name: 'NoSuchCORSConfiguration',
    status: 404,
  });
});

it('answers a preflight a rule allows with the rule, without credentials', async () => {
  const bucket = await bucketWith([appRule]);
  const response = await options(bucket, {
    Origin: ORIGIN,
    'Access-Control-Request-Method': 'PUT',
    'Access-Control-Request-Headers': 'Content-Type, X-Amz-Meta-Owner',
  });
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
  expect(corsHeadersOf(response)).toEqual({
    'access-control-allow-origin': ORIGIN,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, PUT',
    'access-control-allow-headers': 'content-type, x-amz-meta-owner',
    'access-control-expose-headers': 'ETag, x-amz-request-id',
    'access-control-max-age': '3000',
    vary: VARY,
  });
  // A wildcard origin pattern; and a rule for any origin answers `*`, without credentials.
  const wildcard = await options(bucket, {
    Origin: 'http://dev.localhost:5173',
    'Access-Control-Request-Method': 'GET',
  });
  expect(wildcard.headers.get('access-control-allow-origin')).toBe('http://dev.localhost:5173');
  const open = await bucketWith([{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }]);
  const anyOrigin = await options(open, { Origin: 'https://elsewhere.test', 'Access-Control-Request-Method': 'GET' });
  expect(corsHeadersOf(anyOrigin)).toEqual({
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET',
    vary: VARY,
  });
});

it('refuses preflights as S3 does', async () => {
  const bucket = await bucketWith([appRule]);
  const cases: [Record<string, string>, number, Record<string, string>, string?][] = [
    [{}, 400, { Code: 'BadRequest', Message: 'Insufficient information. Origin request header needed.' }],
    [
      { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'GET' },
      403,
      { Code: 'AccessForbidden', Message: DENIED, Method: 'GET', ResourceType: 'OBJECT' },
    ],
    [
      { Origin: ORIGIN, 'Access-Control-Request-Method': 'DELETE' },
      403,
      { Code: 'AccessForbidden', Message: DENIED, Method: 'DELETE', ResourceType: 'OBJECT' },
    ],
    [
      { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      403,
      { Code: 'AccessForbidden', Message: DENIED, Method: 'GET', ResourceType: 'BUCKET' },
      '',
    ],
    [{ Origin: ORIGIN }, 400, { Code: 'BadRequest', Message: 'Invalid Access-Control-Request-Method: null' }],
  ];
  for (const [headers, status, error, key] of cases) {
    const response = await options(bucket, headers, key);
    expect({ status: response.status, error: await errorOf(response) }).toEqual({ status, error });
  }
  const unconfigured = await bucketWith();
  const notEnabled = await options(unconfigured, { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' });
  expect(await errorOf(notEnabled)).toEqual({
    Code: 'AccessForbidden',
    Message: 'CORSResponse: CORS is not enabled for this bucket.',
    Method: 'PUT',
    ResourceType: 'BUCKET',
  });
  const noBucket = await options(randomName('none'), { Origin: ORIGIN });
  expect({ status: noBucket.status, error: await errorOf(noBucket) }).toEqual({
    status: 403,
    error: {
      Code: 'AccessForbidden',
      Message: 'CORSResponse: Bucket not found',
      Method: 'OPTIONS',
      ResourceType: 'BUCKET',
    },
  });
});

it('adds the matching rule’s headers to real requests from an allowed origin, errors included', async () => {
  const s3 = t.s3();
  const bucket = await bucketWith([appRule]);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'hello' }));
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'a.txt' }));
  const allowed = await fetch(url, { headers: { Origin: ORIGIN } });
  expect(allowed.status).toBe(200);
  expect(await allowed.text()).toBe('hello');
  expect(corsHeadersOf(allowed)).toEqual({
    'access-control-allow-origin': ORIGIN,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, PUT',
    'access-control-expose-headers': 'ETag, x-amz-request-id',
    'access-control-max-age': '3000',
    vary: VARY,
  });
  // No Origin, or one no rule allows: an ordinary answer without CORS headers.
  expect(corsHeadersOf(await fetch(url))).toEqual({});
  expect(corsHeadersOf(await fetch(url, { headers: { Origin: 'https://evil.test' } }))).toEqual({});
  const missing = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'missing.txt' }));
  const notFound = await fetch(missing, { headers: { Origin: ORIGIN } });
  expect(notFound.status).toBe(404);
  expect(notFound.headers.get('access-control-allow-origin')).toBe(ORIGIN);
});
