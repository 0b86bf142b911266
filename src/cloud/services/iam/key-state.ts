/**
 * What users sign and authenticate with, in SQLite: access keys (the long-term key pairs the
 * local cloud accepts for SigV4), signing certificates and SSH public keys. Keys name their user
 * by the lower-cased name (a rename moves them along); an account root's own keys have no user.
 */
import { SqlState } from '../../store/database.js';
import { key } from './state.js';

export type KeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** The owner's name as created; undefined for the account root's keys. */
  userName: string | undefined;
  secretAccessKey: string;
  status: KeyStatus;
  createdAt: number;
  lastUsed: { at: number; service: string; region: string } | undefined;
}

/** A signing certificate (X.509) or an SSH public key a user uploaded. */
export type CertificateKind = 'signing' | 'ssh';

export interface CertificateRecord {
  id: string;
  kind: CertificateKind;
  accountId: string;
  userKey: string;
  body: string;
  /** An SSH key's MD5 fingerprint. */
  fingerprint: string | undefined;
  status: KeyStatus;
  uploadedAt: number;
}

interface AccessKeyRow {
  access_key_id: string;
  account_id: string;
  user_name: string | null;
  secret_access_key: string;
  status: KeyStatus;
  created_at: number;
  last_used_at: number | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

const toAccessKey = (row: AccessKeyRow): AccessKeyRecord => ({
  accessKeyId: row.access_key_id,
  accountId: row.account_id,
  userName: row.user_name ?? undefined,
  secretAccessKey: row.secret_access_key,
  status: row.status,
  createdAt: row.created_at,
  lastUsed:
    row.last_used_at === null
      ? undefined
      : { at: row.last_used_at, service: row.last_used_service ?? 'N/A', region: row.last_used_region ?? 'N/A' },
});

/** Keys with their owner's current name (null for the root's). */
const ACCESS_KEYS = `SELECT k.*, u.name AS user_name FROM iam_access_keys k
  LEFT JOIN iam_users u ON u.account_id = k.account_id AND u.name_key = k.user_key`;

interface CertificateRow {
  id: string;
  kind: CertificateKind;
  account_id: string;
  user_key: string;
  body: string;
  fingerprint: string | null;
  status: KeyStatus;
  uploaded_at: number;
}

const toCertificate = (row: CertificateRow): CertificateRecord => ({
  id: row.id,
  kind: row.kind,
  accountId: row.account_id,
  userKey: row.user_key,
  body: row.body,
  fingerprint: row.fingerprint ?? undefined,
  status: row.status,
  uploadedAt: row.uploaded_at,
});

const userKey = (userName: string | undefined) => (userName === undefined ? null : key(userName));

export class KeyState extends SqlState {
  // Access keys

  getAccessKey(accessKeyId: string): AccessKeyRecord | undefined {
    const row = this.sql(`${ACCESS_KEYS} WHERE k.access_key_id = ?`).get(accessKeyId) as AccessKeyRow | undefined;
    return row ? toAccessKey(row) : undefined;
  }

  /** A user's keys (or the root's, for no user), oldest first. */
  accessKeysOf(accountId: string, userName: string | undefined): AccessKeyRecord[] {
    const rows = this.sql(
      `${ACCESS_KEYS} WHERE k.account_id = ? AND k.user_key IS ? ORDER BY k.created_at, k.access_key_id`,
    ).all(accountId, userKey(userName)) as AccessKeyRow[];
    return rows.map(toAccessKey);
  }

  insertAccessKey(k: AccessKeyRecord): void {
    this.sql(
      `INSERT INTO iam_access_keys (access_key_id, account_id, user_key, secret_access_key, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(k.accessKeyId, k.accountId, userKey(k.userName), k.secretAccessKey, k.status, k.createdAt);
  }

  setAccessKeyStatus(accessKeyId: string, status: KeyStatus): void {
    this.sql('UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?').run(status, accessKeyId);
  }

  deleteAccessKey(accessKeyId: string): void {
    this.sql('DELETE FROM iam_access_keys WHERE access_key_id = ?').run(accessKeyId);
  }

  /** Records a signed request's use of a key; false when the key is not one of these. */
  recordUse(accessKeyId: string, at: number, service: string, region: string): boolean {
    return (
      this.sql(
        'UPDATE iam_access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE access_key_id = ?',
      ).run(at, service, region, accessKeyId).changes > 0
    );
  }

  // Signing certificates and SSH public keys

  getCertificate(kind: CertificateKind, id: string): CertificateRecord | undefined {
    const row = this.sql('SELECT * FROM iam_user_certificates WHERE kind = ? AND id = ?').get(kind, id) as
      | CertificateRow
      | undefined;
    return row ? toCertificate(row) : undefined;
  }

  certificatesOf(accountId: string, userName: string, kind: CertificateKind): CertificateRecord[] {
    const rows = this.sql(
      'SELECT * FROM iam_user_certificates WHERE account_id = ? AND user_key = ? AND kind = ? ORDER BY uploaded_at, id',
    ).all(accountId, key(userName), kind) as CertificateRow[];
    return rows.map(toCertificate);
  }

  insertCertificate(c: CertificateRecord): void {
    this.sql(
      `INSERT INTO iam_user_certificates (id, kind, account_id, user_key, body, fingerprint, status, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.id, c.kind, c.accountId, c.userKey, c.body, c.fingerprint ?? null, c.status, c.uploadedAt);
  }

  setCertificateStatus(kind: CertificateKind, id: string, status: KeyStatus): void {
    this.sql('UPDATE iam_user_certificates SET status = ? WHERE kind = ? AND id = ?').run(status, kind, id);
  }

  deleteCertificate(kind: CertificateKind, id: string): void {
    this.sql('DELETE FROM iam_user_certificates WHERE kind = ? AND id = ?').run(kind, id);
  }

  /** A renamed user keeps its keys and certificates. */
  renameOwner(accountId: string, from: string, to: string): void {
    for (const table of ['iam_access_keys', 'iam_user_certificates']) {
      this.sql(`UPDATE ${table} SET user_key = ? WHERE account_id = ? AND user_key = ?`).run(
        key(to),
        accountId,
        key(from),
      );
    }
  }
}
