/**
 * S3's persistent state: buckets, object versions (including delete markers), multipart uploads
 * and their parts, in SQLite; bodies are blob files (see store/blobs.ts). Keys compare as bytes
 * (SQLite's BINARY collation over UTF-8), which is S3's listing order.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Migration, RowCache, SqlState, type Statement } from '../../store/database.js';

export const s3Migrations: Migration[] = [
  {
    id: 's3-001-schema',
    sql: `
      CREATE TABLE s3_buckets (
        name TEXT PRIMARY KEY,
        region TEXT NOT NULL,
        account_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        versioning TEXT,
        tags TEXT
      );
      CREATE TABLE s3_objects (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        is_latest INTEGER NOT NULL,
        delete_marker INTEGER NOT NULL,
        blob TEXT,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum TEXT,
        parts_count INTEGER,
        UNIQUE (bucket, key, version_id)
      );
      CREATE INDEX s3_objects_latest ON s3_objects (bucket, is_latest, key);
      CREATE INDEX s3_objects_versions ON s3_objects (bucket, key, seq);
      CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        initiated INTEGER NOT NULL,
        headers TEXT NOT NULL,
        metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT
      );
      CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, upload_id);
      CREATE TABLE s3_parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        blob TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        md5 BLOB NOT NULL,
        last_modified INTEGER NOT NULL,
        checksum TEXT,
        PRIMARY KEY (upload_id, part_number)
      );
    `,
  },
  { id: 's3-002-bucket-policy', sql: 'ALTER TABLE s3_buckets ADD COLUMN policy TEXT;' },
  {
    // Part sizes of completed multipart objects (GET ?partNumber, GetObjectAttributes), Object Lock,
    // bucket logging, and the answers of completed uploads (a repeated Complete answers the same).
    id: 's3-004-parts-lock-logging',
    sql: `
      ALTER TABLE s3_objects ADD COLUMN parts TEXT;
      ALTER TABLE s3_objects ADD COLUMN lock_mode TEXT;
      ALTER TABLE s3_objects ADD COLUMN lock_until INTEGER;
      ALTER TABLE s3_objects ADD COLUMN legal_hold TEXT;
      ALTER TABLE s3_buckets ADD COLUMN object_lock TEXT;
      ALTER TABLE s3_buckets ADD COLUMN logging TEXT;
      ALTER TABLE s3_uploads ADD COLUMN lock TEXT;
      ALTER TABLE s3_uploads ADD COLUMN key_seq INTEGER;
      CREATE TABLE s3_completed_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        parts TEXT NOT NULL,
        completed_at INTEGER NOT NULL
      );
      CREATE INDEX s3_completed_uploads_bucket ON s3_completed_uploads (bucket);
    `,
  },
];

export type Versioning = 'Enabled' | 'Suspended' | undefined;

export interface Bucket {
  name: string;
  region: string;
  accountId: string;
  createdAt: number;
  versioning: Versioning;
  tags: Tag[] | undefined;
  /** The bucket policy as given (stored, not enforced). */
  policy?: string | undefined;
  /** Set once Object Lock is enabled (it cannot be disabled), with the default retention if any. */
  objectLock?: BucketObjectLock | undefined;
  /** The bucket's server access logging configuration, as PutBucketLogging stored it. */
  logging?: LoggingEnabled | undefined;
}

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface BucketObjectLock {
  defaultRetention?: { Mode: LockMode; Days?: number; Years?: number } | undefined;
}

export interface LoggingEnabled {
  TargetBucket: string;
  TargetPrefix: string;
  TargetGrants?: unknown[];
  TargetObjectKeyFormat?: unknown;
}

/** An object version's Object Lock state: retention (mode and date) and legal hold. */
export interface ObjectLock {
  mode?: LockMode | undefined;
  /** Retain-until date, epoch ms. */
  until?: number | undefined;
  legalHold?: 'ON' | 'OFF' | undefined;
}

/** One part of a completed multipart object, in object order. */
export interface ObjectPart {
  partNumber: number;
  size: number;
  /** The part's checksum (base64), kept for composite-checksum objects. */
  checksum?: string | undefined;
}

export interface Tag {
  Key: string;
  Value: string;
}

/** System headers kept with an object and returned on GET/HEAD. */
export interface ObjectHeaders {
  ContentType?: string;
  CacheControl?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  Expires?: string;
  WebsiteRedirectLocation?: string;
  ServerSideEncryption?: string;
  StorageClass?: string;
}

