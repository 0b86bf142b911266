/**
 * GetObjectAttributes: the attributes named in `x-amz-object-attributes` (ETag, Checksum,
 * ObjectParts, StorageClass, ObjectSize) without the body. The ETag comes without its quotes, a
 * composite checksum without its `-N` suffix, and the parts are listed (paged by
 * `x-amz-max-parts` / `x-amz-part-number-marker`) only for composite-checksum objects, as S3
 * answers; other multipart objects report their part count alone.
 */
import type { GetObjectAttributesRequest } from '@aws-sdk/client-s3';
import type { RequestContext } from '../../service.js';
import { checksumMember, isChecksumAlgorithm } from './checksums.js';
import { S3Errors } from './errors.js';
import type { S3Service } from './s3-service.js';
import type { ObjectVersion } from './state.js';

const ATTRIBUTES: readonly string[] = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

/** The attribute names asked for: the header is a comma-separated list, which clients may send as one value. */
function requestedAttributes(names: string[] | undefined): Set<string> {
  const list = (names ?? [])
    .flatMap((n) => n.split(','))
    .map((n) => n.trim())
    .filter(Boolean);
  if (list.length === 0) {
    throw S3Errors.invalidRequest(
      'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    );
  }
  for (const name of list) {
    if (!ATTRIBUTES.includes(name))
      throw S3Errors.invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', name);
  }
  return new Set(list);
}

function objectParts(version: ObjectVersion, input: GetObjectAttributesRequest): Record<string, unknown> | undefined {
  const parts = version.parts;
  if (!parts?.length) return undefined;
  const checksum = version.checksum;
  if (checksum?.type !== 'COMPOSITE' || !isChecksumAlgorithm(checksum.algorithm))
    return { TotalPartsCount: parts.length };
  const member = checksumMember(checksum.algorithm);
  const marker = Number(input.PartNumberMarker ?? 0);
  const max = input.MaxParts ?? 1000;
  const after = parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, max);
  return {
    TotalPartsCount: parts.length,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.at(-1)?.partNumber ?? 0,
    MaxParts: max,
    IsTruncated: after.length > page.length,
    ...(page.length
      ? {
          Parts: page.map((p) => ({
            PartNumber: p.partNumber,
            Size: p.size,
            ...(p.checksum ? { [member]: p.checksum } : {}),
          })),
        }
      : {}),
  };
}

export function objectAttributesHandlers(s3: S3Service) {
  return {
    GetObjectAttributes(input: GetObjectAttributesRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId);
      const wanted = requestedAttributes(input.ObjectAttributes);
      const out: Record<string, unknown> = { LastModified: new Date(version.lastModified) };
      if (bucket.versioning) out['VersionId'] = version.versionId;
      if (wanted.has('ETag')) out['ETag'] = version.etag.replaceAll('"', '');
      const checksum = version.checksum;
      if (wanted.has('Checksum') && checksum && isChecksumAlgorithm(checksum.algorithm)) {
        out['Checksum'] = {
          [checksumMember(checksum.algorithm)]: checksum.value.replace(/-\d+$/, ''),
          ChecksumType: checksum.type,
        };
      }
      if (wanted.has('ObjectParts')) {
        const parts = objectParts(version, input);
        if (parts) out['ObjectParts'] = parts;
      }
      if (wanted.has('StorageClass')) out['StorageClass'] = version.headers.StorageClass ?? 'STANDARD';
      if (wanted.has('ObjectSize')) out['ObjectSize'] = version.size;
      return out;
    },
  };
}
