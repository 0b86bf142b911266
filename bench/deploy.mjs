/**
 * The deploy section of `npm run bench` (BENCH_ONLY=deploy): wall time of
 * `lambda-tasks run examples/hello` (cold: the function is created; no-op: the same pipeline
 * again, every step skipping) next to the same steps done by an AWS CLI v1 script
 * (bench/deploy-cli.sh: zip, s3 cp, create-function or update-function-code and
 * update-function-configuration, wait, publish-version, create/update-alias, invoke), both
 * against one local cloud. Each side is a fresh process per run, as in CI; the CLI script has no
 * way to skip, so its "redeploy" redoes every step (which is what such scripts do).
 *
 * Knobs: BENCH_DEPLOY_RUNS (pairs of cold + redeploy runs per side, 3).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, timedRun } from './child.mjs';
import { median } from './stats.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const EXAMPLE = join(ROOT, 'examples', 'hello');
const CLI_SCRIPT = join(ROOT, 'bench', 'deploy-cli.sh');
const ROLE = 'arn:aws:iam::000000000000:role/lambda-tasks-hello';

/**
 * `lambda-tasks run` of the hello example (a copy in `work`), reading the invoke's payload from
 * the outputs file.
 * @param {string} url @param {string} work @param {{ bucket: string, functionName: string }} names
 */
async function runLambdaTasks(url, work, names) {
  const outputs = join(work, 'outputs.json');
  const result = await timedRun(
    process.execPath,
    [
      CLI,
      'run',
      join(work, 'lambda-tasks.yml'),
      '--endpoint',
      url,
      '--var',
      `bucket=${names.bucket}`,
      '--var',
      `functionName=${names.functionName}`,
      '--outputs',
      outputs,
      '--outputs-format',
      'json',
    ],
    { env: benchEnv({ CI: 'true' }) },
  );
  const steps = JSON.parse(readFileSync(outputs, 'utf8')).steps;
  return { ...result, payload: String(steps?.invoke?.outputs?.payload ?? '') };
}

/**
 * The AWS CLI script of the same steps.
 * @param {string} url @param {string} work @param {{ bucket: string, functionName: string }} names
 */
async function runCliScript(url, work, names) {
  const result = await timedRun('sh', [CLI_SCRIPT], {
    env: benchEnv({
      ENDPOINT: url,
      BUCKET: names.bucket,
      FUNCTION: names.functionName,
      ROLE,
      SOURCE: join(work, 'function'),
      WORK: work,
    }),
  });
  return { ...result, payload: result.stdout.trim() };
}

/** @param {string} payload @param {string} name */
function check(payload, name) {
  if (!payload.includes(`Hello, ${name}!`)) throw new Error(`unexpected invoke result: ${payload}`);
}

/**
 * Process start-up alone, for reading the totals: `aws sts get-caller-identity` (one call) and
 * `lambda-tasks --help` (no call).
 * @param {string} url
 */
async function startupCosts(url) {
  /** @type {number[]} */
  const aws = [];
  /** @type {number[]} */
  const lt = [];
  for (let i = 0; i < 3; i++) {
    aws.push((await timedRun('aws', ['--endpoint-url', url, 'sts', 'get-caller-identity'])).ms);
    lt.push((await timedRun(process.execPath, [CLI, '--help'])).ms);
  }
  return { awsCallMs: median(aws), lambdaTasksHelpMs: median(lt) };
}

/**
 * Runs the deploy comparison on a fresh local cloud.
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 * @param {{ runs: number }} config
 * @param {(line: string) => void} say
 */
