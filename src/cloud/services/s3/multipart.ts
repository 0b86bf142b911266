/** S3 multipart uploads: create, upload part (and part copy), complete, abort, list parts and uploads. */
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type {
  AbortMultipartUploadRequest,
  CompletedPart,
  CompleteMultipartUploadRequest,
  CreateMultipartUploadRequest,
  ListMultipartUploadsRequest,
  ListPartsRequest,
  UploadPartCopyRequest,
  UploadPartRequest,
} from '@aws-sdk/client-s3';
import { headerValue } from '../../protocol/codec.js';
import type { RequestContext } from '../../service.js';
import { validateTags } from './buckets.js';
import {
  type ChecksumAlgorithm,
  checksumMember,
  compositeChecksum,
  createDigester,
  isChecksumAlgorithm,
} from './checksums.js';
import { checkWriteConditions, evaluateWriteConditions, quoteEtag } from './conditions.js';
import { copyBytes, readCopySource } from './copy.js';
import { S3Errors } from './errors.js';
import { prefixSuccessor } from './listing.js';
import { versionEvent } from './notifications-outbox.js';
import { lockForNewObject } from './object-lock.js';
import { checkNewKey, objectHeadersFrom, parseTaggingHeader, type S3Service } from './s3-service.js';
import { type Bucket, newVersionId, type ObjectPart, type ObjectVersion, type Part, type Upload } from './state.js';

/** A streaming body: a Buffer when it was small enough to read whole (src/cloud/body.ts), else a stream. */
type WithBody<T> = Omit<T, 'Body'> & { Body?: Readable | Buffer };

const COPY_RANGE_FORM =
  'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy';

/** UploadPartCopy's `x-amz-copy-source-range`: stricter than a GET's Range (both ends, in the object). */
function parseCopySourceRange(value: string, size: number): { start: number; end: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(value);
  const start = Number(m?.[1]);
  const end = Number(m?.[2]);
  if (!m || start > end) throw S3Errors.invalidArgument(COPY_RANGE_FORM, 'x-amz-copy-source-range', value);
  if (start >= size) throw S3Errors.invalidRequest('The specified copy range is invalid for the source object size');
  if (end >= size) {
    throw S3Errors.invalidArgument(
      `Range specified is not valid for source object of size: ${size}`,
      'x-amz-copy-source-range',
      value,
    );
  }
  return { start, end };
}

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10000;

/** A part number S3 accepts (1 to 10000). */
export function checkPartNumber(n: number | undefined): number {
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PARTS) {
    throw S3Errors.invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      String(n),
    );
  }
  return n;
}

/** The parts a Complete named, as a comparable text (a repeated Complete must name the same ones). */
function completedPartsKey(parts: CompletedPart[]): string {
  return JSON.stringify(parts.map((p) => [p.PartNumber, quoteEtag(p.ETag ?? '')]));
}

/** CompleteMultipartUpload's answer for the version it created. */
function completeOutput(bucket: Bucket, key: string, version: ObjectVersion, ctx: RequestContext) {
  const out: Record<string, unknown> = {
    Location: `${ctx.endpoint}/${bucket.name}/${encodeURIComponent(key).replace(/%2F/g, '/')}`,
    Bucket: bucket.name,
    Key: key,
    ETag: version.etag,
    ServerSideEncryption: 'AES256',
    ...(bucket.versioning ? { VersionId: version.versionId } : {}),
  };
  const checksum = version.checksum;
  if (checksum && isChecksumAlgorithm(checksum.algorithm)) {
    out[checksumMember(checksum.algorithm)] = checksum.value;
    out['ChecksumType'] = checksum.type;
  }
  return out;
}

