/** Test support: the built `lambda-tasks` CLI as a child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CloudProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `lambda-tasks <args>` and resolves once it prints `ready URL` (or rejects if it exits first). */
export function spawnCloud(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 10_000): Promise<CloudProcess> {
  const child = spawn(process.execPath, [CLI, 'cloud', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    const onData = () => {
      const match = /^ready (\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve({ child, url: match[1] as string, stdout: () => out, stderr: () => err, exited });
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code} before ready: ${err}`), { code, stderr: err }));
    });
  });
}

export interface RunCliOptions {
  /** The CLI's entry file. @default CLI (tsc's dist/cli/main.js) */
  bin?: string;
  cwd?: string;
  /** The whole environment of the process. @default this process's */
  env?: NodeJS.ProcessEnv;
  /** @default 10000 */
  timeoutMs?: number;
}

/** Runs the built CLI to completion; `options` may be just the timeout in ms. */
export function runCli(
  args: string[],
  options: number | RunCliOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { bin = CLI, cwd, env, timeoutMs = 10_000 } = typeof options === 'number' ? { timeoutMs: options } : options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd !== undefined ? { cwd } : {}),
      ...(env !== undefined ? { env } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lambda-tasks ${args.join(' ')} did not finish within ${timeoutMs} ms: ${stdout}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
