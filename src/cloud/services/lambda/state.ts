/**
 * Lambda's persistent state in SQLite: functions, their versions ($LATEST is a version row like
 * the published ones), aliases, resource-policy statements, event invoke configs, layer versions
 * and the table of the durable queue of asynchronous invokes (read and written through
 * async-queue-state.ts). Code zips are blobs (store/blobs.ts) that version
 * rows reference; a published version shares its blob with the $LATEST it was published from.
 */
import { type Migration, SqlState } from '../../store/database.js';

export const lambdaMigrations: Migration[] = [
  {
    id: 'lambda-001-schema',
    sql: `
      CREATE TABLE lambda_functions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        tags TEXT NOT NULL,
        reserved_concurrency INTEGER,
        next_version INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name)
      );
      CREATE TABLE lambda_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        seq INTEGER NOT NULL,
        config TEXT NOT NULL,
        code_blob TEXT NOT NULL,
        code_sha256 TEXT NOT NULL,
        code_size INTEGER NOT NULL,
        revision_id TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        pending_until INTEGER NOT NULL,
        updating_until INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name, version),
        FOREIGN KEY (account_id, region, name) REFERENCES lambda_functions ON DELETE CASCADE
      );
      CREATE TABLE lambda_aliases (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version TEXT NOT NULL,
        description TEXT NOT NULL,
        weights TEXT,
        revision_id TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, alias),
        FOREIGN KEY (account_id, region, name) REFERENCES lambda_functions ON DELETE CASCADE
      );
      CREATE TABLE lambda_policy_statements (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        sid TEXT NOT NULL,
        seq INTEGER NOT NULL,
        statement TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, qualifier, sid),
        FOREIGN KEY (account_id, region, name) REFERENCES lambda_functions ON DELETE CASCADE
      );
      CREATE TABLE lambda_invoke_configs (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        config TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name, qualifier),
        FOREIGN KEY (account_id, region, name) REFERENCES lambda_functions ON DELETE CASCADE
      );
      CREATE TABLE lambda_layer_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        description TEXT NOT NULL,
        compatible_runtimes TEXT NOT NULL,
        compatible_architectures TEXT NOT NULL,
        license_info TEXT,
        code_blob TEXT NOT NULL,
        code_sha256 TEXT NOT NULL,
        code_size INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, region, name, version)
      );
      CREATE TABLE lambda_layer_counters (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        next_version INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name)
      );
      CREATE TABLE lambda_async_invokes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        request_id TEXT NOT NULL,
        payload BLOB NOT NULL,
        enqueued_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL
      );
      CREATE INDEX lambda_async_due ON lambda_async_invokes (next_attempt_at);
    `,
  },
];