export function multipartHandlers(s3: S3Service) {
  const { state, blobs } = s3;

  function upload(bucketName: string, key: string, uploadId: string | undefined): Upload {
    const found = uploadId ? state.getUpload(uploadId) : undefined;
    if (!found || found.bucket !== bucketName || found.key !== key) throw S3Errors.noSuchUpload(uploadId ?? '');
    return found;
  }

  return {
    CreateMultipartUpload(input: CreateMultipartUploadRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const algorithm = input.ChecksumAlgorithm?.toUpperCase();
      if (algorithm !== undefined && !isChecksumAlgorithm(algorithm)) {
        throw S3Errors.invalidRequest(
          'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
        );
      }
      checkNewKey(input.Key as string);
      const uploadId = randomBytes(48).toString('base64url');
      state.createUpload({
        uploadId,
        bucket: bucket.name,
        key: input.Key as string,
        initiated: Date.now(),
        headers: objectHeadersFrom(input, headerValue(ctx.headers, 'expires')),
        metadata: input.Metadata ?? {},
        tags: validateTags(parseTaggingHeader(input.Tagging)),
        checksumAlgorithm: algorithm,
        checksumType: algorithm ? (input.ChecksumType ?? 'COMPOSITE') : undefined,
        lock: lockForNewObject(bucket, input, Date.now()),
        keySeq: state.latest(bucket.name, input.Key as string)?.seq,
      });
      return {
        Bucket: bucket.name,
        Key: input.Key,
        UploadId: uploadId,
        ServerSideEncryption: 'AES256',
        ...(algorithm ? { ChecksumAlgorithm: algorithm, ChecksumType: input.ChecksumType ?? 'COMPOSITE' } : {}),
      };
    },

    async UploadPart(input: WithBody<UploadPartRequest>, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const partNumber = checkPartNumber(input.PartNumber);
      const found = upload(bucket.name, input.Key as string, input.UploadId);
      const stored = await s3.storeBody(
        input.Body as Readable | Buffer,
        ctx,
        input.ChecksumAlgorithm ?? found.checksumAlgorithm,
        {
          part: true,
        },
      );
      if (!state.getUpload(found.uploadId)) {
        // Aborted or completed while this part was streaming in.
        blobs.remove(stored.blob);
        throw S3Errors.noSuchUpload(found.uploadId);
      }
      const replaced = state.putPart({
        uploadId: found.uploadId,
        partNumber,
        blob: stored.blob,
        size: stored.size,
        etag: stored.etag,
        md5: stored.md5,
        lastModified: Date.now(),
        checksum: JSON.stringify(stored.checksum),
      });
      if (replaced) blobs.remove(replaced);
      const out: Record<string, unknown> = { ETag: stored.etag, ServerSideEncryption: 'AES256' };
      if (
        isChecksumAlgorithm(stored.checksum.algorithm) &&
        stored.checksum.algorithm === (found.checksumAlgorithm ?? stored.checksum.algorithm)
      ) {
        out[checksumMember(stored.checksum.algorithm)] = stored.checksum.value;
      }
      return out;
    },

    async UploadPartCopy(input: UploadPartCopyRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const partNumber = checkPartNumber(input.PartNumber);
      const found = upload(bucket.name, input.Key as string, input.UploadId);
      const { sourceVersion } = readCopySource(s3, input, ctx);
      const range =
        input.CopySourceRange !== undefined
          ? parseCopySourceRange(input.CopySourceRange, sourceVersion.size)
          : undefined;
      // The part gets the upload's checksum algorithm over the copied bytes, as UploadPart would.
      const algorithm =
        found.checksumAlgorithm && isChecksumAlgorithm(found.checksumAlgorithm) ? found.checksumAlgorithm : undefined;
      const copied = await copyBytes(s3, sourceVersion, range, algorithm);
      if (!state.getUpload(found.uploadId)) {
        // Aborted or completed while the bytes were copied.
        blobs.remove(copied.blob);
        throw S3Errors.noSuchUpload(found.uploadId);
      }
      const etag = `"${copied.md5.toString('hex')}"`;
      const lastModified = Date.now();
      const replaced = state.putPart({
        uploadId: found.uploadId,
        partNumber,
        blob: copied.blob,
        size: copied.size,
        etag,
        md5: copied.md5,
        lastModified,
        checksum: copied.checksum ? JSON.stringify(copied.checksum) : undefined,
      });
      if (replaced) blobs.remove(replaced);
      const result: Record<string, unknown> = { ETag: etag, LastModified: new Date(lastModified) };
      if (copied.checksum && isChecksumAlgorithm(copied.checksum.algorithm))
        result[checksumMember(copied.checksum.algorithm)] = copied.checksum.value;
      return {
        CopyPartResult: result,
        ...(sourceVersion.versionId !== 'null' ? { CopySourceVersionId: sourceVersion.versionId } : {}),
        ServerSideEncryption: 'AES256',
      };
    },

    async CompleteMultipartUpload(input: CompleteMultipartUploadRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const key = input.Key as string;
      const requested = input.MultipartUpload?.Parts ?? [];
      // A Complete repeated after success (a client retrying a lost answer) gets the same answer.
      const completed = state.getUpload(input.UploadId ?? '') ? undefined : state.completedUpload(input.UploadId ?? '');
      if (completed && completed.bucket === bucket.name && completed.key === key) {
        if (completed.parts !== completedPartsKey(requested)) throw S3Errors.noSuchUpload(input.UploadId ?? '');
        return completeOutput(bucket, key, completed.version, ctx);
      }
      const found = upload(bucket.name, key, input.UploadId);
      checkWriteConditions(input.IfMatch, input.IfNoneMatch);
      if (!input.MultipartUpload) throw S3Errors.invalidRequest('You must specify at least one part');
      if (requested.length === 0) throw S3Errors.malformedXml();
      const stored = new Map(state.listParts(found.uploadId).map((p) => [p.partNumber, p]));
      const chosen: Part[] = [];
      let previous = 0;
      for (const p of requested) {
        const n = p.PartNumber ?? 0;
        if (n <= previous) throw S3Errors.invalidPartOrder(found.uploadId);
        previous = n;
        const part = stored.get(n);
        if (!part || part.etag !== quoteEtag(p.ETag ?? '')) throw S3Errors.invalidPart(found.uploadId, n, p.ETag);
        chosen.push(part);
      }
      chosen.forEach((part, i) => {
        if (i < chosen.length - 1 && part.size < MIN_PART_BYTES)
          throw S3Errors.entityTooSmall(part.partNumber, part.etag, part.size);
      });
      const algorithm =
        found.checksumAlgorithm && isChecksumAlgorithm(found.checksumAlgorithm) ? found.checksumAlgorithm : undefined;
      // Uploads without a checksum algorithm get a full-object CRC64NVME, as S3 gives them;
      // FULL_OBJECT uploads get their algorithm over the whole object; the others a composite.
      const fullObjectAlgorithm: ChecksumAlgorithm | undefined =
        algorithm === undefined ? 'CRC64NVME' : found.checksumType === 'FULL_OBJECT' ? algorithm : undefined;
      // Concatenate the parts into the object's blob (streamed, never in memory).
      const concatenated = new PassThrough();
      const writing = blobs.write(
        concatenated,
        fullObjectAlgorithm ? { checksum: createDigester(fullObjectAlgorithm) } : {},
      );
      for (const part of chosen) {
        for await (const chunk of blobs.read(part.blob)) {
          if (!concatenated.write(chunk)) await new Promise((resolve) => concatenated.once('drain', resolve));
        }
      }
      concatenated.end();
      const written = await writing;
      const md5s = createHash('md5');
      for (const part of chosen) md5s.update(part.md5);
      const etag = `"${md5s.digest('hex')}-${chosen.length}"`;
      let checksum: { algorithm: string; value: string; type: 'COMPOSITE' | 'FULL_OBJECT' } | undefined;
      const fullObjectDigest = written.digests['checksum'];
      const partChecksums = chosen.map((p) =>
        p.checksum ? (JSON.parse(p.checksum) as { algorithm: string; value: string }) : undefined,
      );
      if (fullObjectAlgorithm && fullObjectDigest) {
        checksum = { algorithm: fullObjectAlgorithm, value: fullObjectDigest.toString('base64'), type: 'FULL_OBJECT' };
      } else if (algorithm) {
        if (partChecksums.every((v) => v?.algorithm === algorithm)) {
          checksum = {
            algorithm,
            value: await compositeChecksum(
              algorithm,
              partChecksums.map((v) => (v as { value: string }).value),
            ),
            type: 'COMPOSITE',
          };
        }
      }
      // Parts are remembered for GET ?partNumber and GetObjectAttributes; their checksums only
      // where the object's checksum is composed of them.
      const parts: ObjectPart[] = chosen.map((part, i) => ({
        partNumber: part.partNumber,
        size: part.size,
        ...(checksum?.type === 'COMPOSITE' ? { checksum: partChecksums[i]?.value } : {}),
      }));
      const { replacedBlobs, partBlobs, version } = s3.notifications.record(
        bucket,
        ctx,
        () => {
          try {
            if (!state.getUpload(found.uploadId)) throw S3Errors.noSuchUpload(found.uploadId);
            evaluateWriteConditions(state.latest(bucket.name, key), key, input, found.keySeq);
          } catch (error) {
            blobs.remove(written.id);
            throw error;
          }
          return state.completeUpload(
            found.uploadId,
            {
              bucket: bucket.name,
              key,
              deleteMarker: false,
              blob: written.id,
              size: written.size,
              etag,
              lastModified: Date.now(),
              headers: found.headers,
              metadata: found.metadata,
              tags: found.tags,
              checksum,
              partsCount: chosen.length,
              parts,
              lock: found.lock,
            },
            s3.versionIdFor(bucket, newVersionId),
            completedPartsKey(requested),
          );
        },
        (result) => [versionEvent(bucket, 'ObjectCreated:CompleteMultipartUpload', result.version)],
      );
      for (const blob of [...replacedBlobs, ...partBlobs]) blobs.remove(blob);
      return completeOutput(bucket, key, version, ctx);
    },

    AbortMultipartUpload(input: AbortMultipartUploadRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const found = upload(bucket.name, input.Key as string, input.UploadId);
      for (const blob of state.deleteUpload(found.uploadId)) blobs.remove(blob);
      return {};
    },

    ListParts(input: ListPartsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const found = upload(bucket.name, input.Key as string, input.UploadId);
      const marker = Number(input.PartNumberMarker ?? 0);
      const max = Math.min(input.MaxParts ?? 1000, 1000);
      const all = state.listParts(found.uploadId).filter((p) => p.partNumber > marker);
      const page = all.slice(0, max);
      const truncated = all.length > max;
      const owner = s3.owner(bucket.accountId);
      return {
        Bucket: bucket.name,
        Key: found.key,
        UploadId: found.uploadId,
        PartNumberMarker: String(marker),
        NextPartNumberMarker: page.length ? String(page.at(-1)?.partNumber) : undefined,
        MaxParts: max,
        IsTruncated: truncated,
        Parts: page.map((p) => {
          const checksum = p.checksum ? (JSON.parse(p.checksum) as { algorithm: string; value: string }) : undefined;
          return {
            PartNumber: p.partNumber,
            LastModified: new Date(p.lastModified),
            ETag: p.etag,
            Size: p.size,
            ...(checksum && checksum.algorithm === found.checksumAlgorithm && isChecksumAlgorithm(checksum.algorithm)
              ? { [checksumMember(checksum.algorithm)]: checksum.value }
              : {}),
          };
        }),
        Initiator: owner,
        Owner: owner,
        StorageClass: found.headers.StorageClass ?? 'STANDARD',
        ...(found.checksumAlgorithm
          ? { ChecksumAlgorithm: found.checksumAlgorithm, ChecksumType: found.checksumType }
          : {}),
      };
    },

    ListMultipartUploads(input: ListMultipartUploadsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const max = Math.min(input.MaxUploads ?? 1000, 1000);
      const keyMarker = input.KeyMarker ?? '';
      const uploadIdMarker = input.UploadIdMarker ?? '';
      const uploads: Upload[] = [];
      const prefixes: string[] = [];
      let truncated = false;
      let skipUntil: string | undefined;
      let next: { key: string; uploadId: string | undefined } | undefined;
      // Uploads are in (key, initiation time) order; the markers resume after the named upload,
      // or after every upload of the key marker when no (known) upload id marker is given.
      const all = state.listUploads(bucket.name);
      let start = 0;
      if (keyMarker) {
        const marked = uploadIdMarker ? all.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker) : -1;
        start =
          marked >= 0
            ? marked + 1
            : all.findIndex(
                (u) => u.key > keyMarker || (u.key === keyMarker && !!uploadIdMarker && u.uploadId > uploadIdMarker),
              );
        if (start < 0) start = all.length;
      }
      for (const u of all.slice(start)) {
        if (!u.key.startsWith(prefix)) continue;
        if (skipUntil !== undefined && u.key < skipUntil) continue;
        if (uploads.length + prefixes.length >= max) {
          truncated = true;
          break;
        }
        const at = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
        if (delimiter && at >= 0) {
          const cp = u.key.slice(0, at + delimiter.length);
          prefixes.push(cp);
          next = { key: cp, uploadId: undefined };
          skipUntil = prefixSuccessor(cp);
          continue;
        }
        uploads.push(u);
        next = { key: u.key, uploadId: u.uploadId };
      }
      const owner = s3.owner(bucket.accountId);
      return {
        Bucket: bucket.name,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
        NextKeyMarker: truncated ? next?.key : undefined,
        NextUploadIdMarker: truncated ? next?.uploadId : undefined,
        Prefix: input.Prefix,
        Delimiter: input.Delimiter,
        MaxUploads: max,
        IsTruncated: truncated,
        Uploads: uploads.map((u) => ({
          UploadId: u.uploadId,
          Key: u.key,
          Initiated: new Date(u.initiated),
          StorageClass: u.headers.StorageClass ?? 'STANDARD',
          Owner: owner,
          Initiator: owner,
          ...(u.checksumAlgorithm ? { ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType } : {}),
        })),
        CommonPrefixes: prefixes.map((p) => ({ Prefix: p })),
      };
    },
  };
}
