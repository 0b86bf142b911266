/**
 * S3 listings: ListObjectsV2, ListObjects (v1) and ListObjectVersions, with prefix, delimiter
 * (common prefixes), max-keys, markers and continuation tokens, and `encoding-type=url`.
 */
import type { ListObjectsRequest, ListObjectsV2Request, ListObjectVersionsRequest } from '@aws-sdk/client-s3';
import type { RequestContext } from '../../service.js';
import { S3Errors } from './errors.js';
import type { S3Service } from './s3-service.js';
import type { ObjectVersion } from './state.js';

const BATCH = 1000;

/** The smallest string greater than every string starting with `prefix` (in code point order). */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length) {
    const last = (points.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) return points.join('') + String.fromCodePoint(last + 1);
  }
  return undefined;
}

function maxKeys(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (value < 0)
    throw S3Errors.invalidArgument(
      'Argument maxKeys must be an integer between 0 and 2147483647',
      'maxKeys',
      String(value),
    );
  return Math.min(value, 1000);
}

/** S3's `encoding-type=url`: form-style percent encoding of keys and prefixes in the response. */
function encoder(encodingType: string | undefined): (s: string | undefined) => string | undefined {
  if (encodingType === undefined) return (s) => s;
  if (encodingType !== 'url')
    throw S3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  return (s) => (s === undefined ? s : encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+'));
}

interface Walk<T> {
  entries: T[];
  prefixes: string[];
  truncated: boolean;
  /** Last key or common prefix returned, for markers. */
  last: string | undefined;
}

/**
 * Walks latest objects after `start`, folding keys that share a delimiter segment into common
 * prefixes; stops after `max` entries + prefixes. Skips each common prefix's keys with one seek.
 */
function walkLatest(
  s3: S3Service,
  bucket: string,
  prefix: string,
  delimiter: string | undefined,
  after: string | undefined,
  max: number,
): Walk<ObjectVersion> {
  const out: Walk<ObjectVersion> = { entries: [], prefixes: [], truncated: false, last: undefined };
  const end = prefix ? prefixSuccessor(prefix) : undefined;
  let cursor = after;
  let from = prefix;
  // A marker that is a common prefix (S3's NextMarker with a delimiter) skips everything under it.
  if (after !== undefined && delimiter && after.endsWith(delimiter) && after.startsWith(prefix)) {
    const skip = prefixSuccessor(after);
    if (skip === undefined) return out;
    if (skip > from) from = skip;
    cursor = undefined;
  }
  while (true) {
    const batch = s3.state.listLatest(bucket, from, cursor, BATCH);
    if (batch.length === 0) return out;
    let seekTo: string | undefined;
    for (const object of batch) {
      if (end !== undefined && object.key >= end) return out;
      if (!object.key.startsWith(prefix)) continue;
      let commonPrefix: string | undefined;
      if (delimiter) {
        const at = object.key.indexOf(delimiter, prefix.length);
        if (at >= 0) commonPrefix = object.key.slice(0, at + delimiter.length);
      }
      if (out.entries.length + out.prefixes.length >= max) {
        out.truncated = true;
        return out;
      }
      if (commonPrefix !== undefined) {
        out.prefixes.push(commonPrefix);
        out.last = commonPrefix;
        seekTo = prefixSuccessor(commonPrefix);
        if (seekTo === undefined) return out;
        break;
      }
      out.entries.push(object);
      out.last = object.key;
      cursor = object.key;
    }
    if (seekTo !== undefined) {
      from = seekTo;
      cursor = undefined;
    } else if (batch.length < BATCH) {
      return out;
    }
  }
}

/** One `<Contents>` entry of a listing. */
function listEntry(
  o: ObjectVersion,
  enc: (s: string | undefined) => string | undefined,
  owner: { ID: string; DisplayName: string } | undefined,
) {
  return {
    Key: enc(o.key),
    LastModified: new Date(o.lastModified),
    ETag: o.etag,
    ...(o.checksum ? { ChecksumAlgorithm: [o.checksum.algorithm], ChecksumType: o.checksum.type } : {}),
    Size: o.size,
    StorageClass: o.headers.StorageClass ?? 'STANDARD',
    ...(owner ? { Owner: owner } : {}),
  };
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw S3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

export function listingHandlers(s3: S3Service) {
  return {
    ListObjectsV2(input: ListObjectsV2Request, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const max = maxKeys(input.MaxKeys);
      const enc = encoder(input.EncodingType);
      const prefix = input.Prefix ?? '';
      let after = input.StartAfter;
      if (input.ContinuationToken !== undefined) after = decodeToken(input.ContinuationToken);
      const walk = walkLatest(s3, bucket.name, prefix, input.Delimiter || undefined, after, max);
      const resume = walk.last;
      return {
        IsTruncated: walk.truncated,
        Contents: walk.entries.map((o) => listEntry(o, enc, input.FetchOwner ? s3.owner(bucket.accountId) : undefined)),
        Name: bucket.name,
        Prefix: enc(prefix),
        Delimiter: enc(input.Delimiter),
        MaxKeys: max,
        CommonPrefixes: walk.prefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: input.EncodingType,
        KeyCount: walk.entries.length + walk.prefixes.length,
        ContinuationToken: input.ContinuationToken,
        NextContinuationToken: walk.truncated && resume !== undefined ? encodeToken(resume) : undefined,
        StartAfter: enc(input.StartAfter),
      };
    },

    ListObjects(input: ListObjectsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const max = maxKeys(input.MaxKeys);
      const enc = encoder(input.EncodingType);
      const prefix = input.Prefix ?? '';
      const walk = walkLatest(s3, bucket.name, prefix, input.Delimiter || undefined, input.Marker || undefined, max);
      return {
        IsTruncated: walk.truncated,
        Marker: enc(input.Marker ?? ''),
        // S3 returns NextMarker only when a delimiter was given; otherwise clients use the last key.
        NextMarker: walk.truncated && input.Delimiter ? enc(walk.last) : undefined,
        // ListObjects (v1) always names the owner.
        Contents: walk.entries.map((o) => listEntry(o, enc, s3.owner(bucket.accountId))),
        Name: bucket.name,
        Prefix: enc(prefix),
        Delimiter: enc(input.Delimiter),
        MaxKeys: max,
        CommonPrefixes: walk.prefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: input.EncodingType,
      };
    },

    ListObjectVersions(input: ListObjectVersionsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const max = maxKeys(input.MaxKeys);
      const enc = encoder(input.EncodingType);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const end = prefix ? prefixSuccessor(prefix) : undefined;
      const keyMarker = input.KeyMarker || undefined;
      const versions: ObjectVersion[] = [];
      const prefixes: string[] = [];
      let truncated = false;
      let nextKey: string | undefined;
      let nextVersion: string | undefined;
      let from = prefix;
      // Keyset cursor over (key asc, seq desc): a key marker alone skips every version of that key.
      let after: { key: string; seq: number } | undefined;
      let exhausted = false;
      if (keyMarker !== undefined && delimiter && keyMarker.endsWith(delimiter) && keyMarker.startsWith(prefix)) {
        // A key marker that is a common prefix (NextKeyMarker of a page that ended on one) skips
        // every version under it, which the previous page already rolled up.
        const skip = prefixSuccessor(keyMarker);
        if (skip === undefined) exhausted = true;
        else if (skip > from) from = skip;
      } else if (keyMarker !== undefined) {
        const marked = input.VersionIdMarker
          ? s3.state.version(bucket.name, keyMarker, input.VersionIdMarker)
          : undefined;
        after = { key: keyMarker, seq: marked ? marked.seq : -1 };
      }
      scan: while (!exhausted) {
        const batch = s3.state.listVersions(bucket.name, from, after, BATCH);
        if (batch.length === 0) break;
        let seek: string | undefined;
        for (const v of batch) {
          if (end !== undefined && v.key >= end) break scan;
          after = { key: v.key, seq: v.seq };
          if (!v.key.startsWith(prefix)) continue;
          if (versions.length + prefixes.length >= max) {
            truncated = true;
            break scan;
          }
          const at = delimiter ? v.key.indexOf(delimiter, prefix.length) : -1;
          if (delimiter && at >= 0) {
            const cp = v.key.slice(0, at + delimiter.length);
            prefixes.push(cp);
            nextKey = cp;
            nextVersion = undefined;
            seek = prefixSuccessor(cp);
            if (seek === undefined) break scan;
            break;
          }
          versions.push(v);
          nextKey = v.key;
          nextVersion = v.versionId;
        }
        if (seek !== undefined) {
          from = seek;
          after = undefined;
        } else if (batch.length < BATCH) {
          break;
        }
      }
      const owner = s3.owner(bucket.accountId);
      return {
        IsTruncated: truncated,
        KeyMarker: enc(input.KeyMarker ?? ''),
        VersionIdMarker: input.VersionIdMarker ?? '',
        NextKeyMarker: truncated ? enc(nextKey) : undefined,
        NextVersionIdMarker: truncated ? nextVersion : undefined,
        Versions: versions
          .filter((v) => !v.deleteMarker)
          .map((v) => ({
            ETag: v.etag,
            Size: v.size,
            StorageClass: v.headers.StorageClass ?? 'STANDARD',
            Key: enc(v.key),
            VersionId: v.versionId,
            IsLatest: v.isLatest,
            LastModified: new Date(v.lastModified),
            Owner: owner,
            ...(v.checksum ? { ChecksumAlgorithm: [v.checksum.algorithm], ChecksumType: v.checksum.type } : {}),
          })),
        DeleteMarkers: versions
          .filter((v) => v.deleteMarker)
          .map((v) => ({
            Owner: owner,
            Key: enc(v.key),
            VersionId: v.versionId,
            IsLatest: v.isLatest,
            LastModified: new Date(v.lastModified),
          })),
        Name: bucket.name,
        Prefix: enc(prefix),
        Delimiter: enc(input.Delimiter),
        MaxKeys: max,
        CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: input.EncodingType,
      };
    },
  };
}
