/**
 * Object bodies on both sides of the blob store's in-memory size (kept as database rows or as
 * files) survive a restart, a copy and an overwrite, and a deleted object's body does not come back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, expect, it } from 'vitest';
import { type RunningCloud, startCloud } from '../../../src/cloud/cloud.js';
import { SMALL_BLOB_BYTES } from '../../../src/cloud/store/blobs.js';
import { randomName, TEST_CREDENTIALS } from '../../helpers/cloud.js';
import { expectS3Error } from './support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-bodies-'));
const running: RunningCloud[] = [];
afterEach(async () => {
  for (const cloud of running.splice(0)) await cloud.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<S3Client> {
  const cloud = await startCloud({ port: 0, dataDir, lambda: { runtimePool: false } });
  running.push(cloud);
  return new S3Client({
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 1,
  });
}

function sized(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 13 + seed) % 256));
}

async function bytesOf(s3: S3Client, Bucket: string, Key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

it('keeps small and large bodies, copies and overwrites across a restart', async () => {
  const Bucket = randomName('bodies');
  const small = sized(2048, 1);
  const large = sized(SMALL_BLOB_BYTES + 10, 2);
  let s3 = await start();
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'small', Body: small }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'large', Body: large }));
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'small-copy', CopySource: `${Bucket}/small` }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'overwritten', Body: sized(100, 3) }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'overwritten', Body: sized(200, 4) }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'deleted', Body: sized(300, 5) }));
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'deleted' }));
  s3.destroy();
  await (running.pop() as RunningCloud).close();

  s3 = await start();
  expect(await bytesOf(s3, Bucket, 'small')).toEqual(small);
  expect(await bytesOf(s3, Bucket, 'large')).toEqual(large);
  expect(await bytesOf(s3, Bucket, 'small-copy')).toEqual(small);
  expect(await bytesOf(s3, Bucket, 'overwritten')).toEqual(sized(200, 4));
  await expectS3Error(s3.send(new HeadObjectCommand({ Bucket, Key: 'deleted' })), { name: 'NotFound', status: 404 });
  s3.destroy();
});
