/** How the bench runs the commands it times: one environment and one timed run for every section. */
import { spawn } from 'node:child_process';

/**
 * The environment bench commands run in: test credentials, and nothing from the caller's AWS
 * setup, CI outputs or Node options; `extra` on top.
 * @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function benchEnv(extra = {}) {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  for (const name of ['AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'GITHUB_OUTPUT', 'NODE_OPTIONS']) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/**
 * @typedef {{ ms: number, stdout: string, stderr: string }} Timed
 */

/**
 * Runs a command to completion, timed from spawn to exit; rejects when it exits non-zero.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string }} [options]
 * @returns {Promise<Timed>}
 */
export function timedRun(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: options.env ?? benchEnv(),
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
}
