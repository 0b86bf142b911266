/**
 * The durable side of S3 event notifications: each bucket's configuration, and an outbox of the
 * messages still to deliver. A change that matches a configuration writes its outbox rows in the
 * same transaction as the change itself, so a message is never lost (nor sent for a change that
 * rolled back); after the commit a change event wakes the deliverer (src/cloud/events/push/s3/),
 * which removes a row once its destination accepted the message. Rows left at a restart are
 * delivered then: at least once, as S3 promises.
 */
import { randomBytes } from 'node:crypto';
import type { ChangeEvents } from '../../change-events.js';
import type { RequestContext } from '../../service.js';
import { type Migration, SqlState } from '../../store/database.js';
import { type DestinationKind, type NotificationRule, ruleMatches } from './notifications-rules.js';
import { ownerId } from './s3-service.js';
import type { Bucket, ObjectVersion } from './state.js';

export const notificationMigrations: Migration[] = [
  {
    id: 's3-003-notification-outbox',
    sql: `
      ALTER TABLE s3_buckets ADD COLUMN notification TEXT;
      CREATE TABLE s3_notification_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        bucket TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        destination TEXT NOT NULL,
        configuration_id TEXT NOT NULL,
        message TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL
      );
      CREATE INDEX s3_notification_outbox_due ON s3_notification_outbox (due_at, id);
    `,
  },
];

/** One change to an object, as a notification describes it (before it meets the configurations). */
export interface ObjectEvent {
  /** `ObjectCreated:Put`, `ObjectRemoved:DeleteMarkerCreated`, `ObjectTagging:Put` ... */
  name: string;
  key: string;
  size?: number | undefined;
  /** Without quotes, as notifications carry it. */
  eTag?: string | undefined;
  /** Only for versioning-enabled (or suspended) buckets. */
  versionId?: string | undefined;
  /** ObjectRestore:Completed only: when the restored copy expires, and the class it came from. */
  glacierEventData?:
    | { restoreEventData: { lifecycleRestorationExpiryTime: string; lifecycleRestoreStorageClass: string } }
    | undefined;
}

/** A message waiting in the outbox. */
export interface PendingNotification {
  id: number;
  bucket: string;
  /** The bucket's account and region: the source the destination's policy is asked about. */
  accountId: string;
  region: string;
  kind: DestinationKind;
  destination: string;
  configurationId: string;
  /** The JSON text to deliver (`{"Records":[...]}`). */
  message: string;
  attempts: number;
}

interface OutboxRow {
  id: number;
  bucket: string;
  account_id: string;
  region: string;
  kind: string;
  destination: string;
  configuration_id: string;
  message: string;
  attempts: number;
}

