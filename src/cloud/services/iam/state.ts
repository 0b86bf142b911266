/**
 * IAM's persistent state in SQLite. IAM is global: rows are keyed by account only, never by
 * region. Role names are unique per account regardless of case (AWS refuses `Admin` beside
 * `admin`), so roles are keyed by the lower-cased name and keep the name as created. Attachments
 * name policies by ARN, because an account attaches AWS managed policies, which have no row here.
 */
import type { Tag } from '@aws-sdk/client-iam';
import { type Migration, SqlState } from '../../store/database.js';

export const iamMigrations: Migration[] = [
  {
    id: 'iam-001-schema',
    sql: `
      CREATE TABLE iam_roles (
        account_id TEXT NOT NULL,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        role_id TEXT NOT NULL,
        trust_policy TEXT NOT NULL,
        description TEXT,
        max_session_duration INTEGER NOT NULL,
        permissions_boundary TEXT,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, name_key)
      );
      CREATE TABLE iam_role_policies (
        account_id TEXT NOT NULL,
        role_key TEXT NOT NULL,
        name TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (account_id, role_key, name),
        FOREIGN KEY (account_id, role_key) REFERENCES iam_roles (account_id, name_key) ON DELETE CASCADE
      );
      CREATE TABLE iam_role_attachments (
        account_id TEXT NOT NULL,
        role_key TEXT NOT NULL,
        policy_arn TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (account_id, role_key, policy_arn),
        FOREIGN KEY (account_id, role_key) REFERENCES iam_roles (account_id, name_key) ON DELETE CASCADE
      );
      CREATE INDEX iam_attachments_by_policy ON iam_role_attachments (account_id, policy_arn);
      CREATE TABLE iam_policies (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        description TEXT,
        default_version TEXT NOT NULL,
        next_version INTEGER NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, name)
      );
      CREATE TABLE iam_policy_versions (
        account_id TEXT NOT NULL,
        policy_name TEXT NOT NULL,
        version_id TEXT NOT NULL,
        version_num INTEGER NOT NULL,
        document TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, policy_name, version_id),
        FOREIGN KEY (account_id, policy_name) REFERENCES iam_policies (account_id, name) ON DELETE CASCADE
      );
    `,
  },
  {
    // Users and groups hold inline policies and attachments as roles do: one table each for all
    // three kinds, the roles' rows moved over.
    id: 'iam-002-users-groups-keys-profiles',
    sql: `
      CREATE TABLE iam_inline_policies (
        account_id TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_key TEXT NOT NULL,
        name TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (account_id, entity_type, entity_key, name)
      );
      INSERT INTO iam_inline_policies SELECT account_id, 'role', role_key, name, document FROM iam_role_policies;
      DROP TABLE iam_role_policies;
      CREATE TABLE iam_attachments (
        account_id TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_key TEXT NOT NULL,
        policy_arn TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (account_id, entity_type, entity_key, policy_arn)
      );
      INSERT INTO iam_attachments SELECT account_id, 'role', role_key, policy_arn, seq FROM iam_role_attachments;
      DROP TABLE iam_role_attachments;
      CREATE INDEX iam_attachments_by_policy ON iam_attachments (account_id, policy_arn);
      CREATE TABLE iam_users (
        account_id TEXT NOT NULL,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        user_id TEXT NOT NULL,
        permissions_boundary TEXT,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        login_created_at INTEGER,
        login_reset_required INTEGER,
        PRIMARY KEY (account_id, name_key)
      );
      CREATE TABLE iam_groups (
        account_id TEXT NOT NULL,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        group_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, name_key)
      );
      CREATE TABLE iam_group_members (
        account_id TEXT NOT NULL,
        group_key TEXT NOT NULL,
        user_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (account_id, group_key, user_key)
      );
      CREATE INDEX iam_group_members_by_user ON iam_group_members (account_id, user_key);
      CREATE TABLE iam_access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        user_key TEXT,
        secret_access_key TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        last_used_service TEXT,
        last_used_region TEXT
      );
      CREATE INDEX iam_access_keys_by_user ON iam_access_keys (account_id, user_key);
      CREATE TABLE iam_user_certificates (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        account_id TEXT NOT NULL,
        user_key TEXT NOT NULL,
        body TEXT NOT NULL,
        fingerprint TEXT,
        status TEXT NOT NULL,
        uploaded_at INTEGER NOT NULL
      );
      CREATE INDEX iam_user_certificates_by_user ON iam_user_certificates (account_id, user_key, kind);
      CREATE TABLE iam_instance_profiles (
        account_id TEXT NOT NULL,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        role_key TEXT,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, name_key)
      );
      CREATE INDEX iam_instance_profiles_by_role ON iam_instance_profiles (account_id, role_key);
    `,
  },
  {
    // GetRole's RoleLastUsed: when and where a session of the role last signed a request.
    id: 'iam-003-role-last-used',
    sql: `
      ALTER TABLE iam_roles ADD COLUMN last_used_at INTEGER;
      ALTER TABLE iam_roles ADD COLUMN last_used_region TEXT;
    `,
  },
];