/** The configuration a version carries, in the API's member names (what the user set, with defaults). */
export interface StoredConfig {
  Runtime?: string;
  Handler?: string;
  Role: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment?: Record<string, string>;
  /** Layer version ARNs, in order. */
  Layers: string[];
  Architectures: string[];
  DeadLetterConfig?: { TargetArn?: string };
  EphemeralStorage: { Size: number };
  TracingConfig: { Mode: string };
  LoggingConfig: { LogFormat: string; LogGroup: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
  KMSKeyArn?: string;
}

export interface CodeRef {
  blob: string;
  sha256: string;
  size: number;
}

export interface FunctionKey {
  accountId: string;
  region: string;
  name: string;
}

export interface FunctionRecord extends FunctionKey {
  createdAt: number;
  tags: Record<string, string>;
  reservedConcurrency: number | undefined;
  nextVersion: number;
}

export interface VersionRecord extends FunctionKey {
  version: string;
  config: StoredConfig;
  code: CodeRef;
  revisionId: string;
  lastModified: number;
  /** State is Pending until this time (epoch ms), then Active. */
  pendingUntil: number;
  /** LastUpdateStatus is InProgress until this time, then Successful. */
  updatingUntil: number;
}

export interface AliasRecord extends FunctionKey {
  alias: string;
  version: string;
  description: string;
  weights: Record<string, number> | undefined;
  revisionId: string;
}

export interface LayerVersionRecord {
  accountId: string;
  region: string;
  name: string;
  version: number;
  description: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo: string | undefined;
  code: CodeRef;
  createdAt: number;
}

interface VersionRow {
  account_id: string;
  region: string;
  name: string;
  version: string;
  config: string;
  code_blob: string;
  code_sha256: string;
  code_size: number;
  revision_id: string;
  last_modified: number;
  pending_until: number;
  updating_until: number;
}

function toVersion(row: VersionRow): VersionRecord {
  return {
    accountId: row.account_id,
    region: row.region,
    name: row.name,
    version: row.version,
    config: JSON.parse(row.config) as StoredConfig,
    code: { blob: row.code_blob, sha256: row.code_sha256, size: row.code_size },
    revisionId: row.revision_id,
    lastModified: row.last_modified,
    pendingUntil: row.pending_until,
    updatingUntil: row.updating_until,
  };
}

interface FunctionRow {
  account_id: string;
  region: string;
  name: string;
  created_at: number;
  tags: string;
  reserved_concurrency: number | null;
  next_version: number;
}

function toFunction(row: FunctionRow): FunctionRecord {
  return {
    accountId: row.account_id,
    region: row.region,
    name: row.name,
    createdAt: row.created_at,
    tags: JSON.parse(row.tags) as Record<string, string>,
    reservedConcurrency: row.reserved_concurrency ?? undefined,
    nextVersion: row.next_version,
  };
}

interface AliasRow {
  account_id: string;
  region: string;
  name: string;
  alias: string;
  version: string;
  description: string;
  weights: string | null;
  revision_id: string;
}

function toAlias(row: AliasRow): AliasRecord {
  return {
    accountId: row.account_id,
    region: row.region,
    name: row.name,
    alias: row.alias,
    version: row.version,
    description: row.description,
    weights: row.weights ? (JSON.parse(row.weights) as Record<string, number>) : undefined,
    revisionId: row.revision_id,
  };
}

interface LayerRow {
  account_id: string;
  region: string;
  name: string;
  version: number;
  description: string;
  compatible_runtimes: string;
  compatible_architectures: string;
  license_info: string | null;
  code_blob: string;
  code_sha256: string;
  code_size: number;
  created_at: number;
}

function toLayer(row: LayerRow): LayerVersionRecord {
  return {
    accountId: row.account_id,
    region: row.region,
    name: row.name,
    version: row.version,
    description: row.description,
    compatibleRuntimes: JSON.parse(row.compatible_runtimes) as string[],
    compatibleArchitectures: JSON.parse(row.compatible_architectures) as string[],
    licenseInfo: row.license_info ?? undefined,
    code: { blob: row.code_blob, sha256: row.code_sha256, size: row.code_size },
    createdAt: row.created_at,
  };
}

const KEY = 'account_id = ? AND region = ? AND name = ?';
export const keyOf = (k: FunctionKey) => [k.accountId, k.region, k.name] as const;

export class LambdaState extends SqlState {
  // Functions

  // Invoke reads the function, its version (or alias) and the reserved concurrency on every call:
  // these reads are cached until the next write (SqlState.cachedRead).

  getFunction(key: FunctionKey): FunctionRecord | undefined {
    return this.cachedRead(`fn|${key.accountId}|${key.region}|${key.name}`, () => {
      const row = this.sql(`SELECT * FROM lambda_functions WHERE ${KEY}`).get(...keyOf(key)) as FunctionRow | undefined;
      return row ? toFunction(row) : undefined;
    });
  }

