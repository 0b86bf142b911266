/**
 * Starting and stopping the servers the benchmark compares: lambda-tasks' local cloud (the built
 * CLI, as users run it) and moto (`moto_server`, a peer to compare against). Both run as child
 * processes so that their start time and memory can be measured from outside.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/**
 * @typedef {object} RunningServer
 * @property {string} name
 * @property {number} pid
 * @property {string} url
 * @property {number} readyMs milliseconds from spawn to ready
 * @property {() => string} logTail the last lines the server wrote to stderr
 * @property {() => Promise<void>} stop
 */

/** Every server started and not yet stopped, so that the entry can kill them all on failure. */
const running = new Set();

/** @returns {Promise<number>} a port that was free a moment ago */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resident set size of a process, in bytes (VmRSS from /proc), or undefined once it has exited.
 * @param {number} pid
 */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Proportional set size of a process, in bytes (Pss from /proc/PID/smaps_rollup): its private
 * memory plus its share of pages it shares with others (the node binary, shared libraries). What
 * one more process really costs, where RSS counts shared pages in full for every process.
 * @param {number} pid
 */
export function pssBytes(pid) {
  try {
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux builds in practice). */
const CLOCK_TICKS = 100;

/**
 * CPU time a process has used so far (user + system), in milliseconds; undefined once it is gone.
 * @param {number} pid
 */
export function cpuTimeMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Every process as /proc/PID/stat describes it: parent and process group.
 * @returns {{ pid: number, ppid: number, pgrp: number }[]}
 */
function processTable() {
  const table = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name in parentheses may hold spaces: fields are counted after its ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      table.push({ pid: Number(name), ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {
      // Gone in the meantime.
    }
  }
  return table;
}

/**
 * The process groups led by children of `parentPid` (lambda-tasks spawns each execution
 * environment detached, as the leader of its own group), with each group's memory.
 * @param {number} parentPid
 */
export function processGroups(parentPid) {
  const table = processTable();
  return table
    .filter((p) => p.ppid === parentPid && p.pgrp === p.pid)
    .map((leader) => {
      const members = table.filter((p) => p.pgrp === leader.pid);
      let rss = 0;
      /** @type {number | undefined} */
      let pss = 0;
      for (const member of members) {
        rss += rssBytes(member.pid) ?? 0;
        const memberPss = pssBytes(member.pid);
        pss = memberPss === undefined || pss === undefined ? undefined : pss + memberPss;
      }
      const cpuMs = members.reduce((sum, member) => sum + (cpuTimeMs(member.pid) ?? 0), 0);
      return { pid: leader.pid, processes: members.length, rssBytes: rss, pssBytes: pss, cpuMs };
    });
}

/**
 * Keeps the last lines a child writes, and optionally everything in a file, so its pipe never fills.
 * @param {import('node:stream').Readable} stream
 * @param {string | undefined} file
 * @param {RegExp} [ignore] lines not worth keeping in the tail (still written to the file)
 */
function captureTail(stream, file, ignore, keep = 200) {
  /** @type {string[]} */
  const lines = [];
  let partial = '';
  const out = file ? createWriteStream(file) : undefined;
  stream.setEncoding('utf8');
  stream.on('data', (/** @type {string} */ text) => {
    out?.write(text);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...(ignore ? parts.filter((line) => !ignore.test(line)) : parts));
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  });
  stream.on('end', () => out?.end());
  return () => [...lines, partial].filter(Boolean).join('\n');
}

/**
 * Sends SIGTERM, then SIGKILL if the process is still there after `graceMs`.
 * @param {import('node:child_process').ChildProcess} child
 */
function stopChild(child, graceMs = 3000) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Rejects when the child exits before `ready` resolves, with its stderr in the message.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} name
 * @param {() => string} tail
 */
function exitBeforeReady(child, name, tail) {
  return new Promise((_resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${name} could not be started: ${error.message}`)));
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited before it was ready (${signal ?? `code ${code}`}):\n${tail()}`)),
    );
  });
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {() => void} cleanup
 */
