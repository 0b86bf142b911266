/**
 * The store section: the two SQLite drivers behind the local cloud's store (dist/cloud/store/sqlite.js)
 * on the store's own settings (openDatabase: WAL, synchronous=NORMAL), on what the services do per
 * request: one insert in its own transaction (a PutItem, a SendMessage) and one point read by primary
 * key through a cached statement (a GetItem). Every driver the running Node can load is measured in
 * this process; BENCH_STORE_NODES=22,24 also runs this file under `npx -p node@22` / `node@24` (offline
 * from npm's cache) and reports their drivers in the same table, since Node 20 has only better-sqlite3
 * and Node 22/24 only node:sqlite when better-sqlite3 was built for another Node.
 *
 * Run on its own (`node bench/store.mjs`), it prints its measurements as JSON.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row } from './report.mjs';

/**
 * @typedef {object} StoreOptions
 * @property {number} rows inserts timed (and rows in the table the reads pick from)
 * @property {number} reads point reads timed
 * @property {string[]} nodes other Node majors to run under (BENCH_STORE_NODES)
 */

/**
 * @typedef {object} StoreResult
 * @property {string} node
 * @property {string} driver
 * @property {number} insertsPerSec
 * @property {number} readsPerSec
 */

const DIST = new URL('../dist/cloud/store/', import.meta.url);

/** @param {number} rows @param {number} reads @returns {Promise<StoreResult[]>} */
async function measureHere(rows, reads) {
  const { openDatabase } = await import(new URL('database.js', DIST).href);
  const { SQLITE_DRIVERS, driverFailure } = await import(new URL('sqlite.js', DIST).href);
  /** @type {StoreResult[]} */
  const results = [];
  for (const driver of SQLITE_DRIVERS) {
    if (driverFailure(driver)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
    const db = openDatabase(
      join(dir, 'cloud.db'),
      [{ id: 'bench-001', sql: 'CREATE TABLE items (pk TEXT PRIMARY KEY, size INTEGER NOT NULL, item BLOB NOT NULL)' }],
      { driver },
    );
    try {
      const insert = db.prepare('INSERT INTO items (pk, size, item) VALUES (?, ?, ?)');
      const get = db.prepare('SELECT pk, size, item FROM items WHERE pk = ?');
      const put = db.transaction((/** @type {string} */ pk, /** @type {Buffer} */ item) =>
        insert.run(pk, item.length, item),
      );
      const item = randomBytes(200);
      const keys = Array.from({ length: rows }, (_, i) => `key-${i.toString(36)}-${i * 7919}`);
      const t0 = performance.now();
      for (const key of keys) put(key, item);
      const insertSeconds = (performance.now() - t0) / 1000;
      let found = 0;
      const t1 = performance.now();
      for (let i = 0; i < reads; i++) if (get.get(keys[(i * 7919) % rows])) found++;
      const readSeconds = (performance.now() - t1) / 1000;
      if (found !== reads) throw new Error(`store bench: ${driver} found ${found} of ${reads} rows`);
      results.push({
        node: process.version,
        driver,
        insertsPerSec: rows / insertSeconds,
        readsPerSec: reads / readSeconds,
      });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

/** This file under another Node major, through npx (npm's cache answers offline). */
function measureUnder(/** @type {string} */ major, /** @type {number} */ rows, /** @type {number} */ reads) {
  const out = execFileSync(
    'npx',
    ['-y', '-p', `node@${major}`, 'node', fileURLToPath(import.meta.url), String(rows), String(reads)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return /** @type {StoreResult[]} */ (JSON.parse(out));
}

/** @param {StoreOptions} options @returns {Promise<StoreResult[]>} */
export async function storeWorkload(options) {
  const results = await measureHere(options.rows, options.reads);
  for (const major of options.nodes) results.push(...measureUnder(major, options.rows, options.reads));
  return results;
}

/** @param {StoreResult[]} results */
export function storeRows(results) {
  return results.flatMap((r) => [
    row(`${r.driver} on Node ${r.node}: inserts, one transaction each`, 'rows/s', 'higher', r.insertsPerSec, undefined),
    row(`${r.driver} on Node ${r.node}: point reads by primary key`, 'reads/s', 'higher', r.readsPerSec, undefined),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [rows = '20000', reads = '100000'] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await measureHere(Number(rows), Number(reads)))}\n`);
}