export interface RoleRecord {
  accountId: string;
  name: string;
  path: string;
  roleId: string;
  /** The AssumeRolePolicyDocument exactly as sent (IAM returns it verbatim, URL-encoded). */
  trustPolicy: string;
  description: string | undefined;
  maxSessionDuration: number;
  /** The permissions boundary's policy ARN. */
  permissionsBoundary: string | undefined;
  tags: Tag[];
  createdAt: number;
  /** The last request a session of the role signed (absent until one did). */
  lastUsed?: { at: number; region: string };
}

/** A customer managed policy (AWS managed ones are static data: managed-policies.ts). */
export interface PolicyRecord {
  accountId: string;
  name: string;
  path: string;
  policyId: string;
  description: string | undefined;
  defaultVersion: string;
  /** The number of the next version (`v3` -> 3); numbers are not reused after a delete. */
  nextVersion: number;
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  createdAt: number;
}

interface RoleRow {
  account_id: string;
  name: string;
  path: string;
  role_id: string;
  trust_policy: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary: string | null;
  tags: string;
  created_at: number;
  last_used_at: number | null;
  last_used_region: string | null;
}

const toRole = (row: RoleRow): RoleRecord => ({
  accountId: row.account_id,
  name: row.name,
  path: row.path,
  roleId: row.role_id,
  trustPolicy: row.trust_policy,
  description: row.description ?? undefined,
  maxSessionDuration: row.max_session_duration,
  permissionsBoundary: row.permissions_boundary ?? undefined,
  tags: JSON.parse(row.tags) as Tag[],
  createdAt: row.created_at,
  ...(row.last_used_at === null ? {} : { lastUsed: { at: row.last_used_at, region: row.last_used_region ?? '' } }),
});

interface PolicyRow {
  account_id: string;
  name: string;
  path: string;
  policy_id: string;
  description: string | null;
  default_version: string;
  next_version: number;
  tags: string;
  created_at: number;
  updated_at: number;
}

