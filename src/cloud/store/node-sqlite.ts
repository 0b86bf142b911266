/**
 * Node's built-in SQLite (`node:sqlite`, DatabaseSync) behind the store's Db interface, with
 * better-sqlite3's semantics where the two differ:
 *
 * - parameters: `undefined` binds NULL, arrays are spread, named objects may hold keys the
 *   statement does not use (DatabaseSync rejects all three by default);
 * - rows: plain objects (DatabaseSync's have a null prototype) and BLOBs as Buffers (it gives
 *   Uint8Arrays), built from arrays with the column names read once per statement;
 * - `transaction(fn)`: BEGIN/COMMIT, a SAVEPOINT when nested, rollback on throw, as
 *   better-sqlite3's lib/methods/transaction.js does;
 * - `pragma()`, `inTransaction`, `open`, and `readonly` (from the statement's text: DatabaseSync
 *   does not expose sqlite3_stmt_readonly; when unsure it says "can write", which only costs a
 *   read-cache refill);
 * - the busy timeout, 5 s by default as in better-sqlite3 (DatabaseSync's is 0).
 *
 * Node 22 prints an ExperimentalWarning when the module is first loaded; it is not the user's
 * concern (the store chose the driver), so it is kept out of their output.
 *
 * @types/node 20 predates the module: the few members used are typed here.
 */
import { createRequire } from 'node:module';
import type { Db, RunResult, Statement } from './sqlite.js';

interface StatementSync {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown[] | undefined;
  all(...params: unknown[]): unknown[][];
  iterate(...params: unknown[]): IterableIterator<unknown[]>;
  columns(): { name: string }[];
  setAllowUnknownNamedParameters(enabled: boolean): void;
  setReturnArrays(enabled: boolean): void;
}

interface DatabaseSync {
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}

interface NodeSqliteModule {
  DatabaseSync: new (file: string, options?: { timeout?: number }) => DatabaseSync;
}

const require = createRequire(import.meta.url);
let loaded: { module?: NodeSqliteModule; failure?: string } | undefined;

function load(): { module?: NodeSqliteModule; failure?: string } {
  if (loaded) return loaded;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const module = require('node:sqlite') as NodeSqliteModule;
    const probe = new module.DatabaseSync(':memory:');
    const statement = probe.prepare('SELECT 1');
    // The members the adapter relies on; Node 22.13-22.15 lacks some of them.
    const missing = [
      typeof statement.setReturnArrays !== 'function' && 'StatementSync.setReturnArrays',
      typeof statement.setAllowUnknownNamedParameters !== 'function' && 'StatementSync.setAllowUnknownNamedParameters',
      typeof probe.isTransaction !== 'boolean' && 'DatabaseSync.isTransaction',
    ].filter(Boolean);
    probe.close();
    loaded = missing.length
      ? { failure: `Node ${process.version}'s node:sqlite lacks ${missing.join(', ')} (Node 22.16+ has them)` }
      : { module };
  } catch (error) {
    loaded = { failure: `Node ${process.version} has no usable node:sqlite (${(error as Error).message})` };
  } finally {
    process.emitWarning = emitWarning;
  }
  return loaded;
}

/** Why node:sqlite cannot be used in the running Node, or undefined when it can. */
export function nodeSqliteUnavailable(): string | undefined {
  return load().failure;
}

/** Statements that cannot write: a SELECT or VALUES, or a WITH whose text names no write. */
function isReadonlySql(sql: string): boolean {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trimStart();
  const keyword = /^\w+/.exec(text)?.[0]?.toUpperCase();
  if (keyword === 'SELECT' || keyword === 'VALUES') return true;
  if (keyword === 'WITH') return !/\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(text);
  return false;
}

function toValue(value: unknown): unknown {
  if (value === undefined) return null;
  return value;
}

function isNamedParameters(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer)
  );
}

/** better-sqlite3's parameters as DatabaseSync takes them. */
function bindable(params: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    if (param === undefined || Array.isArray(param) || isNamedParameters(param)) {
      out = [];
      break;
    }
  }
  if (!out) return params;
  for (const param of params) {
    if (Array.isArray(param)) for (const inner of param) out.push(toValue(inner));
    else if (isNamedParameters(param)) {
      const named: Record<string, unknown> = {};
      for (const key of Object.keys(param)) named[key] = toValue(param[key]);
      out.push(named);
    } else out.push(toValue(param));
  }
  // DatabaseSync takes the named object first, then positional values.
  const namedIndex = out.findIndex(isNamedParameters);
  if (namedIndex > 0) out.unshift(...out.splice(namedIndex, 1));
  return out;
}

function toBuffer(value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}

class NodeSqliteStatement implements Statement {
  readonly readonly: boolean;
  private names: string[] | undefined;

  constructor(
    private readonly statement: StatementSync,
    readonly source: string,
  ) {
    this.readonly = isReadonlySql(source);
    statement.setReturnArrays(true);
    statement.setAllowUnknownNamedParameters(true);
  }

  private row(values: unknown[]): Record<string, unknown> {
    this.names ??= this.statement.columns().map((column) => column.name);
    const row: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i++) row[this.names[i] as string] = toBuffer(values[i]);
    return row;
  }

  run(...params: unknown[]): RunResult {
    return this.statement.run(...bindable(params));
  }

  get(...params: unknown[]): unknown {
    const values = this.statement.get(...bindable(params));
    return values === undefined ? undefined : this.row(values);
  }

  all(...params: unknown[]): unknown[] {
    return this.statement.all(...bindable(params)).map((values) => this.row(values));
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    for (const values of this.statement.iterate(...bindable(params))) yield this.row(values);
  }
}

export class NodeSqliteDatabase implements Db {
  private readonly db: DatabaseSync;

  constructor(
    readonly name: string,
    timeout: number,
  ) {
    const module = load().module;
    if (!module) throw new Error(load().failure);
    this.db = new module.DatabaseSync(name);
    this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(timeout))}`);
  }

  get open(): boolean {
    return this.db.isOpen;
  }

  get inTransaction(): boolean {
    return this.db.isOpen && this.db.isTransaction;
  }

  prepare(sql: string): Statement {
    return new NodeSqliteStatement(this.db.prepare(sql), sql);
  }

  exec(sql: string): this {
    this.db.exec(sql);
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const rows = this.prepare(`PRAGMA ${source}`).all() as Record<string, unknown>[];
    return options.simple ? Object.values(rows[0] ?? {})[0] : rows;
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): F {
    const db = this.db;
    const begin = db.prepare('BEGIN');
    const commit = db.prepare('COMMIT');
    const rollback = db.prepare('ROLLBACK');
    // better-sqlite3's savepoint name, so the two drivers leave the same trace in a debugger.
    const savepoint = db.prepare('SAVEPOINT `\t_bs3.\t`');
    const release = db.prepare('RELEASE `\t_bs3.\t`');
    const rollbackTo = db.prepare('ROLLBACK TO `\t_bs3.\t`');
    return function (this: unknown, ...args: never[]) {
      const nested = db.isTransaction;
      (nested ? savepoint : begin).run();
      try {
        const result = fn.apply(this, args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          throw new TypeError('Transaction function cannot return a promise');
        }
        (nested ? release : commit).run();
        return result;
      } catch (error) {
        if (db.isTransaction) {
          if (nested) {
            rollbackTo.run();
            release.run();
          } else rollback.run();
        }
        throw error;
      }
    } as F;
  }

  close(): this {
    if (this.db.isOpen) this.db.close();
    return this;
  }
}
