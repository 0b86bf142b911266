/**
 * Server CPU per request: the CPU time (user + system, from /proc/PID/stat) a server spends on one
 * request, for S3 PUT and GET of 1 KiB, HeadBucket, a JSON-protocol call (DynamoDB GetItem, SQS
 * SendMessage) and Lambda Invoke. One python process per server drives every row with boto3
 * (bench/cpu.py), so both servers see the same client; only the server's own process is counted
 * (not the function runtimes lambda-tasks spawns).
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row } from './report.mjs';

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'cpu.py');

/**
 * @typedef {object} CpuOptions
 * @property {number} requests measured requests per row
 * @property {number} warmup requests per row before measuring
 */

/**
 * @typedef {{ requests: number, cpuMs: number, userMs: number, systemMs: number, mainThreadMs?: number, wallMs: number } | { error: string }} CpuRow
 */

/**
 * Runs the boto3 driver against `server`; Lambda Invoke only where the server can run functions.
 * @param {import('./servers.mjs').RunningServer} server
 * @param {CpuOptions & { lambda: boolean }} options
 * @returns {Promise<Record<string, CpuRow>>}
 */
export function cpuWorkload(server, options) {
  const args = [
    DRIVER,
    server.url,
    String(server.pid),
    String(options.requests),
    String(options.warmup),
    options.lambda ? '1' : '0',
  ];
  return new Promise((resolve, reject) => {
    execFile('python3', args, { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bench/cpu.py failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

const ROWS = /** @type {const} */ ([
  ['s3Put', 'S3 PutObject 1 KiB'],
  ['s3Get', 'S3 GetObject 1 KiB'],
  ['s3HeadBucket', 'S3 HeadBucket'],
  ['dynamodbGetItem', 'DynamoDB GetItem (awsJson)'],
  ['sqsSendMessage', 'SQS SendMessage'],
  ['lambdaInvoke', 'Lambda Invoke (trivial function)'],
]);

/** @param {CpuRow | undefined} measured */
function perRequestMs(measured) {
  return measured && 'cpuMs' in measured ? measured.cpuMs / measured.requests : undefined;
}

/**
 * User and system time per request; with `threads`, how much of it the main thread spent: for
 * Node the rest is V8's optimizing compiler and GC helpers (the JIT still warming up shows there)
 * and libuv's pool. (moto answers on worker threads, so its main thread says nothing.)
 * @param {CpuRow | undefined} measured
 * @param {boolean} threads
 */
function split(measured, threads) {
  if (!measured || !('cpuMs' in measured)) return undefined;
  const per = (/** @type {number} */ ms) => (ms / measured.requests).toFixed(3);
  const main =
    !threads || measured.mainThreadMs === undefined
      ? ''
      : ` (main thread ${per(measured.mainThreadMs)}, other threads ${per(measured.cpuMs - measured.mainThreadMs)})`;
  return `user ${per(measured.userMs)} + sys ${per(measured.systemMs)}${main}`;
}

/**
 * Rows of the `cpu` section: ms of server CPU per request, with the target of a quarter of moto's.
 * The measured requests come after `warmup` of the same kind: with fewer (200), V8's compiler
 * threads still add 0.2-0.4 ms to each of lambda-tasks' requests (PutObject measured 0.45x moto's
 * that way), a cost a server pays once, not per request.
 * @param {Record<string, CpuRow>} lt lambda-tasks' measurements
 * @param {Record<string, CpuRow> | undefined} moto
 * @param {number} warmup requests per row before measuring
 */
export function cpuRows(lt, moto, warmup) {
  return ROWS.filter(([key]) => lt[key]).map(([key, label]) => {
    const ours = perRequestMs(lt[key]);
    const theirs = perRequestMs(moto?.[key]);
    const notes = [
      `after ${warmup} warm-up requests`,
      split(lt[key], true) && `lambda-tasks ${split(lt[key], true)}`,
      split(moto?.[key], false) && `moto ${split(moto?.[key], false)}`,
      key === 'lambdaInvoke' && theirs === undefined && 'moto runs functions only in Docker: no moto figure',
      lt[key] && 'error' in lt[key] && `lambda-tasks failed: ${lt[key].error}`,
    ].filter(Boolean);
    return row(
      `server CPU per request: ${label}`,
      'ms',
      'lower',
      ours,
      theirs,
      notes.join('; '),
      theirs === undefined ? {} : { target: { value: 0.25, text: '<= 0.25x moto', ratio: true } },
    );
  });
}
