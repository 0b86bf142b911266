/** Shared helpers for the S3 end-to-end tests: error assertions, hashing, bucket cleanup. */
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { randomName, type TestCloud } from '../../helpers/cloud.js';

export interface ExpectedError {
  name: string;
  status: number;
  message?: string | RegExp;
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  [key: string]: unknown;
}

/** Awaits `promise`, expects it to reject with the given S3 error, and returns the error for further checks. */
export async function expectS3Error(promise: Promise<unknown>, expected: ExpectedError): Promise<SdkError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected ${expected.name} (${expected.status}) but the call succeeded`);
  const error = caught as SdkError;
  expect({ name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({
    name: expected.name,
    status: expected.status,
  });
  if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
  else if (expected.message) expect(error.message).toMatch(expected.message);
  return error;
}

export const md5Hex = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');
export const md5Base64 = (data: Buffer | string): string => createHash('md5').update(data).digest('base64');
export const quotedMd5 = (data: Buffer | string): string => `"${md5Hex(data)}"`;

/** AWS's multipart ETag: md5 of the concatenated binary part md5s, then `-N`. */
export function multipartEtag(parts: Buffer[]): string {
  const h = createHash('md5');
  for (const part of parts) h.update(createHash('md5').update(part).digest());
  return `"${h.digest('hex')}-${parts.length}"`;
}

/** Creates a bucket with a random name (optionally versioned) and returns its name. */
export async function newBucket(s3: S3Client, prefix: string, versioned = false): Promise<string> {
  const Bucket = randomName(prefix);
  await s3.send(new CreateBucketCommand({ Bucket }));
  if (versioned) {
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  return Bucket;
}

/** Deletes every version, delete marker and upload in a bucket, then the bucket. */
export async function destroyBucket(s3: S3Client, Bucket: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key,
      VersionId: v.VersionId,
    }));
    if (objects.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects, Quiet: true } }));
  }
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
  for (const u of uploads.Uploads ?? []) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: u.Key, UploadId: u.UploadId }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket }));
}

/** The server logged no unexpected exception. */
export function expectNoInternalErrors(t: TestCloud): void {
  expect(t.logs.filter((line) => line.includes('internal error'))).toEqual([]);
}
