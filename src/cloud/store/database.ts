/**
 * The local cloud's metadata store: one SQLite database per data dir (better-sqlite3, synchronous,
 * which suits a single-process server: a statement finishes before the next request is handled).
 * Each service declares its tables as a migration; all run at open, in order, once.
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;
export type Statement = Database.Statement;

export interface Migration {
  /** Unique, stable id, e.g. `s3-001-buckets`. */
  id: string;
  sql: string;
}

export function openDatabase(file: string, migrations: Migration[]): Db {
  const db = new Database(file);
  // WAL with synchronous=NORMAL: a committed transaction is in the OS page cache before the
  // response is sent, so it survives the process being killed (kill -9); only a power loss
  // could drop the last commits, which is acceptable for a development cloud.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT id FROM migrations').all() as { id: string }[]).map((row) => row.id));
  const record = db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, Date.now());
    })();
  }
  return db;
}

/** Prepared statements by SQL text: preparing is the costly part, so each is prepared once. */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** Base of the services' state classes: statements prepared once by SQL text, and transactions. */
export abstract class SqlState {
  private readonly statementCache: StatementCache;

  constructor(readonly db: Db) {
    this.statementCache = new StatementCache(db);
  }

  protected sql(sql: string): Statement {
    return this.statementCache.get(sql);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
