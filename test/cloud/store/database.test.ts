/**
 * The store's SqlState and RowCache on a real SQLite database: transactions commit, roll back and
 * nest through the one shared wrapper, and cached rows are never served after the table changed,
 * including when the change happened in a transaction that rolled back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase, RowCache, SqlState } from '../../../src/cloud/store/database.js';

interface Thing {
  name: string;
  size: number;
}

/** A state like the services' own: a few rows read on every request, changed by two methods. */
class ThingState extends SqlState {
  readonly things = new RowCache<Thing | undefined>(this.db);
  loads = 0;

  get(name: string): Thing | undefined {
    return this.things.get(name, () => {
      this.loads++;
      return this.sql('SELECT name, size FROM things WHERE name = ?').get(name) as Thing | undefined;
    });
  }

  put(name: string, size: number): void {
    this.things.changed();
    this.sql('INSERT INTO things (name, size) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET size = excluded.size').run(
      name,
      size,
    );
  }

  /** A write to other rows, which must not empty the cache. */
  log(text: string): void {
    this.sql('INSERT INTO log (text) VALUES (?)').run(text);
  }

  logCount(): number {
    return (this.sql('SELECT COUNT(*) AS n FROM log').get() as { n: number }).n;
  }
}

let dir: string;
let db: Db;
let state: ThingState;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  db = openDatabase(join(dir, 'db.sqlite'), [
    {
      id: 'test-001',
      sql: 'CREATE TABLE things (name TEXT PRIMARY KEY, size INTEGER NOT NULL); CREATE TABLE log (text TEXT NOT NULL);',
    },
  ]);
  state = new ThingState(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqlState.transaction', () => {
  it('commits and returns the function result, again and again through the same wrapper', () => {
    for (let i = 0; i < 3; i++) {
      const result = state.transaction(() => {
        state.log(`entry ${i}`);
        return i * 2;
      });
      expect(result).toBe(i * 2);
    }
    expect(state.logCount()).toBe(3);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back everything when the function throws, and rethrows', () => {
    expect(() =>
      state.transaction(() => {
        state.log('lost');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(state.logCount()).toBe(0);
    expect(db.inTransaction).toBe(false);
  });

  it('nests: an inner failure caught by the outer one undoes only the inner writes', () => {
    state.transaction(() => {
      state.log('outer');
      expect(() =>
        state.transaction(() => {
          state.log('inner');
          throw new Error('inner failed');
        }),
      ).toThrow('inner failed');
      state.log('outer again');
    });
    expect(state.logCount()).toBe(2);
  });
});

describe('RowCache', () => {
  it('loads a row once, also when absent, and keeps it across writes to other rows', () => {
    state.put('a', 1);
    expect(state.get('a')).toEqual({ name: 'a', size: 1 });
    expect(state.get('missing')).toBeUndefined();
    state.log('unrelated write');
    state.transaction(() => state.log('unrelated transaction'));
    expect(state.get('a')).toEqual({ name: 'a', size: 1 });
    expect(state.get('missing')).toBeUndefined();
    expect(state.loads).toBe(2);
  });

  it('hands out frozen rows, so no caller can change what others read', () => {
    state.put('a', 1);
    const row = state.get('a') as Thing;
    expect(Object.isFrozen(row)).toBe(true);
    expect(() => {
      row.size = 5;
    }).toThrow(TypeError);
  });

  it('reloads after the owner says the rows changed', () => {
    state.put('a', 1);
    expect(state.get('a')?.size).toBe(1);
    state.put('a', 2);
    expect(state.get('a')?.size).toBe(2);
    state.put('b', 3);
    expect(state.get('b')?.size).toBe(3);
  });

  it('inside a transaction that changed the rows, reads what the transaction wrote', () => {
    state.put('a', 1);
    expect(state.get('a')?.size).toBe(1);
    state.transaction(() => {
      state.put('a', 2);
      expect(state.get('a')?.size).toBe(2);
      state.put('a', 3);
      expect(state.get('a')?.size).toBe(3);
    });
    expect(state.get('a')?.size).toBe(3);
  });

  it('never serves a row seen inside a transaction that rolled back', () => {
    state.put('a', 1);
    expect(state.get('a')?.size).toBe(1);
    expect(() =>
      state.transaction(() => {
        state.put('a', 2);
        expect(state.get('a')?.size).toBe(2);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(state.get('a')?.size).toBe(1);
  });

  it('never serves a row seen after an inner transaction that rolled back inside an outer one', () => {
    state.put('a', 1);
    state.transaction(() => {
      expect(() =>
        state.transaction(() => {
          state.put('a', 2);
          throw new Error('inner');
        }),
      ).toThrow('inner');
      expect(state.get('a')?.size).toBe(1);
    });
    expect(state.get('a')?.size).toBe(1);
  });

  it('starts over once it holds its limit of entries', () => {
    const small = new RowCache<number>(db, 2);
    let loads = 0;
    const load = () => ++loads;
    small.get('x', load);
    small.get('y', load);
    small.get('z', load);
    expect(small.get('z', load)).toBe(3);
    expect(small.get('x', load)).toBe(4);
  });
});