export interface StoredChecksum {
  algorithm: string;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface ObjectVersion {
  seq: number;
  bucket: string;
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  blob: string | undefined;
  size: number;
  etag: string;
  lastModified: number;
  headers: ObjectHeaders;
  metadata: Record<string, string>;
  tags: Tag[];
  checksum: StoredChecksum | undefined;
  partsCount: number | undefined;
  /** The parts of a completed multipart object (undefined for single-part objects). */
  parts?: ObjectPart[] | undefined;
  lock?: ObjectLock | undefined;
}

export interface Upload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  headers: ObjectHeaders;
  metadata: Record<string, string>;
  tags: Tag[];
  checksumAlgorithm: string | undefined;
  checksumType: string | undefined;
  /** Object Lock settings given at creation, applied to the completed object. */
  lock?: ObjectLock | undefined;
  /** The key's latest version (its seq) when the upload began: a conditional Complete conflicts with a change since. */
  keySeq?: number | undefined;
}

export interface Part {
  uploadId: string;
  partNumber: number;
  blob: string;
  size: number;
  etag: string;
  md5: Buffer;
  lastModified: number;
  checksum: string | undefined;
}

interface ObjectRow {
  seq: number;
  bucket: string;
  key: string;
  version_id: string;
  is_latest: number;
  delete_marker: number;
  blob: string | null;
  size: number;
  etag: string;
  last_modified: number;
  headers: string;
  metadata: string;
  tags: string;
  checksum: string | null;
  parts_count: number | null;
  parts: string | null;
  lock_mode: string | null;
  lock_until: number | null;
  legal_hold: string | null;
}

interface BucketRow {
  name: string;
  region: string;
  account_id: string;
  created_at: number;
  versioning: string | null;
  tags: string | null;
  policy: string | null;
  object_lock: string | null;
  logging: string | null;
}

function toBucket(row: BucketRow): Bucket {
  return {
    name: row.name,
    region: row.region,
    accountId: row.account_id,
    createdAt: row.created_at,
    versioning: (row.versioning ?? undefined) as Versioning,
    tags: row.tags ? (JSON.parse(row.tags) as Tag[]) : undefined,
    policy: row.policy ?? undefined,
    objectLock: row.object_lock ? (JSON.parse(row.object_lock) as BucketObjectLock) : undefined,
    logging: row.logging ? (JSON.parse(row.logging) as LoggingEnabled) : undefined,
  };
}

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  headers: string;
  metadata: string;
  tags: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  lock: string | null;
  key_seq: number | null;
}

function toUpload(row: UploadRow): Upload {
  return {
    uploadId: row.upload_id,
    bucket: row.bucket,
    key: row.key,
    initiated: row.initiated,
    headers: JSON.parse(row.headers) as ObjectHeaders,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    tags: JSON.parse(row.tags) as Tag[],
    checksumAlgorithm: row.checksum_algorithm ?? undefined,
    checksumType: row.checksum_type ?? undefined,
    lock: row.lock ? (JSON.parse(row.lock) as ObjectLock) : undefined,
    keySeq: row.key_seq ?? undefined,
  };
}

function toVersion(row: ObjectRow): ObjectVersion {
  return {
    seq: row.seq,
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    isLatest: row.is_latest === 1,
    deleteMarker: row.delete_marker === 1,
    blob: row.blob ?? undefined,
    size: row.size,
    etag: row.etag,
    lastModified: row.last_modified,
    headers: JSON.parse(row.headers) as ObjectHeaders,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    tags: JSON.parse(row.tags) as Tag[],
    checksum: row.checksum ? (JSON.parse(row.checksum) as StoredChecksum) : undefined,
    partsCount: row.parts_count ?? undefined,
    parts: row.parts ? (JSON.parse(row.parts) as ObjectPart[]) : undefined,
    lock: toLock(row),
  };
}

function toLock(row: ObjectRow): ObjectLock | undefined {
  if (!row.lock_mode && !row.legal_hold) return undefined;
  return {
    mode: (row.lock_mode ?? undefined) as LockMode | undefined,
    until: row.lock_until ?? undefined,
    legalHold: (row.legal_hold ?? undefined) as 'ON' | 'OFF' | undefined,
  };
}

/**
 * A fresh version id, shaped like S3's (32 URL-safe characters). Like S3's, it is self-checking:
 * its last 4 bytes are a digest of the first 20, so an id this server could never have issued is
 * told apart from one that no longer exists (S3 answers InvalidArgument for the first, NoSuchVersion for the second).
 */
export function newVersionId(): string {
  const random = randomBytes(20);
  return Buffer.concat([random, versionIdCheck(random)]).toString('base64url');
}

