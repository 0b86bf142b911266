/**
 * Runs a subset of the suite under Node 22 and 24 (npm's `node` package through npx: offline from
 * npm's cache once fetched), with vitest itself running on that Node. `npm run build` first: the CLI
 * tests spawn dist/cli/main.js with the running Node.
 *
 *   node scripts/test-node-versions.mjs            # Node 22 and 24
 *   node scripts/test-node-versions.mjs 24         # one of them
 *
 * The subset covers what differs between Node versions:
 * - the SQLite store on the driver that Node picks (a better-sqlite3 binary built for Node 20 does not
 *   load on 22/24, so they use node:sqlite; test/cloud/store runs both drivers' conformance suite);
 * - the function runtimes: real invokes of Node handlers, the function's SDK import and its logs,
 *   and the pool of pre-started processes (it resets Node's module paths on assignment);
 * - the CLI as a process: a pipeline run against the embedded local cloud, and `lambda-tasks cloud`
 *   with its data dir lock (kill -9 included);
 * - a restart: SQS queues and messages kept in the data dir;
 * - the bundled bin: its chunks run from V8's code cache (src/cli/code-cache.ts), whose checks and
 *   file names are V8's own, and its cloud on the driver that Node picks.
 * A run fails too when its output carries a Node or SDK warning (ExperimentalWarning for node:sqlite,
 * the SDK's NodeVersionSupportWarning): none may reach a user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUBSET = [
  'test/cloud/store',
  'test/cloud/lambda-engine/node.test.ts',
  'test/cloud/lambda-engine/pool.test.ts',
  'test/cli/pipeline-process.test.ts',
  'test/cli/cloud.test.ts',
  'test/cloud/sqs/persistence.test.ts',
  'test/bundle',
];
const WARNING = /ExperimentalWarning|NodeVersionSupportWarning|DeprecationWarning/;

const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24'];
let failed = false;
for (const major of majors) {
  const node = execFileSync('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  process.stdout.write(`\n== Node ${version} (${node})\n`);
  const started = performance.now();
  const run = spawnSync(node, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...SUBSET], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${run.stdout}${run.stderr}`;
  process.stdout.write(output);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const warning = WARNING.exec(output);
  if (run.status !== 0) {
    failed = true;
    process.stdout.write(`== Node ${version}: FAILED (exit ${run.status}) in ${seconds} s\n`);
  } else if (warning) {
    failed = true;
    process.stdout.write(`== Node ${version}: a warning reached the output ("${warning[0]}") in ${seconds} s\n`);
  } else {
    process.stdout.write(`== Node ${version}: passed in ${seconds} s\n`);
  }
}
process.exitCode = failed ? 1 : 0;
