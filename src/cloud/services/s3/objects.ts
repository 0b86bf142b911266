/** S3 object operations: put/get/head/delete (single and batch), copy, tagging. */
import type { Readable } from 'node:stream';
import type {
  CopyObjectRequest,
  DeleteObjectRequest,
  DeleteObjectsRequest,
  DeleteObjectTaggingRequest,
  GetObjectRequest,
  GetObjectTaggingRequest,
  HeadObjectRequest,
  PutObjectRequest,
  PutObjectTaggingRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../errors.js';
import { headerValue } from '../../protocol/codec.js';
import { HttpStatus, type RequestContext } from '../../service.js';
import { validateTags } from './buckets.js';
import { checksumMember, isChecksumAlgorithm } from './checksums.js';
import { S3Errors } from './errors.js';
import { deletionEvent, versionEvent } from './notifications-outbox.js';
import { checkNewKey, objectHeadersFrom, parseTaggingHeader, type S3Service } from './s3-service.js';
import { type Bucket, isPlausibleVersionId, newVersionId, type ObjectVersion, type Tag } from './state.js';

type WithBody<T> = Omit<T, 'Body'> & { Body?: Readable };

/** An HTTP date (`Wed, 02 Jan 2030 03:04:05 GMT`) from a parsed timestamp or the raw text. */
function httpDate(value: Date | string): string {
  return value instanceof Date ? value.toUTCString() : value;
}

/**
 * Evaluates If-Match / If-None-Match / If-(Un)Modified-Since as S3 does (RFC 7232 precedence). For a
 * copy source (`x-amz-copy-source-if-*`) every failed condition is a 412 naming its header, where
 * GET/HEAD answer 304 for the "not modified" ones.
 */
export function checkConditions(
  version: ObjectVersion,
  c: {
    IfMatch?: string | undefined;
    IfNoneMatch?: string | undefined;
    IfModifiedSince?: Date | undefined;
    IfUnmodifiedSince?: Date | undefined;
  },
  copySource = false,
): void {
  const prefix = copySource ? 'x-amz-copy-source-' : '';
  const notModified = (condition: string) =>
    copySource ? S3Errors.preconditionFailed(`${prefix}${condition}`) : S3Errors.notModified();
  const etagMatches = (header: string) =>
    header.split(',').some((t) => {
      const tag = t.trim();
      return tag === '*' || tag === version.etag || `"${tag}"` === version.etag;
    });
  const modifiedSeconds = Math.floor(version.lastModified / 1000);
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch)) throw S3Errors.preconditionFailed(`${prefix}If-Match`);
  } else if (
    c.IfUnmodifiedSince instanceof Date &&
    modifiedSeconds > Math.floor(c.IfUnmodifiedSince.getTime() / 1000)
  ) {
    throw S3Errors.preconditionFailed(`${prefix}If-Unmodified-Since`);
  }
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch)) throw notModified('If-None-Match');
  } else if (
    c.IfModifiedSince instanceof Date &&
    // S3 ignores an If-Modified-Since date in the future.
    c.IfModifiedSince.getTime() <= Date.now() &&
    modifiedSeconds <= Math.floor(c.IfModifiedSince.getTime() / 1000)
  ) {
    throw notModified('If-Modified-Since');
  }
}

const notImplementedHeader = (header: string, additionalMessage: string) =>
  new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, {
    Header: header,
    additionalMessage,
  });

/** The conditional-write headers S3 accepts on PutObject: `If-None-Match: *` or `If-Match: <etag>`, not both. */
export function checkWriteConditions(ifMatch: string | undefined, ifNoneMatch: string | undefined): void {
  if (ifMatch !== undefined && ifNoneMatch !== undefined)
    throw notImplementedHeader('If-Match,If-None-Match', 'Multiple conditional request headers present in the request');
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*')
    throw notImplementedHeader(
      'If-None-Match',
      "We don't accept the provided value of If-None-Match header for this API",
    );
  if (ifMatch === '*')
    throw notImplementedHeader('If-Match', "We don't accept the provided value of If-Match header for this API");
}

