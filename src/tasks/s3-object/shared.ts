/**
 * What the s3-object actions share: parameters every action has, creating a missing bucket,
 * S3's ETag computed locally (to skip uploads and downloads of identical content), and hints for
 * S3's errors.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { awsCall, awsFailure, isAwsError, isNotFound } from '../aws-errors.js';
import type { ActionContext } from '../task.js';

/** Files at or below this size are uploaded with one PutObject; larger ones in parts of this size. */
export const PART_SIZE = 8 * 1024 * 1024;

export const S3_HINTS: Readonly<Record<string, string>> = {
  NoSuchKey: 'check the key (keys are case-sensitive and have no leading slash)',
  NotFound: 'check the bucket and key (keys are case-sensitive and have no leading slash)',
  BucketAlreadyExists: 'bucket names are global: choose another name',
  InvalidBucketName: 'bucket names are 3-63 lowercase letters, digits, dots and hyphens',
  AccessDenied:
    "the connection's identity lacks an s3: permission on this bucket or key, or the bucket policy denies it",
  Forbidden: "the connection's identity lacks an s3: permission on this bucket or key, or the bucket policy denies it",
  EntityTooLarge: 'objects above 5 GB must be uploaded in parts (files above 8 MB are, by upload)',
};

export const bucketParam = z.string().min(3).max(63);
export const stringMap = z.record(z.string(), z.string());
export const serverSideEncryption = z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']);

export function s3Url(bucket: string, key?: string): string {
  return key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
}

/** `prefix` + `name`, with exactly one `/` between them when the prefix is not empty. */
export function joinKey(prefix: string | undefined, name: string): string {
  if (!prefix) return name;
  return prefix.endsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`;
}

/** The `x-amz-tagging` form of a tag map. */
export function taggingHeader(tags: Record<string, string>): string {
  return new URLSearchParams(Object.entries(tags)).toString();
}

/** Creates the bucket when it is missing; reports whether it did. */
export async function ensureBucket(ctx: ActionContext, s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: ctx.signal });
    return false;
  } catch (error) {
    if (!isNotFound(error)) throw awsFailure(error, `HeadBucket ${bucket}`, S3_HINTS);
  }
  const region = ctx.aws.region;
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the default location and the one region that must not be named.
        ...(region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } } : {}),
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    // Created meanwhile by someone else with the same credentials: what we wanted.
    if (isAwsError(error, 'BucketAlreadyOwnedByYou')) return false;
    throw awsFailure(error, `CreateBucket ${bucket}`, S3_HINTS);
  }
  ctx.emit({ type: 'change', message: `created bucket ${bucket} (${region})` });
  return true;
}

/** Runs an S3 call, converting its AWS error with S3's hints. */
export function s3Call<T>(context: string, call: () => Promise<T>): Promise<T> {
  return awsCall(context, call, S3_HINTS);
}

/**
 * The ETag S3 gives content uploaded as we upload it: the MD5 of the content for one PutObject,
 * or for a multipart upload in parts of PART_SIZE the MD5 of the parts' MD5s followed by
 * `-<parts>`. Quoted, as S3 sends it. (Objects encrypted with SSE-KMS or SSE-C have other ETags,
 * which then never match: such uploads are never skipped.) Fed chunk by chunk, so a package being
 * zipped in a plan gets its ETag without being written.
 */
export class S3Etag {
  private readonly whole = createHash('md5');
  private readonly parts: Buffer[] = [];
  private part = createHash('md5');
  private filled = 0;
  private size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.whole.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(PART_SIZE - this.filled, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === PART_SIZE) {
        this.parts.push(this.part.digest());
        this.part = createHash('md5');
        this.filled = 0;
      }
    }
  }

  digest(): string {
    if (this.size <= PART_SIZE) return `"${this.whole.digest('hex')}"`;
    const parts = this.filled > 0 ? [...this.parts, this.part.digest()] : this.parts;
    return `"${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}"`;
  }
}

/** The ETag of `path`'s content once uploaded (see S3Etag). */
export async function localEtag(path: string): Promise<string> {
  const etag = new S3Etag();
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    etag.update(chunk);
  }
  return etag.digest();
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
