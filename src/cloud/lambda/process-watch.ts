/**
 * Process groups: killing them whole, and measuring their resident memory.
 *
 * Every execution environment is spawned detached, so it leads its own process group; whatever
 * the function starts (shells, `sleep`, workers) joins that group unless it calls setsid. Killing
 * the group is how timeouts, OOM, reaping and close() make sure nothing is left behind.
 *
 * Memory comes from /proc (Linux). The leader's RSS is read on every sample (one small file);
 * the group's other members are found by a full /proc scan at most once a second, since scanning
 * every process on the machine ten times a second would cost more than the functions it watches.
 * Without /proc (macOS) nothing is measured and the memory limit is not enforced.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** SIGKILL to a whole process group; a group that is already gone is fine. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/**
 * Kills the environments a crashed server left behind. Each environment directory under `root`
 * (named by the environment id) holds its process's pid; the process is only killed if it still
 * is that environment (its log stream name, a reserved variable, ends with the id), never a
 * stranger that reused the pid.
 */
export async function killLeftoverGroups(root: string): Promise<void> {
  let dirs: string[];
  try {
    dirs = await readdir(root);
  } catch {
    return;
  }
  await Promise.all(
    dirs.map(async (name) => {
      const dir = join(root, name);
      try {
        const pid = Number.parseInt(await readFile(join(dir, 'pid'), 'utf8'), 10);
        if (!(pid > 1)) return;
        const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
        const stream = environ.split('\0').find((entry) => entry.startsWith('AWS_LAMBDA_LOG_STREAM_NAME='));
        if (stream?.endsWith(`]${name}`)) killGroup(pid);
      } catch {
        // No pid file, or the process is gone: nothing to do.
      }
    }),
  );
}

/** Whether a process exists and is not a zombie (a killed orphan can linger as one until reaped). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

interface ProcStat {
  pid: number;
  pgrp: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name in parentheses may itself contain spaces or ')'. */
function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // Fields after the name start at field 3 (state): pgrp is field 5, rss field 24.
  const fields = text.slice(close + 2).split(' ');
  const pgrp = Number(fields[2]);
  const rssPages = Number(fields[21]);
  if (!Number.isFinite(pid) || !Number.isFinite(pgrp) || !Number.isFinite(rssPages)) return undefined;
  return { pid, pgrp, rssPages };
}

/**
 * Read synchronously on purpose: /proc files are generated in memory, so the read never waits on
 * a disk, and a sync read costs a few microseconds where fs.promises' open/stat/read/close round
 * trips through the thread pool cost ten times that, ten times a second per busy environment.
 */
function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

const SCAN_INTERVAL_MS = 1000;

export class MemoryWatch {
  private pageSize: Promise<number> | undefined;
  /** Other members of each watched group, as of the last scan. */
  private members = new Map<number, number[]>();
  private lastScan = Number.NEGATIVE_INFINITY;

  /**
   * RSS in bytes of each process group (by leader pid); a group that is gone is omitted. With
   * `discover` false, no /proc scan runs (only what is already known is read: cheap and quick).
   */
  async sample(pgids: readonly number[], discover = true): Promise<Map<number, number>> {
    const result = new Map<number, number>();
    if (pgids.length === 0) return result;
    const pageSize = await this.getPageSize();
    if (pageSize === 0) return result;
    if (discover && performance.now() - this.lastScan >= SCAN_INTERVAL_MS) await this.scan(pgids);
    for (const pgid of pgids) {
      let pages = 0;
      let found = false;
      for (const pid of [pgid, ...(this.members.get(pgid) ?? [])]) {
        const stat = readStat(pid);
        if (stat && stat.pgrp === pgid) {
          pages += stat.rssPages;
          found = true;
        }
      }
      if (found) result.set(pgid, pages * pageSize);
    }
    return result;
  }

  /** Forgets a group (its environment is gone). */
  forget(pgid: number): void {
    this.members.delete(pgid);
  }

  private async scan(pgids: readonly number[]): Promise<void> {
    this.lastScan = performance.now();
    const watched = new Set(pgids);
    let entries: string[];
    try {
      entries = await readdir('/proc');
    } catch {
      return;
    }
    const members = new Map<number, number[]>();
    const stats = entries.filter((name) => /^\d+$/.test(name)).map((name) => readStat(Number(name)));
    for (const stat of stats) {
      if (!stat || stat.pid === stat.pgrp || !watched.has(stat.pgrp)) continue;
      const list = members.get(stat.pgrp);
      if (list) list.push(stat.pid);
      else members.set(stat.pgrp, [stat.pid]);
    }
    for (const pgid of pgids) this.members.set(pgid, members.get(pgid) ?? []);
  }

  /** The kernel's page size, from our own RSS in pages (statm) and in kB (status). 0: no /proc. */
  private getPageSize(): Promise<number> {
    this.pageSize ??= (async () => {
      try {
        const [statm, status] = await Promise.all([
          readFile('/proc/self/statm', 'utf8'),
          readFile('/proc/self/status', 'utf8'),
        ]);
        const pages = Number(statm.split(' ')[1]);
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
        const ratio = (kb * 1024) / pages;
        // The two reads are not simultaneous: snap to the nearest real page size.
        const sizes = [4096, 16384, 65536];
        return sizes.reduce((best, size) => (Math.abs(size - ratio) < Math.abs(best - ratio) ? size : best), 4096);
      } catch {
        return 0;
      }
    })();
    return this.pageSize;
  }
}
