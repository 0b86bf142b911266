/**
 * Shared S3 machinery used by the bucket, object, listing and multipart handlers: bucket lookup,
 * storing a request body with its integrity checks, and the headers an object version answers with.
 */

import type { Readable } from 'node:stream';
import { headerValue } from '../../protocol/codec.js';
import type { RequestContext } from '../../service.js';
import type { BlobStore } from '../../store/blobs.js';
import { mayUseBucket } from './access.js';
import {
  type ChecksumAlgorithm,
  checksumMember,
  createDigester,
  isChecksumAlgorithm,
  isWellFormedChecksum,
} from './checksums.js';
import { S3Errors } from './errors.js';
import type { S3NotificationStore } from './notifications-outbox.js';
import { lockHeaders } from './object-lock.js';
import {
  type Bucket,
  isPlausibleVersionId,
  type ObjectHeaders,
  type ObjectVersion,
  type S3State,
  type StoredChecksum,
  type Tag,
} from './state.js';

/** Largest object a single PUT may create (5 GiB). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface StoredBody {
  blob: string;
  /** Stores the body for good (see HeldBlob): PutObject calls it in its metadata's transaction. */
  commit(): void;
  size: number;
  etag: string;
  md5: Buffer;
  checksum: StoredChecksum;
}

export class S3Service {
  constructor(
    readonly state: S3State,
    readonly blobs: BlobStore,
    /** Bucket notification configurations and the outbox every object change writes to. */
    readonly notifications: S3NotificationStore,
  ) {}

  /**
   * The bucket a request names; another account's bucket is AccessDenied unless its bucket policy
   * grants this request (access.ts).
   */
  bucket(name: string | undefined, ctx: RequestContext): Bucket {
    const bucket = name ? this.state.getBucket(name) : undefined;
    if (!bucket) throw S3Errors.noSuchBucket(name ?? '');
    if (!mayUseBucket(ctx, bucket)) throw S3Errors.accessDenied();
    return bucket;
  }

  owner(accountId: string) {
    return { ID: ownerId(accountId), DisplayName: 'webfile' };
  }

  /** The version a request names: the latest, or `versionId` (with S3's errors for each case). */
  resolve(
    bucket: Bucket,
    key: string,
    versionId: string | undefined,
    allowDeleteMarker = false,
    method: 'GET' | 'PUT' | 'HEAD' | 'DELETE' = 'GET',
  ): ObjectVersion {
    if (versionId !== undefined) {
      if (versionId === '') throw S3Errors.invalidVersionId(versionId);
      const version = this.state.version(bucket.name, key, versionId);
      if (!version) {
        if (!isPlausibleVersionId(versionId)) throw S3Errors.invalidVersionId(versionId);
        throw S3Errors.noSuchVersion(key, versionId);
      }
      if (version.deleteMarker && !allowDeleteMarker) {
        throw S3Errors.deleteMarkerNotAllowed(method, {
          'x-amz-delete-marker': 'true',
          'x-amz-version-id': version.versionId,
          'last-modified': new Date(version.lastModified).toUTCString(),
        });
      }
      return version;
    }
    const latest = this.state.latest(bucket.name, key);
    if (!latest) throw S3Errors.noSuchKey(key);
    if (latest.deleteMarker && !allowDeleteMarker) {
      throw S3Errors.noSuchKey(key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.versionId });
    }
    return latest;
  }

  /** The version a copy reads: like resolve, but a delete marker named by version id is an InvalidRequest. */
  resolveCopySource(bucket: Bucket, key: string, versionId: string | undefined): ObjectVersion {
    const version = this.resolve(bucket, key, versionId, true);
    if (version.deleteMarker) {
      if (versionId === undefined) throw S3Errors.noSuchKey(key);
      throw S3Errors.invalidRequest(
        'The source of a copy request may not specifically refer to a delete marker by version id.',
      );
    }
    return version;
  }

  /** The version id a new object gets in this bucket. */
  versionIdFor(bucket: Bucket, newId: () => string): string {
    return bucket.versioning === 'Enabled' ? newId() : 'null';
  }

  /**
   * Streams a request body into a blob, verifying Content-MD5 and the flexible checksum the
   * client sent (header or aws-chunked trailer). Without one, S3 computes CRC64NVME, as AWS
   * does for every new object since 2025.
   */
  async storeBody(
    body: Readable | Buffer,
    ctx: RequestContext,
    requestedAlgorithm?: string,
    options: { part?: boolean; held?: boolean } = {},
  ): Promise<StoredBody> {
    const headers = ctx.headers;
    const declaredLength = Number(
      headerValue(headers, 'x-amz-decoded-content-length') ?? headerValue(headers, 'content-length') ?? 0,
    );
    if (declaredLength > MAX_PUT_BYTES) throw S3Errors.entityTooLarge(declaredLength, MAX_PUT_BYTES);

    const contentMd5 = headerValue(headers, 'content-md5');
    if (contentMd5 !== undefined && !isWellFormedMd5(contentMd5)) throw S3Errors.invalidDigest(contentMd5);

    let algorithm: ChecksumAlgorithm | undefined;
    let expected: string | undefined;
    for (const candidate of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const value = headerValue(headers, `x-amz-checksum-${candidate.toLowerCase()}`);
      if (value !== undefined) {
        if (!isWellFormedChecksum(candidate, value)) throw S3Errors.invalidChecksumValue(candidate);
        algorithm = candidate;
        expected = value;
      }
    }
    const trailer = headerValue(headers, 'x-amz-trailer')?.toLowerCase();
    const trailerAlgorithm = trailer?.startsWith('x-amz-checksum-')
      ? trailer.slice('x-amz-checksum-'.length).toUpperCase()
      : undefined;
    const named = (
      trailerAlgorithm ??
      headerValue(headers, 'x-amz-sdk-checksum-algorithm') ??
      requestedAlgorithm
    )?.toUpperCase();
    if (!algorithm && named !== undefined) {
      if (!isChecksumAlgorithm(named)) {
        throw S3Errors.invalidRequest(
          'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
        );
      }
      algorithm = named;
    }
    const effective: ChecksumAlgorithm = algorithm ?? 'CRC64NVME';
    const written = await this.blobs.write(body, { checksum: createDigester(effective) }, { held: options.held });
    const computed = (written.digests['checksum'] as Buffer).toString('base64');
    try {
      if (contentMd5 !== undefined && !written.md5.equals(Buffer.from(contentMd5, 'base64'))) {
        // PutObject reports the expected digest in hex, UploadPart as sent (base64).
        const expectedMd5 = options.part ? contentMd5 : Buffer.from(contentMd5, 'base64').toString('hex');
        throw S3Errors.badDigestMd5(expectedMd5, written.md5.toString('base64'));
      }
      if (trailerAlgorithm && !expected) {
        const trailers = await ctx.trailers;
        expected = trailers[`x-amz-checksum-${trailerAlgorithm.toLowerCase()}`];
        if (expected !== undefined && !isWellFormedChecksum(effective, expected))
          throw S3Errors.invalidChecksumValue(effective);
      }
      if (expected !== undefined && expected !== computed) throw S3Errors.badChecksum(effective);
    } catch (error) {
      this.blobs.remove(written.id);
      throw error;
    }
    return {
      blob: written.id,
      commit: written.commit,
      size: written.size,
      md5: written.md5,
      etag: `"${written.md5.toString('hex')}"`,
      checksum: { algorithm: effective, value: computed, type: 'FULL_OBJECT' },
    };
  }

  /** The members GET/HEAD answer with for a version (headers, metadata, checksum when asked). */
  describe(bucket: Bucket, version: ObjectVersion, checksumMode: boolean): Record<string, unknown> {
    const h = version.headers;
    const out: Record<string, unknown> = {
      ContentLength: version.size,
      ContentType: h.ContentType ?? 'binary/octet-stream',
      ETag: version.etag,
      LastModified: new Date(version.lastModified),
      AcceptRanges: 'bytes',
      Metadata: version.metadata,
      CacheControl: h.CacheControl,
      ContentEncoding: h.ContentEncoding,
      ContentDisposition: h.ContentDisposition,
      ContentLanguage: h.ContentLanguage,
      // The model types Expires as a string header: it goes back exactly as it was stored.
      Expires: h.Expires,
      WebsiteRedirectLocation: h.WebsiteRedirectLocation,
      ServerSideEncryption: h.ServerSideEncryption ?? 'AES256',
      StorageClass: h.StorageClass && h.StorageClass !== 'STANDARD' ? h.StorageClass : undefined,
    };
    if (bucket.versioning) out['VersionId'] = version.versionId;
    if (version.tags.length) out['TagCount'] = version.tags.length;
    Object.assign(out, lockHeaders(version));
    if (checksumMode && version.checksum && isChecksumAlgorithm(version.checksum.algorithm)) {
      out[checksumMember(version.checksum.algorithm)] = version.checksum.value;
      out['ChecksumType'] = version.checksum.type;
    }
    return out;
  }
}

