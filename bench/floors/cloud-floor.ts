/**
 * The least any local cloud on the same stack can do before its ready line: take the data dir's
 * lock and open its database with better-sqlite3 (SQLite's exclusive lock, WAL), and listen with
 * node:http. The startup bench bundles this into one file with esbuild and times it beside
 * `lambda-tasks cloud`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dataDir = mkdtempSync(join(tmpdir(), 'bench-cloud-floor-'));
const lock = new Database(join(dataDir, 'cloud.lock'), { timeout: 0 });
lock.pragma('locking_mode = EXCLUSIVE');
lock.pragma('synchronous = OFF');
lock.exec('BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS owner (pid INTEGER); COMMIT;');
const db = new Database(join(dataDir, 'cloud.db'));
db.pragma('journal_mode = WAL');
const server = createServer((_req, res) => res.end());
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  db.close();
  lock.close();
  rmSync(dataDir, { recursive: true, force: true });
});
