/**
 * Test support for the examples: a temporary copy of examples/ (so runs leave nothing in the
 * repository), and `lambda-tasks run` of one example through the built CLI against a cloud, with
 * the steps' outputs read back.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { runCli } from '../helpers/process.js';

export const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, Record<string, unknown>>;
}

/** Copies examples/ (without runs' leftovers) to a temporary directory removed after the file's tests. */
export function useExamplesCopy(): string {
  const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-examples-'));
  cpSync(EXAMPLES, work, { recursive: true, filter: (src) => !src.split('/').includes('.lambda-tasks') });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return work;
}

/** `lambda-tasks <command> <work>/<name>/lambda-tasks.yml --endpoint <url> [args]`, with the steps' outputs read back. */
export async function runExample(
  work: string,
  url: string,
  name: string,
  args: string[] = [],
  command = 'run',
): Promise<Run> {
  const outputsFile = join(work, `${name}-outputs-${Date.now()}.json`);
  const outputArgs = command === 'run' ? ['--outputs', outputsFile] : [];
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  for (const key of ['AWS_ENDPOINT_URL', 'AWS_PROFILE', 'GITHUB_OUTPUT']) delete env[key];
  const run = await runCli([command, join(work, name, 'lambda-tasks.yml'), '--endpoint', url, ...outputArgs, ...args], {
    env,
    timeoutMs: 60_000,
  });
  let outputs: Run['outputs'] = {};
  try {
    const steps = JSON.parse(readFileSync(outputsFile, 'utf8')).steps as Record<string, { outputs: never }>;
    outputs = Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.outputs]));
  } catch {
    // No outputs file: the run failed before writing it; code and stderr say why.
  }
  return { ...run, outputs };
}
