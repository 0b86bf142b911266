/**
 * S3 copies: CopyObject (metadata and tagging directives, storage class, content headers,
 * checksum algorithm, Object Lock, destination conditions) and what UploadPartCopy shares with it:
 * reading `x-amz-copy-source` under its `x-amz-copy-source-if-*` conditions, and copying bytes.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { CopyObjectRequest } from '@aws-sdk/client-s3';
import { headerValue } from '../../protocol/codec.js';
import type { RequestContext } from '../../service.js';
import { validateTags } from './buckets.js';
import { type ChecksumAlgorithm, checksumMember, createDigester, isChecksumAlgorithm } from './checksums.js';
import { checkConditions, checkWriteConditions, evaluateWriteConditions } from './conditions.js';
import { S3Errors } from './errors.js';
import { versionEvent } from './notifications-outbox.js';
import { lockForNewObject } from './object-lock.js';
import { checkNewKey, objectHeadersFrom, parseTaggingHeader, type S3Service } from './s3-service.js';
import { newVersionId, type ObjectVersion, type StoredChecksum, type Tag } from './state.js';

const DIRECTIVES: readonly string[] = ['COPY', 'REPLACE'];

/** A copy directive header's value (COPY by default), refused as S3 refuses an unknown one. */
function directive(value: string | undefined, kind: 'metadata' | 'tagging'): 'COPY' | 'REPLACE' {
  if (value === undefined) return 'COPY';
  if (!DIRECTIVES.includes(value))
    throw S3Errors.invalidArgument(`Unknown ${kind} directive.`, `x-amz-${kind}-directive`, value);
  return value as 'COPY' | 'REPLACE';
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

/** The bytes of a copy: a new blob with its MD5 and, when asked, a checksum over the copied bytes. */
export async function copyBytes(
  s3: S3Service,
  version: ObjectVersion,
  range: { start: number; end: number } | undefined,
  algorithm: ChecksumAlgorithm | undefined,
): Promise<{ blob: string; size: number; md5: Buffer; checksum: StoredChecksum | undefined }> {
  const body: Readable =
    version.blob && version.size > 0 ? s3.blobs.read(version.blob, range) : new PassThrough().end();
  const written = await s3.blobs.write(body, algorithm ? { checksum: createDigester(algorithm) } : {});
  const digest = written.digests['checksum'];
  return {
    blob: written.id,
    size: written.size,
    md5: written.md5,
    checksum: algorithm && digest ? { algorithm, value: digest.toString('base64'), type: 'FULL_OBJECT' } : undefined,
  };
}

export function copyHandlers(s3: S3Service) {
  const { state, blobs } = s3;
  return {
    async CopyObject(input: CopyObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const key = checkNewKey(input.Key as string);
      const metadataDirective = directive(input.MetadataDirective, 'metadata');
      const taggingDirective = directive(input.TaggingDirective, 'tagging');
      checkWriteConditions(input.IfMatch, input.IfNoneMatch);
      const { source, sourceBucket, sourceVersion } = readCopySource(s3, input, ctx);
      const replace = metadataDirective === 'REPLACE';
      const requestedAlgorithm = input.ChecksumAlgorithm?.toUpperCase();
      if (requestedAlgorithm !== undefined && !isChecksumAlgorithm(requestedAlgorithm)) {
        throw S3Errors.invalidRequest(
          'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
        );
      }
      const sameObject = sourceBucket.name === bucket.name && source.key === key && source.versionId === undefined;
      if (
        sameObject &&
        !replace &&
        !input.StorageClass &&
        !input.WebsiteRedirectLocation &&
        !input.ServerSideEncryption &&
        requestedAlgorithm === undefined
      ) {
        throw S3Errors.invalidRequest(
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        );
      }
      const tags: Tag[] =
        taggingDirective === 'REPLACE' ? validateTags(parseTaggingHeader(input.Tagging)) : sourceVersion.tags;
      const lastModified = Date.now();
      const lock = lockForNewObject(bucket, input, lastModified);
      const headers = replace
        ? objectHeadersFrom(input, headerValue(ctx.headers, 'expires'))
        : { ...sourceVersion.headers };
      if (!replace && input.StorageClass) headers.StorageClass = input.StorageClass;
      if (!replace && input.WebsiteRedirectLocation) headers.WebsiteRedirectLocation = input.WebsiteRedirectLocation;
      const seenSeq = state.latest(bucket.name, key)?.seq;
      // A copy is a single-part object: a multipart source's ETag and composite checksum are
      // computed afresh over the bytes, as is the checksum of another algorithm when one is asked.
      const sourceChecksum = sourceVersion.checksum;
      const multipartSource = (sourceVersion.partsCount ?? 0) > 0;
      const algorithm: ChecksumAlgorithm | undefined =
        requestedAlgorithm ??
        (sourceChecksum?.type === 'COMPOSITE' && isChecksumAlgorithm(sourceChecksum.algorithm)
          ? sourceChecksum.algorithm
          : undefined);
      const recompute =
        multipartSource ||
        (algorithm !== undefined && (algorithm !== sourceChecksum?.algorithm || sourceChecksum.type !== 'FULL_OBJECT'));
      const copied = recompute ? await copyBytes(s3, sourceVersion, undefined, algorithm ?? 'CRC64NVME') : undefined;
      // Blobs are immutable and removed with their version, so a copy gets its own file.
      const blob = copied ? copied.blob : sourceVersion.blob ? blobs.copy(sourceVersion.blob) : undefined;
      const etag = copied ? `"${copied.md5.toString('hex')}"` : sourceVersion.etag;
      const checksum = copied ? copied.checksum : sourceChecksum;
      const { replacedBlobs, version } = s3.notifications.record(
        bucket,
        ctx,
        () => {
          try {
            evaluateWriteConditions(state.latest(bucket.name, key), key, input, seenSeq);
          } catch (error) {
            if (blob) blobs.remove(blob);
            throw error;
          }
          return state.putVersion(
            {
              bucket: bucket.name,
              key,
              deleteMarker: false,
              blob,
              size: sourceVersion.size,
              etag,
              lastModified,
              headers,
              metadata: replace ? (input.Metadata ?? {}) : sourceVersion.metadata,
              tags,
              checksum,
              partsCount: undefined,
              lock,
            },
            s3.versionIdFor(bucket, newVersionId),
          );
        },
        (result) => [versionEvent(bucket, 'ObjectCreated:Copy', result.version)],
      );
      for (const id of replacedBlobs) blobs.remove(id);
      const result: Record<string, unknown> = { ETag: version.etag, LastModified: new Date(lastModified) };
      if (version.checksum && isChecksumAlgorithm(version.checksum.algorithm)) {
        result[checksumMember(version.checksum.algorithm)] = version.checksum.value;
        result['ChecksumType'] = version.checksum.type;
      }
      return {
        CopyObjectResult: result,
        ...(bucket.versioning ? { VersionId: version.versionId } : {}),
        // S3 names the source version unless it is the null version.
        ...(sourceVersion.versionId !== 'null' ? { CopySourceVersionId: sourceVersion.versionId } : {}),
        ServerSideEncryption: 'AES256',
      };
    },
  };
}
