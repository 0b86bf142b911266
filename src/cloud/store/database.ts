/**
 * The local cloud's metadata store: one SQLite database per data dir (synchronous, which suits a
 * single-process server: a statement finishes before the next request is handled), through
 * better-sqlite3 or node:sqlite as sqlite.ts chooses. Each service declares its tables as a
 * migration; all run at open, in order, once.
 */
import { type Db, type OpenOptions, openSqlite, type Statement } from './sqlite.js';

export type { Db, Statement } from './sqlite.js';

export interface Migration {
  /** Unique, stable id, e.g. `s3-001-buckets`. */
  id: string;
  sql: string;
}

export function openDatabase(file: string, migrations: Migration[], options: OpenOptions = {}): Db {
  const db = openStore(file, options);
  applyMigrations(db, migrations);
  return db;
}

/** Opens the database with the store's settings, without migrating (a file that is not a database fails here). */
export function openStore(file: string, options: OpenOptions = {}): Db {
  const db = openSqlite(file, options);
  // WAL with synchronous=NORMAL: a committed transaction is in the OS page cache before the
  // response is sent, so it survives the process being killed (kill -9); only a power loss
  // could drop the last commits, which is acceptable for a development cloud.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Applies the migrations the database has not had yet, in order. */
export function applyMigrations(db: Db, migrations: Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT id FROM migrations').all() as { id: string }[]).map((row) => row.id));
  const record = db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
  const pending = migrations.filter((migration) => !applied.has(migration.id));
  // One transaction for all of them: a new data dir takes ~40 migrations, and one commit instead
  // of one each saves most of the start's writes; a failing migration leaves none applied.
  if (pending.length > 0) {
    db.transaction(() => {
      for (const migration of pending) {
        db.exec(migration.sql);
        record.run(migration.id, Date.now());
      }
    })();
  }
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

/** Entries a state's read cache holds before it starts over (records are a few hundred bytes). */
const READ_CACHE_LIMIT = 5000;

/**
 * Base of the services' state classes: statements prepared once by SQL text, transactions, and a
 * read cache for rows that hot paths read on every request (Lambda's Invoke reads the function and
 * its version). The cache is dropped whenever a statement that can write is used, and is neither
 * read nor filled inside a transaction (which could still roll back), so it never serves a row
 * that differs from the table. Cached values are frozen: callers share them.
 */
export abstract class SqlState {
  private readonly statementCache: StatementCache;
  private readonly readCache = new Map<string, unknown>();
  /** Writes so far; the read cache belongs to the count it was filled at. */
  private writes = 0;
  private readCacheWrites = 0;

  /**
   * One transaction wrapper for every call: `db.transaction(fn)` builds four wrapped functions each
   * time, which showed in the profile of every write. It nests (savepoints) like any other.
   */
  private readonly runTransaction: (fn: () => unknown) => unknown;

  constructor(readonly db: Db) {
    this.statementCache = new StatementCache(db);
    this.runTransaction = db.transaction((fn: () => unknown) => fn());
  }

  protected sql(sql: string): Statement {
    const statement = this.statementCache.get(sql);
    if (!statement.readonly) this.writes++;
    return statement;
  }

  /** `load()`'s result, from the cache while no write happened since it was read. */
  protected cachedRead<T>(key: string, load: () => T): T {
    if (this.db.inTransaction) return load();
    if (this.readCacheWrites !== this.writes || this.readCache.size >= READ_CACHE_LIMIT) {
      this.readCache.clear();
      this.readCacheWrites = this.writes;
    }
    if (this.readCache.has(key)) return this.readCache.get(key) as T;
    const value = deepFreeze(load());
    // Loading may have written (it should not); then the value is not kept.
    if (this.readCacheWrites === this.writes) this.readCache.set(key, value);
    return value;
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.runTransaction(fn) as T;
    } finally {
      // A rollback undoes writes the cache may have been cleared for already; count it as a write.
      this.writes++;
    }
  }
}

/**
 * Rows a state reads on every request but changes only through a few of its own methods (a
 * service's tables or streams), kept by key until one of those methods calls `changed()`. Unlike
 * SqlState's read cache it survives writes to other rows (items, records), so the hot write paths
 * keep hitting it. Inside a transaction that changed the rows it is bypassed (what a load sees
 * there could still roll back), and it starts over once that transaction has ended, however it
 * ended. Cached values are frozen: callers share them.
 */
export class RowCache<T> {
  private readonly entries = new Map<string, T>();
  /** A transaction changed the rows: bypass until it ends, then start over. */
  private changedInTransaction = false;

  constructor(
    private readonly db: Db,
    private readonly limit = READ_CACHE_LIMIT,
  ) {}

  get(key: string, load: () => T): T {
    if (this.changedInTransaction) {
      if (this.db.inTransaction) return load();
      this.changedInTransaction = false;
      this.entries.clear();
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = deepFreeze(load());
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }

  /** The owner's write methods call this whenever the cached rows may have changed. */
  changed(): void {
    this.entries.clear();
    if (this.db.inTransaction) this.changedInTransaction = true;
  }
}

/** Freezes `value` and everything it holds (values shared between callers). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
