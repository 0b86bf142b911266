/**
 * The sam section of `npm run bench` (BENCH_ONLY=sam): wall time to package and deploy
 * examples/sam (a SAM template with a function behind AutoPublishAlias, a layer, a SimpleTable and
 * an SQS event), then invoke the alias, cold (bucket, artifacts and stack created) and on a no-op
 * re-run (nothing uploads, the stack has no changes). `lambda-tasks run examples/sam` next to the
 * AWS CLI v1 doing the same: `aws s3 mb` (cold only), `aws cloudformation package`, `aws
 * cloudformation deploy --no-fail-on-empty-changeset`, `aws lambda invoke` of the alias; both
 * against one lambda-tasks local cloud, which expands the transform on both sides. Each side's
 * runs use their own copy of the example, bucket and stack.
 *
 * Knobs: BENCH_SAM_RUNS (cold + no-op pairs per side, 3).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, timedRun } from './child.mjs';
import { row } from './report.mjs';
import { median } from './stats.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const EXAMPLE = join(ROOT, 'examples', 'sam');

/**
 * Runs the commands one after the other; the wall time of all of them, and the last one's stdout.
 * @param {[string, string[]][]} commands
 * @param {NodeJS.ProcessEnv} env
 * @param {string} cwd
 */
async function timed(commands, env, cwd) {
  let ms = 0;
  let stdout = '';
  for (const [command, args] of commands) {
    const step = await timedRun(command, args, { env, cwd });
    ms += step.ms;
    stdout = step.stdout;
  }
  return { ms, stdout };
}

/**
 * `lambda-tasks run` of the example (a copy in `dir`); the invoke's payload from the outputs file.
 * @param {string} url @param {string} dir @param {string} prefix
 */
async function runLambdaTasks(url, dir, prefix) {
  const outputs = join(dir, 'outputs.json');
  const args = [CLI, 'run', join(dir, 'lambda-tasks.yml'), '--endpoint', url, '--outputs', outputs];
  args.push('--var', `prefix=${prefix}`, '--var', `bucket=${prefix}-artifacts`);
  const result = await timed(
    [[process.execPath, args]],
    benchEnv({ AWS_SHARED_CREDENTIALS_FILE: '/dev/null', CI: 'true' }),
    dir,
  );
  const steps = JSON.parse(readFileSync(outputs, 'utf8')).steps;
  return { ...result, payload: String(steps?.invoke?.outputs?.payload ?? '') };
}

/**
 * The AWS CLI doing the same: package, deploy (with the endpoint from the environment and path-style
 * S3 from a config file, as the CLI needs against a local endpoint), invoke the alias.
 * @param {string} url @param {string} dir @param {string} prefix @param {boolean} cold
 */
async function runAwsCli(url, dir, prefix, cold) {
  const config = join(dir, 'aws-config');
  writeFileSync(config, '[default]\ns3 =\n  addressing_style = path\n');
  const env = benchEnv({ AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ENDPOINT_URL: url, AWS_CONFIG_FILE: config });
  const bucket = `${prefix}-artifacts`;
  const packaged = join(dir, 'packaged.yml');
  const response = join(dir, 'response.json');
  const alias = `arn:aws:lambda:us-east-1:000000000000:function:${prefix}-orders:live`;
  /** @type {[string, string[]][]} */
  const commands = [
    ['aws', ['s3', 'mb', `s3://${bucket}`]],
    ['aws', ['cloudformation', 'package', '--template-file', 'template.yml', '--s3-bucket', bucket]],
    ['aws', ['cloudformation', 'deploy', '--template-file', packaged, '--stack-name', prefix]],
    ['aws', ['lambda', 'invoke', '--function-name', alias, '--payload', '{"name":"SAM"}', response]],
  ];
  commands[1][1].push('--s3-prefix', 'sam', '--output-template-file', packaged);
  commands[2][1].push('--capabilities', 'CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND');
  commands[2][1].push('--parameter-overrides', `Prefix=${prefix}`, '--no-fail-on-empty-changeset');
  // The bucket is made once, as the pipeline's package step does (createBucket).
  const result = await timed(cold ? commands : commands.slice(1), env, dir);
  return { ...result, payload: readFileSync(response, 'utf8') };
}

/** @param {string} payload */
function check(payload) {
  if (!payload.includes('Hello, SAM!')) throw new Error(`unexpected invoke result: ${payload}`);
}

/**
 * Runs the comparison on a fresh local cloud.
 * @param {() => Promise<import('./servers.mjs').RunningServer>} start
 * @param {{ runs: number }} config
 * @param {(line: string) => void} say
 */
export async function samSection(start, config, say) {
  const server = await start();
  const work = mkdtempSync(join(tmpdir(), 'bench-sam-'));
  try {
    /** @type {Record<'ltCold' | 'ltNoop' | 'cliCold' | 'cliNoop', number[]>} */
    const ms = { ltCold: [], ltNoop: [], cliCold: [], cliNoop: [] };
    for (let i = 0; i < config.runs; i++) {
      const ltDir = join(work, `lt-${i}`);
      const cliDir = join(work, `cli-${i}`);
      for (const dir of [ltDir, cliDir]) {
        cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.startsWith(`${EXAMPLE}/.lambda-tasks`) });
      }
      say(`[sam] run ${i + 1}/${config.runs}: lambda-tasks cold, no-op; aws CLI cold, no-op`);
      for (const [side, dir, prefix] of /** @type {const} */ ([
        ['lt', ltDir, `bench-sam-lt-${i}`],
        ['cli', cliDir, `bench-sam-cli-${i}`],
      ])) {
        const once = (/** @type {boolean} */ cold) =>
          side === 'lt' ? runLambdaTasks(server.url, dir, prefix) : runAwsCli(server.url, dir, prefix, cold);
        const cold = await once(true);
        check(cold.payload);
        const noop = await once(false);
        check(noop.payload);
        ms[`${side}Cold`].push(cold.ms);
        ms[`${side}Noop`].push(noop.ms);
      }
    }
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
        noopMs: median(ms.cliNoop),
        coldRunsMs: ms.cliCold,
        noopRunsMs: ms.cliNoop,
      },
      log: server.logTail(),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.stop();
  }
}

/**
 * The sam table: lambda-tasks | aws CLI, ratio lambda-tasks / CLI.
 * @param {Awaited<ReturnType<typeof samSection>>} r
 */
export function samRows(r) {
  return [
    row(
      `examples/sam package + deploy + invoke, cold, median of ${r.runs}`,
      'ms',
      'lower',
      r.lambdaTasks.coldMs,
      r.awsCli.coldMs,
      'bucket made, 2 artifacts uploaded, stack created (SAM transform expanded), alias invoked',
    ),
    row(
      `examples/sam package + deploy + invoke, no-op re-run, median of ${r.runs}`,
      'ms',
      'lower',
      r.lambdaTasks.noopMs,
      r.awsCli.noopMs,
      'nothing uploaded, no stack changes (the CLI makes and deletes an empty change set), alias invoked',
    ),
  ];
}
