/**
 * `npm run bench`: lambda-tasks' local cloud side by side with moto on the same S3 and Lambda
 * workloads. One server runs at a time (the machine may have 2 cores; the client shares them).
 * Prints a table per section and writes bench/results/latest.json (latest-<sections>.json when
 * BENCH_ONLY picks sections).
 *
 * BENCH_ONLY=s3|lambda|cloudformation|kinesis|dynamodb|sqs|mappings|push|deploy|sam|console|store|startup|cpu (comma-separated) runs only those sections.
 *
 * S3 knobs (environment): BENCH_OPS (1 KiB ops per phase, 2000), BENCH_CONCURRENCY (16), BENCH_LARGE_MIB (64),
 * BENCH_LARGE_RUNS (3), BENCH_STREAM_MIB (1024), BENCH_STARTS (5), BENCH_MOTO_STREAM_MIB (largest streamed
 * upload sent to moto, 128: moto's streamed PUT slows superlinearly with size, 128 MiB took ~7 s and
 * 1 GiB ~440 s on 2 cores).
 *
 * The streamed-upload memory test runs at 128 MiB on both servers (like for like) and at BENCH_STREAM_MIB
 * on lambda-tasks (the issue's target: < ~100 MB growth at 1 GiB), each on a fresh server.
 *
 * Lambda knobs: BENCH_LAMBDA_COLD (fresh functions cold-started, 10), BENCH_LAMBDA_INVOKES (warm invokes
 * of the 1-caller phase, 2000), BENCH_LAMBDA_WARMUP (200), BENCH_LAMBDA_CONCURRENCY (callers in the throughput
 * phase, 16), BENCH_LAMBDA_CONCURRENT_WARMUP (invokes by all callers before the throughput phase is measured, 4000:
 * until the server and every environment have their hot code optimized), BENCH_LAMBDA_CONCURRENT_INVOKES (per measured round, 4000), BENCH_LAMBDA_CONCURRENT_ROUNDS (3, the median round is reported), BENCH_LAMBDA_DRYRUNS (500), BENCH_LAMBDA_CPU_PROF=DIR (lambda-tasks runs with
 * `node --cpu-prof --cpu-prof-dir DIR`: a .cpuprofile of the server per run, for Chrome DevTools).
 * The Lambda section uses one fresh server per side; moto cannot run functions without Docker, and
 * its rows say what it answers instead.
 *
 * CloudFormation knobs: BENCH_CFN_RUNS (create / no-op update / delete cycles per template, 10),
 * BENCH_CFN_RESOURCES (resources in the many-resources stacks, 50), BENCH_CFN_POLL_MS (pause between
 * DescribeStacks polls, 20). One fresh server per side; see bench/cloudformation.mjs.
 *
 * Kinesis, DynamoDB and SQS knobs: BENCH_KINESIS_BATCHES (500-record PutRecords batches, 100),
 * BENCH_DYNAMODB_OPS (PutItem and GetItem calls, 2000; Query calls are half), BENCH_SQS_MESSAGES
 * (messages sent, received and deleted, 1000), BENCH_SQS_WAKEUPS (long polls woken by a send, 50). One
 * fresh server per side and section; see bench/kinesis.mjs, bench/dynamodb.mjs, bench/sqs.mjs.
 *
 * Push knobs: BENCH_PUSH_SAMPLES (uploads and publishes timed to the handler's start and to the queue,
 * 100), BENCH_PUSH_MESSAGES (messages published to the topic fanned out to 50 queues, 100). moto
 * delivers S3 -> SQS and SNS -> SQS but runs no function; see bench/push.mjs.
 *
 * Mappings knobs: BENCH_MAPPINGS_SAMPLES (writes timed to the handler's start, 200), BENCH_MAPPINGS_RECORDS
 * (records drained through one Kinesis mapping, 20000). lambda-tasks only: moto has no pollers; the peer
 * column is a direct Invoke of the same function, measured in the same run. See bench/mappings.mjs.
 *
 * Console knobs: BENCH_CONSOLE_FUNCTIONS (100), BENCH_CONSOLE_STACKS (20), BENCH_CONSOLE_LOADS (overview loads in
 * fresh browser contexts, the median is reported, 5), BENCH_CONSOLE_IDLE_SECONDS (10). lambda-tasks only; see
 * bench/console.mjs.
 *
 * Store knobs: BENCH_STORE_ROWS (single-row insert transactions, 20000), BENCH_STORE_READS (point reads, 100000),
 * BENCH_STORE_NODES (other Node majors to measure too, comma-separated, e.g. 22,24; none by default). The SQLite
 * drivers behind the store, no server; see bench/store.mjs.
 *
 * Startup knobs: BENCH_STARTUP_RUNS (rounds of every command, median reported, 10), BENCH_STARTUP_COLD (fresh
 * functions cold-started, 10; 0 skips them), BENCH_STARTUP_NODES (other Node majors the bin is timed with, each
 * against its own `node -e 0`: 22,24; empty skips them). `lambda-tasks --help`, `validate`, `cloud` to
 * ready and the hello no-op re-run as ratios to `node -e 0` in the same run, lambda-tasks only; see bench/startup.mjs.
 *
 * CPU knobs: BENCH_CPU_REQUESTS (requests measured per row, 500), BENCH_CPU_WARMUP (requests per row before measuring,
 * 1000: the steady state; 200 still includes V8 compiling the request path). Server CPU per request (utime+stime of the server's process from /proc) for S3 PUT/GET 1 KiB, HeadBucket,
 * DynamoDB GetItem, SQS SendMessage and Lambda Invoke, driven by one boto3 process per server; one fresh server per
 * side. moto runs functions only in Docker, so its Invoke cell stays empty. See bench/cpu.mjs and bench/cpu.py.
 *
 * Deploy knobs: BENCH_DEPLOY_RUNS (cold + redeploy pairs per side, 3). `lambda-tasks run
 * examples/hello` next to the same steps as an AWS CLI script, both against one lambda-tasks local
 * cloud (moto cannot run the function); see bench/deploy.mjs.
 *
 * SAM knobs: BENCH_SAM_RUNS (cold + no-op pairs per side, 3). `lambda-tasks run examples/sam`
 * (package, deploy, invoke the alias) next to `aws cloudformation package` + `deploy` + `aws lambda
 * invoke`, both against one lambda-tasks local cloud; see bench/sam.mjs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudFormationRows, cloudFormationWorkload } from './cloudformation.mjs';
import { consoleRows, consoleWorkload } from './console.mjs';
import { cpuRows, cpuWorkload } from './cpu.mjs';
import { deployRows, deploySection, formatDeployTable } from './deploy.mjs';
import { dynamoDbWorkload } from './dynamodb.mjs';
import { kinesisWorkload } from './kinesis.mjs';
import { coldStarts, lambdaClient, lambdaWorkload } from './lambda.mjs';
import { mappingsRows, mappingsWorkload } from './mappings.mjs';
import { pushRows, pushWorkload } from './push.mjs';
import { formatTable, row, toMiB } from './report.mjs';
import { createBucket, largeObject, s3Client, smallObjects, streamedUploadRss } from './s3.mjs';
import { samRows, samSection } from './sam.mjs';
import { killAllNow, rssBytes, startLambdaTasks, startMoto, stopAll } from './servers.mjs';
import { sqsWorkload } from './sqs.mjs';
import { startupRows, startupWorkload } from './startup.mjs';
import { MiB, median, sleep } from './stats.mjs';
import { storeRows, storeWorkload } from './store.mjs';

// The SDK's clients here warn on Node 20 that their 2027 releases need Node 22: noise in every bench
// run (the product turns it off the same way, see src/cli/main.ts).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const HERE = dirname(fileURLToPath(import.meta.url));

/** @param {string} name @param {number} fallback */
const knob = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const config = {
  ops: knob('BENCH_OPS', 2000),
  concurrency: knob('BENCH_CONCURRENCY', 16),
  largeBytes: knob('BENCH_LARGE_MIB', 64) * MiB,
  largeRuns: knob('BENCH_LARGE_RUNS', 3),
  streamBytes: knob('BENCH_STREAM_MIB', 1024) * MiB,
  commonStreamBytes: 128 * MiB,
  motoMaxStreamBytes: knob('BENCH_MOTO_STREAM_MIB', 128) * MiB,
  starts: knob('BENCH_STARTS', 5),
  idleSettleMs: 500,
  lambda: {
    coldStarts: knob('BENCH_LAMBDA_COLD', 10),
    invokes: knob('BENCH_LAMBDA_INVOKES', 2000),
    warmup: knob('BENCH_LAMBDA_WARMUP', 200),
    concurrentWarmup: knob('BENCH_LAMBDA_CONCURRENT_WARMUP', 4000),
    concurrentInvokes: knob('BENCH_LAMBDA_CONCURRENT_INVOKES', 4000),
    concurrentRounds: knob('BENCH_LAMBDA_CONCURRENT_ROUNDS', 3),
    concurrency: knob('BENCH_LAMBDA_CONCURRENCY', 16),
    dryRuns: knob('BENCH_LAMBDA_DRYRUNS', 500),
    idleSettleMs: 500,
    cpuProfileDir: process.env.BENCH_LAMBDA_CPU_PROF || undefined,
  },
  cloudformation: {
    runs: knob('BENCH_CFN_RUNS', 10),
    resources: knob('BENCH_CFN_RESOURCES', 50),
    pollMs: knob('BENCH_CFN_POLL_MS', 20),
  },
  deploy: { runs: knob('BENCH_DEPLOY_RUNS', 3) },
  // 1,000 warm-up requests per row: V8 is still compiling the request path on its background
  // threads through the first several hundred (the issue's figure is the cost of a running server).
  cpu: { requests: knob('BENCH_CPU_REQUESTS', 500), warmup: knob('BENCH_CPU_WARMUP', 1000) },
  sam: { runs: knob('BENCH_SAM_RUNS', 3) },
  startup: {
    runs: knob('BENCH_STARTUP_RUNS', 10),
    coldStarts: Number(process.env.BENCH_STARTUP_COLD ?? 10),
    nodes: (process.env.BENCH_STARTUP_NODES ?? '22,24').split(',').filter(Boolean),
  },
  kinesis: { batches: knob('BENCH_KINESIS_BATCHES', 100), concurrency: 4, shards: 4, recordBytes: 100 },
  dynamodb: {
    count: knob('BENCH_DYNAMODB_OPS', 2000),
    concurrency: 16,
    queries: Math.ceil(knob('BENCH_DYNAMODB_OPS', 2000) / 2),
  },
  sqs: { messages: knob('BENCH_SQS_MESSAGES', 1000), concurrency: 16, wakeUps: knob('BENCH_SQS_WAKEUPS', 50) },
  mappings: { latencySamples: knob('BENCH_MAPPINGS_SAMPLES', 200), records: knob('BENCH_MAPPINGS_RECORDS', 20_000) },
  push: { latencySamples: knob('BENCH_PUSH_SAMPLES', 100), messages: knob('BENCH_PUSH_MESSAGES', 100), fanOut: 50 },
  console: {
    functions: knob('BENCH_CONSOLE_FUNCTIONS', 100),
    stacks: knob('BENCH_CONSOLE_STACKS', 20),
    loads: knob('BENCH_CONSOLE_LOADS', 5),
    idleSeconds: knob('BENCH_CONSOLE_IDLE_SECONDS', 10),
  },
  store: {
    rows: knob('BENCH_STORE_ROWS', 20_000),
    reads: knob('BENCH_STORE_READS', 100_000),
    nodes: (process.env.BENCH_STORE_NODES ?? '')
      .split(',')
      .map((major) => major.trim())
      .filter(Boolean),
  },
};

