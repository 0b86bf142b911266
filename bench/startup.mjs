/**
 * The startup section of `npm run bench` (BENCH_ONLY=startup): how long the `lambda-tasks` command
 * takes to start, as ratios to `node -e 0` measured in the same run (the floor no Node program
 * beats on this machine). Each command is a fresh process; the rounds interleave the commands so
 * that a load change on the machine touches all of them alike; the median of the rounds is
 * reported.
 *
 * - `--help` and `validate examples/hello/lambda-tasks.yml`: spawn to exit.
 * - `cloud` (ephemeral, and with a data dir made by an earlier start): spawn to its ready line, and
 *   to the answer of a request sent at that line (the services load after the port listens).
 * - the no-op re-run of examples/hello (every step unchanged but the invoke), end to end, against
 *   one local cloud started beforehand.
 * - function cold start: the first Invoke of a fresh function (after CreateFunction's Active state),
 *   to its answer.
 *
 * Each row is measured for the bundle (the package's bin, what users run) and, for comparison,
 * for tsc's unbundled output (dist/cli/main.js).
 *
 * Knobs: BENCH_STARTUP_RUNS (rounds, 10), BENCH_STARTUP_COLD (fresh functions cold-started, 10; 0 skips).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeCodeCacheKeys } from '../scripts/build-bundle.mjs';
import { benchEnv, timedRun } from './child.mjs';
import { row } from './report.mjs';
import { median } from './stats.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** What `npx lambda-tasks` runs: the package's bin. */
export const BIN = join(ROOT, PACKAGE.bin['lambda-tasks']);
/** tsc's output, unbundled: what the bin was before the bundle. */
export const UNBUNDLED = join(ROOT, 'dist', 'cli', 'main.js');
const HELLO = join(ROOT, 'examples', 'hello');
/** The pipeline every `validate` row checks. */
const HELLO_PIPELINE = join(HELLO, 'lambda-tasks.yml');

/**
 * The environment of every command: test credentials, nothing from the caller's AWS setup.
 * @param {NodeJS.ProcessEnv} [extra]
 */
const env = (extra = {}) => benchEnv({ CI: 'true', ...extra });

/**
 * Runs `measure` as a first start after an install: with a TMPDIR of its own, the bin's code cache
 * (src/cli/code-cache.ts) is empty, so the start compiles every chunk and writes their cache at exit.
 * @template T
 * @param {(extraEnv: NodeJS.ProcessEnv) => Promise<T>} measure
 * @returns {Promise<T>}
 */
async function firstStart(measure) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-first-start-'));
  try {
    return await measure({ TMPDIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Spawn to exit; rejects when the command fails.
 * @param {string[]} args node's arguments
 * @param {string} [node] the Node binary
 * @param {NodeJS.ProcessEnv} [extraEnv]
 */
function timedExit(args, node = process.execPath, extraEnv = {}) {
  return timedRun(node, args, { env: env(extraEnv) });
}

/**
 * Spawn to the `ready URL` line, and on to the answer of a request sent the moment that line came
 * (`GET /`, unsigned: S3 answers AccessDenied, which takes the whole request path, so the services
 * must have loaded); then SIGTERM and wait for the exit (not timed).
 * @param {string[]} args node's arguments
 * @param {string} [node] the Node binary
 * @param {NodeJS.ProcessEnv} [extraEnv]
 * @param {number} [timeoutMs]
 * @returns {Promise<{ readyMs: number, answerMs: number }>}
 */
function timedReady(args, node = process.execPath, extraEnv = {}, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, args, { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let readyMs = Number.NaN;
    let answerMs = Number.NaN;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
      const ready = /^ready (\S+)$/m.exec(stdout);
      if (Number.isNaN(readyMs) && ready) {
        readyMs = performance.now() - started;
        get(`${ready[1]}/`, (response) => {
          response.resume();
          answerMs = performance.now() - started;
          child.kill('SIGTERM');
        }).once('error', () => child.kill('SIGTERM'));
      }
    });
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      if (Number.isNaN(answerMs)) reject(new Error(`node ${args.join(' ')} never answered:\n${stdout}\n${stderr}`));
      else resolve({ readyMs, answerMs });
    });
  });
}

/**
 * A local cloud for the pipeline and cold-start rows, run by the bin (or by `args`).
 * @param {string[]} [args] node's arguments
 */
