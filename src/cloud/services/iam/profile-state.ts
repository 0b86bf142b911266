/**
 * Instance profiles in SQLite: a named container for at most one role (AWS's fixed quota), so the
 * role is a column. Names are unique per account regardless of case.
 */
import type { Tag } from '@aws-sdk/client-iam';
import { SqlState } from '../../store/database.js';
import { key } from './state.js';

export interface InstanceProfileRecord {
  accountId: string;
  name: string;
  path: string;
  profileId: string;
  /** The role's lower-cased name. */
  roleKey: string | undefined;
  tags: Tag[];
  createdAt: number;
}

interface ProfileRow {
  account_id: string;
  name: string;
  path: string;
  profile_id: string;
  role_key: string | null;
  tags: string;
  created_at: number;
}

const toProfile = (row: ProfileRow): InstanceProfileRecord => ({
  accountId: row.account_id,
  name: row.name,
  path: row.path,
  profileId: row.profile_id,
  roleKey: row.role_key ?? undefined,
  tags: JSON.parse(row.tags) as Tag[],
  createdAt: row.created_at,
});

export class InstanceProfileState extends SqlState {
  getProfile(accountId: string, name: string): InstanceProfileRecord | undefined {
    const row = this.sql('SELECT * FROM iam_instance_profiles WHERE account_id = ? AND name_key = ?').get(
      accountId,
      key(name),
    ) as ProfileRow | undefined;
    return row ? toProfile(row) : undefined;
  }

  /** Every profile of an account by name regardless of case, or those holding one role. */
  listProfiles(accountId: string, roleName?: string): InstanceProfileRecord[] {
    const rows = (
      roleName === undefined
        ? this.sql('SELECT * FROM iam_instance_profiles WHERE account_id = ? ORDER BY name_key').all(accountId)
        : this.sql('SELECT * FROM iam_instance_profiles WHERE account_id = ? AND role_key = ? ORDER BY name_key').all(
            accountId,
            key(roleName),
          )
    ) as ProfileRow[];
    return rows.map(toProfile);
  }

  insertProfile(p: InstanceProfileRecord): void {
    this.sql(
      `INSERT INTO iam_instance_profiles (account_id, name_key, name, path, profile_id, role_key, tags, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.accountId,
      key(p.name),
      p.name,
      p.path,
      p.profileId,
      p.roleKey ?? null,
      JSON.stringify(p.tags),
      p.createdAt,
    );
  }

  /** Writes a profile's role and tags. */
  saveProfile(p: InstanceProfileRecord): void {
    this.sql('UPDATE iam_instance_profiles SET role_key = ?, tags = ? WHERE account_id = ? AND name_key = ?').run(
      p.roleKey ?? null,
      JSON.stringify(p.tags),
      p.accountId,
      key(p.name),
    );
  }

  deleteProfile(accountId: string, name: string): void {
    this.sql('DELETE FROM iam_instance_profiles WHERE account_id = ? AND name_key = ?').run(accountId, key(name));
  }

  /** Whether a role is in some profile (DeleteRole refuses then). */
  roleInProfile(accountId: string, roleName: string): boolean {
    return (
      this.sql('SELECT 1 FROM iam_instance_profiles WHERE account_id = ? AND role_key = ? LIMIT 1').get(
        accountId,
        key(roleName),
      ) !== undefined
    );
  }
}
