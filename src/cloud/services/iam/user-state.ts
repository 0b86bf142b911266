/**
 * Users, groups and group membership in SQLite (tables in state.ts's migrations). Names are unique
 * per account regardless of case, so rows are keyed by the lower-cased name; users can be
 * renamed (UpdateUser), so a rename rewrites the key everywhere it is used, in one transaction.
 */
import type { Tag } from '@aws-sdk/client-iam';
import { SqlState } from '../../store/database.js';
import { key } from './state.js';

export interface LoginProfileRecord {
  createdAt: number;
  passwordResetRequired: boolean;
}

export interface UserRecord {
  accountId: string;
  name: string;
  path: string;
  userId: string;
  permissionsBoundary: string | undefined;
  tags: Tag[];
  createdAt: number;
  /** The console password's profile (the password itself is not kept: nobody signs in here). */
  loginProfile: LoginProfileRecord | undefined;
}

export interface GroupRecord {
  accountId: string;
  name: string;
  path: string;
  groupId: string;
  createdAt: number;
}

interface UserRow {
  account_id: string;
  name: string;
  path: string;
  user_id: string;
  permissions_boundary: string | null;
  tags: string;
  created_at: number;
  login_created_at: number | null;
  login_reset_required: number | null;
}

const toUser = (row: UserRow): UserRecord => ({
  accountId: row.account_id,
  name: row.name,
  path: row.path,
  userId: row.user_id,
  permissionsBoundary: row.permissions_boundary ?? undefined,
  tags: JSON.parse(row.tags) as Tag[],
  createdAt: row.created_at,
  loginProfile:
    row.login_created_at === null
      ? undefined
      : { createdAt: row.login_created_at, passwordResetRequired: row.login_reset_required === 1 },
});

interface GroupRow {
  account_id: string;
  name: string;
  path: string;
  group_id: string;
  created_at: number;
}

const toGroup = (row: GroupRow): GroupRecord => ({
  accountId: row.account_id,
  name: row.name,
  path: row.path,
  groupId: row.group_id,
  createdAt: row.created_at,
});

export class UserState extends SqlState {
  // Users

  getUser(accountId: string, name: string): UserRecord | undefined {
    const row = this.sql('SELECT * FROM iam_users WHERE account_id = ? AND name_key = ?').get(accountId, key(name)) as
      | UserRow
      | undefined;
    return row ? toUser(row) : undefined;
  }

  /** Every user of an account by name regardless of case (the order ListUsers pages through). */
  listUsers(accountId: string): UserRecord[] {
    const rows = this.sql('SELECT * FROM iam_users WHERE account_id = ? ORDER BY name_key').all(accountId) as UserRow[];
    return rows.map(toUser);
  }

