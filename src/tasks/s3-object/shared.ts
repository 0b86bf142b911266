/**
 * What the s3-object actions share: parameters every action has, creating a missing bucket,
 * S3's ETag computed locally (to skip uploads and downloads of identical content), and hints for
 * S3's errors.
 */
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsCall, awsFailure, isAwsError, isNotFound } from '../aws-errors.js';
import type { ActionContext } from '../task.js';

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
