/**
 * Archived objects and RestoreObject. An object stored in GLACIER or DEEP_ARCHIVE cannot be read
 * (GetObject answers 403 InvalidObjectState) until a restore made a temporary copy of it. A restore
 * is a row per object version with its times: ongoing until `completes_at`, restored until
 * `expires_at` (the completion plus Days, rounded up to the next midnight UTC, as S3 rounds it),
 * gone after. HEAD and GET report it in `x-amz-restore`.
 *
 * Reads judge a restore by the cloud's clock alone; the sweeper below turns the times into the
 * notifications S3 sends (`s3:ObjectRestore:Completed` when the copy is ready,
 * `s3:ObjectRestore:Delete` when it expires), each written to the notification outbox in the same
 * transaction as the row's change, so none is lost across a restart. RestoreObject itself sends
 * `s3:ObjectRestore:Post`. AWS takes hours; here a restore takes `restoreDelayMs` for every tier.
 */
import { randomUUID } from 'node:crypto';
import type { RestoreObjectRequest } from '@aws-sdk/client-s3';
import type { CloudContext } from '../../context.js';
import { AwsError } from '../../errors.js';
import { HttpStatus, type RequestContext } from '../../service.js';
import { type Migration, SqlState } from '../../store/database.js';
import { S3Errors } from './errors.js';
import type { ObjectEvent } from './notifications-outbox.js';
import type { S3Service } from './s3-service.js';
import type { Bucket, ObjectVersion } from './state.js';

export const restoreMigrations: Migration[] = [
  {
    id: 's3-restore-001-restores',
    sql: `
      CREATE TABLE s3_restores (
        seq INTEGER PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        storage_class TEXT NOT NULL,
        completes_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        completion_notified INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX s3_restores_completing ON s3_restores (completion_notified, completes_at);
      CREATE INDEX s3_restores_expiring ON s3_restores (expires_at);
      -- A version that goes (deleted, or replaced as the null version) takes its restore with it.
      CREATE TRIGGER s3_restores_version_gone AFTER DELETE ON s3_objects
        BEGIN DELETE FROM s3_restores WHERE seq = OLD.seq; END;
    `,
  },
];

/** How long a restore takes by default (AWS: minutes to hours by tier; scaled down here). */
export const DEFAULT_RESTORE_DELAY_MS = 3000;
/** The sweeper looks again at least this often while restores are pending: tests move the clock. */
const SWEEP_MS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Storage classes whose objects must be restored before they can be read. */
const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);

const RestoreErrors = {
  invalidObjectState: (storageClass: string) =>
    new AwsError('InvalidObjectState', "The operation is not valid for the object's storage class", 403, {
      StorageClass: storageClass,
    }),
  inProgress: () => new AwsError('RestoreAlreadyInProgress', 'Object restore is already in progress', 409),
  selectNotImplemented: () =>
    new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501),
};

export interface Restore {
  seq: number;
  bucket: string;
  key: string;
  versionId: string;
  size: number;
  etag: string;
  storageClass: string;
  completesAt: number;
  expiresAt: number;
  completionNotified: boolean;
}

interface RestoreRow {
  seq: number;
  bucket: string;
  key: string;
  version_id: string;
  size: number;
  etag: string;
  storage_class: string;
  completes_at: number;
  expires_at: number;
  completion_notified: number;
}

function toRestore(row: RestoreRow): Restore {
  return {
    seq: row.seq,
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    size: row.size,
    etag: row.etag,
    storageClass: row.storage_class,
    completesAt: row.completes_at,
    expiresAt: row.expires_at,
    completionNotified: row.completion_notified === 1,
  };
}

/** The storage class a version was stored in. */
function storageClassOf(version: ObjectVersion): string {
  return version.headers.StorageClass ?? 'STANDARD';
}

/** When a copy restored at `completedAt` for `days` expires: S3 rounds up to the next midnight UTC. */
export function restoreExpiry(completedAt: number, days: number): number {
  return Math.ceil((completedAt + days * DAY_MS) / DAY_MS) * DAY_MS;
}

