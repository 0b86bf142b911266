// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The built `lambda-tasks` CLI as a process (main.ts's wiring and exit codes): the local cloud
 * started in-process for a real pipeline, and the process exiting by itself afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempDir } from '../pipeline/helpers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('lambda-tasks (process)', () => {
  it('lists the pipeline commands', async () => {
    const result = await spawnCli(['--help'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}run {7}run a pipeline file/m);
    for (const command of ['plan', 'validate', 'schema', 'cloud']) expect(result.stdout).toContain(`  ${command} `);
    const help = await spawnCli(['run', '--help'], { cwd: tempDir() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lambda-tasks run [file] [options]');
  });

  it('exits 2 for an invalid pipeline and for an unknown option', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': 'steps:\n  - { id: a, task: lambda-functon, action: deploy }\n' });
    const invalid = await spawnCli(['validate'], { cwd });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      'lambda-tasks.yml:2:20: steps[0].task: unknown task "lambda-functon" (did you mean "lambda-function"?)',
    );
    const unknown = await spawnCli(['run', '--nope'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("lambda-tasks: Unknown option '--nope'");
  });

  it('starts the local cloud for a run, deploys and invokes a function, and exits', async () => {
    const cwd = tempDir({
      'lambda-tasks.yml': `steps:
  - id: deploy
    task: lambda-function
    action: deploy
    with:
      functionName: process-hello
      runtime: nodejs20.x
      handler: index.handler
      role: arn:aws:iam::000000000000:role/process
      code: { zipFile: function }
  - id: invoke
    task: lambda-function
    action: invoke
    with: { functionName: "\${steps.deploy.outputs.functionName}", payload: { n: 41 } }
`,
    });
    mkdirSync(join(cwd, 'function'));
    writeFileSync(join(cwd, 'function', 'index.mjs'), 'export const handler = async (e) => ({ n: e.n + 1 });\n');
    const port = await freePort();
    const result = await spawnCli(['run', '--endpoint', `http://127.0.0.1:${port}`, '--outputs', 'out.env'], {
      cwd,
      env: { LAMBDA_TASKS_FIXED_TIMES: '1' },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `started the local cloud at http://127.0.0.1:${port} (state in .lambda-tasks/cloud)`,
    );
    expect(result.stdout).toMatch(/^invoke +lambda-function invoke +changed /m);
    const rerun = await spawnCli(['run', '--endpoint', `http://127.0.0.1:${port}`], { cwd });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^deploy +lambda-function deploy +unchanged /m);
  });
});
