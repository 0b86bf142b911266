/**
 * The S3 side of an export task, reached through the cloud's in-process service caller: the checks
 * CreateExportTask makes before it answers (the bucket exists; its policy lets the Logs service
 * principal `logs.<region>.amazonaws.com` call s3:GetBucketAcl and s3:PutObject, with the
 * `bucket-owner-full-control` ACL AWS's documented policy requires), the `aws-logs-write-test`
 * object AWS writes to prove it, and the objects of the export itself.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { AwsError } from '../../errors.js';
import { allowsServicePush } from '../../policy/index.js';
import type { ServiceCall } from '../../service-caller.js';
import { invalidParameter } from './errors.js';

export type CallAs = (accountId: string, region: string) => ServiceCall;

/** The key prefix AWS uses when CreateExportTask names none. */
export const DEFAULT_PREFIX = 'exportedlogs';
const WRITE_TEST_KEY = 'aws-logs-write-test';
const WRITE_TEST_BODY = 'Permission Check Successful';

export interface ExportScope {
  accountId: string;
  region: string;
  bucket: string;
  /** The task's destinationPrefix, as given (or the default). */
  prefix: string;
  /** The exported group's ARN (aws:SourceArn in the bucket policy's conditions). */
  groupArn: string;
}

/** `prefix/rest`, or just `rest` under an empty prefix (a trailing `/` is not doubled). */
export function objectKey(prefix: string, rest: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? rest : `${trimmed}/${rest}`;
}

function bucketMissing(): AwsError {
  return invalidParameter('The given bucket does not exist. Please make sure the bucket is valid.');
}

// AWS answers these as AccessDeniedException today (older reports show InvalidParameterException).
function callFailed(action: 'GetBucketAcl' | 'PutObject'): AwsError {
  return new AwsError(
    'AccessDeniedException',
    `${action} call on the given bucket failed. Please check if CloudWatch Logs has been granted permission to perform this operation.`,
  );
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof AwsError && error.code === code;
}

async function bucketPolicy(call: ServiceCall, bucket: string): Promise<string | undefined> {
  try {
    return (await call<{ Policy?: string }>('s3', 'GetBucketPolicy', { Bucket: bucket })).Policy;
  } catch (error) {
    if (isCode(error, 'NoSuchBucket')) throw bucketMissing();
    if (isCode(error, 'NoSuchBucketPolicy')) return undefined;
    // Another account's bucket: only its owner reads its policy, so exporting there is refused.
    if (isCode(error, 'AccessDenied')) throw callFailed('GetBucketAcl');
    throw error;
  }
}

async function putObject(call: ServiceCall, bucket: string, key: string, body: Buffer, type: string): Promise<void> {
  await call('s3', 'PutObject', {
    Bucket: bucket,
    Key: key,
    Body: Readable.from([body]),
    ContentLength: body.length,
    ContentType: type,
    ACL: 'bucket-owner-full-control',
  });
}

/**
 * What CreateExportTask checks before it answers: the bucket, its policy for both actions, and the
 * test object written under the prefix.
 */
export async function checkDestination(callAs: CallAs, scope: ExportScope): Promise<void> {
  const call = callAs(scope.accountId, scope.region);
  const policy = await bucketPolicy(call, scope.bucket);
  const allows = (action: string, resource: string, context?: Record<string, string>) =>
    allowsServicePush(policy, {
      service: `logs.${scope.region}.amazonaws.com`,
      action,
      resource,
      sourceArn: scope.groupArn,
      sourceAccount: scope.accountId,
      ...(context ? { context } : {}),
    });
  if (!allows('s3:GetBucketAcl', `arn:aws:s3:::${scope.bucket}`)) throw callFailed('GetBucketAcl');
  const testKey = objectKey(scope.prefix, WRITE_TEST_KEY);
  const acl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  if (!allows('s3:PutObject', `arn:aws:s3:::${scope.bucket}/${testKey}`, acl)) throw callFailed('PutObject');
  await putObject(call, scope.bucket, testKey, Buffer.from(WRITE_TEST_BODY), 'text/plain');
}

/** One exported line: the event's time in ISO 8601 (UTC, milliseconds), a space, the message. */
export function exportLine(event: { timestamp: number; message: string }): string {
  return `${new Date(event.timestamp).toISOString()} ${event.message}\n`;
}

/** Writes one stream's lines as `<prefix>/<taskId>/<stream>/000000.gz`, as AWS lays exports out. */
export async function writeStreamExport(
  callAs: CallAs,
  scope: ExportScope,
  taskId: string,
  streamName: string,
  lines: string[],
): Promise<void> {
  const key = objectKey(scope.prefix, `${taskId}/${streamName}/000000.gz`);
  await putObject(
    callAs(scope.accountId, scope.region),
    scope.bucket,
    key,
    gzipSync(lines.join('')),
    'application/x-gzip',
  );
}