/** The `x-amz-restore` value of a restore at `now` (undefined once the copy expired). */
function restoreHeader(restore: Restore | undefined, now: number): string | undefined {
  if (!restore || now >= restore.expiresAt) return undefined;
  if (now < restore.completesAt) return 'ongoing-request="true"';
  return `ongoing-request="false", expiry-date="${new Date(restore.expiresAt).toUTCString()}"`;
}

export class RestoreStore extends SqlState {
  get(seq: number): Restore | undefined {
    const row = this.sql('SELECT * FROM s3_restores WHERE seq = ?').get(seq) as RestoreRow | undefined;
    return row ? toRestore(row) : undefined;
  }

  /** A new restore of `version` (replacing an expired one). */
  begin(version: ObjectVersion, completesAt: number, expiresAt: number): void {
    this.sql(
      `INSERT OR REPLACE INTO s3_restores (seq, bucket, key, version_id, size, etag, storage_class, completes_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      version.seq,
      version.bucket,
      version.key,
      version.versionId,
      version.size,
      version.etag,
      storageClassOf(version),
      completesAt,
      expiresAt,
    );
  }

  /** A restore of an already restored copy sets a new expiry. */
  extend(seq: number, expiresAt: number): void {
    this.sql('UPDATE s3_restores SET expires_at = ? WHERE seq = ?').run(expiresAt, seq);
  }

  markCompletionNotified(seq: number): void {
    this.sql('UPDATE s3_restores SET completion_notified = 1 WHERE seq = ?').run(seq);
  }

  remove(seq: number): void {
    this.sql('DELETE FROM s3_restores WHERE seq = ?').run(seq);
  }

  /** Restores whose completion or expiry is due at `now` and not yet notified. */
  due(now: number): { completed: Restore[]; expired: Restore[] } {
    const completed = this.sql(
      'SELECT * FROM s3_restores WHERE completion_notified = 0 AND completes_at <= ? ORDER BY completes_at',
    ).all(now) as RestoreRow[];
    const expired = this.sql('SELECT * FROM s3_restores WHERE expires_at <= ? ORDER BY expires_at').all(
      now,
    ) as RestoreRow[];
    return { completed: completed.map(toRestore), expired: expired.map(toRestore) };
  }

  /** When the next completion or expiry is due (undefined when nothing is pending). */
  nextDueAt(): number | undefined {
    const row = this.sql(
      `SELECT MIN(at) AS at FROM (
         SELECT MIN(completes_at) AS at FROM s3_restores WHERE completion_notified = 0
         UNION ALL SELECT MIN(expires_at) FROM s3_restores)`,
    ).get() as { at: number | null };
    return row.at ?? undefined;
  }

  /** `x-amz-restore` for HEAD: only archived versions can have one. */
  header(version: ObjectVersion, now: number): string | undefined {
    return ARCHIVED.has(storageClassOf(version)) ? restoreHeader(this.get(version.seq), now) : undefined;
  }

  /**
   * For GET: an archived version reads only while a restored copy exists (else 403
   * InvalidObjectState naming its class); returns its `x-amz-restore`.
   */
  readable(version: ObjectVersion, now: number): string | undefined {
    const storageClass = storageClassOf(version);
    if (!ARCHIVED.has(storageClass)) return undefined;
    const restore = this.get(version.seq);
    if (!restore || now < restore.completesAt || now >= restore.expiresAt)
      throw RestoreErrors.invalidObjectState(storageClass);
    return restoreHeader(restore, now);
  }
}

/** The notification of a restore's step, as S3 describes the object in it. */
function restoreEvent(bucket: Bucket, name: string, restore: Restore, glacier = false): ObjectEvent {
  return {
    name,
    key: restore.key,
    size: restore.size,
    eTag: restore.etag.replace(/"/g, ''),
    ...(bucket.versioning ? { versionId: restore.versionId } : {}),
    ...(glacier
      ? {
          glacierEventData: {
            restoreEventData: {
              lifecycleRestorationExpiryTime: new Date(restore.expiresAt).toISOString(),
              lifecycleRestoreStorageClass: restore.storageClass,
            },
          },
        }
      : {}),
  };
}

/**
 * Sends the notifications of restores that completed or expired, by the cloud's clock. It wakes at
 * the next due time, and at least every SWEEP_MS while restores are pending (the clock may move).
 */
export class RestoreSweeper {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly s3: S3Service,
    private readonly store: RestoreStore,
    private readonly cloud: CloudContext,
  ) {}

  /** Looks at once, then as long as restores are pending. */
  wake(): void {
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Notifies every completion and expiry due at `now`. */
  settle(now: number): void {
    const { completed, expired } = this.store.due(now);
    for (const restore of completed) {
      this.notify(restore, 'ObjectRestore:Completed', () => this.store.markCompletionNotified(restore.seq));
    }
    for (const restore of expired) this.notify(restore, 'ObjectRestore:Delete', () => this.store.remove(restore.seq));
  }

  private notify(restore: Restore, name: string, change: () => void): void {
    const bucket = this.s3.state.getBucket(restore.bucket);
    if (!bucket) {
      this.store.remove(restore.seq);
      return;
    }
    const completed = name === 'ObjectRestore:Completed';
    this.s3.notifications.record(bucket, backgroundContext(this.cloud, bucket), change, () => [
      restoreEvent(bucket, name, restore, completed),
    ]);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => this.sweep(), delayMs);
    this.timer.unref();
  }

  private sweep(): void {
    // The database closes with the cloud; a sweep left behind has nothing more to do.
    if (this.closed || !this.store.db.open) return;
    const now = this.cloud.now();
    try {
      this.settle(now);
    } catch (error) {
      this.cloud.log(`S3 restore sweep failed: ${(error as Error).stack ?? String(error)}`);
    }
    const next = this.store.nextDueAt();
    if (next !== undefined) this.schedule(Math.min(Math.max(next - now, 0), SWEEP_MS));
  }
}

/** The context of a change S3 makes by itself (a restore completing or expiring). */
function backgroundContext(cloud: CloudContext, bucket: Bucket): RequestContext {
  return {
    requestId: randomUUID(),
    region: bucket.region,
    accountId: bucket.accountId,
    credentials: undefined,
    endpoint: cloud.endpoint(),
    trailers: Promise.resolve({}),
    cloud,
    headers: {},
  };
}

export function restoreHandlers(s3: S3Service, store: RestoreStore, sweeper: RestoreSweeper, delayMs: number) {
  return {
    RestoreObject(input: RestoreObjectRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const version = s3.resolve(bucket, input.Key as string, input.VersionId);
      const request = input.RestoreRequest;
      if (request?.Type === 'SELECT') throw RestoreErrors.selectNotImplemented();
      const storageClass = storageClassOf(version);
      if (!ARCHIVED.has(storageClass)) throw RestoreErrors.invalidObjectState(storageClass);
      const days = request?.Days;
      if (days === undefined) throw S3Errors.malformedXml();
      if (!Number.isInteger(days) || days < 1)
        throw S3Errors.invalidArgument('Days must be a positive integer', 'Days', String(days));
      const now = ctx.cloud.now();
      // An expired copy is notified (and gone) before a new restore starts.
      sweeper.settle(now);
      const existing = store.get(version.seq);
      if (existing && now < existing.completesAt) throw RestoreErrors.inProgress();
      if (existing) {
        // A restored copy gets a new expiry, counted from now: 200 instead of 202.
        store.extend(version.seq, restoreExpiry(now, days));
        return { [HttpStatus]: 200 };
      }
      const completesAt = now + delayMs;
      s3.notifications.record(
        bucket,
        ctx,
        () => store.begin(version, completesAt, restoreExpiry(completesAt, days)),
        () => [restoreEvent(bucket, 'ObjectRestore:Post', store.get(version.seq) as Restore)],
      );
      sweeper.wake();
      return { [HttpStatus]: 202 };
    },
  };
}