function versionIdCheck(random: Buffer): Buffer {
  return createHash('sha256').update('lambda-tasks-version-id').update(random).digest().subarray(0, 4);
}

/** True for 'null' and for ids newVersionId could have produced. */
export function isPlausibleVersionId(versionId: string): boolean {
  if (versionId === 'null') return true;
  if (!/^[A-Za-z0-9_-]{32}$/.test(versionId)) return false;
  const bytes = Buffer.from(versionId, 'base64url');
  return versionIdCheck(bytes.subarray(0, 20)).equals(bytes.subarray(20));
}

export type NewObject = Omit<ObjectVersion, 'seq' | 'isLatest' | 'versionId'>;

/** How long a completed upload answers a repeated CompleteMultipartUpload with its result. */
const COMPLETED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** Statements are prepared once and reused: preparing was ~10% of a small PUT's server time. */
export class S3State extends SqlState {
  /** Every S3 request reads its bucket; object writes leave the row alone, so it stays cached through them. */
  private readonly buckets = new RowCache<Bucket | undefined>(this.db);

  // Buckets

  getBucket(name: string): Bucket | undefined {
    return this.buckets.get(name, () => {
      const row = this.sql('SELECT * FROM s3_buckets WHERE name = ?').get(name) as BucketRow | undefined;
      return row ? toBucket(row) : undefined;
    });
  }

  /** A statement that writes s3_buckets: the cached buckets start over. */
  private bucketWrite(sql: string): Statement {
    this.buckets.changed();
    return this.sql(sql);
  }

  listBuckets(accountId: string): Bucket[] {
    const rows = this.sql('SELECT * FROM s3_buckets WHERE account_id = ? ORDER BY name').all(accountId) as BucketRow[];
    return rows.map(toBucket);
  }

  createBucket(bucket: Bucket): void {
    this.bucketWrite(
      'INSERT INTO s3_buckets (name, region, account_id, created_at, versioning, tags, object_lock) VALUES (?, ?, ?, ?, ?, NULL, ?)',
    ).run(
      bucket.name,
      bucket.region,
      bucket.accountId,
      bucket.createdAt,
      bucket.versioning ?? null,
      bucket.objectLock ? JSON.stringify(bucket.objectLock) : null,
    );
  }

  setObjectLockConfiguration(name: string, lock: BucketObjectLock): void {
    this.bucketWrite("UPDATE s3_buckets SET object_lock = ?, versioning = 'Enabled' WHERE name = ?").run(
      JSON.stringify(lock),
      name,
    );
  }

  setLogging(name: string, logging: LoggingEnabled | undefined): void {
    this.bucketWrite('UPDATE s3_buckets SET logging = ? WHERE name = ?').run(
      logging ? JSON.stringify(logging) : null,
      name,
    );
  }

  deleteBucket(name: string): string[] {
    return this.transaction(() => {
      const blobs = (
        this.sql('SELECT p.blob FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?').all(
          name,
        ) as { blob: string }[]
      ).map((r) => r.blob);
      this.sql('DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)').run(name);
      this.sql('DELETE FROM s3_uploads WHERE bucket = ?').run(name);
      this.sql('DELETE FROM s3_completed_uploads WHERE bucket = ?').run(name);
      this.bucketWrite('DELETE FROM s3_buckets WHERE name = ?').run(name);
      return blobs;
    });
  }

  bucketHasObjects(name: string): boolean {
    return this.sql('SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1').get(name) !== undefined;
  }

  setVersioning(name: string, status: 'Enabled' | 'Suspended'): void {
    this.bucketWrite('UPDATE s3_buckets SET versioning = ? WHERE name = ?').run(status, name);
  }

  setBucketPolicy(name: string, policy: string | undefined): void {
    this.bucketWrite('UPDATE s3_buckets SET policy = ? WHERE name = ?').run(policy ?? null, name);
  }

  setBucketTags(name: string, tags: Tag[] | undefined): void {
    this.bucketWrite('UPDATE s3_buckets SET tags = ? WHERE name = ?').run(tags ? JSON.stringify(tags) : null, name);
  }

  // Objects

  /** Cached until this state's next write: GETs and HEADs of unchanged keys skip the query and its JSON columns. */
  latest(bucket: string, key: string): ObjectVersion | undefined {
    // Bucket names hold no '/': the cache key is unambiguous.
    return this.cachedRead(`latest:${bucket}/${key}`, () => {
      const row = this.sql('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1').get(
        bucket,
        key,
      ) as ObjectRow | undefined;
      return row ? toVersion(row) : undefined;
    });
  }