async function startCloud(args = [BIN, 'cloud', '--port', '0', '--ephemeral', '--quiet']) {
  const child = spawn(process.execPath, args, {
    env: env(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
      const match = /^ready (\S+)$/m.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`lambda-tasks cloud exited with ${code} before ready`)));
  });
  return {
    url: /** @type {string} */ (url),
    stop: () =>
      new Promise((resolve) => {
        child.once('close', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Node's arguments for a local cloud without the pool of pre-started runtimes (the CLI has no
 * switch for it, so tsc's output is started with `lambda: { runtimePool: false }`).
 */
function cloudWithoutPoolArgs() {
  const module = JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'cloud', 'cloud.js')).href);
  const script = `const { startCloud } = await import(${module});
const cloud = await startCloud({ port: 0, ephemeral: true, console: false, lambda: { runtimePool: false } });
console.log('ready ' + cloud.url);
process.once('SIGTERM', () => cloud.close().then(() => process.exit(0)));`;
  return ['--input-type=module', '-e', script];
}

/**
 * `lambda-tasks run` of the hello example copied to `work`.
 * @param {string} cli @param {string} url @param {string} work @param {string} id
 */
function runHello(cli, url, work, id) {
  return timedExit([
    cli,
    'run',
    join(work, 'lambda-tasks.yml'),
    '--endpoint',
    url,
    '--var',
    `bucket=bench-startup-${id}`,
    '--var',
    `functionName=bench-startup-${id}`,
  ]);
}

/**
 * The floors (bench/floors/): what the same libraries cost with nothing of lambda-tasks around
 * them, each bundled into one CommonJS file and loaded as the bin loads its chunks (through the
 * code cache, by launch.ts), so each row has the least it could be beside it. Returns each floor's
 * command line (node's arguments).
 */
async function buildFloors() {
  const { build } = await import('esbuild');
  const outdir = join(ROOT, 'dist', 'bench-floors');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: ['validate-floor.ts', 'yaml-floor.ts', 'cloud-floor.ts', 'launch.ts'].map((file) =>
      join(ROOT, 'bench', 'floors', file),
    ),
    outdir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  writeCodeCacheKeys(
    outdir,
    ['validate-floor.js', 'yaml-floor.js', 'cloud-floor.js'].map((file) => relative(ROOT, join(outdir, file))),
  );
  const launch = join(outdir, 'launch.js');
  return {
    validate: [launch, './validate-floor.js'],
    yaml: [launch, './yaml-floor.js'],
    cloud: [launch, './cloud-floor.js'],
  };
}

/**
 * The other Node versions users run (npm's `node` package through npx, offline once cached), by
 * major: the bin's rows are measured with each too, against that Node's own `node -e 0`.
 * @param {string[]} majors
 * @returns {Record<string, string>} binary by major
 */
function otherNodes(majors) {
  return Object.fromEntries(
    majors.map((major) => [
      major,
      execFileSync('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], {
        cwd: ROOT,
        encoding: 'utf8',
      }).trim(),
    ]),
  );
}

/**
 * The measurements, interleaved per round.
 * @param {{ runs: number, coldStarts: number, nodes: string[] }} config
 * @param {(line: string) => void} say
 * @param {(url: string, count: number) => Promise<number[]>} coldStarts first-Invoke times of fresh functions
 */
