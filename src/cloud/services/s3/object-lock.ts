/**
 * S3 Object Lock: the bucket's configuration (enabled at creation, or later on a bucket with
 * versioning Enabled; never disabled), default retention, per-version retention (GOVERNANCE,
 * which `x-amz-bypass-governance-retention` may shorten or remove, and COMPLIANCE, which nobody
 * may) and legal holds. A locked version cannot be deleted by version id until its retention ends
 * and its legal hold is off; deleting the key still adds a delete marker, as on AWS.
 */
import type {
  GetObjectLegalHoldRequest,
  GetObjectLockConfigurationRequest,
  GetObjectRetentionRequest,
  PutObjectLegalHoldRequest,
  PutObjectLockConfigurationRequest,
  PutObjectRetentionRequest,
} from '@aws-sdk/client-s3';
import { headerValue } from '../../protocol/codec.js';
import type { RequestContext } from '../../service.js';
import { S3Errors } from './errors.js';
import type { S3Service } from './s3-service.js';
import type { Bucket, BucketObjectLock, LockMode, ObjectLock, ObjectVersion } from './state.js';

const LOCK_MODES: readonly string[] = ['GOVERNANCE', 'COMPLIANCE'];
const LEGAL_HOLD_STATUSES: readonly string[] = ['ON', 'OFF'];
const DAY_MS = 24 * 60 * 60 * 1000;

function isLockMode(value: unknown): value is LockMode {
  return typeof value === 'string' && LOCK_MODES.includes(value);
}

/** The lock parameters a Put/Copy/CreateMultipartUpload request may carry (`x-amz-object-lock-*`). */
export interface LockParameters {
  ObjectLockMode?: string | undefined;
  ObjectLockRetainUntilDate?: Date | undefined;
  ObjectLockLegalHoldStatus?: string | undefined;
}

/** `x-amz-bypass-governance-retention` only means something on a bucket with Object Lock. */
export function checkBypassHeader(bucket: Bucket, bypass: boolean | undefined): void {
  if (bypass !== undefined && !bucket.objectLock) {
    throw S3Errors.invalidArgument(
      'x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.',
      'x-amz-bypass-governance-retention',
    );
  }
}

/**
 * The lock a new object version gets: the request's retention and legal hold, or else the bucket's
 * default retention counted from `now`. Lock parameters on a bucket without Object Lock are refused.
 */
export function lockForNewObject(bucket: Bucket, input: LockParameters, now: number): ObjectLock | undefined {
  const { ObjectLockMode: mode, ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: legalHold } = input;
  const explicit = mode !== undefined || until !== undefined || legalHold !== undefined;
  if (explicit && !bucket.objectLock) throw S3Errors.missingObjectLockConfiguration();
  if (mode !== undefined && until === undefined) {
    throw S3Errors.invalidArgument(
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
      'x-amz-object-lock-retain-until-date',
    );
  }
  if (mode === undefined && until !== undefined) {
    throw S3Errors.invalidArgument(
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
      'x-amz-object-lock-mode',
    );
  }
  if (mode !== undefined && !isLockMode(mode))
    throw S3Errors.invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
  if (until !== undefined && until.getTime() <= now) {
    throw S3Errors.invalidArgument(
      'The retain until date must be in the future!',
      'x-amz-object-lock-retain-until-date',
      until.toISOString(),
    );
  }
  if (legalHold !== undefined && !LEGAL_HOLD_STATUSES.includes(legalHold)) {
    throw S3Errors.invalidArgument(
      "Legal Hold must be either of 'ON' or 'OFF'",
      'x-amz-object-lock-legal-hold',
      legalHold,
    );
  }
  const lock: ObjectLock = {};
  if (isLockMode(mode) && until) {
    lock.mode = mode;
    lock.until = until.getTime();
  } else if (bucket.objectLock?.defaultRetention) {
    const { Mode, Days, Years } = bucket.objectLock.defaultRetention;
    lock.mode = Mode;
    lock.until = Years ? addYears(now, Years) : now + (Days ?? 0) * DAY_MS;
  }
  if (legalHold === 'ON' || legalHold === 'OFF') lock.legalHold = legalHold;
  return lock.mode || lock.legalHold ? lock : undefined;
}

function addYears(from: number, years: number): number {
  const date = new Date(from);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}

/**
 * S3 requires an integrity check (Content-MD5 or a flexible checksum, as a header or a trailer) on
 * a PUT that locks the object it writes.
 */
export function requireChecksumForLock(ctx: RequestContext, lock: ObjectLock | undefined): void {
  if (!lock) return;
  const has = (name: string) => headerValue(ctx.headers, name) !== undefined;
  const checksumHeader = Object.keys(ctx.headers).some((name) => name.toLowerCase().startsWith('x-amz-checksum-'));
  const trailer = headerValue(ctx.headers, 'x-amz-trailer')?.toLowerCase().startsWith('x-amz-checksum-') ?? false;
  if (has('content-md5') || checksumHeader || trailer || has('x-amz-sdk-checksum-algorithm')) return;
  throw S3Errors.invalidRequest(
    'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
  );
}

/** Whether a version's lock forbids deleting it (or shortening its retention) now. */
export function isLocked(version: ObjectVersion, bypassGovernance: boolean, now: number): boolean {
  const lock = version.lock;
  if (!lock) return false;
  if (lock.legalHold === 'ON') return true;
  if (!lock.mode || lock.until === undefined || lock.until <= now) return false;
  return lock.mode === 'COMPLIANCE' || !bypassGovernance;
}