  insertUser(u: UserRecord): void {
    this.sql(
      `INSERT INTO iam_users (account_id, name_key, name, path, user_id, permissions_boundary, tags, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      u.accountId,
      key(u.name),
      u.name,
      u.path,
      u.userId,
      u.permissionsBoundary ?? null,
      JSON.stringify(u.tags),
      u.createdAt,
    );
  }

  /** Writes a user's mutable fields; `previousName` when UpdateUser renamed it. */
  saveUser(u: UserRecord, previousName = u.name): void {
    this.sql(
      `UPDATE iam_users SET name_key = ?, name = ?, path = ?, permissions_boundary = ?, tags = ?,
         login_created_at = ?, login_reset_required = ?
       WHERE account_id = ? AND name_key = ?`,
    ).run(
      key(u.name),
      u.name,
      u.path,
      u.permissionsBoundary ?? null,
      JSON.stringify(u.tags),
      u.loginProfile?.createdAt ?? null,
      u.loginProfile ? Number(u.loginProfile.passwordResetRequired) : null,
      u.accountId,
      key(previousName),
    );
  }

  deleteUser(accountId: string, name: string): void {
    this.sql('DELETE FROM iam_users WHERE account_id = ? AND name_key = ?').run(accountId, key(name));
  }

  /** Users (by name) whose permissions boundary is `policyArn`. */
  usersWithBoundary(accountId: string, policyArn: string): UserRecord[] {
    const rows = this.sql(
      'SELECT * FROM iam_users WHERE account_id = ? AND permissions_boundary = ? ORDER BY name_key',
    ).all(accountId, policyArn) as UserRow[];
    return rows.map(toUser);
  }

  // Groups

  getGroup(accountId: string, name: string): GroupRecord | undefined {
    const row = this.sql('SELECT * FROM iam_groups WHERE account_id = ? AND name_key = ?').get(accountId, key(name)) as
      | GroupRow
      | undefined;
    return row ? toGroup(row) : undefined;
  }

  listGroups(accountId: string): GroupRecord[] {
    const rows = this.sql('SELECT * FROM iam_groups WHERE account_id = ? ORDER BY name_key').all(
      accountId,
    ) as GroupRow[];
    return rows.map(toGroup);
  }

  insertGroup(g: GroupRecord): void {
    this.sql(
      'INSERT INTO iam_groups (account_id, name_key, name, path, group_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(g.accountId, key(g.name), g.name, g.path, g.groupId, g.createdAt);
  }

  /** Writes a group's name and path; a rename carries its members along. */
  saveGroup(g: GroupRecord, previousName = g.name): void {
    this.sql('UPDATE iam_groups SET name_key = ?, name = ?, path = ? WHERE account_id = ? AND name_key = ?').run(
      key(g.name),
      g.name,
      g.path,
      g.accountId,
      key(previousName),
    );
    this.sql('UPDATE iam_group_members SET group_key = ? WHERE account_id = ? AND group_key = ?').run(
      key(g.name),
      g.accountId,
      key(previousName),
    );
  }

  deleteGroup(accountId: string, name: string): void {
    this.sql('DELETE FROM iam_groups WHERE account_id = ? AND name_key = ?').run(accountId, key(name));
  }

  // Membership

  /** Adds a user to a group; adding a member again changes nothing (as on AWS). */
  addMember(accountId: string, group: string, user: string): void {
    this.sql(
      `INSERT INTO iam_group_members (account_id, group_key, user_key, seq)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM iam_group_members)) ON CONFLICT DO NOTHING`,
    ).run(accountId, key(group), key(user));
  }

  removeMember(accountId: string, group: string, user: string): void {
    this.sql('DELETE FROM iam_group_members WHERE account_id = ? AND group_key = ? AND user_key = ?').run(
      accountId,
      key(group),
      key(user),
    );
  }

  /** A group's members, by name regardless of case. */
  members(accountId: string, group: string): UserRecord[] {
    const rows = this.sql(
      `SELECT u.* FROM iam_users u JOIN iam_group_members m ON m.account_id = u.account_id AND m.user_key = u.name_key
       WHERE m.account_id = ? AND m.group_key = ? ORDER BY u.name_key`,
    ).all(accountId, key(group)) as UserRow[];
    return rows.map(toUser);
  }

  /** The groups a user belongs to, in the order the user joined them. */
  groupsOf(accountId: string, user: string): GroupRecord[] {
    const rows = this.sql(
      `SELECT g.* FROM iam_groups g JOIN iam_group_members m ON m.account_id = g.account_id AND m.group_key = g.name_key
       WHERE m.account_id = ? AND m.user_key = ? ORDER BY m.seq`,
    ).all(accountId, key(user)) as GroupRow[];
    return rows.map(toGroup);
  }

  /** A renamed user keeps its memberships. */
  renameMember(accountId: string, from: string, to: string): void {
    this.sql('UPDATE iam_group_members SET user_key = ? WHERE account_id = ? AND user_key = ?').run(
      key(to),
      accountId,
      key(from),
    );
  }
}