export async function startupWorkload(config, say, coldStarts) {
  const dataDirs = {
    bundle: mkdtempSync(join(tmpdir(), 'bench-startup-')),
    tsc: mkdtempSync(join(tmpdir(), 'bench-startup-')),
  };
  const work = mkdtempSync(join(tmpdir(), 'bench-startup-hello-'));
  const floors = await buildFloors();
  const nodes = otherNodes(config.nodes);
  const cloud = await startCloud();
  try {
    const cli = { bundle: BIN, tsc: UNBUNDLED };
    for (const [name, path] of Object.entries(cli)) {
      // The data dir exists (made by a first start), as on a developer's second `lambda-tasks cloud`.
      await timedReady([path, 'cloud', '--port', '0', '--data-dir', dataDirs[name], '--quiet']);
      cpSync(HELLO, join(work, name), { recursive: true, filter: (src) => !src.includes('.lambda-tasks') });
      const first = await runHello(path, cloud.url, join(work, name), name);
      if (!first.stdout.includes('Hello, lambda-tasks!')) throw new Error(`hello did not run:\n${first.stdout}`);
    }
    // One untimed start of each command under each Node: the code caches are written at exit, so
    // the rounds measure the second and later starts (the "first start" rows measure the first).
    // (The cloud floor runs under this Node only: better-sqlite3 is built for it.)
    await timedReady(floors.cloud);
    for (const node of [process.execPath, ...Object.values(nodes)]) {
      await timedExit([...floors.validate, HELLO_PIPELINE], node);
      await timedExit([...floors.yaml, HELLO_PIPELINE], node);
      await timedExit([BIN, '--help'], node);
      await timedExit([BIN, 'validate', HELLO_PIPELINE], node);
      await timedReady([BIN, 'cloud', '--port', '0', '--ephemeral', '--quiet'], node);
    }
    /** @type {Record<string, number[]>} */
    const ms = {};
    const add = (/** @type {string} */ key, /** @type {number} */ value) => {
      ms[key] = [...(ms[key] ?? []), value];
    };
    let noopOutput = '';
    for (let round = 0; round < config.runs; round++) {
      say(`[startup] round ${round + 1}/${config.runs}`);
      add('node', (await timedExit(['-e', '0'])).ms);
      add('floor validate', (await timedExit([...floors.validate, HELLO_PIPELINE])).ms);
      add('floor yaml', (await timedExit([...floors.yaml, HELLO_PIPELINE])).ms);
      add('floor cloud', (await timedReady(floors.cloud)).readyMs);
      for (const [name, path] of Object.entries(cli)) {
        add(`${name} help`, (await timedExit([path, '--help'])).ms);
        add(`${name} validate`, (await timedExit([path, 'validate', HELLO_PIPELINE])).ms);
        const ephemeral = await timedReady([path, 'cloud', '--port', '0', '--ephemeral', '--quiet']);
        add(`${name} cloud ephemeral`, ephemeral.readyMs);
        add(`${name} cloud ephemeral answer`, ephemeral.answerMs);
        const dataDir = await timedReady([path, 'cloud', '--port', '0', '--data-dir', dataDirs[name], '--quiet']);
        add(`${name} cloud data dir`, dataDir.readyMs);
        add(`${name} cloud data dir answer`, dataDir.answerMs);
        const noop = await runHello(path, cloud.url, join(work, name), name);
        noopOutput = noop.stdout;
        add(`${name} hello no-op`, noop.ms);
      }
      add('bundle help, first start', (await firstStart((extra) => timedExit([BIN, '--help'], undefined, extra))).ms);
      add(
        'bundle validate, first start',
        (await firstStart((extra) => timedExit([BIN, 'validate', HELLO_PIPELINE], undefined, extra))).ms,
      );
      const firstCloud = await firstStart((extra) =>
        timedReady([BIN, 'cloud', '--port', '0', '--ephemeral', '--quiet'], undefined, extra),
      );
      add('bundle cloud ephemeral, first start', firstCloud.readyMs);
      add('bundle cloud ephemeral answer, first start', firstCloud.answerMs);
      for (const [major, node] of Object.entries(nodes)) {
        add(`node ${major}`, (await timedExit(['-e', '0'], node)).ms);
        add(`node ${major} floor validate`, (await timedExit([...floors.validate, HELLO_PIPELINE], node)).ms);
        add(`node ${major} help`, (await timedExit([BIN, '--help'], node)).ms);
        add(`node ${major} validate`, (await timedExit([BIN, 'validate', HELLO_PIPELINE], node)).ms);
        const started = await timedReady([BIN, 'cloud', '--port', '0', '--ephemeral', '--quiet'], node);
        add(`node ${major} cloud ephemeral`, started.readyMs);
        add(`node ${major} cloud ephemeral answer`, started.answerMs);
      }
    }
    // The cloud's default takes a pre-started runtime process from its pool; the other cloud
    // starts one process per function on its first Invoke.
    /** @type {Record<string, number[]>} */
    const cold = {};
    if (config.coldStarts > 0) {
      say('[startup] function cold starts');
      cold['pooled runtime processes'] = await coldStarts(cloud.url, config.coldStarts);
      const withoutPool = await startCloud(cloudWithoutPoolArgs());
      try {
        cold['one process per function'] = await coldStarts(withoutPool.url, config.coldStarts);
      } finally {
        await withoutPool.stop();
      }
    }
    return {
      runs: config.runs,
      nodes: Object.keys(nodes),
      medianMs: Object.fromEntries(Object.entries(ms).map(([key, values]) => [key, median(values)])),
      runsMs: ms,
      coldStartMs: Object.fromEntries(Object.entries(cold).map(([key, values]) => [key, median(values)])),
      coldStartRunsMs: cold,
      noopOutput,
    };
  } finally {
    await cloud.stop();
    for (const dir of [...Object.values(dataDirs), work]) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rows: each command against `node -e 0` (peer column), with the targets.
 * @param {Awaited<ReturnType<typeof startupWorkload>>} r
 */
/** The note on the first-start rows. */
const FIRST_START = 'empty code cache: every chunk compiled, its cache written at exit';

export function startupRows(r) {
  const m = r.medianMs;
  const floor = m.node;
  const ratio = (/** @type {number} */ value) => ({ target: { value, text: `<= ${value}x`, ratio: true } });
  /** @type {import('./report.mjs').Row[]} */
  const rows = [];
  rows.push(
    row('validate floor: yaml + zod check of the file, one bundled file', 'ms', 'lower', m['floor validate'], floor),
    row('validate floor, yaml alone: parse the file, one bundled file', 'ms', 'lower', m['floor yaml'], floor),
    row('cloud ready floor: SQLite lock + database + node:http listen', 'ms', 'lower', m['floor cloud'], floor),
  );
  for (const [name, label] of [
    ['bundle', 'bundle (bin)'],
    ['tsc', 'tsc output, unbundled'],
  ]) {
    rows.push(
      row(`--help, ${label}`, 'ms', 'lower', m[`${name} help`], floor, undefined, ratio(1.3)),
      row(`validate hello, ${label}`, 'ms', 'lower', m[`${name} validate`], floor, undefined, ratio(1.3)),
      row(
        `cloud ready (ephemeral), ${label}`,
        'ms',
        'lower',
        m[`${name} cloud ephemeral`],
        floor,
        undefined,
        ratio(1.8),
      ),
      row(`cloud ready (data dir), ${label}`, 'ms', 'lower', m[`${name} cloud data dir`], floor, undefined, ratio(1.8)),
      row(
        `cloud first answer (ephemeral), ${label}`,
        'ms',
        'lower',
        m[`${name} cloud ephemeral answer`],
        floor,
        'a request sent at the ready line waits for the services to load',
      ),
      row(
        `cloud first answer (data dir), ${label}`,
        'ms',
        'lower',
        m[`${name} cloud data dir answer`],
        floor,
        'a request sent at the ready line waits for the services to load',
      ),
      row(
        `hello no-op re-run, ${label}`,
        'ms',
        'lower',
        m[`${name} hello no-op`],
        floor,
        'every step unchanged but invoke',
        {
          target: { value: 700, text: '< 700 ms' },
        },
      ),
    );
  }
  rows.push(
    row('--help, bundle, first start', 'ms', 'lower', m['bundle help, first start'], floor, FIRST_START),
    row('validate hello, bundle, first start', 'ms', 'lower', m['bundle validate, first start'], floor, FIRST_START),
    row(
      'cloud ready (ephemeral), bundle, first start',
      'ms',
      'lower',
      m['bundle cloud ephemeral, first start'],
      floor,
      FIRST_START,
    ),
    row(
      'cloud first answer (ephemeral), bundle, first start',
      'ms',
      'lower',
      m['bundle cloud ephemeral answer, first start'],
      floor,
      FIRST_START,
    ),
  );
  for (const major of r.nodes) {
    const own = m[`node ${major}`];
    const label = `bundle (bin), Node ${major}`;
    rows.push(
      row(`validate floor, Node ${major}`, 'ms', 'lower', m[`node ${major} floor validate`], own),
      row(`--help, ${label}`, 'ms', 'lower', m[`node ${major} help`], own, undefined, ratio(1.3)),
      row(`validate hello, ${label}`, 'ms', 'lower', m[`node ${major} validate`], own, undefined, ratio(1.3)),
      row(
        `cloud ready (ephemeral), ${label}`,
        'ms',
        'lower',
        m[`node ${major} cloud ephemeral`],
        own,
        undefined,
        ratio(1.8),
      ),
      row(`cloud first answer (ephemeral), ${label}`, 'ms', 'lower', m[`node ${major} cloud ephemeral answer`], own),
    );
  }
  for (const [setting, value] of Object.entries(r.coldStartMs)) {
    rows.push(
      row(`function cold start (first Invoke), ${setting}`, 'ms', 'lower', value, floor, 'nodejs20.x, p50', {
        target: { value: 30, text: '< 30 ms' },
      }),
    );
  }
  return rows;
}