/** Encodes a key as S3 notifications do (form encoding: `+` for spaces; slashes kept). */
export function notificationKey(key: string): string {
  // Slashes stay as they are (`photos/a.jpg`), as in AWS's events and LocalStack's recordings.
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** The in-process API the deliverer reads the outbox through. */
export interface S3NotificationOutbox {
  /** Messages due at `now`, oldest first, leaving out `skip` (those being delivered). */
  due(now: number, limit: number, skip: ReadonlySet<number>): PendingNotification[];
  /** When the next message not in `skip` is due (undefined when the outbox is empty). */
  nextDueAt(skip: ReadonlySet<number>): number | undefined;
  /** The destination took the message (or refused it for good): it leaves the outbox. */
  done(id: number): void;
  /** The delivery failed for now: try again at `dueAt`. */
  retryAt(id: number, dueAt: number): void;
}

export class S3NotificationStore extends SqlState implements S3NotificationOutbox {
  /** Sequencers grow with every event in this process, and start above any earlier run's. */
  private sequence = 0;

  constructor(
    db: SqlState['db'],
    private readonly events: ChangeEvents,
  ) {
    super(db);
  }

  configuration(bucket: string): NotificationRule[] {
    const row = this.sql('SELECT notification FROM s3_buckets WHERE name = ?').get(bucket) as
      | { notification: string | null }
      | undefined;
    return row?.notification ? (JSON.parse(row.notification) as NotificationRule[]) : [];
  }

  setConfiguration(bucket: string, rules: readonly NotificationRule[]): void {
    this.sql('UPDATE s3_buckets SET notification = ? WHERE name = ?').run(
      rules.length ? JSON.stringify(rules) : null,
      bucket,
    );
  }

  /**
   * Runs `change` (a state write) and, in the same transaction, queues a message for every
   * configuration its events match; wakes the deliverer once it committed.
   */
  record<T>(bucket: Bucket, ctx: RequestContext, change: () => T, describe: (result: T) => ObjectEvent[]): T {
    let queued = 0;
    const result = this.transaction(() => {
      const result = change();
      const rules = this.configuration(bucket.name);
      if (rules.length === 0) return result;
      const insert = this.sql(
        `INSERT INTO s3_notification_outbox (bucket, account_id, region, kind, destination, configuration_id, message, due_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
      );
      for (const event of describe(result)) {
        for (const rule of rules) {
          if (!ruleMatches(rule, event.name, event.key)) continue;
          const message = JSON.stringify({ Records: [this.eventRecord(bucket, ctx, event, rule.id)] });
          insert.run(bucket.name, bucket.accountId, bucket.region, rule.kind, rule.arn, rule.id, message);
          queued++;
        }
      }
      return result;
    });
    if (queued > 0) this.events.emit('s3.notifications', { bucket: bucket.name });
    return result;
  }

  due(now: number, limit: number, skip: ReadonlySet<number>): PendingNotification[] {
    const rows = this.sql('SELECT * FROM s3_notification_outbox WHERE due_at <= ? ORDER BY id LIMIT ?').all(
      now,
      limit + skip.size,
    ) as OutboxRow[];
    return rows
      .filter((row) => !skip.has(row.id))
      .slice(0, limit)
      .map((row) => ({
        id: row.id,
        bucket: row.bucket,
        accountId: row.account_id,
        region: row.region,
        kind: row.kind as DestinationKind,
        destination: row.destination,
        configurationId: row.configuration_id,
        message: row.message,
        attempts: row.attempts,
      }));
  }

  nextDueAt(skip: ReadonlySet<number>): number | undefined {
    const rows = this.sql('SELECT id, due_at FROM s3_notification_outbox ORDER BY due_at, id LIMIT ?').all(
      skip.size + 1,
    ) as { id: number; due_at: number }[];
    return rows.find((row) => !skip.has(row.id))?.due_at;
  }

  done(id: number): void {
    this.sql('DELETE FROM s3_notification_outbox WHERE id = ?').run(id);
  }

  retryAt(id: number, dueAt: number): void {
    this.sql('UPDATE s3_notification_outbox SET attempts = attempts + 1, due_at = ? WHERE id = ?').run(dueAt, id);
  }

  /** The event record as S3 sends it (eventVersion 2.1; 2.3 for tagging events, as S3 does). */
  private eventRecord(bucket: Bucket, ctx: RequestContext, event: ObjectEvent, configurationId: string) {
    const tagging = event.name.startsWith('ObjectTagging:');
    const object: Record<string, unknown> = { key: notificationKey(event.key) };
    if (event.size !== undefined) object['size'] = event.size;
    if (event.eTag !== undefined) object['eTag'] = event.eTag;
    if (event.versionId !== undefined) object['versionId'] = event.versionId;
    if (!tagging) object['sequencer'] = this.nextSequencer();
    return {
      eventVersion: tagging ? '2.3' : '2.1',
      eventSource: 'aws:s3',
      awsRegion: bucket.region,
      eventTime: new Date(ctx.cloud.now()).toISOString(),
      eventName: event.name,
      userIdentity: { principalId: principalIdOf(ctx) },
      requestParameters: { sourceIPAddress: sourceAddressOf(ctx) },
      responseElements: {
        'x-amz-request-id': ctx.requestId.replace(/-/g, '').slice(0, 16).toUpperCase(),
        'x-amz-id-2': randomBytes(48).toString('base64'),
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId,
        bucket: {
          name: bucket.name,
          ownerIdentity: { principalId: ownerPrincipalId(bucket.accountId) },
          arn: `arn:aws:s3:::${bucket.name}`,
        },
        object,
      },
      ...(event.glacierEventData ? { glacierEventData: event.glacierEventData } : {}),
    };
  }

  /**
   * A hex sequencer that orders events on a key as S3's does (later events compare greater as
   * strings of equal length): the time in microseconds and a counter.
   */
  private nextSequencer(): string {
    this.sequence = (this.sequence + 1) % 0x10000;
    const value = BigInt(Date.now()) * 0x10000n + BigInt(this.sequence);
    return value.toString(16).toUpperCase().padStart(18, '0');
  }
}

/** S3 names the caller as `AWS:<principal id>`; the local cloud's principal is the access key's account. */
function principalIdOf(ctx: RequestContext): string {
  return `AWS:${ctx.credentials?.accessKeyId ?? ctx.accountId}`;
}

function ownerPrincipalId(accountId: string): string {
  return ownerId(accountId).slice(0, 14).toUpperCase();
}

function sourceAddressOf(ctx: RequestContext): string {
  const forwarded = ctx.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || '127.0.0.1';
}

/** The event of a change that left `version` (an object or a tagging change on it). */
export function versionEvent(bucket: Bucket, name: string, version: ObjectVersion): ObjectEvent {
  return {
    name,
    key: version.key,
    ...(name.startsWith('ObjectCreated:') ? { size: version.size } : {}),
    eTag: version.etag.replace(/"/g, ''),
    ...(bucket.versioning ? { versionId: version.versionId } : {}),
  };
}

/** The event of a DeleteObject: a delete marker created, or a version (or the null object) removed. */
export function deletionEvent(
  key: string,
  requestedVersionId: string | undefined,
  result: { VersionId?: string; DeleteMarker?: boolean },
): ObjectEvent {
  if (requestedVersionId === undefined && result.DeleteMarker)
    return { name: 'ObjectRemoved:DeleteMarkerCreated', key, versionId: result.VersionId };
  return { name: 'ObjectRemoved:Delete', key, ...(result.VersionId ? { versionId: result.VersionId } : {}) };
}
