/**
 * Who may call the local cloud: static key pairs (default `test`/`test` in account 000000000000,
 * more from a JSON file or LAMBDA_TASKS_CREDENTIALS), temporary credentials issued by STS,
 * which live in the database so they survive a restart until they expire, and the key sources
 * services add (IAM users' access keys: accepted from the moment CreateAccessKey answers).
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

/** A caller's key pair, and the unique id of the IAM principal it belongs to when there is one. */
/** A key pair as the registry knows it (the request context carries it as `credentials`). */
export type Caller = Credentials;

/** Keys a service manages (IAM access keys): looked up after the static keys and sessions. */
export interface KeySource {
  /** The key pair, if it exists and may sign requests now (an Inactive key may not). */
  lookup(accessKeyId: string): Caller | undefined;
  /** A request signed with the key was authenticated; false when the key is not this source's. */
  recordUse(accessKeyId: string, service: string, region: string): boolean;
  /** A request signed with a session of `principalArn` (an assumed role's) was authenticated. */
  recordSessionUse?(principalArn: string, region: string): void;
}

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
  {
    id: 'sts-002-session-principal-id',
    sql: 'ALTER TABLE sts_sessions ADD COLUMN principal_id TEXT',
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
  private readonly sources: KeySource[] = [];

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

  /** Adds the keys a service manages (called once per service at start). */
  addSource(source: KeySource): void {
    this.sources.push(source);
  }

  lookup = (accessKeyId: string): Caller | undefined => {
    const known = this.staticKeys.get(accessKeyId);
    if (known) return known;
    return this.session(accessKeyId) ?? this.fromSources(accessKeyId);
  };

  /**
   * A request signed with `credentials` was authenticated for `service` in `region`: what IAM's
   * GetAccessKeyLastUsed reports for a user's key, and GetRole's RoleLastUsed for a role's
   * session. Static keys and other sessions have no last use (on AWS neither).
   */
  recordUse(credentials: Credentials, service: string, region: string): void {
    if (credentials.sessionToken) {
      const principal = credentials.principalArn;
      if (principal) for (const source of this.sources) source.recordSessionUse?.(principal, region);
      return;
    }
    if (this.staticKeys.has(credentials.accessKeyId)) return;
    for (const source of this.sources) if (source.recordUse(credentials.accessKeyId, service, region)) return;
  }

  private fromSources(accessKeyId: string): Caller | undefined {
    for (const source of this.sources) {
      const found = source.lookup(accessKeyId);
      if (found) return found;
    }
    return undefined;
  }

  private session(accessKeyId: string): Caller | undefined {
    const row = this.statements.get('SELECT * FROM sts_sessions WHERE access_key_id = ?').get(accessKeyId) as
      | {
          access_key_id: string;
          secret_access_key: string;
          session_token: string;
          account_id: string;
          principal_arn: string;
          expires_at: number;
          principal_id: string | null;
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
      ...(row.principal_id ? { principalId: row.principal_id } : {}),
    };
  }

  /** A static key pair of the account: what function processes of that account sign with. */
  forAccount(accountId: string): Credentials | undefined {
    for (const c of this.staticKeys.values()) if (c.accountId === accountId) return c;
    return undefined;
  }

  addSession(
    c: Required<
      Pick<Caller, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'accountId' | 'principalArn' | 'expiresAt'>
    > &
      Pick<Caller, 'principalId'>,
  ): void {
    this.statements
      .get(
        `INSERT INTO sts_sessions (access_key_id, secret_access_key, session_token, account_id, principal_arn,
          expires_at, principal_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.accessKeyId,
        c.secretAccessKey,
        c.sessionToken,
        c.accountId,
        c.principalArn,
        c.expiresAt,
        c.principalId ?? null,
      );
    // Expired sessions are useless; drop them as new ones arrive.
    this.statements.get('DELETE FROM sts_sessions WHERE expires_at < ?').run(Date.now() - 86_400_000);
  }
}
