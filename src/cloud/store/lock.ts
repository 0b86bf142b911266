/**
 * One server per data dir, held by an OS file lock: SQLite's exclusive locking mode on a small
 * lock database (`cloud.lock`). The kernel drops the lock the moment the owner dies, however it
 * dies: a pid's liveness is not enough, since a server killed with `kill -9` whose parent is gone
 * stays a zombie wherever PID 1 does not reap orphans (a container without `--init`), and a zombie
 * still answers `kill(pid, 0)`. Node has no flock() of its own; SQLite's POSIX advisory locks are the
 * well-kept way to hold one, through the driver the store already uses (sqlite.ts: better-sqlite3 or
 * node:sqlite, the same choice as the data dir's database).
 *
 * `cloud.pid` beside it names the owner, only for the message a second server prints.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBusyError, openSqlite } from './sqlite.js';

export class DataDirLockedError extends Error {
  readonly code = 'DataDirLocked';
  constructor(dataDir: string, pid: number | undefined) {
    super(
      `the data dir ${dataDir} is in use by another lambda-tasks cloud${pid ? ` (pid ${pid})` : ''}; stop it, or start this one with --data-dir DIR or --ephemeral`,
    );
  }
}

const LOCK_FILE = 'cloud.lock';
export const PID_FILE = 'cloud.pid';

function ownerPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, PID_FILE), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after a wait.
  const lock = openSqlite(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    // In exclusive mode the first write takes the file's exclusive lock and keeps it until the
    // connection closes (or the process dies).
    lock.pragma('locking_mode = EXCLUSIVE');
    // The file's content is only a record of the owner, so no commit waits for the disk (the
    // default synchronous=FULL costs several fsyncs at every start); and one transaction.
    lock.pragma('synchronous = OFF');
    lock.exec(
      `BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS owner (pid INTEGER); DELETE FROM owner; INSERT INTO owner (pid) VALUES (${process.pid}); COMMIT;`,
    );
  } catch (error) {
    lock.close();
    if (isBusyError(error)) throw new DataDirLockedError(dataDir, ownerPid(dataDir));
    throw error;
  }
  writeFileSync(join(dataDir, PID_FILE), String(process.pid));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(join(dataDir, PID_FILE), { force: true });
    lock.close();
  };
}