/** The Object Lock members GET/HEAD answer for a version. */
export function lockHeaders(version: ObjectVersion): Record<string, unknown> {
  const lock = version.lock;
  if (!lock) return {};
  const out: Record<string, unknown> = {};
  if (lock.mode) out['ObjectLockMode'] = lock.mode;
  if (lock.until !== undefined) out['ObjectLockRetainUntilDate'] = new Date(lock.until);
  if (lock.legalHold) out['ObjectLockLegalHoldStatus'] = lock.legalHold;
  return out;
}

/** S3 names a past date in PST, whatever the bucket's region: `Tue Dec 31 16:00:00 PST 2019`. */
function pstDate(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      weekday: 'short',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      year: 'numeric',
      timeZoneName: 'short',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['weekday']} ${parts['month']} ${parts['day']} ${parts['hour']}:${parts['minute']}:${parts['second']} ${parts['timeZoneName']} ${parts['year']}`;
}

export function objectLockHandlers(s3: S3Service) {
  const { state } = s3;

  /** A bucket that has Object Lock, for the per-object lock operations. */
  function lockedBucket(name: string | undefined, ctx: RequestContext): Bucket {
    const bucket = s3.bucket(name, ctx);
    if (!bucket.objectLock) throw S3Errors.missingObjectLockConfiguration();
    return bucket;
  }

  return {
    PutObjectLockConfiguration(input: PutObjectLockConfigurationRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      if (!bucket.objectLock && bucket.versioning !== 'Enabled') {
        throw S3Errors.invalidBucketState(
          "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        );
      }
      const config = input.ObjectLockConfiguration;
      if (config?.ObjectLockEnabled !== 'Enabled') throw S3Errors.malformedXml();
      const lock: BucketObjectLock = {};
      if (config.Rule !== undefined) {
        const retention = config.Rule.DefaultRetention;
        if (!retention || !isLockMode(retention.Mode)) throw S3Errors.malformedXml();
        if ((retention.Days === undefined) === (retention.Years === undefined)) throw S3Errors.malformedXml();
        const period = retention.Days ?? retention.Years ?? 0;
        if (!Number.isInteger(period) || period <= 0) {
          throw S3Errors.invalidArgument(
            'Default retention period must be a positive integer value',
            'DefaultRetention',
          );
        }
        lock.defaultRetention = {
          Mode: retention.Mode,
          ...(retention.Days !== undefined ? { Days: retention.Days } : { Years: retention.Years as number }),
        };
      }
      state.setObjectLockConfiguration(bucket.name, lock);
      return {};
    },

    GetObjectLockConfiguration(input: GetObjectLockConfigurationRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      if (!bucket.objectLock) throw S3Errors.objectLockConfigurationNotFound(bucket.name);
      const retention = bucket.objectLock.defaultRetention;
      return {
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          ...(retention ? { Rule: { DefaultRetention: retention } } : {}),
        },
      };
    },

    PutObjectRetention(input: PutObjectRetentionRequest, ctx: RequestContext) {
      const bucket = lockedBucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'PUT');
      const retention = input.Retention;
      if (retention && (!isLockMode(retention.Mode) || !(retention.RetainUntilDate instanceof Date)))
        throw S3Errors.malformedXml();
      const now = Date.now();
      const until = retention?.RetainUntilDate?.getTime();
      if (retention?.RetainUntilDate && until !== undefined && until <= now) {
        throw S3Errors.invalidArgument(
          'The retain until date must be in the future!',
          'RetainUntilDate',
          pstDate(retention.RetainUntilDate),
        );
      }
      const current = version.lock;
      // Shortening, removing or weakening (COMPLIANCE to GOVERNANCE) a retention that is in force.
      const reduces =
        until === undefined ||
        (current?.until !== undefined && current.until > until) ||
        (current?.mode === 'COMPLIANCE' && retention?.Mode === 'GOVERNANCE');
      const inForce = current?.mode !== undefined && current.until !== undefined && current.until > now;
      if (reduces && inForce && (current?.mode === 'COMPLIANCE' || input.BypassGovernanceRetention !== true))
        throw S3Errors.protectedByObjectLock();
      state.setRetention(version.seq, retention?.Mode as LockMode | undefined, until);
      return {};
    },

    GetObjectRetention(input: GetObjectRetentionRequest, ctx: RequestContext) {
      const bucket = lockedBucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId);
      const lock = version.lock;
      if (!lock?.mode || lock.until === undefined) throw S3Errors.noSuchObjectLockConfiguration();
      return { Retention: { Mode: lock.mode, RetainUntilDate: new Date(lock.until) } };
    },

    PutObjectLegalHold(input: PutObjectLegalHoldRequest, ctx: RequestContext) {
      const status = input.LegalHold?.Status;
      if (status !== 'ON' && status !== 'OFF') throw S3Errors.malformedXml();
      const bucket = lockedBucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId, false, 'PUT');
      state.setLegalHold(version.seq, status);
      return {};
    },

    GetObjectLegalHold(input: GetObjectLegalHoldRequest, ctx: RequestContext) {
      const bucket = lockedBucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId);
      if (!version.lock?.legalHold) throw S3Errors.noSuchObjectLockConfiguration();
      return { LegalHold: { Status: version.lock.legalHold } };
    },
  };
}
