/**
 * The one SQLite connection type the store uses, whichever driver is underneath:
 *
 * - better-sqlite3, the native module the package depends on (Node 20 and wherever its prebuilt or
 *   locally built binary matches the running Node);
 * - `node:sqlite` (DatabaseSync), built into Node 22.16+ and 24, for a Node the installed
 *   better-sqlite3 binary was not built for: `npm ci` offline under Node 24 builds it against the
 *   machine's other Node's headers, and it then fails to load (NODE_MODULE_VERSION mismatch).
 *
 * The interface is the subset of better-sqlite3's API the store uses, so better-sqlite3's own
 * Database is a Db as it is (no wrapper on the fast path), and node-sqlite.ts adapts DatabaseSync to
 * it with better-sqlite3's semantics.
 *
 * The rule: `LAMBDA_TASKS_SQLITE=better-sqlite3|node:sqlite` forces one (an error if it cannot
 * load); otherwise better-sqlite3 when its binary loads, since it is the faster of the two here
 * (bench/run.mjs `store`) and what Node 20 has to use anyway; otherwise node:sqlite when the running
 * Node has it; otherwise an error naming both reasons.
 */
import { createRequire } from 'node:module';
import { NodeSqliteDatabase, nodeSqliteUnavailable } from './node-sqlite.js';

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/**
 * A prepared statement. Parameters as better-sqlite3 takes them: values in order (arrays are
 * spread), or one object of named values (`@name`, `:name`, `$name`); `undefined` binds NULL.
 * Rows are plain objects, BLOBs are Buffers, integers are numbers.
 */
export interface Statement {
  /** The statement cannot write (the read caches stay valid). */
  readonly readonly: boolean;
  readonly source: string;
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

export interface Db {
  /** The file it was opened on. */
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  exec(sql: string): unknown;
  /** `PRAGMA source`; with `simple`, the first column of the first row, else all rows. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /**
   * `fn` wrapped in BEGIN/COMMIT (a SAVEPOINT when already in a transaction), rolled back and
   * rethrown when it throws.
   */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  close(): unknown;
}

export type SqliteDriver = 'better-sqlite3' | 'node:sqlite';
export const SQLITE_DRIVERS: readonly SqliteDriver[] = ['better-sqlite3', 'node:sqlite'];
export const SQLITE_DRIVER_ENV = 'LAMBDA_TASKS_SQLITE';

export interface OpenOptions {
  /**
   * How long a statement waits for another connection's lock before SQLITE_BUSY, in ms.
   * @default 5000 (better-sqlite3's default, set on both drivers)
   */
  timeout?: number;
  /** @default the rule in this file's comment */
  driver?: SqliteDriver;
}

export class SqliteDriverError extends Error {
  readonly code = 'SqliteDriverUnavailable';
}

const require = createRequire(import.meta.url);

type BetterSqlite3 = new (file: string, options?: { timeout?: number }) => Db;
interface BetterSqlite3Load {
  Database?: BetterSqlite3;
  failure?: string;
}
let betterSqlite3: BetterSqlite3Load | undefined;

/** better-sqlite3's Database class, or why its native binary does not load in this Node. */
function loadBetterSqlite3(): BetterSqlite3Load {
  if (betterSqlite3) return betterSqlite3;
  try {
    const Database = require('better-sqlite3') as BetterSqlite3;
    // The binary loads on the first connection, not on require: open one to know.
    new Database(':memory:').close();
    betterSqlite3 = { Database };
  } catch (error) {
    betterSqlite3 = { failure: (error as Error).message.split('\n')[0] };
  }
  return betterSqlite3;
}

function forcedDriver(): SqliteDriver | undefined {
  const value = process.env[SQLITE_DRIVER_ENV];
  if (!value) return undefined;
  if (!(SQLITE_DRIVERS as readonly string[]).includes(value)) {
    throw new SqliteDriverError(`${SQLITE_DRIVER_ENV}=${value}: expected one of ${SQLITE_DRIVERS.join(', ')}`);
  }
  return value as SqliteDriver;
}

/** Whether `driver` works in the running Node; the reason when not. */
export function driverFailure(driver: SqliteDriver): string | undefined {
  return driver === 'better-sqlite3' ? loadBetterSqlite3().failure : nodeSqliteUnavailable();
}

/** The driver `openSqlite` uses when none is asked for. */
export function chosenDriver(): SqliteDriver {
  const forced = forcedDriver();
  if (forced) {
    const failure = driverFailure(forced);
    if (failure) throw new SqliteDriverError(`${SQLITE_DRIVER_ENV}=${forced}, but it cannot be used: ${failure}`);
    return forced;
  }
  const betterFailure = driverFailure('better-sqlite3');
  if (!betterFailure) return 'better-sqlite3';
  const nodeFailure = driverFailure('node:sqlite');
  if (!nodeFailure) return 'node:sqlite';
  throw new SqliteDriverError(
    `no SQLite driver works in Node ${process.version}: better-sqlite3: ${betterFailure}; node:sqlite: ${nodeFailure}. Reinstall better-sqlite3 for this Node (npm rebuild better-sqlite3) or use Node 22.16+`,
  );
}

export function openSqlite(file: string, options: OpenOptions = {}): Db {
  const driver = options.driver ?? chosenDriver();
  const timeout = options.timeout ?? 5000;
  if (driver === 'node:sqlite') {
    const failure = nodeSqliteUnavailable();
    if (failure) throw new SqliteDriverError(`node:sqlite cannot be used: ${failure}`);
    return new NodeSqliteDatabase(file, timeout);
  }
  const { Database, failure } = loadBetterSqlite3();
  if (!Database) throw new SqliteDriverError(`better-sqlite3 cannot be used: ${failure}`);
  return new Database(file, { timeout });
}

/** SQLITE_BUSY or SQLITE_LOCKED (another connection holds the lock), from either driver. */
export function isBusyError(error: unknown): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  // better-sqlite3 names the (extended) code; node:sqlite gives its number, the primary code in
  // the low byte: 5 SQLITE_BUSY, 6 SQLITE_LOCKED.
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
  return typeof errcode === 'number' && ((errcode & 0xff) === 5 || (errcode & 0xff) === 6);
}