const toPolicy = (row: PolicyRow): PolicyRecord => ({
  accountId: row.account_id,
  name: row.name,
  path: row.path,
  policyId: row.policy_id,
  description: row.description ?? undefined,
  defaultVersion: row.default_version,
  nextVersion: row.next_version,
  tags: JSON.parse(row.tags) as Tag[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

interface VersionRow {
  version_id: string;
  document: string;
  created_at: number;
}

const toVersion = (row: VersionRow): PolicyVersionRecord => ({
  versionId: row.version_id,
  document: row.document,
  createdAt: row.created_at,
});

/**
 * IAM names users, groups, roles and instance profiles uniquely per account regardless of case:
 * rows are keyed by the lower-cased name and keep the name as created.
 */
export const key = (name: string) => name.toLowerCase();

/** What can hold inline policies and attached managed policies. */
export type EntityType = 'user' | 'group' | 'role';

export interface EntityRef {
  type: EntityType;
  name: string;
}

export class IamState extends SqlState {
  // Roles

  getRole(accountId: string, name: string): RoleRecord | undefined {
    const row = this.sql('SELECT * FROM iam_roles WHERE account_id = ? AND name_key = ?').get(accountId, key(name)) as
      | RoleRow
      | undefined;
    return row ? toRole(row) : undefined;
  }

  /** Every role of an account, by name regardless of case (the order ListRoles pages through). */
  listRoles(accountId: string): RoleRecord[] {
    const rows = this.sql('SELECT * FROM iam_roles WHERE account_id = ? ORDER BY name_key').all(accountId) as RoleRow[];
    return rows.map(toRole);
  }

  insertRole(r: RoleRecord): void {
    this.sql(
      `INSERT INTO iam_roles (account_id, name_key, name, path, role_id, trust_policy, description,
        max_session_duration, permissions_boundary, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.accountId,
      key(r.name),
      r.name,
      r.path,
      r.roleId,
      r.trustPolicy,
      r.description ?? null,
      r.maxSessionDuration,
      r.permissionsBoundary ?? null,
      JSON.stringify(r.tags),
      r.createdAt,
    );
  }

  /** Writes a role's mutable fields (name, path, id and creation date never change). */
  saveRole(r: RoleRecord): void {
    this.sql(
      `UPDATE iam_roles SET trust_policy = ?, description = ?, max_session_duration = ?, permissions_boundary = ?, tags = ?
       WHERE account_id = ? AND name_key = ?`,
    ).run(
      r.trustPolicy,
      r.description ?? null,
      r.maxSessionDuration,
      r.permissionsBoundary ?? null,
      JSON.stringify(r.tags),
      r.accountId,
      key(r.name),
    );
  }

  /** Records that a session of the role signed a request; false when there is no such role. */
  recordRoleUse(accountId: string, name: string, at: number, region: string): boolean {
    return (
      this.sql('UPDATE iam_roles SET last_used_at = ?, last_used_region = ? WHERE account_id = ? AND name_key = ?').run(
        at,
        region,
        accountId,
        key(name),
      ).changes > 0
    );
  }

  deleteRole(accountId: string, name: string): void {
    this.sql('DELETE FROM iam_roles WHERE account_id = ? AND name_key = ?').run(accountId, key(name));
  }

  /** How many roles and users have the policy as their permissions boundary (counted, not read). */
  countBoundaryUses(accountId: string, policyArn: string): number {
    const row = this.sql(
      `SELECT (SELECT COUNT(*) FROM iam_roles WHERE account_id = ? AND permissions_boundary = ?)
            + (SELECT COUNT(*) FROM iam_users WHERE account_id = ? AND permissions_boundary = ?) AS n`,
    ).get(accountId, policyArn, accountId, policyArn) as { n: number };
    return row.n;
  }

  /** Roles whose permissions boundary is `policyArn`. */

  rolesWithBoundary(accountId: string, policyArn: string): RoleRecord[] {
    const rows = this.sql(
      'SELECT * FROM iam_roles WHERE account_id = ? AND permissions_boundary = ? ORDER BY name_key',
    ).all(accountId, policyArn) as RoleRow[];
    return rows.map(toRole);
  }

  // Inline policies and managed policy attachments of users, groups and roles

  /** An entity's inline policies by name (names are case-sensitive, unique per entity). */
  inlinePolicies(accountId: string, entity: EntityRef): { name: string; document: string }[] {
    return this.sql(
      `SELECT name, document FROM iam_inline_policies
       WHERE account_id = ? AND entity_type = ? AND entity_key = ? ORDER BY name`,
    ).all(accountId, entity.type, key(entity.name)) as { name: string; document: string }[];
  }

  getInlinePolicy(accountId: string, entity: EntityRef, policyName: string): string | undefined {
    const row = this.sql(
      `SELECT document FROM iam_inline_policies
       WHERE account_id = ? AND entity_type = ? AND entity_key = ? AND name = ?`,
    ).get(accountId, entity.type, key(entity.name), policyName) as { document: string } | undefined;
    return row?.document;
  }

  putInlinePolicy(accountId: string, entity: EntityRef, policyName: string, document: string): void {
    this.sql(
      `INSERT INTO iam_inline_policies (account_id, entity_type, entity_key, name, document) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET document = excluded.document`,
    ).run(accountId, entity.type, key(entity.name), policyName, document);
  }

  deleteInlinePolicy(accountId: string, entity: EntityRef, policyName: string): boolean {
    return (
      this.sql(
        'DELETE FROM iam_inline_policies WHERE account_id = ? AND entity_type = ? AND entity_key = ? AND name = ?',
      ).run(accountId, entity.type, key(entity.name), policyName).changes > 0
    );
  }

  /** The policy ARNs attached to an entity, in the order they were attached. */
  attachedPolicies(accountId: string, entity: EntityRef): string[] {
    const rows = this.sql(
      `SELECT policy_arn FROM iam_attachments WHERE account_id = ? AND entity_type = ? AND entity_key = ?
       ORDER BY seq`,
    ).all(accountId, entity.type, key(entity.name)) as { policy_arn: string }[];
    return rows.map((r) => r.policy_arn);
  }

  /** Attaches a policy; attaching one that is already attached changes nothing (as on AWS). */
  attach(accountId: string, entity: EntityRef, policyArn: string): void {
    this.sql(
      `INSERT INTO iam_attachments (account_id, entity_type, entity_key, policy_arn, seq)
       VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM iam_attachments)) ON CONFLICT DO NOTHING`,
    ).run(accountId, entity.type, key(entity.name), policyArn);
  }

  detach(accountId: string, entity: EntityRef, policyArn: string): boolean {
    return (
      this.sql(
        'DELETE FROM iam_attachments WHERE account_id = ? AND entity_type = ? AND entity_key = ? AND policy_arn = ?',
      ).run(accountId, entity.type, key(entity.name), policyArn).changes > 0
    );
  }

  /** A user's new name, carried to the rows that name the user (its policies, attachments). */
  renamePermissions(accountId: string, type: EntityType, from: string, to: string): void {
    for (const table of ['iam_inline_policies', 'iam_attachments']) {
      this.sql(`UPDATE ${table} SET entity_key = ? WHERE account_id = ? AND entity_type = ? AND entity_key = ?`).run(
        key(to),
        accountId,
        type,
        key(from),
      );
    }
  }

  /** How many users, groups and roles the policy is attached to (AttachmentCount). */
  countAttachments(accountId: string, policyArn: string): number {
    const row = this.sql('SELECT COUNT(*) AS n FROM iam_attachments WHERE account_id = ? AND policy_arn = ?').get(
      accountId,
      policyArn,
    ) as { n: number };
    return row.n;
  }

  /** The entities a policy is attached to, by type, each by its lower-cased name. */
  entitiesAttachedTo(accountId: string, policyArn: string): { type: EntityType; key: string }[] {
    return this.sql(
      `SELECT entity_type AS type, entity_key AS key FROM iam_attachments WHERE account_id = ? AND policy_arn = ?
       ORDER BY entity_key`,
    ).all(accountId, policyArn) as { type: EntityType; key: string }[];
  }

  // Customer managed policies (names are unique per account, whatever the path)

  getPolicy(accountId: string, name: string): PolicyRecord | undefined {
    const row = this.sql('SELECT * FROM iam_policies WHERE account_id = ? AND name = ?').get(accountId, name) as
      | PolicyRow
      | undefined;
    return row ? toPolicy(row) : undefined;
  }

  /** Every customer managed policy of an account, oldest first (the order ListPolicies uses). */
  listPolicies(accountId: string): PolicyRecord[] {
    const rows = this.sql('SELECT * FROM iam_policies WHERE account_id = ? ORDER BY created_at, name').all(
      accountId,
    ) as PolicyRow[];
    return rows.map(toPolicy);
  }

  insertPolicy(p: PolicyRecord): void {
    this.sql(
      `INSERT INTO iam_policies (account_id, name, path, policy_id, description, default_version, next_version, tags,
        created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.accountId,
      p.name,
      p.path,
      p.policyId,
      p.description ?? null,
      p.defaultVersion,
      p.nextVersion,
      JSON.stringify(p.tags),
      p.createdAt,
      p.updatedAt,
    );
  }

  /** Writes a policy's mutable fields: default version, version counter, tags, update date. */
  savePolicy(p: PolicyRecord): void {
    this.sql(
      `UPDATE iam_policies SET default_version = ?, next_version = ?, tags = ?, updated_at = ?
       WHERE account_id = ? AND name = ?`,
    ).run(p.defaultVersion, p.nextVersion, JSON.stringify(p.tags), p.updatedAt, p.accountId, p.name);
  }

  deletePolicy(accountId: string, name: string): void {
    this.sql('DELETE FROM iam_policies WHERE account_id = ? AND name = ?').run(accountId, name);
  }

  // Policy versions

  /** A policy's versions, newest first (as ListPolicyVersions returns them). */
  listVersions(accountId: string, policyName: string): PolicyVersionRecord[] {
    const rows = this.sql(
      'SELECT * FROM iam_policy_versions WHERE account_id = ? AND policy_name = ? ORDER BY version_num DESC',
    ).all(accountId, policyName) as VersionRow[];
    return rows.map(toVersion);
  }

  getVersion(accountId: string, policyName: string, versionId: string): PolicyVersionRecord | undefined {
    const row = this.sql(
      'SELECT * FROM iam_policy_versions WHERE account_id = ? AND policy_name = ? AND version_id = ?',
    ).get(accountId, policyName, versionId) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  insertVersion(accountId: string, policyName: string, versionNum: number, document: string, createdAt: number): void {
    this.sql(
      `INSERT INTO iam_policy_versions (account_id, policy_name, version_id, version_num, document, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(accountId, policyName, `v${versionNum}`, versionNum, document, createdAt);
  }

  deleteVersion(accountId: string, policyName: string, versionId: string): void {
    this.sql('DELETE FROM iam_policy_versions WHERE account_id = ? AND policy_name = ? AND version_id = ?').run(
      accountId,
      policyName,
      versionId,
    );
  }
}