export async function deploySection(start, config, say) {
  const server = await start();
  const work = mkdtempSync(join(tmpdir(), 'bench-deploy-'));
  try {
    /** @type {Record<'ltCold' | 'ltNoop' | 'cliCold' | 'cliRedeploy', number[]>} */
    const ms = { ltCold: [], ltNoop: [], cliCold: [], cliRedeploy: [] };
    /** @type {string[]} */
    const noopSkips = [];
    for (let i = 0; i < config.runs; i++) {
      // A fresh copy per run: no build output or local state carried over.
      const ltDir = join(work, `lt-${i}`);
      const cliDir = join(work, `cli-${i}`);
      for (const dir of [ltDir, cliDir]) {
        cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes(`${EXAMPLE}/.lambda-tasks`) });
      }
      const lt = { bucket: `bench-deploy-lt-${i}`, functionName: `bench-hello-lt-${i}` };
      const cli = { bucket: `bench-deploy-cli-${i}`, functionName: `bench-hello-cli-${i}` };

      say(`[deploy] run ${i + 1}/${config.runs}: lambda-tasks cold, no-op; aws CLI cold, redeploy`);
      const cold = await runLambdaTasks(server.url, ltDir, lt);
      check(cold.payload, 'lambda-tasks');
      ms.ltCold.push(cold.ms);
      const noop = await runLambdaTasks(server.url, ltDir, lt);
      check(noop.payload, 'lambda-tasks');
      ms.ltNoop.push(noop.ms);
      if (i === 0) noopSkips.push(...noop.stdout.split('\n').filter((line) => /skip|unchanged/i.test(line)));

      const cliCold = await runCliScript(server.url, cliDir, cli);
      check(cliCold.payload, 'aws-cli');
      ms.cliCold.push(cliCold.ms);
      const cliAgain = await runCliScript(server.url, cliDir, cli);
      check(cliAgain.payload, 'aws-cli');
      ms.cliRedeploy.push(cliAgain.ms);
    }
    const startup = await startupCosts(server.url);
    return {
      runs: config.runs,
      lambdaTasks: {
        coldMs: median(ms.ltCold),
        noopMs: median(ms.ltNoop),
        coldRunsMs: ms.ltCold,
        noopRunsMs: ms.ltNoop,
      },
      awsCli: {
        coldMs: median(ms.cliCold),
        redeployMs: median(ms.cliRedeploy),
        coldRunsMs: ms.cliCold,
        redeployRunsMs: ms.cliRedeploy,
      },
      startup,
      noopSkips,
      log: server.logTail(),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.stop();
  }
}

/** @param {number | undefined} ms */
const seconds = (ms) => (ms === undefined || !Number.isFinite(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

/**
 * The deploy table: metric | lambda-tasks | aws CLI script | ratio | target.
 * @param {Awaited<ReturnType<typeof deploySection>>} r
 */
export function deployRows(r) {
  const target = (/** @type {number} */ value, /** @type {number} */ limit) =>
    `< ${limit / 1000} s: ${value < limit ? 'met' : 'missed'}`;
  return [
    {
      metric: `hello pipeline, cold (function created), median of ${r.runs}`,
      lambdaTasksMs: r.lambdaTasks.coldMs,
      awsCliMs: r.awsCli.coldMs,
      ratio: r.lambdaTasks.coldMs / r.awsCli.coldMs,
      target: target(r.lambdaTasks.coldMs, 2000),
    },
    {
      metric: `hello pipeline, redeploy of the same code, median of ${r.runs}`,
      lambdaTasksMs: r.lambdaTasks.noopMs,
      awsCliMs: r.awsCli.redeployMs,
      ratio: r.lambdaTasks.noopMs / r.awsCli.redeployMs,
      target: target(r.lambdaTasks.noopMs, 1000),
      note: 'lambda-tasks skips every step but invoke; the CLI script redoes them all (it cannot tell)',
    },
    {
      metric: 'process start-up alone, median of 3',
      lambdaTasksMs: r.startup.lambdaTasksHelpMs,
      awsCliMs: r.startup.awsCallMs,
      ratio: r.startup.lambdaTasksHelpMs / r.startup.awsCallMs,
      target: '',
      note: '`lambda-tasks --help` vs one `aws sts get-caller-identity`: the CLI script pays the latter per call',
    },
  ];
}

/** @param {ReturnType<typeof deployRows>} rows */
export function formatDeployTable(rows) {
  const header = ['metric', 'lambda-tasks', 'aws CLI script', 'ratio lt/cli', 'target (lambda-tasks)'];
  const body = rows.map((r) => [
    r.metric,
    seconds(r.lambdaTasksMs),
    seconds(r.awsCliMs),
    Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : 'n/a',
    r.target,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => String(cells[i]).length)));
  const line = (/** @type {string[]} */ cells) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.metric}: ${r.note}`);
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line), '', ...notes].join(
    '\n',
  );
}
