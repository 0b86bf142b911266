/** S3 bucket operations: create/head/list/delete, location, versioning, tagging, policy. */
import type {
  CreateBucketRequest,
  DeleteBucketPolicyRequest,
  DeleteBucketRequest,
  DeleteBucketTaggingRequest,
  GetBucketLocationOutput,
  GetBucketLocationRequest,
  GetBucketPolicyOutput,
  GetBucketPolicyRequest,
  GetBucketTaggingOutput,
  GetBucketTaggingRequest,
  GetBucketVersioningOutput,
  GetBucketVersioningRequest,
  HeadBucketOutput,
  HeadBucketRequest,
  ListBucketsOutput,
  ListBucketsRequest,
  PutBucketPolicyRequest,
  PutBucketTaggingRequest,
  PutBucketVersioningRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../errors.js';
import { AWS_REGIONS } from '../../regions.js';
import { HttpStatus, type RequestContext } from '../../service.js';
import { S3Errors } from './errors.js';
import type { S3Service } from './s3-service.js';
import type { Bucket, Tag } from './state.js';

/** The S3 bucket naming rules (general purpose buckets). */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')) return false;
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3') || name.endsWith('.mrap') || name.endsWith('--x-s3'))
    return false;
  return true;
}

/** Regions S3 accepts as a LocationConstraint. */
const KNOWN_REGIONS = new Set(AWS_REGIONS);

/** Characters AWS allows in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Tags per object and per bucket, as S3 limits them. */
export const MAX_TAGS = { object: 10, bucket: 50 } as const;

/**
 * Checks a tag set as S3 does for an object (the default) or a bucket: keys of 1-128 and values of
 * 0-256 allowed characters, unique keys, no `aws:` prefix (system tags; S3 words the refusal
 * differently for buckets and objects), and at most 10 object or 50 bucket tags.
 */
export function validateTags(tags: Tag[] | undefined, kind: 'object' | 'bucket' = 'object'): Tag[] {
  const list = tags ?? [];
  const seen = new Set<string>();
  for (const tag of list) {
    if (tag.Key === undefined || tag.Key === '' || !TAG_CHARACTERS.test(tag.Key))
      throw S3Errors.invalidTag('The TagKey you have provided is invalid', { TagKey: tag.Key });
    if ([...tag.Key].length > 128)
      throw S3Errors.invalidTag('The TagKey you have provided is too long, max 128', { TagKey: tag.Key });
    const value = tag.Value ?? '';
    if (!TAG_CHARACTERS.test(value))
      throw S3Errors.invalidTag('The TagValue you have provided is invalid', { TagKey: tag.Key, TagValue: value });
    if ([...value].length > 256)
      throw S3Errors.invalidTag('The TagValue you have provided is too long, max 256', { TagKey: tag.Key });
    if (seen.has(tag.Key))
      throw S3Errors.invalidTag('Cannot provide multiple Tags with the same key', { TagKey: tag.Key });
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw S3Errors.invalidTag(
        kind === 'bucket'
          ? 'System tags cannot be added/updated by requester'
          : 'Your TagKey cannot be prefixed with aws:',
        { TagKey: tag.Key },
      );
    }
    seen.add(tag.Key);
  }
  if (list.length > MAX_TAGS[kind]) {
    throw new AwsError(
      'BadRequest',
      kind === 'bucket' ? 'Bucket tag count cannot be greater than 50' : 'Object tags cannot be greater than 10',
      400,
    );
  }
  return list.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