  version(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    const row = this.sql('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?').get(
      bucket,
      key,
      versionId,
    ) as ObjectRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  /**
   * Makes `object` the latest version of its key. With `versionId` 'null' (unversioned or
   * suspended buckets) the previous null version is replaced; its blob id is returned for removal.
   */
  putVersion(object: NewObject, versionId: string): { replacedBlobs: string[]; version: ObjectVersion } {
    return this.transaction(() => {
      const replacedBlobs: string[] = [];
      if (versionId === 'null') {
        const previous = this.sql(
          "DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = 'null' RETURNING blob",
        ).get(object.bucket, object.key) as { blob: string | null } | undefined;
        if (previous?.blob) replacedBlobs.push(previous.blob);
      }
      this.sql('UPDATE s3_objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1').run(
        object.bucket,
        object.key,
      );
      const row = this.sql(
        `INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, blob, size, etag, last_modified, headers, metadata, tags, checksum, parts_count, parts, lock_mode, lock_until, legal_hold)
           VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      ).get(
        object.bucket,
        object.key,
        versionId,
        object.deleteMarker ? 1 : 0,
        object.blob ?? null,
        object.size,
        object.etag,
        object.lastModified,
        JSON.stringify(object.headers),
        JSON.stringify(object.metadata),
        JSON.stringify(object.tags),
        object.checksum ? JSON.stringify(object.checksum) : null,
        object.partsCount ?? null,
        object.parts ? JSON.stringify(object.parts) : null,
        object.lock?.mode ?? null,
        object.lock?.until ?? null,
        object.lock?.legalHold ?? null,
      ) as ObjectRow;
      return { replacedBlobs, version: toVersion(row) };
    });
  }

  /** Removes one version; if it was the latest, the newest remaining version becomes latest. */
  deleteVersion(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    return this.transaction(() => {
      const existing = this.version(bucket, key, versionId);
      if (!existing) return undefined;
      this.sql('DELETE FROM s3_objects WHERE seq = ?').run(existing.seq);
      if (existing.isLatest) {
        this.sql(
          'UPDATE s3_objects SET is_latest = 1 WHERE seq = (SELECT seq FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1)',
        ).run(bucket, key);
      }
      return existing;
    });
  }

  setRetention(seq: number, mode: LockMode | undefined, until: number | undefined): void {
    this.sql('UPDATE s3_objects SET lock_mode = ?, lock_until = ? WHERE seq = ?').run(mode ?? null, until ?? null, seq);
  }

  setLegalHold(seq: number, status: 'ON' | 'OFF'): void {
    this.sql('UPDATE s3_objects SET legal_hold = ? WHERE seq = ?').run(status, seq);
  }

  setObjectTags(seq: number, tags: Tag[]): void {
    this.sql('UPDATE s3_objects SET tags = ? WHERE seq = ?').run(JSON.stringify(tags), seq);
  }

  /** Latest, non-deleted objects with key > `after` and key >= `from`, in key order. */
  listLatest(bucket: string, from: string, after: string | undefined, limit: number): ObjectVersion[] {
    const rows = this.sql(
      `SELECT * FROM s3_objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key >= ? AND (? IS NULL OR key > ?)
         ORDER BY key LIMIT ?`,
    ).all(bucket, from, after ?? null, after ?? null, limit) as ObjectRow[];
    return rows.map(toVersion);
  }

  /** Versions with key >= `from` after the (key asc, seq desc) cursor, in that order. */
  listVersions(
    bucket: string,
    from: string,
    after: { key: string; seq: number } | undefined,
    limit: number,
  ): ObjectVersion[] {
    const rows = this.sql(
      `SELECT * FROM s3_objects WHERE bucket = ? AND key >= ?
         AND (? IS NULL OR key > ? OR (key = ? AND seq < ?)) ORDER BY key, seq DESC LIMIT ?`,
    ).all(
      bucket,
      from,
      after?.key ?? null,
      after?.key ?? null,
      after?.key ?? null,
      after?.seq ?? 0,
      limit,
    ) as ObjectRow[];
    return rows.map(toVersion);
  }

  // Multipart uploads

  createUpload(upload: Upload): void {
    this.sql(
      `INSERT INTO s3_uploads (upload_id, bucket, key, initiated, headers, metadata, tags, checksum_algorithm, checksum_type, lock, key_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      upload.uploadId,
      upload.bucket,
      upload.key,
      upload.initiated,
      JSON.stringify(upload.headers),
      JSON.stringify(upload.metadata),
      JSON.stringify(upload.tags),
      upload.checksumAlgorithm ?? null,
      upload.checksumType ?? null,
      upload.lock ? JSON.stringify(upload.lock) : null,
      upload.keySeq ?? null,
    );
  }

  getUpload(uploadId: string): Upload | undefined {
    const row = this.sql('SELECT * FROM s3_uploads WHERE upload_id = ?').get(uploadId) as UploadRow | undefined;
    return row ? toUpload(row) : undefined;
  }

  listUploads(bucket: string): Upload[] {
    const rows = this.sql('SELECT * FROM s3_uploads WHERE bucket = ? ORDER BY key, initiated, upload_id').all(
      bucket,
    ) as UploadRow[];
    return rows.map(toUpload);
  }

  /** Stores a part, returning the blob of the part it replaced. */
  putPart(part: Part): string | undefined {
    return this.transaction(() => {
      const previous = this.sql('SELECT blob FROM s3_parts WHERE upload_id = ? AND part_number = ?').get(
        part.uploadId,
        part.partNumber,
      ) as { blob: string } | undefined;
      this.sql('INSERT OR REPLACE INTO s3_parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        part.uploadId,
        part.partNumber,
        part.blob,
        part.size,
        part.etag,
        part.md5,
        part.lastModified,
        part.checksum ?? null,
      );
      return previous?.blob;
    });
  }

  listParts(uploadId: string): Part[] {
    const rows = this.sql('SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number').all(uploadId) as {
      upload_id: string;
      part_number: number;
      blob: string;
      size: number;
      etag: string;
      md5: Buffer;
      last_modified: number;
      checksum: string | null;
    }[];
    return rows.map((r) => ({
      uploadId: r.upload_id,
      partNumber: r.part_number,
      blob: r.blob,
      size: r.size,
      etag: r.etag,
      md5: r.md5,
      lastModified: r.last_modified,
      checksum: r.checksum ?? undefined,
    }));
  }

  /** Removes an upload and its parts; returns the part blobs. */
  deleteUpload(uploadId: string): string[] {
    return this.transaction(() => {
      const blobs = (this.sql('SELECT blob FROM s3_parts WHERE upload_id = ?').all(uploadId) as { blob: string }[]).map(
        (r) => r.blob,
      );
      this.sql('DELETE FROM s3_parts WHERE upload_id = ?').run(uploadId);
      this.sql('DELETE FROM s3_uploads WHERE upload_id = ?').run(uploadId);
      return blobs;
    });
  }

  /**
   * Completes an upload atomically: the object version appears, the upload disappears and its
   * completion is remembered (with the parts it was completed with) together.
   */
  completeUpload(
    uploadId: string,
    object: NewObject,
    versionId: string,
    completedParts: string,
  ): { replacedBlobs: string[]; partBlobs: string[]; version: ObjectVersion } {
    return this.transaction(() => {
      const partBlobs = this.deleteUpload(uploadId);
      const { replacedBlobs, version } = this.putVersion(object, versionId);
      this.sql('DELETE FROM s3_completed_uploads WHERE completed_at < ?').run(
        object.lastModified - COMPLETED_UPLOAD_TTL_MS,
      );
      this.sql('INSERT OR REPLACE INTO s3_completed_uploads VALUES (?, ?, ?, ?, ?, ?)').run(
        uploadId,
        object.bucket,
        object.key,
        version.versionId,
        completedParts,
        object.lastModified,
      );
      return { replacedBlobs, partBlobs, version };
    });
  }

  /** A completed upload's record, while its object version still exists. */
  completedUpload(
    uploadId: string,
  ): { bucket: string; key: string; parts: string; version: ObjectVersion } | undefined {
    const row = this.sql('SELECT * FROM s3_completed_uploads WHERE upload_id = ?').get(uploadId) as
      | { bucket: string; key: string; version_id: string; parts: string }
      | undefined;
    if (!row) return undefined;
    const version = this.version(row.bucket, row.key, row.version_id);
    return version ? { bucket: row.bucket, key: row.key, parts: row.parts, version } : undefined;
  }

  /** Every blob id a row references, for garbage collection at start. */
  referencedBlobs(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.sql('SELECT blob FROM s3_objects WHERE blob IS NOT NULL').all() as { blob: string }[])
      ids.add(r.blob);
    for (const r of this.sql('SELECT blob FROM s3_parts').all() as { blob: string }[]) ids.add(r.blob);
    return ids;
  }
}