const SECTIONS = /** @type {const} */ ([
  's3',
  'lambda',
  'cloudformation',
  'kinesis',
  'dynamodb',
  'sqs',
  'mappings',
  'push',
  'deploy',
  'sam',
  'console',
  'store',
  'cpu',
  'startup',
]);
/** The sections to run: BENCH_ONLY=lambda, BENCH_ONLY=s3,lambda; all by default. */
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((name) => name.trim().toLowerCase())
  .filter(Boolean);
for (const name of only) {
  if (!(/** @type {readonly string[]} */ (SECTIONS).includes(name))) {
    process.stderr.write(`bench: unknown section "${name}" in BENCH_ONLY (known: ${SECTIONS.join(', ')})\n`);
    process.exit(2);
  }
}
const sections = only.length ? SECTIONS.filter((name) => only.includes(name)) : [...SECTIONS];

const servers = {
  'lambda-tasks': startLambdaTasks,
  moto: startMoto,
};

/** @param {string} text */
const say = (text) => process.stderr.write(`${text}\n`);

/**
 * Start-to-ready time and idle RSS over `config.starts` fresh starts.
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 */
async function startup(start) {
  /** @type {number[]} */
  const ready = [];
  /** @type {number[]} */
  const idle = [];
  for (let i = 0; i < config.starts; i++) {
    const server = await start();
    try {
      ready.push(server.readyMs);
      await sleep(config.idleSettleMs);
      idle.push(rssBytes(server.pid) ?? Number.NaN);
    } finally {
      await server.stop();
    }
  }
  return { readyMs: median(ready), readyRunsMs: ready, idleRssBytes: median(idle), idleRunsBytes: idle };
}