export function bucketHandlers(s3: S3Service) {
  const { state } = s3;
  return {
    CreateBucket(input: CreateBucketRequest, ctx: RequestContext) {
      const name = input.Bucket as string;
      if (!isValidBucketName(name)) throw S3Errors.invalidBucketName(name);
      const constraint = input.CreateBucketConfiguration?.LocationConstraint as string | undefined;
      if (constraint !== undefined && !KNOWN_REGIONS.has(constraint))
        throw S3Errors.invalidLocationConstraint(constraint);
      const requestRegion = ctx.region;
      if (requestRegion === 'us-east-1') {
        if (constraint === 'us-east-1') throw S3Errors.invalidLocationConstraint(constraint);
      } else if (constraint !== requestRegion) {
        throw S3Errors.illegalLocationConstraint(constraint);
      }
      const region = constraint === 'EU' ? 'eu-west-1' : (constraint ?? 'us-east-1');
      const existing = state.getBucket(name);
      if (existing) {
        if (existing.accountId !== ctx.accountId) throw S3Errors.bucketAlreadyExists(name);
        // For legacy compatibility AWS answers 200 to re-creating your own bucket in us-east-1.
        if (requestRegion === 'us-east-1' && existing.region === 'us-east-1') return { Location: `/${name}` };
        throw S3Errors.bucketAlreadyOwnedByYou(name);
      }
      // A bucket created with Object Lock has versioning Enabled from the start, for good.
      const locked = input.ObjectLockEnabledForBucket === true;
      state.createBucket({
        name,
        region,
        accountId: ctx.accountId,
        createdAt: Date.now(),
        versioning: locked ? 'Enabled' : undefined,
        tags: undefined,
        objectLock: locked ? {} : undefined,
      });
      return { Location: `/${name}` };
    },

    HeadBucket(input: HeadBucketRequest, ctx: RequestContext): HeadBucketOutput {
      const bucket = s3.bucket(input.Bucket, ctx);
      return { BucketRegion: bucket.region };
    },

    ListBuckets(input: ListBucketsRequest, ctx: RequestContext): ListBucketsOutput {
      let buckets = state.listBuckets(ctx.accountId);
      if (input.Prefix) buckets = buckets.filter((b) => b.name.startsWith(input.Prefix as string));
      if (input.BucketRegion) buckets = buckets.filter((b) => b.region === input.BucketRegion);
      let start = 0;
      if (input.ContinuationToken) {
        const after = Buffer.from(input.ContinuationToken, 'base64url').toString('utf8');
        start = buckets.findIndex((b) => b.name > after);
        if (start < 0) start = buckets.length;
      }
      const max = input.MaxBuckets ?? 10000;
      const page = buckets.slice(start, start + max);
      const truncated = start + max < buckets.length;
      return {
        Buckets: page.map((b: Bucket) => ({
          Name: b.name,
          CreationDate: new Date(b.createdAt),
          BucketRegion: b.region,
        })),
        Owner: s3.owner(ctx.accountId),
        ...(input.Prefix ? { Prefix: input.Prefix } : {}),
        ...(truncated ? { ContinuationToken: Buffer.from(page.at(-1)?.name ?? '').toString('base64url') } : {}),
      };
    },

    DeleteBucket(input: DeleteBucketRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      if (state.bucketHasObjects(bucket.name))
        throw S3Errors.bucketNotEmpty(bucket.name, bucket.versioning !== undefined);
      for (const blob of state.deleteBucket(bucket.name)) s3.blobs.remove(blob);
      return {};
    },

    GetBucketLocation(input: GetBucketLocationRequest, ctx: RequestContext): GetBucketLocationOutput {
      const bucket = s3.bucket(input.Bucket, ctx);
      // us-east-1 buckets report an empty LocationConstraint.
      return bucket.region === 'us-east-1'
        ? {}
        : { LocationConstraint: bucket.region as GetBucketLocationOutput['LocationConstraint'] };
    },

    PutBucketVersioning(input: PutBucketVersioningRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const status = input.VersioningConfiguration?.Status;
      if (status === undefined) {
        throw new AwsError('IllegalVersioningConfigurationException', 'The Versioning element must be specified', 400);
      }
      if (status !== 'Enabled' && status !== 'Suspended') throw S3Errors.malformedXml();
      if (bucket.objectLock && status === 'Suspended') {
        throw S3Errors.invalidBucketState(
          'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
        );
      }
      state.setVersioning(bucket.name, status);
      return {};
    },

    GetBucketVersioning(input: GetBucketVersioningRequest, ctx: RequestContext): GetBucketVersioningOutput {
      const bucket = s3.bucket(input.Bucket, ctx);
      return bucket.versioning ? { Status: bucket.versioning } : {};
    },

    PutBucketTagging(input: PutBucketTaggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      if (!input.Tagging) throw S3Errors.malformedXml();
      const tags = validateTags(input.Tagging.TagSet as Tag[], 'bucket');
      state.setBucketTags(bucket.name, tags);
      return {};
    },

    GetBucketTagging(input: GetBucketTaggingRequest, ctx: RequestContext): GetBucketTaggingOutput {
      const bucket = s3.bucket(input.Bucket, ctx);
      if (!bucket.tags) throw S3Errors.noSuchTagSet(bucket.name);
      return { TagSet: bucket.tags };
    },

    /** Bucket policies are stored and returned, not enforced (the local cloud has no IAM evaluation yet). */
    PutBucketPolicy(input: PutBucketPolicyRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const policy = input.Policy ?? '';
      if (!policy.trimStart().startsWith('{')) {
        throw S3Errors.malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
      }
      let document: { Statement?: unknown };
      try {
        document = JSON.parse(policy) as { Statement?: unknown };
      } catch {
        throw S3Errors.malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
      }
      if (!document.Statement) throw S3Errors.malformedPolicy('Missing required field Statement');
      state.setBucketPolicy(bucket.name, policy);
      return { [HttpStatus]: 204 };
    },

    GetBucketPolicy(input: GetBucketPolicyRequest, ctx: RequestContext): GetBucketPolicyOutput {
      const bucket = s3.bucket(input.Bucket, ctx);
      if (!bucket.policy) throw S3Errors.noSuchBucketPolicy(bucket.name);
      return { Policy: bucket.policy };
    },

    DeleteBucketPolicy(input: DeleteBucketPolicyRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      state.setBucketPolicy(bucket.name, undefined);
      return {};
    },

    DeleteBucketTagging(input: DeleteBucketTaggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      state.setBucketTags(bucket.name, undefined);
      return {};
    },
  };
}