/** Whether a write may replace `current` (the key's latest version) under If-Match / If-None-Match. */
export function evaluateWriteConditions(
  current: ObjectVersion | undefined,
  key: string,
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
): void {
  const live = current && !current.deleteMarker ? current : undefined;
  if (ifNoneMatch === '*' && live) throw S3Errors.preconditionFailed('If-None-Match');
  if (ifMatch !== undefined) {
    if (!live) throw S3Errors.noSuchKey(key);
    if (live.etag !== quoteEtag(ifMatch)) throw S3Errors.preconditionFailed('If-Match');
  }
}

/** ETags may be sent with or without their quotes; stored ones always have them. */
export function quoteEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** Parses a single `bytes=` range against a size; undefined when the header is not a usable range (S3 then ignores it). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw S3Errors.invalidRange(size, header);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw S3Errors.invalidRange(size, header);
  return { start, end };
}

/** Parses `x-amz-copy-source`: `bucket/key[?versionId=...]`, URL-encoded, optional leading slash. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId: string | undefined } {
  let source = value.startsWith('/') ? value.slice(1) : value;
  let versionId: string | undefined;
  const q = source.indexOf('?');
  if (q >= 0) {
    versionId = new URLSearchParams(source.slice(q + 1)).get('versionId') ?? undefined;
    source = source.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(source);
  } catch {
    throw S3Errors.invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', value);
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw S3Errors.invalidArgument('Invalid copy source object key', 'x-amz-copy-source', value);
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** The version a CopyObject/UploadPartCopy reads, after its x-amz-copy-source-if-* conditions. */
export function readCopySource(
  s3: S3Service,
  input: Pick<
    CopyObjectRequest,
    | 'CopySource'
    | 'CopySourceIfMatch'
    | 'CopySourceIfNoneMatch'
    | 'CopySourceIfModifiedSince'
    | 'CopySourceIfUnmodifiedSince'
  >,
  ctx: RequestContext,
) {
  const source = parseCopySource(input.CopySource as string);
  const sourceBucket = s3.bucket(source.bucket, ctx);
  const sourceVersion = s3.resolveCopySource(sourceBucket, source.key, source.versionId);
  checkConditions(
    sourceVersion,
    {
      IfMatch: input.CopySourceIfMatch,
      IfNoneMatch: input.CopySourceIfNoneMatch,
      IfModifiedSince: input.CopySourceIfModifiedSince,
      IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
    },
    true,
  );
  return { source, sourceBucket, sourceVersion };
}