/**
 * The request workloads on one fresh server: small objects, then the large object.
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 */
async function workload(start) {
  const server = await start();
  try {
    const client = s3Client(server.url);
    try {
      await createBucket(client, 'bench');
      const small = await smallObjects(client, 'bench', { count: config.ops, concurrency: config.concurrency });
      const rssAfterSmall = rssBytes(server.pid);
      const large = await largeObject(client, 'bench', { size: config.largeBytes, runs: config.largeRuns });
      const rssAfterLarge = rssBytes(server.pid);
      return {
        small,
        large,
        rssAfterSmallBytes: rssAfterSmall,
        rssAfterLargeBytes: rssAfterLarge,
        log: server.logTail(),
      };
    } finally {
      client.destroy();
    }
  } finally {
    await server.stop();
  }
}

/**
 * RSS growth of a fresh server while it receives one big streamed PutObject.
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 * @param {number} size
 */
async function memory(start, size) {
  const server = await start();
  try {
    const client = s3Client(server.url);
    try {
      await createBucket(client, 'bench-stream');
      const result = await streamedUploadRss(client, 'bench-stream', server.pid, { size });
      return { ...result, log: server.logTail() };
    } finally {
      client.destroy();
    }
  } finally {
    await server.stop();
  }
}

function motoVersion() {
  try {
    return execFileSync('python3', ['-c', 'import moto; print(moto.__version__)'], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * @param {Record<string, any>} r S3 results by server name
 */
function tableRows(r) {
  const lt = r['lambda-tasks'];
  const moto = r.moto;
  const rows = [];
  for (const [phase, label] of /** @type {const} */ ([
    ['putSequential', 'PUT 1 KiB, sequential'],
    ['putConcurrent', `PUT 1 KiB, ${config.concurrency} in flight`],
    ['getSequential', 'GET 1 KiB, sequential'],
    ['getConcurrent', `GET 1 KiB, ${config.concurrency} in flight`],
  ])) {
    const a = lt.workload.small[phase];
    const b = moto.workload.small[phase];
    const errors = a.errors || b.errors ? `errors: lambda-tasks ${a.errors}, moto ${b.errors}` : undefined;
    rows.push(row(`${label}`, 'ops/s', 'higher', a.opsPerSec, b.opsPerSec, errors));
    rows.push(row(`${label} p50`, 'ms', 'lower', a.p50Ms, b.p50Ms));
    rows.push(row(`${label} p99`, 'ms', 'lower', a.p99Ms, b.p99Ms));
  }
  const largeMiB = config.largeBytes / MiB;
  rows.push(
    row(
      `PUT ${largeMiB} MiB object`,
      `MiB/s, median of ${config.largeRuns}`,
      'higher',
      lt.workload.large.putMiBps,
      moto.workload.large.putMiBps,
    ),
  );
  rows.push(
    row(
      `GET ${largeMiB} MiB object`,
      `MiB/s, median of ${config.largeRuns}`,
      'higher',
      lt.workload.large.getMiBps,
      moto.workload.large.getMiBps,
    ),
  );
  rows.push(
    row(
      'start to ready',
      `ms, median of ${config.starts}`,
      'lower',
      lt.startup.readyMs,
      moto.startup.readyMs,
      'lambda-tasks: spawn to its "ready" line; moto: spawn to its first HTTP answer (polled every 10 ms)',
    ),
  );
  rows.push(
    row('idle RSS after start', 'MiB', 'lower', toMiB(lt.startup.idleRssBytes), toMiB(moto.startup.idleRssBytes)),
  );
  for (const size of streamSizes()) {
    const mib = size / MiB;
    const a = lt.memory[mib];
    const b = moto.memory[mib];
    const failures = [
      a?.error ? `lambda-tasks upload failed: ${a.error}` : '',
      b?.error ? `moto upload failed: ${b.error}` : '',
    ].filter(Boolean);
    const motoNote = b
      ? 'moto keeps object bodies in memory by design (a peer, not a target)'
      : `moto not run at ${mib} MiB (its streamed PUT slows superlinearly: ~440 s for 1 GiB here; BENCH_MOTO_STREAM_MIB=${mib} includes it)`;
    const target = mib >= 1024 ? 'target for lambda-tasks: < ~100 MB growth; ' : '';
    rows.push(
      row(
        `RSS growth, ${mib} MiB streamed PUT`,
        'MiB, peak - baseline',
        'lower',
        a && toMiB(a.growthBytes),
        b && toMiB(b.growthBytes),
        [target + motoNote, ...failures].join('; '),
      ),
    );
    rows.push(row(`streamed PUT ${mib} MiB`, 'MiB/s', 'higher', a?.uploadMiBps, b?.uploadMiBps));
  }
  return rows;
}

/** Sizes of the streamed-upload memory test, in bytes, smallest first. */
function streamSizes() {
  return [...new Set([config.commonStreamBytes, config.streamBytes])].sort((a, b) => a - b);
}

/**
 * Every Lambda measurement on one fresh server.
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 */
async function lambdaSection(start) {
  const server = await start();
  try {
    const result = await lambdaWorkload(server, config.lambda);
    return { ...result, log: server.logTail() };
  } finally {
    await server.stop();
  }
}

/** @param {number | undefined} ms */
const fmtMs = (ms) => (ms === undefined || !Number.isFinite(ms) ? 'n/a' : ms.toFixed(2));

/** @param {Record<string, any>} r Lambda results by server name */
function lambdaRows(r) {
  const lt = r['lambda-tasks'];
  const moto = r.moto;
  const c = config.lambda;
  const n = c.coldStarts;
  /** Whether moto's invokes ran the function; when not, its invoke rows time an error answer. */
  const motoRan = moto.cold.failed < n;
  const motoFailure = motoRan
    ? undefined
    : `moto: invoke fails without Docker (${moto.cold.firstError ?? 'no answer'}); no function code runs, its time is to that error answer`;
  const invokeOptions = motoRan ? {} : { comparable: false };
  const ltFailures = lt.cold.failed
    ? `lambda-tasks: ${lt.cold.failed} of ${n} first invokes failed: ${lt.cold.firstError}`
    : '';
  const notes = (/** @type {(string | undefined)[]} */ ...parts) => parts.filter(Boolean).join('; ') || undefined;
  const warmSkipped = [
    lt.warm.skipped ? `lambda-tasks: not run: ${lt.warm.skipped}` : undefined,
    moto.warm.skipped ? 'moto: not run (its invokes fail without Docker)' : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const ltWarm = lt.warm.sequential ? lt.warm : undefined;
  const motoWarm = moto.warm.sequential ? moto.warm : undefined;
  const rows = [];
  rows.push(
    row(
      'CreateFunction',
      `ms, median of ${n}`,
      'lower',
      lt.cold.createMs.p50,
      moto.cold.createMs.p50,
      'nodejs20.x, a 1-file zip built in memory; each function after one unmeasured warm-up function',
    ),
  );
  rows.push(
    row(
      'CreateFunction answer to State Active',
      `ms, median of ${n}`,
      'lower',
      lt.cold.activeMs.p50,
      moto.cold.activeMs.p50,
      'lambda-tasks reports Pending for 200 ms after a create, as AWS does (simulated, not work); moto is Active at once; polled every 10 ms',
      { comparable: false },
    ),
  );
  rows.push(
    row(
      'cold start: first Invoke p50',
      `ms, ${n} fresh functions`,
      'lower',
      lt.cold.invokeMs.p50,
      moto.cold.invokeMs.p50,
      notes(
        'SDK round trip of the first Invoke once the function is Active (a new process per function)',
        ltFailures,
        motoFailure,
      ),
      { ...invokeOptions, target: { value: 150, text: '< 150 ms' } },
    ),
  );
  rows.push(
    row(
      'cold start: first Invoke p90',
      `ms, ${n} fresh functions`,
      'lower',
      lt.cold.invokeMs.p90,
      moto.cold.invokeMs.p90,
      undefined,
      {
        ...invokeOptions,
        target: { value: 150, text: '< 150 ms' },
      },
    ),
  );
  rows.push(
    row(
      'cold start: REPORT Init Duration',
      `ms, median of ${lt.cold.initDurationMs.runs.length}`,
      'lower',
      lt.cold.initDurationMs.p50,
      moto.cold.initDurationMs.runs.length ? moto.cold.initDurationMs.p50 : undefined,
      'from LogType Tail: spawn of the runtime process to its first GET /next',
    ),
  );
  rows.push(
    row(
      'CreateFunction + first Invoke',
      `ms, median of ${n}`,
      'lower',
      lt.cold.createPlusInvokeMs.p50,
      moto.cold.createPlusInvokeMs.p50,
      notes('the two SDK round trips added up (the wait for Active excluded)', motoFailure),
      invokeOptions,
    ),
  );
  rows.push(
    row(
      'Invoke DryRun, sequential p50',
      `ms, ${c.dryRuns} calls`,
      'lower',
      lt.dryRun.p50Ms,
      moto.dryRun.p50Ms,
      notes(
        `lambda-tasks: the Invoke request path without the engine (SigV4, lookup, checks, 204): the floor under a warm invoke; server CPU ${fmtMs(lt.dryRun.cpuMsPerOp?.server)} ms per call`,
        motoRan ? undefined : "moto's DryRun runs the invoke anyway (tries Docker, then answers 204)",
      ),
      invokeOptions,
    ),
  );
  const seq = ltWarm?.sequential;
  const conc = ltWarm?.concurrent;
  const seqErrors = (/** @type {any} */ a) =>
    a?.errors ? `lambda-tasks errors: ${a.errors} (${a.firstError})` : undefined;
  rows.push(
    row(
      'warm Invoke, 1 caller',
      `invokes/s, ${c.invokes} sequential`,
      'higher',
      seq?.opsPerSec,
      motoWarm?.sequential.opsPerSec,
      notes(
        `after ${c.warmup} warm-up invokes; CPU per invoke: server ${fmtMs(seq?.cpuMsPerOp.server)} ms, function process ${fmtMs(seq?.cpuMsPerOp.environments)} ms, bench client ${fmtMs(seq?.cpuMsPerOp.client)} ms`,
        seqErrors(seq),
        warmSkipped,
      ),
    ),
  );
  rows.push(
    row('warm Invoke, 1 caller p50', 'ms', 'lower', seq?.p50Ms, motoWarm?.sequential.p50Ms, undefined, {
      target: { value: 3, text: '< 3 ms' },
    }),
  );
  rows.push(row('warm Invoke, 1 caller p99', 'ms', 'lower', seq?.p99Ms, motoWarm?.sequential.p99Ms));
  const envs = ltWarm
    ? `${ltWarm.environmentsBeforeConcurrent} environments warm before, ${ltWarm.environmentsAfterConcurrent} after`
    : undefined;
  rows.push(
    row(
      `warm Invoke, ${c.concurrency} callers`,
      `invokes/s, median of ${c.concurrentRounds} rounds of ${c.concurrentInvokes}`,
      'higher',
      conc?.opsPerSec,
      motoWarm?.concurrent.opsPerSec,
      notes(
        `${c.concurrency} callers scale out to up to ${c.concurrency} environments (processes), as Lambda does; they were warmed first (${c.concurrentWarmup} invokes: JIT optimization in the server and in every environment)`,
        envs,
        conc?.rounds ? `rounds: ${conc.rounds.map((r) => Math.round(r)).join(', ')} invokes/s` : undefined,
        seqErrors(conc),
      ),
      {
        target: {
          value: 1000,
          text: `>= 1,000/s on ${cpus().length === 2 ? '' : 'a 2-core target, here '}${cpus().length} cores`,
        },
      },
    ),
  );
  rows.push(row(`warm Invoke, ${c.concurrency} callers p50`, 'ms', 'lower', conc?.p50Ms, motoWarm?.concurrent.p50Ms));
  rows.push(row(`warm Invoke, ${c.concurrency} callers p99`, 'ms', 'lower', conc?.p99Ms, motoWarm?.concurrent.p99Ms));
  for (const [side, label, note] of /** @type {const} */ ([
    [
      'server',
      'server process',
      `CPU time (user + system, /proc) over the ${c.concurrency}-caller phase / invokes; 1,000/s on 2 cores leaves 2 ms per invoke for all three sides together`,
    ],
    ['environments', 'function processes', undefined],
    ['client', 'bench client (SDK)', 'the AWS SDK in the bench process: the same for any server'],
  ])) {
    rows.push(
      row(
        `CPU per warm invoke, ${c.concurrency} callers: ${label}`,
        'ms',
        'lower',
        conc?.cpuMsPerOp[side],
        motoWarm?.concurrent.cpuMsPerOp?.[side],
        note,
      ),
    );
  }
  const mem = lt.memory;
  rows.push(
    row(
      'RSS per idle environment',
      mem ? `MiB, median of ${mem.environments}` : 'MiB',
      'lower',
      mem && toMiB(mem.medianRssBytes),
      undefined,
      mem
        ? `the server's children leading a process group, with their groups (${mem.processes} processes); RSS counts the node binary and shared libraries in every process: all ${mem.environments} together ${toMiB(mem.totalRssBytes).toFixed(0)} MiB RSS, ${toMiB(mem.totalPssBytes).toFixed(0)} MiB PSS; moto: no processes (containers, with Docker)`
        : undefined,
    ),
  );
  rows.push(
    row(
      'PSS per idle environment',
      mem ? `MiB, median of ${mem.environments}` : 'MiB',
      'lower',
      mem && toMiB(mem.medianPssBytes),
      undefined,
      'proportional set size: private pages plus a share of shared ones, what one more environment costs',
    ),
  );
  rows.push(
    row(
      'server RSS at start of the Lambda run',
      'MiB',
      'lower',
      toMiB(lt.serverRssAtStartBytes),
      toMiB(moto.serverRssAtStartBytes),
    ),
  );
  rows.push(
    row(
      'server RSS growth over the Lambda run',
      'MiB, end - start',
      'lower',
      toMiB(lt.serverRssAtEndBytes - lt.serverRssAtStartBytes),
      toMiB(moto.serverRssAtEndBytes - moto.serverRssAtStartBytes),
      `the server process only (environments excluded); moto ran only the creates and failing invokes, lambda-tasks ${lt.warm.sequential ? `also ${c.warmup + c.invokes + c.concurrentWarmup + c.concurrentInvokes * c.concurrentRounds} warm invokes` : 'the same'}`,
      { comparable: false },
    ),
  );
  return rows;
}

/**
 * The S3 section for one server: start-up, request workloads, streamed-upload memory.
 * @param {string} name
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 */
async function s3Section(name, start) {
  say(`[${name}] start-to-ready x${config.starts} ...`);
  const startupResult = await startup(start);
  say(`[${name}] 1 KiB and ${config.largeBytes / MiB} MiB workloads ...`);
  const workloadResult = await workload(start);
  /** @type {Record<number, any>} */
  const memoryResult = {};
  for (const size of streamSizes()) {
    if (name === 'moto' && size > config.motoMaxStreamBytes) continue;
    say(`[${name}] ${size / MiB} MiB streamed upload with RSS sampling (fresh server) ...`);
    memoryResult[size / MiB] = await memory(start, size);
  }
  return { startup: startupResult, workload: workloadResult, memory: memoryResult };
}

/** @param {Record<string, any>} r */
const s3WithoutLogs = (r) => ({
  ...r,
  workload: { ...r.workload, log: undefined },
  memory: Object.fromEntries(Object.entries(r.memory).map(([mib, m]) => [mib, { ...m, log: undefined }])),
});
/** @param {Record<string, any>} r */
const s3Logs = (r) => [r.workload.log, ...Object.values(r.memory).map((m) => m.log)].filter(Boolean).join('\n');

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** A note naming what went wrong on either side, or undefined. @param {any} a @param {any} b */
const failures = (a, b) =>
  [a?.firstError && `lambda-tasks: ${a.firstError}`, b?.firstError && `moto: ${b.firstError}`]
    .filter(Boolean)
    .join('; ') || undefined;

/** @param {Record<string, any>} r Kinesis results by server name */
function kinesisRows(r) {
  const [a, b] = [r['lambda-tasks'], r.moto];
  const c = config.kinesis;
  const missing = (/** @type {any} */ x) => (x?.getRecords.missing ? `${x.getRecords.missing} records missing` : '');
  return [
    row(
      'PutRecords, 500-record batches',
      'records/s',
      'higher',
      a.putRecords.recordsPerSec,
      b.putRecords.recordsPerSec,
      [
        `${c.batches} batches of ${c.recordBytes}-byte records, ${c.concurrency} writers, ${c.shards} shards`,
        failures(a.putRecords, b.putRecords),
      ]
        .filter(Boolean)
        .join('; '),
      { target: { value: 3, text: '>= 3x moto', ratio: true } },
    ),
    row(
      'GetRecords, every shard from TRIM_HORIZON',
      'records/s',
      'higher',
      a.getRecords.recordsPerSec,
      b.getRecords.recordsPerSec,
      ['Limit 10,000 per call', missing(a) && `lambda-tasks: ${missing(a)}`, missing(b) && `moto: ${missing(b)}`]
        .filter(Boolean)
        .join('; '),
      { target: { value: 3, text: '>= 3x moto', ratio: true } },
    ),
  ];
}

/** @param {Record<string, any>} r DynamoDB results by server name */
function dynamoDbRows(r) {
  const [a, b] = [r['lambda-tasks'], r.moto];
  const rows = [];
  for (const [phase, label] of /** @type {const} */ ([
    ['putItem', 'PutItem'],
    ['getItem', 'GetItem'],
    ['query', 'Query (one partition, ~40 items)'],
  ])) {
    const note = [`${config.dynamodb.concurrency} in flight`, failures(a[phase], b[phase])].filter(Boolean).join('; ');
    rows.push(
      row(label, 'ops/s', 'higher', a[phase].opsPerSec, b[phase].opsPerSec, note, {
        target: { value: 3, text: '>= 3x moto', ratio: true },
      }),
    );
    rows.push(row(`${label} p50`, 'ms', 'lower', a[phase].p50Ms, b[phase].p50Ms));
    rows.push(row(`${label} p99`, 'ms', 'lower', a[phase].p99Ms, b[phase].p99Ms));
  }
  return rows;
}

/** @param {Record<string, any>} r SQS results by server name */
function sqsRows(r) {
  const [a, b] = [r['lambda-tasks'], r.moto];
  const c = config.sqs;
  return [
    row(
      'send + receive + delete',
      'messages/s',
      'higher',
      a.throughput.messagesPerSec,
      b.throughput.messagesPerSec,
      [`${c.messages} messages, ${c.concurrency} workers`, failures(a.throughput, b.throughput)]
        .filter(Boolean)
        .join('; '),
      { target: { value: 3, text: '>= 3x moto', ratio: true } },
    ),
    row(
      'long-poll wake-up p50',
      'ms',
      'lower',
      a.wakeUp.p50Ms,
      b.wakeUp.p50Ms,
      [
        `${c.wakeUps} samples: from sending the message to the waiting receive's answer (the send's round trip included)`,
        failures(a.wakeUp, b.wakeUp),
      ]
        .filter(Boolean)
        .join('; '),
      { target: { value: 5, text: '< 5 ms' } },
    ),
    row('long-poll wake-up p99', 'ms', 'lower', a.wakeUp.p99Ms, b.wakeUp.p99Ms),
  ];
}

async function main() {
  const began = performance.now();
  const loadAtStart = load();
  const moto = motoVersion();
  say(
    `bench: ${cpus().length} CPU(s), node ${process.version}, moto ${moto}, load average ${loadAtStart}; ` +
      `sections: ${sections.join(', ')}`,
  );
  if (sections.includes('s3')) {
    say(
      `s3: ${config.ops} ops per 1 KiB phase, ${config.largeBytes / MiB} MiB x${config.largeRuns}, ${config.streamBytes / MiB} MiB streamed`,
    );
  }
  if (sections.includes('lambda')) {
    const c = config.lambda;
    say(
      `lambda: ${c.coldStarts} cold starts, ${c.invokes} sequential warm invokes (${c.warmup} warm-up), ${c.concurrentRounds} rounds of ${c.concurrentInvokes} by ${c.concurrency} concurrent callers (${c.concurrentWarmup} warm-up)` +
        (c.cpuProfileDir ? `; lambda-tasks CPU profiles in ${c.cpuProfileDir}` : ''),
    );
  }
  if (sections.includes('cloudformation')) {
    const c = config.cloudformation;
    say(`cloudformation: ${c.runs} runs per template, ${c.resources}-resource stacks, polled every ${c.pollMs} ms`);
  }
  /** @type {Record<string, Record<string, any>>} results by section, then server name */
  const results = {};
  /** @type {Record<string, string>} */
  const logs = {};
  for (const [name, start] of Object.entries(servers)) {
    if (!sections.some((section) => !['deploy', 'sam', 'mappings', 'console', 'store', 'startup'].includes(section)))
      break;
    const t0 = performance.now();
    if (sections.includes('s3')) {
      const s3 = await s3Section(name, start);
      results.s3 = { ...results.s3, [name]: s3 };
      logs[name] = [logs[name], s3Logs(s3)].filter(Boolean).join('\n');
    }
    if (sections.includes('lambda')) {
      say(`[${name}] Lambda: cold starts, warm invokes, memory (fresh server) ...`);
      const profiled =
        name === 'lambda-tasks' && config.lambda.cpuProfileDir
          ? () => startLambdaTasks({ nodeArgs: ['--cpu-prof', '--cpu-prof-dir', String(config.lambda.cpuProfileDir)] })
          : start;
      const lambda = await lambdaSection(profiled);
      results.lambda = { ...results.lambda, [name]: { ...lambda, log: undefined } };
      logs[name] = [logs[name], lambda.log].filter(Boolean).join('\n');
    }
    if (sections.includes('cloudformation')) {
      say(`[${name}] CloudFormation: create / no-op update / delete of stacks (fresh server) ...`);
      const server = await start();
      try {
        const cloudformation = await cloudFormationWorkload(server, config.cloudformation);
        results.cloudformation = { ...results.cloudformation, [name]: cloudformation };
        logs[name] = [logs[name], server.logTail()].filter(Boolean).join('\n');
      } finally {
        await server.stop();
      }
    }
    for (const [section, workload] of /** @type {const} */ ([
      ['kinesis', () => kinesisWorkload],
      ['dynamodb', () => dynamoDbWorkload],
      ['sqs', () => sqsWorkload],
      ['push', () => pushWorkload],
      ['cpu', () => cpuWorkload],
    ])) {
      if (!sections.includes(section)) continue;
      say(`[${name}] ${section} (fresh server) ...`);
      const server = await start();
      // moto cannot run functions without Docker: its push rows are S3 -> SQS and SNS fan-out only.
      // moto runs no function without Docker: the CPU section's Invoke row is lambda-tasks only.
      const options =
        section === 'push' || section === 'cpu'
          ? { ...config[section], lambda: name === 'lambda-tasks' }
          : config[section];
      try {
        const measured = await workload()(server, /** @type {any} */ (options));
        results[section] = { ...results[section], [name]: measured };
        logs[name] = [logs[name], server.logTail()].filter(Boolean).join('\n');
      } finally {
        await server.stop();
      }
    }
    say(`[${name}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (sections.includes('mappings')) {
    say('[mappings] event source mappings: write-to-handler latency and throughput, lambda-tasks only (fresh server)');
    const server = await startLambdaTasks();
    try {
      results.mappings = await mappingsWorkload(server, config.mappings);
      logs['lambda-tasks'] = [logs['lambda-tasks'], server.logTail()].filter(Boolean).join('\n');
    } finally {
      await server.stop();
    }
  }
  if (sections.includes('deploy')) {
    say(
      `[deploy] lambda-tasks run examples/hello vs an AWS CLI script, ${config.deploy.runs} runs each (fresh server)`,
    );
    const deploy = await deploySection(startLambdaTasks, config.deploy, say);
    results.deploy = { ...deploy, log: undefined };
    logs['lambda-tasks'] = [logs['lambda-tasks'], deploy.log].filter(Boolean).join('\n');
  }
  if (sections.includes('sam')) {
    say(
      `[sam] lambda-tasks run examples/sam vs aws cloudformation package + deploy, ${config.sam.runs} runs each (fresh server)`,
    );
    const sam = await samSection(startLambdaTasks, config.sam, say);
    results.sam = { ...sam, log: undefined };
    logs['lambda-tasks'] = [logs['lambda-tasks'], sam.log].filter(Boolean).join('\n');
  }
  if (sections.includes('console')) {
    say(
      `[console] web console: overview load with ${config.console.functions} functions and ${config.console.stacks} stacks, bundle size, idle CPU (fresh server)`,
    );
    const server = await startLambdaTasks();
    try {
      results.console = await consoleWorkload(server, config.console);
    } finally {
      await server.stop();
    }
  }
  if (sections.includes('store')) {
    say(`[store] SQLite drivers: ${config.store.rows} inserts, ${config.store.reads} point reads, per driver and Node`);
    results.store = { 'lambda-tasks': await storeWorkload(config.store) };
  }
  if (sections.includes('startup')) {
    say(
      `[startup] lambda-tasks --help, validate, cloud to ready, hello no-op re-run vs node -e 0, ${config.startup.runs} rounds; ${config.startup.coldStarts} function cold starts`,
    );
    results.startup = await startupWorkload(config.startup, say, async (url, count) => {
      const client = lambdaClient(url);
      try {
        const runs = await coldStarts(client, 'arn:aws:iam::000000000000:role/bench', count);
        const failed = runs.find((run) => !run.ok);
        if (failed) throw new Error(`a cold start failed: ${failed.error}`);
        return runs.map((run) => run.invokeMs);
      } finally {
        client.destroy();
      }
    });
  }
  /** @type {Record<string, import('./report.mjs').Row[]>} */
  const rowsBySection = {};
  if (results.s3) rowsBySection.s3 = tableRows(results.s3);
  if (results.lambda) rowsBySection.lambda = lambdaRows(results.lambda);
  if (results.cloudformation) {
    rowsBySection.cloudformation = cloudFormationRows(results.cloudformation, config.cloudformation);
  }
  if (results.kinesis) rowsBySection.kinesis = kinesisRows(results.kinesis);
  if (results.dynamodb) rowsBySection.dynamodb = dynamoDbRows(results.dynamodb);
  if (results.sqs) rowsBySection.sqs = sqsRows(results.sqs);
  if (results.push) rowsBySection.push = pushRows(results.push['lambda-tasks'], results.push.moto);
  if (results.cpu) rowsBySection.cpu = cpuRows(results.cpu['lambda-tasks'], results.cpu.moto, config.cpu.warmup);
  const durationSec = (performance.now() - began) / 1000;
  const loadAtEnd = load();
  /** @type {Record<string, string>} */
  const titles = {
    s3: 'S3',
    lambda: 'Lambda',
    cloudformation: 'CloudFormation',
    kinesis: 'Kinesis',
    dynamodb: 'DynamoDB',
    sqs: 'SQS',
    push: 'Push (S3 notifications, SNS)',
    cpu: 'Server CPU per request (boto3; utime+stime of the server process from /proc)',
  };
  for (const [section, rows] of Object.entries(rowsBySection)) {
    process.stdout.write(`\n${titles[section]}\n\n${formatTable(rows)}\n`);
  }
  if (results.mappings) {
    process.stdout.write(
      `\nEvent source mappings (peer = a direct Invoke of the same function)\n\n${formatTable(mappingsRows(results.mappings), 'Invoke')}\n`,
    );
  }
  const consoleTable = results.console ? consoleRows(results.console, config.console) : undefined;
  if (consoleTable) {
    process.stdout.write(`\nWeb console (lambda-tasks only)\n\n${formatTable(consoleTable, 'none')}\n`);
  }
  const storeTable = results.store ? storeRows(results.store['lambda-tasks']) : undefined;
  if (storeTable) {
    process.stdout.write(`\nStore (SQLite drivers, lambda-tasks only)\n\n${formatTable(storeTable, 'none')}\n`);
  }
  const startupTable = results.startup ? startupRows(results.startup) : undefined;
  if (startupTable) {
    process.stdout.write(`\nStart-up (peer = node -e 0, same run)\n\n${formatTable(startupTable, 'node -e 0')}\n`);
  }
  const deployTable = results.deploy ? deployRows(results.deploy) : undefined;
  if (deployTable) {
    process.stdout.write(`\nDeploy (ratio = lambda-tasks / aws CLI script)\n\n${formatDeployTable(deployTable)}\n`);
  }
  const samTable = results.sam ? samRows(results.sam) : undefined;
  if (samTable) {
    process.stdout.write(
      `\nSAM package + deploy (peer = AWS CLI v1, same cloud)\n\n${formatTable(samTable, 'aws CLI')}\n`,
    );
  }
  process.stdout.write(
    `\nratio = lambda-tasks / the peer column (moto; node -e 0 for start-up). Total bench time: ${durationSec.toFixed(1)} s. ` +
      `Load average at start ${loadAtStart}, at end ${loadAtEnd} (other work on the machine skews the numbers).\n`,
  );

  const outDir = join(HERE, 'results');
  mkdirSync(outDir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      totalMemBytes: totalmem(),
      node: process.version,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadAtEnd,
    },
    moto,
    sections,
    config,
    durationSec,
    rows: [
      ...Object.entries(rowsBySection).flatMap(([section, rows]) => rows.map((r) => ({ section, ...r }))),
      ...(deployTable ?? []).map((r) => ({ section: 'deploy', ...r })),
      ...(samTable ?? []).map((r) => ({ section: 'sam', ...r })),
      ...(results.mappings ? mappingsRows(results.mappings).map((r) => ({ section: 'mappings', ...r })) : []),
      ...(consoleTable ?? []).map((r) => ({ section: 'console', ...r })),
      ...(storeTable ?? []).map((r) => ({ section: 'store', ...r })),
      ...(startupTable ?? []).map((r) => ({ section: 'startup', ...r })),
    ],
    raw: {
      ...(results.s3
        ? { s3: Object.fromEntries(Object.entries(results.s3).map(([name, r]) => [name, s3WithoutLogs(r)])) }
        : {}),
      ...(results.lambda ? { lambda: results.lambda } : {}),
      ...(results.cloudformation ? { cloudformation: results.cloudformation } : {}),
      ...(results.deploy ? { deploy: results.deploy } : {}),
      ...(results.sam ? { sam: results.sam } : {}),
      ...(results.startup ? { startup: results.startup } : {}),
    },
    serverLogTail: logs,
  };
  const fileName = sections.length === SECTIONS.length ? 'latest.json' : `latest-${sections.join('-')}.json`;
  const file = join(outDir, fileName);
  const round = (/** @type {string} */ _key, /** @type {unknown} */ value) =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
  writeFileSync(file, `${JSON.stringify(json, round, 2)}\n`);
  say(`wrote ${join('bench', 'results', fileName)}`);
  const ltErrors = logs['lambda-tasks'];
  if (ltErrors) say(`\nlambda-tasks stderr (--quiet, so only diagnostics):\n${ltErrors}`);
}

process.on('exit', killAllNow);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    say(`bench: ${signal}, stopping servers`);
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  say(`bench failed: ${/** @type {Error} */ (error)?.stack ?? String(error)}`);
} finally {
  await stopAll();
}
