/** S3 object operations: put/get/head/delete (single and batch), tagging. */
import type { Readable } from 'node:stream';
import type {
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
import {
  checkConditions,
  checkDeleteConditions,
  checkWriteConditions,
  evaluateWriteConditions,
  parseRange,
} from './conditions.js';
import { S3Errors } from './errors.js';
import { checkPartNumber } from './multipart.js';
import { deletionEvent, versionEvent } from './notifications-outbox.js';
import { checkBypassHeader, isLocked, lockForNewObject, requireChecksumForLock } from './object-lock.js';
import { type ByteWindow, partWindow, windowChecksum } from './object-parts.js';
import type { RestoreStore } from './restore.js';
import { checkNewKey, objectHeadersFrom, parseTaggingHeader, type S3Service } from './s3-service.js';
import { type Bucket, isPlausibleVersionId, newVersionId, type ObjectVersion, type Tag } from './state.js';

/** A streaming body: a Buffer when it was small enough to read whole (src/cloud/body.ts), else a stream. */
type WithBody<T> = Omit<T, 'Body'> & { Body?: Readable | Buffer };

/** An HTTP date (`Wed, 02 Jan 2030 03:04:05 GMT`) from a parsed timestamp or the raw text. */
function httpDate(value: Date | string): string {
  return value instanceof Date ? value.toUTCString() : value;
}

/** The bytes a GET/HEAD reads: its Range, or its part number (not both, as S3 answers). */
function selectWindow(
  version: ObjectVersion,
  input: { Range?: string | undefined; PartNumber?: number | undefined },
): ByteWindow | undefined {
  if (input.PartNumber === undefined) return parseRange(input.Range, version.size);
  if (input.Range !== undefined)
    throw S3Errors.invalidRequest('Cannot specify both Range header and partNumber query parameter');
  return partWindow(version, checkPartNumber(input.PartNumber));
}

/**
 * What GET and HEAD answer for `window` of a version: 206 with Content-Range for a window, the part
 * count of a multipart object when a part was asked for, and the checksum S3 has for that window.
 */
function describeWindow(
  s3: S3Service,
  bucket: Bucket,
  version: ObjectVersion,
  input: { PartNumber?: number | undefined; ChecksumMode?: string | undefined },
  window: ByteWindow | undefined,
): Record<string | symbol, unknown> {
  const out: Record<string | symbol, unknown> = s3.describe(bucket, version, false);
  if (input.ChecksumMode === 'ENABLED') Object.assign(out, windowChecksum(version, window));
  if (input.PartNumber !== undefined && version.parts?.length) out['PartsCount'] = version.parts.length;
  if (window) {
    out['ContentLength'] = window.end - window.start + 1;
    out['ContentRange'] = `bytes ${window.start}-${window.end}/${version.size}`;
    out[HttpStatus] = 206;
  }
  return out;
}

interface DeleteOptions {
  conditions?: Parameters<typeof checkDeleteConditions>[1];
  bypassGovernance?: boolean | undefined;
}

/** `restores`: archived (GLACIER, DEEP_ARCHIVE) versions read only while restored (restore.ts). */
export function objectHandlers(s3: S3Service, restores: RestoreStore) {
  const { state, blobs } = s3;

  function versionHeaders(bucket: Bucket, versionId: string): { VersionId?: string } {
    return bucket.versioning ? { VersionId: versionId } : {};
  }

  function removeBlobs(ids: (string | undefined)[]) {
    for (const id of ids) if (id) blobs.remove(id);
  }

  /**
   * Deletes a version (by id), the null version (unversioned buckets) or adds a delete marker.
   * Conditions and locks are checked against the version it would remove, in its transaction.
   */
  function deleteOne(
    bucket: Bucket,
    key: string,
    versionId: string | undefined,
    options: DeleteOptions = {},
  ): { VersionId?: string; DeleteMarker?: boolean } {
    const target =
      versionId !== undefined ? state.version(bucket.name, key, versionId) : state.latest(bucket.name, key);
    if (options.conditions) checkDeleteConditions(target, options.conditions);
    if (versionId !== undefined) {
      if (!isPlausibleVersionId(versionId)) throw S3Errors.invalidVersionId(versionId);
      if (target && isLocked(target, options.bypassGovernance === true, Date.now()))
        throw S3Errors.protectedByObjectLock();
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
  function deleteNotified(
    bucket: Bucket,
    key: string,
    versionId: string | undefined,
    ctx: RequestContext,
    options: DeleteOptions = {},
  ) {
    return s3.notifications.record(
      bucket,
      ctx,
      () => deleteOne(bucket, key, versionId, options),
      (result) => [deletionEvent(key, versionId, result)],
    );
  }

  return {
    async PutObject(input: WithBody<PutObjectRequest>, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const key = checkNewKey(input.Key as string);
      checkWriteConditions(input.IfMatch, input.IfNoneMatch);
      const tags = validateTags(parseTaggingHeader(input.Tagging));
      const lock = lockForNewObject(bucket, input, Date.now());
      requireChecksumForLock(ctx, lock);
      // What the key was when the request began: a conditional write that raced a change gets a 409.
      // (An unconditional write does not look: one query and row decoding fewer per PUT.)
      const conditional = input.IfMatch !== undefined || input.IfNoneMatch !== undefined;
      const seenSeq = conditional ? state.latest(bucket.name, key)?.seq : undefined;
      // The body's row (a small one) is committed with the object's, in one transaction.
      const stored = await s3.storeBody(input.Body as Readable | Buffer, ctx, input.ChecksumAlgorithm, { held: true });
      const { replacedBlobs, version } = s3.notifications.record(
        bucket,
        ctx,
        () => {
          // Conditional writes are decided once the body is in, in the write's transaction.
          try {
            if (conditional) evaluateWriteConditions(state.latest(bucket.name, key), key, input, seenSeq);
          } catch (error) {
            blobs.remove(stored.blob);
            throw error;
          }
          stored.commit();
          return state.putVersion(
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
              lock,
            },
            s3.versionIdFor(bucket, newVersionId),
          );
        },
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
      const restore = restores.readable(version, ctx.cloud.now());
      checkConditions(version, input);
      const range = selectWindow(version, input);
      const out = describeWindow(s3, bucket, version, input, range);
      if (restore) out['Restore'] = restore;
      if (input.ResponseContentType) out['ContentType'] = input.ResponseContentType;
      if (input.ResponseCacheControl) out['CacheControl'] = input.ResponseCacheControl;
      if (input.ResponseContentDisposition) out['ContentDisposition'] = input.ResponseContentDisposition;
      if (input.ResponseContentEncoding) out['ContentEncoding'] = input.ResponseContentEncoding;
      if (input.ResponseContentLanguage) out['ContentLanguage'] = input.ResponseContentLanguage;
      if (input.ResponseExpires) out['Expires'] = httpDate(input.ResponseExpires);
      out['Body'] = version.size === 0 ? Buffer.alloc(0) : blobs.body(version.blob as string, version.size, range);
      return out;
    },

    HeadObject(input: HeadObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'HEAD');
      checkConditions(version, input);
      const out = describeWindow(s3, bucket, version, input, selectWindow(version, input));
      const restore = restores.header(version, ctx.cloud.now());
      if (restore) out['Restore'] = restore;
      return out;
    },

    DeleteObject(input: DeleteObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      checkBypassHeader(bucket, input.BypassGovernanceRetention);
      return deleteNotified(bucket, input.Key as string, input.VersionId, ctx, {
        conditions: input,
        bypassGovernance: input.BypassGovernanceRetention,
      });
    },

    DeleteObjects(input: DeleteObjectsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      checkBypassHeader(bucket, input.BypassGovernanceRetention);
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
          const result = deleteNotified(bucket, key, object.VersionId, ctx, {
            bypassGovernance: input.BypassGovernanceRetention,
          });
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

    PutObjectTagging(input: PutObjectTaggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'PUT');
      if (!input.Tagging) throw S3Errors.malformedXml();
      const tags = validateTags(input.Tagging.TagSet as Tag[]);
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