  insertFunction(fn: FunctionRecord): void {
    this.sql(
      'INSERT INTO lambda_functions (account_id, region, name, created_at, tags, reserved_concurrency, next_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(...keyOf(fn), fn.createdAt, JSON.stringify(fn.tags), fn.reservedConcurrency ?? null, fn.nextVersion);
  }

  setTags(key: FunctionKey, tags: Record<string, string>): void {
    this.sql(`UPDATE lambda_functions SET tags = ? WHERE ${KEY}`).run(JSON.stringify(tags), ...keyOf(key));
  }

  setReservedConcurrency(key: FunctionKey, value: number | undefined): void {
    this.sql(`UPDATE lambda_functions SET reserved_concurrency = ? WHERE ${KEY}`).run(value ?? null, ...keyOf(key));
  }

  /** Takes the next version number (numbers are never reused, even after a version is deleted). */
  takeVersionNumber(key: FunctionKey): string {
    const row = this.sql(
      `UPDATE lambda_functions SET next_version = next_version + 1 WHERE ${KEY} RETURNING next_version - 1 AS v`,
    ).get(...keyOf(key)) as { v: number };
    return String(row.v);
  }

  deleteFunction(key: FunctionKey): void {
    this.sql(`DELETE FROM lambda_functions WHERE ${KEY}`).run(...keyOf(key));
  }

  /** $LATEST of every function of an account and region, by name, after `marker`. */
  listLatest(accountId: string, region: string, after: string, limit: number): VersionRecord[] {
    const rows = this.sql(
      `SELECT * FROM lambda_versions WHERE account_id = ? AND region = ? AND version = '$LATEST' AND name > ? ORDER BY name LIMIT ?`,
    ).all(accountId, region, after, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  /** Every version of every function of an account and region, by name then version order. */
  listAllVersions(accountId: string, region: string): VersionRecord[] {
    const rows = this.sql('SELECT * FROM lambda_versions WHERE account_id = ? AND region = ? ORDER BY name, seq').all(
      accountId,
      region,
    ) as VersionRow[];
    return rows.map(toVersion);
  }

  functionStats(accountId: string): { count: number; codeSize: number } {
    const row = this.sql(
      `SELECT COUNT(DISTINCT region || '/' || name) AS count, COALESCE(SUM(code_size), 0) AS size FROM lambda_versions WHERE account_id = ?`,
    ).get(accountId) as { count: number; size: number };
    return { count: row.count, codeSize: row.size };
  }

  sumReservedConcurrency(accountId: string, region: string, except: string): number {
    return this.cachedRead(`reserved|${accountId}|${region}|${except}`, () => {
      const row = this.sql(
        'SELECT COALESCE(SUM(reserved_concurrency), 0) AS total FROM lambda_functions WHERE account_id = ? AND region = ? AND name != ?',
      ).get(accountId, region, except) as { total: number };
      return row.total;
    });
  }

  // Versions

  getVersion(key: FunctionKey, version: string): VersionRecord | undefined {
    return this.cachedRead(`version|${key.accountId}|${key.region}|${key.name}|${version}`, () => {
      const row = this.sql(`SELECT * FROM lambda_versions WHERE ${KEY} AND version = ?`).get(...keyOf(key), version) as
        | VersionRow
        | undefined;
      return row ? toVersion(row) : undefined;
    });
  }

  listVersions(key: FunctionKey): VersionRecord[] {
    const rows = this.sql(`SELECT * FROM lambda_versions WHERE ${KEY} ORDER BY seq`).all(...keyOf(key)) as VersionRow[];
    return rows.map(toVersion);
  }

  /** Inserts or replaces a version row. `$LATEST` sorts first; published versions by number. */
  putVersion(v: VersionRecord): void {
    const seq = v.version === '$LATEST' ? 0 : Number(v.version);
    this.sql(
      `INSERT OR REPLACE INTO lambda_versions (account_id, region, name, version, seq, config, code_blob, code_sha256,
        code_size, revision_id, last_modified, pending_until, updating_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      ...keyOf(v),
      v.version,
      seq,
      JSON.stringify(v.config),
      v.code.blob,
      v.code.sha256,
      v.code.size,
      v.revisionId,
      v.lastModified,
      v.pendingUntil,
      v.updatingUntil,
    );
  }

  setRevision(key: FunctionKey, version: string, revisionId: string): void {
    this.sql(`UPDATE lambda_versions SET revision_id = ? WHERE ${KEY} AND version = ?`).run(
      revisionId,
      ...keyOf(key),
      version,
    );
  }

  deleteVersion(key: FunctionKey, version: string): void {
    this.sql(`DELETE FROM lambda_versions WHERE ${KEY} AND version = ?`).run(...keyOf(key), version);
    this.sql(`DELETE FROM lambda_policy_statements WHERE ${KEY} AND qualifier = ?`).run(...keyOf(key), version);
    this.sql(`DELETE FROM lambda_invoke_configs WHERE ${KEY} AND qualifier = ?`).run(...keyOf(key), version);
  }

  /** Whether any version or layer still references a code blob (blobs are shared by publish). */
  blobInUse(blob: string): boolean {
    return (
      this.sql('SELECT 1 FROM lambda_versions WHERE code_blob = ? LIMIT 1').get(blob) !== undefined ||
      this.sql('SELECT 1 FROM lambda_layer_versions WHERE code_blob = ? LIMIT 1').get(blob) !== undefined
    );
  }

  referencedBlobs(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.sql('SELECT code_blob AS b FROM lambda_versions').all() as { b: string }[]) ids.add(r.b);
    for (const r of this.sql('SELECT code_blob AS b FROM lambda_layer_versions').all() as { b: string }[]) ids.add(r.b);
    return ids;
  }

  // Aliases

  getAlias(key: FunctionKey, alias: string): AliasRecord | undefined {
    return this.cachedRead(`alias|${key.accountId}|${key.region}|${key.name}|${alias}`, () => {
      const row = this.sql(`SELECT * FROM lambda_aliases WHERE ${KEY} AND alias = ?`).get(...keyOf(key), alias) as
        | AliasRow
        | undefined;
      return row ? toAlias(row) : undefined;
    });
  }

  listAliases(key: FunctionKey): AliasRecord[] {
    const rows = this.sql(`SELECT * FROM lambda_aliases WHERE ${KEY} ORDER BY alias`).all(...keyOf(key)) as AliasRow[];
    return rows.map(toAlias);
  }

  putAlias(a: AliasRecord): void {
    this.sql(
      'INSERT OR REPLACE INTO lambda_aliases (account_id, region, name, alias, version, description, weights, revision_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(...keyOf(a), a.alias, a.version, a.description, a.weights ? JSON.stringify(a.weights) : null, a.revisionId);
  }

  deleteAlias(key: FunctionKey, alias: string): void {
    this.sql(`DELETE FROM lambda_aliases WHERE ${KEY} AND alias = ?`).run(...keyOf(key), alias);
    this.sql(`DELETE FROM lambda_policy_statements WHERE ${KEY} AND qualifier = ?`).run(...keyOf(key), alias);
    this.sql(`DELETE FROM lambda_invoke_configs WHERE ${KEY} AND qualifier = ?`).run(...keyOf(key), alias);
  }

  // Resource policy ('' is the unqualified function's policy)

  statements(key: FunctionKey, qualifier: string): Record<string, unknown>[] {
    const rows = this.sql(
      `SELECT statement FROM lambda_policy_statements WHERE ${KEY} AND qualifier = ? ORDER BY seq`,
    ).all(...keyOf(key), qualifier) as { statement: string }[];
    return rows.map((r) => JSON.parse(r.statement) as Record<string, unknown>);
  }

  hasStatement(key: FunctionKey, qualifier: string, sid: string): boolean {
    return (
      this.sql(`SELECT 1 FROM lambda_policy_statements WHERE ${KEY} AND qualifier = ? AND sid = ?`).get(
        ...keyOf(key),
        qualifier,
        sid,
      ) !== undefined
    );
  }

  addStatement(key: FunctionKey, qualifier: string, sid: string, statement: Record<string, unknown>): void {
    this.sql(
      `INSERT INTO lambda_policy_statements (account_id, region, name, qualifier, sid, seq, statement)
       VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM lambda_policy_statements), ?)`,
    ).run(...keyOf(key), qualifier, sid, JSON.stringify(statement));
  }

  removeStatement(key: FunctionKey, qualifier: string, sid: string): boolean {
    return (
      this.sql(`DELETE FROM lambda_policy_statements WHERE ${KEY} AND qualifier = ? AND sid = ?`).run(
        ...keyOf(key),
        qualifier,
        sid,
      ).changes > 0
    );
  }

  // Event invoke configs ('$LATEST', a version or an alias)

  getInvokeConfig(
    key: FunctionKey,
    qualifier: string,
  ): { config: Record<string, unknown>; lastModified: number } | undefined {
    const row = this.sql(`SELECT config, last_modified FROM lambda_invoke_configs WHERE ${KEY} AND qualifier = ?`).get(
      ...keyOf(key),
      qualifier,
    ) as { config: string; last_modified: number } | undefined;
    return row
      ? { config: JSON.parse(row.config) as Record<string, unknown>, lastModified: row.last_modified }
      : undefined;
  }

  listInvokeConfigs(key: FunctionKey): { qualifier: string; config: Record<string, unknown>; lastModified: number }[] {
    const rows = this.sql(
      `SELECT qualifier, config, last_modified FROM lambda_invoke_configs WHERE ${KEY} ORDER BY qualifier`,
    ).all(...keyOf(key)) as { qualifier: string; config: string; last_modified: number }[];
    return rows.map((r) => ({
      qualifier: r.qualifier,
      config: JSON.parse(r.config) as Record<string, unknown>,
      lastModified: r.last_modified,
    }));
  }

  putInvokeConfig(key: FunctionKey, qualifier: string, config: Record<string, unknown>, now: number): void {
    this.sql(
      'INSERT OR REPLACE INTO lambda_invoke_configs (account_id, region, name, qualifier, config, last_modified) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(...keyOf(key), qualifier, JSON.stringify(config), now);
  }

  deleteInvokeConfig(key: FunctionKey, qualifier: string): boolean {
    return (
      this.sql(`DELETE FROM lambda_invoke_configs WHERE ${KEY} AND qualifier = ?`).run(...keyOf(key), qualifier)
        .changes > 0
    );
  }

  // Layers

  takeLayerVersion(accountId: string, region: string, name: string): number {
    const row = this.sql(
      `INSERT INTO lambda_layer_counters (account_id, region, name, next_version) VALUES (?, ?, ?, 2)
       ON CONFLICT DO UPDATE SET next_version = next_version + 1 RETURNING next_version - 1 AS v`,
    ).get(accountId, region, name) as { v: number };
    return row.v;
  }

  putLayerVersion(l: LayerVersionRecord): void {
    this.sql(
      `INSERT INTO lambda_layer_versions (account_id, region, name, version, description, compatible_runtimes,
        compatible_architectures, license_info, code_blob, code_sha256, code_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      l.accountId,
      l.region,
      l.name,
      l.version,
      l.description,
      JSON.stringify(l.compatibleRuntimes),
      JSON.stringify(l.compatibleArchitectures),
      l.licenseInfo ?? null,
      l.code.blob,
      l.code.sha256,
      l.code.size,
      l.createdAt,
    );
  }

  /** A layer version; `includeDeleted` finds deleted ones too, which functions created before the delete still use. */
  getLayerVersion(
    accountId: string,
    region: string,
    name: string,
    version: number,
    includeDeleted = false,
  ): LayerVersionRecord | undefined {
    const row = this.sql(`SELECT * FROM lambda_layer_versions WHERE ${KEY} AND version = ? AND deleted <= ?`).get(
      accountId,
      region,
      name,
      version,
      includeDeleted ? 1 : 0,
    ) as LayerRow | undefined;
    return row ? toLayer(row) : undefined;
  }

  listLayerVersions(accountId: string, region: string, name: string): LayerVersionRecord[] {
    const rows = this.sql(`SELECT * FROM lambda_layer_versions WHERE ${KEY} AND deleted = 0 ORDER BY version DESC`).all(
      accountId,
      region,
      name,
    ) as LayerRow[];
    return rows.map(toLayer);
  }

  listLatestLayers(accountId: string, region: string): LayerVersionRecord[] {
    const rows = this.sql(
      `SELECT * FROM lambda_layer_versions l WHERE account_id = ? AND region = ? AND deleted = 0 AND version =
        (SELECT MAX(version) FROM lambda_layer_versions m
          WHERE m.account_id = l.account_id AND m.region = l.region AND m.name = l.name AND m.deleted = 0)
       ORDER BY name`,
    ).all(accountId, region) as LayerRow[];
    return rows.map(toLayer);
  }

  /** Hides a layer version; its code stays for the functions that reference it (as on AWS). */
  deleteLayerVersion(accountId: string, region: string, name: string, version: number): void {
    this.sql(`UPDATE lambda_layer_versions SET deleted = 1 WHERE ${KEY} AND version = ?`).run(
      accountId,
      region,
      name,
      version,
    );
  }
}