function track(child, cleanup) {
  /** @type {Promise<void> | undefined} */
  let stopping;
  const entry = {
    stop() {
      stopping ??= stopChild(child).then(() => {
        running.delete(entry);
        cleanup();
      });
      return stopping;
    },
    kill() {
      child.kill('SIGKILL');
      cleanup();
    },
  };
  running.add(entry);
  return entry;
}

/**
 * Starts `node dist/cli/main.js cloud --port 0` on a fresh data dir; ready when it prints `ready URL`.
 * `nodeArgs` go to node before the script (e.g. `--cpu-prof --cpu-prof-dir DIR`).
 * @param {{ timeoutMs?: number, nodeArgs?: string[] }} [options]
 * @returns {Promise<RunningServer>}
 */
export async function startLambdaTasks({ timeoutMs = 20_000, nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-lambda-tasks-'));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'cloud', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail = captureTail(/** @type {import('node:stream').Readable} */ (child.stderr), undefined);
  const tracked = track(child, () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const url = await Promise.race([
      new Promise((resolve) => {
        let buffered = '';
        child.stdout?.setEncoding('utf8');
        child.stdout?.on('data', (/** @type {string} */ text) => {
          buffered += text;
          const match = /^ready (\S+)$/m.exec(buffered);
          if (match) resolve(match[1]);
        });
      }),
      exitBeforeReady(child, 'lambda-tasks', tail),
      new Promise((_resolve, reject) => {
        setTimeout(
          () => reject(new Error(`lambda-tasks did not print ready within ${timeoutMs} ms:\n${tail()}`)),
          timeoutMs,
        ).unref();
      }),
    ]);
    const readyMs = performance.now() - started;
    return {
      name: 'lambda-tasks',
      pid: /** @type {number} */ (child.pid),
      url: /** @type {string} */ (url),
      readyMs,
      logTail: tail,
      stop: tracked.stop,
    };
  } catch (error) {
    await tracked.stop();
    throw error;
  }
}

/** The real moto_server script: a pyenv shim would add a bash and a pyenv process to every start. */
function motoExecutable() {
  try {
    const resolved = execFileSync('pyenv', ['which', 'moto_server'], { encoding: 'utf8', stdio: 'pipe' }).trim();
    if (resolved) return resolved;
  } catch {
    // No pyenv: whatever is on PATH.
  }
  return 'moto_server';
}

let motoPath;

/** werkzeug's access log line, e.g. `127.0.0.1 - - [27/Nov/2026 17:26:27] "GET /b/k HTTP/1.1" 200 -`. */
const WERKZEUG_ACCESS = /^\S+ - - \[[^\]]+\] "[A-Z]+ /;

/**
 * Resolves once anything answers HTTP at `url` (any status: the server is up and routing).
 * @param {string} url
 */
function answersHttp(url) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT`; ready at its first HTTP answer (polled every 10 ms).
 * @param {{ timeoutMs?: number, logFile?: string }} [options]
 * @returns {Promise<RunningServer>}
 */
export async function startMoto({ timeoutMs = 30_000, logFile } = {}) {
  motoPath ??= motoExecutable();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(motoPath, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  // werkzeug logs one line per request on stderr; keep only a tail (and the file, if asked).
  const tail = captureTail(/** @type {import('node:stream').Readable} */ (child.stderr), logFile, WERKZEUG_ACCESS);
  child.stdout?.resume();
  const tracked = track(child, () => {});
  try {
    const exited = exitBeforeReady(child, 'moto', tail);
    const deadline = started + timeoutMs;
    for (;;) {
      const up = await Promise.race([answersHttp(url), exited]);
      if (up) break;
      if (performance.now() > deadline) throw new Error(`moto did not answer within ${timeoutMs} ms:\n${tail()}`);
      await sleep(10);
    }
    const readyMs = performance.now() - started;
    return { name: 'moto', pid: /** @type {number} */ (child.pid), url, readyMs, logTail: tail, stop: tracked.stop };
  } catch (error) {
    await tracked.stop();
    throw error;
  }
}

/** Stops every server still running (the entry's `finally`). */
export async function stopAll() {
  await Promise.all([...running].map((entry) => entry.stop()));
}

/** Last resort on process exit: SIGKILL whatever is left (synchronous). */
export function killAllNow() {
  for (const entry of running) entry.kill();
  running.clear();
}
