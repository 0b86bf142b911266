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

const key = (roleName: string) => roleName.toLowerCase();

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

  deleteRole(accountId: string, name: string): void {
    this.sql('DELETE FROM iam_roles WHERE account_id = ? AND name_key = ?').run(accountId, key(name));
  }

  /** Roles whose permissions boundary is `policyArn`. */
  /** How many roles have the policy as their permissions boundary (counted, not read). */
  countRolesWithBoundary(accountId: string, policyArn: string): number {
    const row = this.sql('SELECT COUNT(*) AS n FROM iam_roles WHERE account_id = ? AND permissions_boundary = ?').get(
      accountId,
      policyArn,
    ) as { n: number };
    return row.n;
  }

  rolesWithBoundary(accountId: string, policyArn: string): RoleRecord[] {
    const rows = this.sql(
      'SELECT * FROM iam_roles WHERE account_id = ? AND permissions_boundary = ? ORDER BY name_key',
    ).all(accountId, policyArn) as RoleRow[];
    return rows.map(toRole);
  }

  // Inline role policies (names are case-sensitive, unique per role)

  getRolePolicy(accountId: string, roleName: string, policyName: string): string | undefined {
    const row = this.sql(
      'SELECT document FROM iam_role_policies WHERE account_id = ? AND role_key = ? AND name = ?',
    ).get(accountId, key(roleName), policyName) as { document: string } | undefined;
    return row?.document;
  }

  listRolePolicies(accountId: string, roleName: string): { name: string; document: string }[] {
    return this.sql(
      'SELECT name, document FROM iam_role_policies WHERE account_id = ? AND role_key = ? ORDER BY name',
    ).all(accountId, key(roleName)) as { name: string; document: string }[];
  }

  putRolePolicy(accountId: string, roleName: string, policyName: string, document: string): void {
    this.sql(
      `INSERT INTO iam_role_policies (account_id, role_key, name, document) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET document = excluded.document`,
    ).run(accountId, key(roleName), policyName, document);
  }

  deleteRolePolicy(accountId: string, roleName: string, policyName: string): boolean {
    return (
      this.sql('DELETE FROM iam_role_policies WHERE account_id = ? AND role_key = ? AND name = ?').run(
        accountId,
        key(roleName),
        policyName,
      ).changes > 0
    );
  }

  // Managed policy attachments

  /** The policy ARNs attached to a role, in the order they were attached. */
  attachedPolicies(accountId: string, roleName: string): string[] {
    const rows = this.sql(
      'SELECT policy_arn FROM iam_role_attachments WHERE account_id = ? AND role_key = ? ORDER BY seq',
    ).all(accountId, key(roleName)) as { policy_arn: string }[];
    return rows.map((r) => r.policy_arn);
  }

  /** Attaches a policy; attaching one that is already attached changes nothing (as on AWS). */
  attach(accountId: string, roleName: string, policyArn: string): void {
    this.sql(
      `INSERT INTO iam_role_attachments (account_id, role_key, policy_arn, seq)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM iam_role_attachments)) ON CONFLICT DO NOTHING`,
    ).run(accountId, key(roleName), policyArn);
  }

  detach(accountId: string, roleName: string, policyArn: string): boolean {
    return (
      this.sql('DELETE FROM iam_role_attachments WHERE account_id = ? AND role_key = ? AND policy_arn = ?').run(
        accountId,
        key(roleName),
        policyArn,
      ).changes > 0
    );
  }

  /** Roles a policy is attached to. */
  /** How many roles the policy is attached to (counted, not read). */
  countRolesAttachedTo(accountId: string, policyArn: string): number {
    const row = this.sql('SELECT COUNT(*) AS n FROM iam_role_attachments WHERE account_id = ? AND policy_arn = ?').get(
      accountId,
      policyArn,
    ) as { n: number };
    return row.n;
  }

  rolesAttachedTo(accountId: string, policyArn: string): RoleRecord[] {
    const rows = this.sql(
      `SELECT r.* FROM iam_roles r JOIN iam_role_attachments a ON a.account_id = r.account_id AND a.role_key = r.name_key
       WHERE a.account_id = ? AND a.policy_arn = ? ORDER BY r.name_key`,
    ).all(accountId, policyArn) as RoleRow[];
    return rows.map(toRole);
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
