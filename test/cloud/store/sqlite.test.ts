/**
 * One conformance suite for both SQLite drivers behind the store's Db (sqlite.ts): whatever the
 * services rely on behaves the same on better-sqlite3 and on node:sqlite. Each runs where the
 * running Node can load it (Node 20: better-sqlite3; Node 22.16+/24 with a better-sqlite3 binary
 * built for another Node: node:sqlite); scripts/test-node-versions.mjs runs this file on each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../../src/cloud/store/lock.js';
import {
  type Db,
  driverFailure,
  isBusyError,
  openSqlite,
  SQLITE_DRIVERS,
  type SqliteDriver,
} from '../../../src/cloud/store/sqlite.js';

const available = SQLITE_DRIVERS.filter((driver) => !driverFailure(driver));

it('at least one driver works in this Node', () => {
  expect(available.length).toBeGreaterThan(0);
});

describe.each(SQLITE_DRIVERS)('%s', (driver: SqliteDriver) => {
  const failure = driverFailure(driver);
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-test-'));
    if (failure) return;
    db = openSqlite(join(dir, 'db.sqlite'), { driver });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, n)');
  });

  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A driver the running Node cannot load is skipped with its reason in the title.
  const test = failure ? it.skip : it;

  test(`binds and returns values as better-sqlite3 does${failure ? ` (unavailable: ${failure})` : ''}`, () => {
    const insert = db.prepare('INSERT INTO t (name, data, n) VALUES (?, ?, ?)');
    const first = insert.run('a', Buffer.from([0, 1, 255]), 1.5);
    expect(first).toEqual({ changes: 1, lastInsertRowid: 1 });
    // undefined binds NULL; arrays are spread.
    expect(insert.run(['b', undefined, 2]).lastInsertRowid).toBe(2);
    const row = db.prepare('SELECT * FROM t WHERE id = ?').get(1) as Record<string, unknown>;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Buffer.isBuffer(row.data)).toBe(true);
    expect(row).toEqual({ id: 1, name: 'a', data: Buffer.from([0, 1, 255]), n: 1.5 });
    expect(db.prepare('SELECT data FROM t WHERE id = 2').get()).toEqual({ data: null });
    expect(db.prepare('SELECT * FROM t WHERE id = 99').get()).toBeUndefined();
    // Named parameters in any of SQLite's three prefixes, extra keys ignored, undefined is NULL.
    const named = db.prepare('SELECT @a AS a, :b AS b, $c AS c').get({ a: 1, b: undefined, c: 'x', unused: 2 });
    expect(named).toEqual({ a: 1, b: null, c: 'x' });
    expect(db.prepare('UPDATE t SET n = n + 1').run().changes).toBe(2);
  });

  test('all() and iterate() give rows, and an iteration can stop early', () => {
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    for (const name of ['a', 'b', 'c']) insert.run(name);
    expect(db.prepare('SELECT name FROM t ORDER BY id').all()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const seen: unknown[] = [];
    for (const row of db.prepare('SELECT name FROM t ORDER BY id').iterate()) {
      seen.push(row);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([{ name: 'a' }, { name: 'b' }]);
    // The statement is usable again after the early stop.
    expect([...db.prepare('SELECT name FROM t WHERE id > ?').iterate(2)]).toEqual([{ name: 'c' }]);
  });

  test('statements know whether they can write', () => {
    expect(db.prepare('SELECT 1').readonly).toBe(true);
    expect(db.prepare('WITH x AS (SELECT 1) SELECT * FROM x').readonly).toBe(true);
    expect(db.prepare('INSERT INTO t (name) VALUES (1)').readonly).toBe(false);
    expect(db.prepare('UPDATE t SET n = 1').readonly).toBe(false);
    expect(db.prepare('DELETE FROM t').readonly).toBe(false);
    expect(db.prepare('WITH x AS (SELECT 1) DELETE FROM t').readonly).toBe(false);
  });

  test('pragmas, transactions that nest and roll back, inTransaction', () => {
    expect(db.pragma('journal_mode = WAL', { simple: true })).toBe('wal');
    db.pragma('foreign_keys = OFF');
    expect(db.pragma('foreign_keys')).toEqual([{ foreign_keys: 0 }]);
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    const outer = db.transaction((name: string) => {
      expect(db.inTransaction).toBe(true);
      insert.run(name);
      expect(() =>
        db.transaction(() => {
          insert.run('inner');
          throw new Error('inner');
        })(),
      ).toThrow('inner');
      return count();
    });
    expect(outer('outer')).toBe(1);
    expect(db.inTransaction).toBe(false);
    expect(() =>
      db.transaction(() => {
        insert.run('lost');
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    expect(count()).toBe(1);
    expect(db.inTransaction).toBe(false);
  });

  test('a constraint violation throws and leaves the connection usable', () => {
    db.prepare('INSERT INTO t (id) VALUES (1)').run();
    expect(() => db.prepare('INSERT INTO t (id) VALUES (1)').run()).toThrow(/UNIQUE constraint failed/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  test('a second connection meets an exclusive lock as a busy error, and the data dir lock says who holds it', () => {
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('INSERT INTO t (name) VALUES (1)').run();
    const other = openSqlite(join(dir, 'db.sqlite'), { driver, timeout: 0 });
    try {
      let thrown: unknown;
      try {
        other.prepare('SELECT * FROM t').all();
      } catch (error) {
        thrown = error;
      }
      expect(isBusyError(thrown)).toBe(true);
    } finally {
      other.close();
    }
    const release = lockDataDir(dir);
    try {
      expect(() => lockDataDir(dir)).toThrow(/in use by another lambda-tasks cloud \(pid \d+\)/);
    } finally {
      release();
    }
    expect(db.open).toBe(true);
  });
});
