/**
 * Cross-account access to buckets. Bucket names are global; a request by another account than
 * the bucket's owner is allowed only when the bucket policy allows the operation's IAM action on
 * the bucket (`arn:aws:s3:::bucket`) or the object (`arn:aws:s3:::bucket/key`), and is otherwise
 * AccessDenied 403 "Access Denied", as S3 answers. `S3Service.bucket()` asks `mayUseBucket` when
 * a request reaches another account's bucket; an operation the table below does not list is
 * authorized as `s3:<Operation>` on the bucket. The owner's own requests need no grant but an
 * explicit Deny in the bucket policy stops them too, as on AWS: `mayUseBucket` answers for them
 * at once when the bucket has no policy, and parsed policies are cached by their text.
 */
import { type AccessCheck, guardHandlers } from '../../policy/guard.js';
import { authorizeCaller, callerOf, requestKeys } from '../../policy/index.js';
import type { Handler, RequestContext } from '../../service.js';
import { parseCopySource } from './copy.js';
import type { Bucket } from './state.js';

/** Per operation: its IAM action (`s3:` omitted) and whether it acts on an object. */
const ACTIONS: Record<string, { action: string; versioned?: string; object: boolean }> = {
  GetObject: { action: 'GetObject', versioned: 'GetObjectVersion', object: true },
  HeadObject: { action: 'GetObject', versioned: 'GetObjectVersion', object: true },
  GetObjectAttributes: { action: 'GetObject', versioned: 'GetObjectVersion', object: true },
  PutObject: { action: 'PutObject', object: true },
  CopyObject: { action: 'PutObject', object: true },
  DeleteObject: { action: 'DeleteObject', versioned: 'DeleteObjectVersion', object: true },
  DeleteObjects: { action: 'DeleteObject', object: true },
  GetObjectTagging: { action: 'GetObjectTagging', versioned: 'GetObjectVersionTagging', object: true },
  PutObjectTagging: { action: 'PutObjectTagging', versioned: 'PutObjectVersionTagging', object: true },
  DeleteObjectTagging: { action: 'DeleteObjectTagging', versioned: 'DeleteObjectVersionTagging', object: true },
  CreateMultipartUpload: { action: 'PutObject', object: true },
  UploadPart: { action: 'PutObject', object: true },
  UploadPartCopy: { action: 'PutObject', object: true },
  CompleteMultipartUpload: { action: 'PutObject', object: true },
  AbortMultipartUpload: { action: 'AbortMultipartUpload', object: true },
  ListParts: { action: 'ListMultipartUploadParts', object: true },
  HeadBucket: { action: 'ListBucket', object: false },
  ListObjects: { action: 'ListBucket', object: false },
  ListObjectsV2: { action: 'ListBucket', object: false },
  ListObjectVersions: { action: 'ListBucketVersions', object: false },
  ListMultipartUploads: { action: 'ListBucketMultipartUploads', object: false },
  DeleteBucketTagging: { action: 'PutBucketTagging', object: false },
  GetBucketNotificationConfiguration: { action: 'GetBucketNotification', object: false },
  PutBucketNotificationConfiguration: { action: 'PutBucketNotification', object: false },
  PutBucketCors: { action: 'PutBucketCORS', object: false },
  GetBucketCors: { action: 'GetBucketCORS', object: false },
  DeleteBucketCors: { action: 'PutBucketCORS', object: false },
  RestoreObject: { action: 'RestoreObject', object: true },
};

/** The operation and input of each request in flight, for the check when a bucket is looked up. */
const requests = new WeakMap<RequestContext, { operation: string; input: Record<string, unknown> }>();

/**
 * Records each request's operation so that `mayUseBucket` can decide when a handler looks up
 * another account's bucket. Nothing is evaluated here: the owner's own requests (nearly all)
 * never read a policy.
 */
export function guardBucketAccess(handlers: Record<string, Handler>): Record<string, Handler> {
  const record: AccessCheck = (operation, input, ctx) => {
    requests.set(ctx, { operation, input });
  };
  return guardHandlers(handlers, record);
}

/**
 * May this request use `bucket`? The owner may unless the bucket policy explicitly denies; another
 * account only where the policy allows. As the request's target, its
 * operation's action on the bucket or the objects it names; as a CopySource, GetObject on the
 * source object. A request the guard did not record is refused.
 */
export function mayUseBucket(ctx: RequestContext, bucket: Bucket): boolean {
  const owner = bucket.accountId === ctx.accountId;
  if (owner && !bucket.policy) return true;
  const request = requests.get(ctx);
  // Requests made in-process (notifications, CloudFormation) are not recorded: the owner's pass.
  if (!request) return owner;
  const { operation, input } = request;
  const checks: { action: string; resources: string[] }[] = [];
  if (input['Bucket'] === bucket.name) {
    const rule = ACTIONS[operation] ?? { action: operation, object: false };
    const action = rule.versioned && input['VersionId'] !== undefined ? rule.versioned : rule.action;
    const resources = rule.object
      ? keysOf(input).map((key) => `arn:aws:s3:::${bucket.name}/${key}`)
      : [`arn:aws:s3:::${bucket.name}`];
    checks.push({ action, resources });
  }
  const copySource = input['CopySource'];
  if (typeof copySource === 'string') {
    const source = parseCopySource(copySource);
    if (source.bucket === bucket.name) {
      const action = source.versionId === undefined ? 'GetObject' : 'GetObjectVersion';
      checks.push({ action, resources: [`arn:aws:s3:::${source.bucket}/${source.key}`] });
    }
  }
  const caller = callerOf(ctx);
  const prefix = input['Prefix'];
  const context = { ...requestKeys(ctx), ...(typeof prefix === 'string' ? { 's3:prefix': prefix } : {}) };
  return (
    (checks.length > 0 || owner) &&
    checks.every(({ action, resources }) =>
      resources.every((resource) =>
        authorizeCaller({
          policy: bucket.policy,
          owner: bucket.accountId,
          caller,
          action: `s3:${action}`,
          resource,
          context,
        }),
      ),
    )
  );
}

/** The object keys a request acts on: its Key, or each key of a DeleteObjects request. */
function keysOf(input: Record<string, unknown>): string[] {
  if (typeof input['Key'] === 'string') return [input['Key']];
  const objects = (input['Delete'] as { Objects?: { Key?: string }[] } | undefined)?.Objects ?? [];
  return objects.map((o) => o.Key ?? '');
}