export function objectHandlers(s3: S3Service) {
  const { state, blobs } = s3;

  function versionHeaders(bucket: Bucket, versionId: string): { VersionId?: string } {
    return bucket.versioning ? { VersionId: versionId } : {};
  }

  function removeBlobs(ids: (string | undefined)[]) {
    for (const id of ids) if (id) blobs.remove(id);
  }

  function deleteOne(
    bucket: Bucket,
    key: string,
    versionId: string | undefined,
  ): { VersionId?: string; DeleteMarker?: boolean } {
    if (versionId !== undefined) {
      if (!isPlausibleVersionId(versionId)) throw S3Errors.invalidVersionId(versionId);
      const removed = state.deleteVersion(bucket.name, key, versionId);
      if (!removed) return { VersionId: versionId };
      removeBlobs([removed.blob]);
      return { VersionId: versionId, ...(removed.deleteMarker ? { DeleteMarker: true } : {}) };
    }
    if (!bucket.versioning) {
      const removed = state.deleteVersion(bucket.name, key, 'null');
      removeBlobs([removed?.blob]);
      return {};
    }
    const markerId = s3.versionIdFor(bucket, newVersionId);
    const { replacedBlobs, version } = state.putVersion(
      {
        bucket: bucket.name,
        key,
        deleteMarker: true,
        blob: undefined,
        size: 0,
        etag: '',
        lastModified: Date.now(),
        headers: {},
        metadata: {},
        tags: [],
        checksum: undefined,
        partsCount: undefined,
      },
      markerId,
    );
    removeBlobs(replacedBlobs);
    return { DeleteMarker: true, VersionId: version.versionId };
  }

  /** deleteOne, with the notification of what it removed written in the same transaction. */
  function deleteNotified(bucket: Bucket, key: string, versionId: string | undefined, ctx: RequestContext) {
    return s3.notifications.record(
      bucket,
      ctx,
      () => deleteOne(bucket, key, versionId),
      (result) => [deletionEvent(key, versionId, result)],
    );
  }

  return {
    async PutObject(input: WithBody<PutObjectRequest>, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const key = checkNewKey(input.Key as string);
      checkWriteConditions(input.IfMatch, input.IfNoneMatch);
      const tags = validateTags(parseTaggingHeader(input.Tagging));
      const stored = await s3.storeBody(input.Body as Readable, ctx, input.ChecksumAlgorithm);
      // Conditional writes are decided once the body is in, as S3 does.
      try {
        evaluateWriteConditions(state.latest(bucket.name, key), key, input.IfMatch, input.IfNoneMatch);
      } catch (error) {
        blobs.remove(stored.blob);
        throw error;
      }
      const { replacedBlobs, version } = s3.notifications.record(
        bucket,
        ctx,
        () =>
          state.putVersion(
            {
              bucket: bucket.name,
              key,
              deleteMarker: false,
              blob: stored.blob,
              size: stored.size,
              etag: stored.etag,
              lastModified: Date.now(),
              headers: objectHeadersFrom(input, headerValue(ctx.headers, 'expires')),
              metadata: input.Metadata ?? {},
              tags,
              checksum: stored.checksum,
              partsCount: undefined,
            },
            s3.versionIdFor(bucket, newVersionId),
          ),
        (result) => [versionEvent(bucket, 'ObjectCreated:Put', result.version)],
      );
      removeBlobs(replacedBlobs);
      const out: Record<string, unknown> = {
        ETag: stored.etag,
        ServerSideEncryption: input.ServerSideEncryption ?? 'AES256',
        ...versionHeaders(bucket, version.versionId),
        ChecksumType: 'FULL_OBJECT',
        Size: stored.size,
      };
      if (isChecksumAlgorithm(stored.checksum.algorithm))
        out[checksumMember(stored.checksum.algorithm)] = stored.checksum.value;
      return out;
    },

    GetObject(input: GetObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId);
      checkConditions(version, input);
      const range = parseRange(input.Range, version.size);
      const out: Record<string | symbol, unknown> = s3.describe(
        bucket,
        version,
        input.ChecksumMode === 'ENABLED' && !range,
      );
      if (input.ResponseContentType) out['ContentType'] = input.ResponseContentType;
      if (input.ResponseCacheControl) out['CacheControl'] = input.ResponseCacheControl;
      if (input.ResponseContentDisposition) out['ContentDisposition'] = input.ResponseContentDisposition;
      if (input.ResponseContentEncoding) out['ContentEncoding'] = input.ResponseContentEncoding;
      if (input.ResponseContentLanguage) out['ContentLanguage'] = input.ResponseContentLanguage;
      if (input.ResponseExpires) out['Expires'] = httpDate(input.ResponseExpires);
      if (range) {
        out['ContentLength'] = range.end - range.start + 1;
        out['ContentRange'] = `bytes ${range.start}-${range.end}/${version.size}`;
        out[HttpStatus] = 206;
      }
      out['Body'] = version.size === 0 ? Buffer.alloc(0) : blobs.read(version.blob as string, range);
      return out;
    },

    HeadObject(input: HeadObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'HEAD');
      checkConditions(version, input);
      const range = parseRange(input.Range, version.size);
      const out: Record<string | symbol, unknown> = s3.describe(
        bucket,
        version,
        input.ChecksumMode === 'ENABLED' && !range,
      );
      if (range) {
        out['ContentLength'] = range.end - range.start + 1;
        out['ContentRange'] = `bytes ${range.start}-${range.end}/${version.size}`;
        out[HttpStatus] = 206;
      }
      return out;
    },

    DeleteObject(input: DeleteObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      return deleteNotified(bucket, input.Key as string, input.VersionId, ctx);
    },

    DeleteObjects(input: DeleteObjectsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const objects = input.Delete?.Objects ?? [];
      if (objects.length === 0 || objects.length > 1000) throw S3Errors.malformedXml();
      const Deleted: Record<string, unknown>[] = [];
      const Errors: Record<string, unknown>[] = [];
      for (const object of objects) {
        const key = object.Key as string;
        try {
          // In a batch, S3 reports a version id it could never have issued as a missing version.
          if (object.VersionId !== undefined && !isPlausibleVersionId(object.VersionId))
            throw S3Errors.noSuchVersion(key, object.VersionId);
          const result = deleteNotified(bucket, key, object.VersionId, ctx);
          if (input.Delete?.Quiet) continue;
          Deleted.push({
            Key: key,
            ...(object.VersionId !== undefined ? { VersionId: object.VersionId } : {}),
            ...(result.DeleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: result.VersionId } : {}),
          });
        } catch (error) {
          if (!(error instanceof AwsError)) throw error;
          Errors.push({ Key: key, VersionId: object.VersionId, Code: error.code, Message: error.message });
        }
      }
      return { Deleted, Errors };
    },

    CopyObject(input: CopyObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const key = checkNewKey(input.Key as string);
      const { source, sourceBucket, sourceVersion } = readCopySource(s3, input, ctx);
      const replace = input.MetadataDirective === 'REPLACE';
      const sameObject = sourceBucket.name === bucket.name && source.key === key && source.versionId === undefined;
      if (
        sameObject &&
        !replace &&
        !input.StorageClass &&
        !input.WebsiteRedirectLocation &&
        !input.ServerSideEncryption
      ) {
        throw S3Errors.invalidRequest(
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        );
      }
      // Blobs are immutable and removed with their version, so a copy gets its own file.
      const blob = sourceVersion.blob ? blobs.copy(sourceVersion.blob) : undefined;
      const headers = replace
        ? objectHeadersFrom(input, headerValue(ctx.headers, 'expires'))
        : { ...sourceVersion.headers };
      if (!replace && input.StorageClass) headers.StorageClass = input.StorageClass;
      const tags: Tag[] =
        input.TaggingDirective === 'REPLACE' ? validateTags(parseTaggingHeader(input.Tagging)) : sourceVersion.tags;
      const lastModified = Date.now();
      const { replacedBlobs, version } = s3.notifications.record(
        bucket,
        ctx,
        () =>
          state.putVersion(
            {
              bucket: bucket.name,
              key,
              deleteMarker: false,
              blob,
              size: sourceVersion.size,
              etag: sourceVersion.etag,
              lastModified,
              headers,
              metadata: replace ? (input.Metadata ?? {}) : sourceVersion.metadata,
              tags,
              checksum: sourceVersion.checksum,
              partsCount: sourceVersion.partsCount,
            },
            s3.versionIdFor(bucket, newVersionId),
          ),
        (result) => [versionEvent(bucket, 'ObjectCreated:Copy', result.version)],
      );
      removeBlobs(replacedBlobs);
      const result: Record<string, unknown> = { ETag: version.etag, LastModified: new Date(lastModified) };
      if (version.checksum && isChecksumAlgorithm(version.checksum.algorithm)) {
        result[checksumMember(version.checksum.algorithm)] = version.checksum.value;
        result['ChecksumType'] = version.checksum.type;
      }
      return {
        CopyObjectResult: result,
        ...versionHeaders(bucket, version.versionId),
        // S3 names the source version unless it is the null version.
        ...(sourceVersion.versionId !== 'null' ? { CopySourceVersionId: sourceVersion.versionId } : {}),
        ServerSideEncryption: 'AES256',
      };
    },

    PutObjectTagging(input: PutObjectTaggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'PUT');
      if (!input.Tagging) throw S3Errors.malformedXml();
      const tags = validateTags(input.Tagging.TagSet as Tag[]);
      if (tags.length > 10) throw new AwsError('BadRequest', 'Object tags cannot be greater than 10', 400);
      s3.notifications.record(
        bucket,
        ctx,
        () => state.setObjectTags(version.seq, tags),
        () => [versionEvent(bucket, 'ObjectTagging:Put', version)],
      );
      return versionHeaders(bucket, version.versionId);
    },

    GetObjectTagging(input: GetObjectTaggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId);
      return { TagSet: version.tags, ...versionHeaders(bucket, version.versionId) };
    },

    DeleteObjectTagging(input: DeleteObjectTaggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'DELETE');
      s3.notifications.record(
        bucket,
        ctx,
        () => state.setObjectTags(version.seq, []),
        () => [versionEvent(bucket, 'ObjectTagging:Delete', version)],
      );
      return versionHeaders(bucket, version.versionId);
    },
  };
}