/** A Content-MD5 header value: base64 (canonical, padded) of 16 bytes. */
function isWellFormedMd5(value: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(value);
}

/** A stable canonical-user-id-like owner id per account. */
export function ownerId(accountId: string): string {
  return Buffer.from(`lambda-tasks-owner-${accountId}`).toString('hex').padEnd(64, '0').slice(0, 64);
}

/** A key a new object may have: at most 1024 bytes of UTF-8. */
export function checkNewKey(key: string): string {
  const size = Buffer.byteLength(key, 'utf8');
  if (size > 1024) throw S3Errors.keyTooLong(size);
  return key;
}

/** Reads the system headers S3 stores with an object from a Put/Copy/CreateMultipartUpload input. */
export function objectHeadersFrom(
  input: {
    ContentType?: string | undefined;
    CacheControl?: string | undefined;
    ContentEncoding?: string | undefined;
    ContentDisposition?: string | undefined;
    ContentLanguage?: string | undefined;
    Expires?: Date | undefined;
    WebsiteRedirectLocation?: string | undefined;
    ServerSideEncryption?: string | undefined;
    StorageClass?: string | undefined;
  },
  rawExpires?: string,
): ObjectHeaders {
  const headers: ObjectHeaders = {};
  if (input.ContentType) headers.ContentType = input.ContentType;
  if (input.CacheControl) headers.CacheControl = input.CacheControl;
  // aws-chunked is transport framing, not a property of the object.
  const encoding = input.ContentEncoding?.split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked')
    .join(',');
  if (encoding) headers.ContentEncoding = encoding;
  if (input.ContentDisposition) headers.ContentDisposition = input.ContentDisposition;
  if (input.ContentLanguage) headers.ContentLanguage = input.ContentLanguage;
  if (rawExpires) headers.Expires = rawExpires;
  else if (input.Expires instanceof Date) headers.Expires = input.Expires.toUTCString();
  if (input.WebsiteRedirectLocation) headers.WebsiteRedirectLocation = input.WebsiteRedirectLocation;
  if (input.ServerSideEncryption) headers.ServerSideEncryption = input.ServerSideEncryption;
  if (input.StorageClass) headers.StorageClass = input.StorageClass;
  return headers;
}

/** Parses the `x-amz-tagging` header (URL query form: `k1=v1&k2=v2`). */
export function parseTaggingHeader(value: string | undefined): Tag[] {
  if (!value) return [];
  return [...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value }));
}
