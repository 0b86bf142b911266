/**
 * Who may call the local cloud: static key pairs (default `test`/`test` in account 000000000000,
 * more from a JSON file or LAMBDA_TASKS_CREDENTIALS) and temporary credentials issued by STS,
 * which live in the database so they survive a restart until they expire.
 */
import { readFileSync } from 'node:fs';
import type { Credentials } from './auth/sigv4.js';
import { type Db, type Migration, StatementCache } from './store/database.js';

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_CREDENTIALS: Credentials = {
  accessKeyId: 'test',
  secretAccessKey: 'test',
  accountId: DEFAULT_ACCOUNT_ID,
};

export interface StaticCredential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId?: string;
}

export const credentialMigrations: Migration[] = [
  {
    id: 'sts-001-sessions',
    sql: `CREATE TABLE sts_sessions (
      access_key_id TEXT PRIMARY KEY,
      secret_access_key TEXT NOT NULL,
      session_token TEXT NOT NULL,
      account_id TEXT NOT NULL,
      principal_arn TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    )`,
  },
];

/** Parses `AKID:SECRET[:ACCOUNT],...` (the LAMBDA_TASKS_CREDENTIALS format). */
export function parseCredentialList(text: string): StaticCredential[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [accessKeyId, secretAccessKey, accountId] = entry.split(':');
      if (!accessKeyId || !secretAccessKey) {
        throw new Error(`credential entry "${accessKeyId ?? ''}:****" must be ACCESS_KEY_ID:SECRET[:ACCOUNT_ID]`);
      }
      return { accessKeyId, secretAccessKey, ...(accountId ? { accountId } : {}) };
    });
}

/** Reads a JSON file: `[{ "accessKeyId": "...", "secretAccessKey": "...", "accountId": "..." }]`. */
export function readCredentialFile(file: string): StaticCredential[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(parsed))
    throw new Error(`${file}: expected a JSON array of {accessKeyId, secretAccessKey, accountId}`);
  return parsed as StaticCredential[];
}

export class CredentialRegistry {
  private readonly staticKeys = new Map<string, Credentials>();
  private readonly statements: StatementCache;

  constructor(db: Db, extra: StaticCredential[] = []) {
    this.statements = new StatementCache(db);
    for (const c of [DEFAULT_CREDENTIALS, ...extra]) {
      this.staticKeys.set(c.accessKeyId, {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        accountId: c.accountId ?? DEFAULT_ACCOUNT_ID,
      });
    }
  }

  lookup = (accessKeyId: string): Credentials | undefined => {
    const known = this.staticKeys.get(accessKeyId);
    if (known) return known;
    const row = this.statements.get('SELECT * FROM sts_sessions WHERE access_key_id = ?').get(accessKeyId) as
      | {
          access_key_id: string;
          secret_access_key: string;
          session_token: string;
          account_id: string;
          principal_arn: string;
          expires_at: number;
        }
      | undefined;
    if (!row) return undefined;
    return {
      accessKeyId: row.access_key_id,
      secretAccessKey: row.secret_access_key,
      sessionToken: row.session_token,
      accountId: row.account_id,
      principalArn: row.principal_arn,
      expiresAt: row.expires_at,
    };
  };

  /** A static key pair of the account: what function processes of that account sign with. */
  forAccount(accountId: string): Credentials | undefined {
    for (const c of this.staticKeys.values()) if (c.accountId === accountId) return c;
    return undefined;
  }

  addSession(
    c: Required<
      Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'accountId' | 'principalArn' | 'expiresAt'>
    >,
  ): void {
    this.statements
      .get('INSERT INTO sts_sessions VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.accessKeyId, c.secretAccessKey, c.sessionToken, c.accountId, c.principalArn, c.expiresAt);
    // Expired sessions are useless; drop them as new ones arrive.
    this.statements.get('DELETE FROM sts_sessions WHERE expires_at < ?').run(Date.now() - 86_400_000);
  }
}
