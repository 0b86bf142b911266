/**
 * S3's conditional requests: reads (If-Match, If-None-Match, If-(Un)Modified-Since, and the
 * copy-source forms), writes (PutObject, CompleteMultipartUpload, CopyObject: If-None-Match `*`
 * and If-Match), DeleteObject's If-Match, and byte ranges.
 */
import { AwsError } from '../../errors.js';
import { S3Errors } from './errors.js';
import type { ObjectVersion } from './state.js';

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

const notImplementedHeader = (header: string, additionalMessage?: string) =>
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

/**
 * Whether a write may replace `current` (the key's latest version, read in the write's own
 * transaction) under If-Match / If-None-Match. `seenSeq` is the key's latest version when the
 * write began (the request's start, or CreateMultipartUpload's): a condition that holds now on a
 * key that changed since is S3's 409 ConditionalRequestConflict, to be retried.
 */
export function evaluateWriteConditions(
  current: ObjectVersion | undefined,
  key: string,
  conditions: { IfMatch?: string | undefined; IfNoneMatch?: string | undefined },
  seenSeq: number | undefined,
): void {
  const live = current && !current.deleteMarker ? current : undefined;
  const changed = current?.seq !== seenSeq;
  if (conditions.IfNoneMatch === '*') {
    if (live) throw S3Errors.preconditionFailed('If-None-Match');
    if (changed) throw S3Errors.conditionalRequestConflict('If-None-Match', key);
  }
  if (conditions.IfMatch !== undefined) {
    if (!live) throw S3Errors.noSuchKey(key);
    if (live.etag !== quoteEtag(conditions.IfMatch)) throw S3Errors.preconditionFailed('If-Match');
    if (changed) throw S3Errors.conditionalRequestConflict('If-Match', key);
  }
}

/**
 * DeleteObject's conditions on a general purpose bucket: If-Match against the version it would
 * delete (a missing one deletes nothing and succeeds, as S3 answers); the size and time
 * conditions are for directory buckets only and answer 501 NotImplemented.
 */
export function checkDeleteConditions(
  target: ObjectVersion | undefined,
  input: { IfMatch?: string | undefined; IfMatchLastModifiedTime?: Date | undefined; IfMatchSize?: number | undefined },
): void {
  if (input.IfMatchLastModifiedTime !== undefined) throw notImplementedHeader('x-amz-if-match-last-modified-time');
  if (input.IfMatchSize !== undefined) throw notImplementedHeader('x-amz-if-match-size');
  if (input.IfMatch === undefined || !target || target.deleteMarker) return;
  if (input.IfMatch !== '*' && target.etag !== quoteEtag(input.IfMatch)) throw S3Errors.preconditionFailed('If-Match');
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
