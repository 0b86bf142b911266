// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The GitHub Action (action.yml) as the runner runs it: its one composite step's script under bash,
 * its env with the inputs filled in as `${{ inputs.* }}` would be, and the runner's files
 * (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STEP_SUMMARY) in a temp dir. The action's path is this
 * checkout, which carries a build (dist/, node_modules/), so the action runs it rather than npx.
 * The pipelines run against a local cloud on port 0 through the `endpoint` input.
 */
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { randomName, useCloud } from '../helpers/cloud.js';
import { tempDir } from '../pipeline/helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface ActionInput {
  default?: string;
}
interface Action {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id: string; shell: string; env: Record<string, string>; run: string }[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const cloud = useCloud();

/** `${{ inputs.name }}` as the runner evaluates it; any other expression fails the test. */
function evaluate(template: string, inputs: Record<string, string>): string {
  return template.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    const name = /^inputs\.([\w-]+)$/.exec(expression)?.[1];
    if (!name || !(name in action.inputs)) throw new Error(`unexpected expression in action.yml: ${expression}`);
    return inputs[name] ?? action.inputs[name]?.default ?? '';
  });
}

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The step's $GITHUB_OUTPUT file. */
  githubOutput: string;
  /** The action's outputs, as `outputs:` maps the step's. */
  outputs: Record<string, string>;
}

/** GitHub's `name=value` and `name<<delimiter` lines. */
function parseGithubOutput(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1);
      values[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return values;
}

async function runAction(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  const [step] = action.runs.steps;
  if (!step) throw new Error('action.yml has no step');
  const runner = tempDir({ 'output.txt': '', 'env.txt': '', 'summary.md': '' });
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(runner, 'output.txt'),
    GITHUB_ENV: join(runner, 'env.txt'),
    GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
    RUNNER_TEMP: runner,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
  for (const [name, value] of Object.entries(step.env)) env[name] = evaluate(value, inputs);
  const child = spawn(step.shell, ['-c', step.run], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const githubOutput = readFileSync(env.GITHUB_OUTPUT as string, 'utf8');
  const stepOutputs = parseGithubOutput(githubOutput);
  const outputs: Record<string, string> = {};
  for (const [name, { value }] of Object.entries(action.outputs)) {
    const stepOutput = /^\$\{\{\s*steps\.run\.outputs\.([\w-]+)\s*\}\}$/.exec(value)?.[1];
    if (!stepOutput) throw new Error(`unexpected output mapping in action.yml: ${value}`);
    outputs[name] = stepOutputs[stepOutput] ?? '';
  }
  return { code, stdout, stderr, githubOutput, outputs };
}

describe('action.yml', () => {
  it('is a composite action with the inputs the README documents', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['pipeline', 'vars', 'connection', 'only', 'endpoint', 'include-secrets']),
    );
    expect(Object.keys(action.outputs)).toEqual(['outputs']);
  });

  it('runs examples/hello and exposes every step output, per step and as the JSON output', async () => {
    const workspace = tempDir();
    cpSync(join(ROOT, 'examples/hello'), workspace, { recursive: true });
    const functionName = randomName('action');
    const bucket = randomName('action-bucket');
    const run = await runAction(workspace, {
      vars: `functionName=${functionName}\n  \nbucket=${bucket}\n`,
      endpoint: cloud.url,
    });
    expect(run.stderr).not.toMatch(/Warning/);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // The CLI's own lines for the step ($GITHUB_OUTPUT is the step's file).
    expect(run.githubOutput).toMatch(
      new RegExp(`^deploy_functionArn=arn:aws:lambda:[\\w-]+:\\d{12}:function:${functionName}$`, 'm'),
    );
    expect(run.githubOutput).toContain(`upload_bucket=${bucket}\n`);
    const outputs = JSON.parse(run.outputs.outputs as string) as {
      steps: Record<string, { outputs: Record<string, unknown> }>;
    };
    expect(Object.keys(outputs.steps)).toEqual(['package', 'upload', 'deploy', 'invoke']);
    expect(outputs.steps.deploy?.outputs.functionName).toBe(functionName);
    expect(outputs.steps.upload?.outputs.key).toBe('hello/function.zip');
    expect(outputs.steps.invoke?.outputs.statusCode).toBe(200);
  });

  it('masks secrets: **** by default; with include-secrets, ::add-mask:: before the value is written', async () => {
    const workspace = tempDir({ 'artifact.txt': 'hello' });
    writeFileSync(
      join(workspace, 'ci.yml'),
      [
        'variables:',
        '  bucket: { value: unset, secret: true }',
        'steps:',
        '  - id: upload',
        '    task: s3-object',
        '    action: upload',
        '    with: { bucket: "${vars.bucket}", file: artifact.txt, key: a.txt, createBucket: true }',
        '  - id: never',
        '    task: s3-object',
        '    action: delete',
        '    with: { bucket: "${vars.bucket}", key: a.txt }',
        '',
      ].join('\n'),
    );
    const bucket = randomName('secret-bucket');
    const inputs = { pipeline: 'ci.yml', vars: `bucket=${bucket}`, only: 'upload', endpoint: cloud.url };

    const masked = await runAction(workspace, inputs);
    expect(masked.code, masked.stdout + masked.stderr).toBe(0);
    expect(masked.stdout + masked.githubOutput).not.toContain(bucket);
    const maskedJson = JSON.parse(masked.outputs.outputs as string) as {
      steps: Record<string, { outputs: Record<string, unknown> }>;
    };
    expect(maskedJson.steps.upload?.outputs.bucket).toBe('****');
    expect(maskedJson.steps.never).toBeUndefined();

    const revealed = await runAction(workspace, { ...inputs, 'include-secrets': 'true' });
    expect(revealed.code, revealed.stdout + revealed.stderr).toBe(0);
    const maskLine = revealed.stdout.indexOf(`::add-mask::${bucket}\n`);
    expect(maskLine).toBeGreaterThanOrEqual(0);
    // Nothing printed before the mask command shows the value.
    expect(revealed.stdout.slice(0, maskLine)).not.toContain(bucket);
    expect(revealed.githubOutput).toContain(`upload_bucket=${bucket}\n`);
    const json = JSON.parse(revealed.outputs.outputs as string) as {
      steps: Record<string, { outputs: Record<string, unknown> }>;
    };
    expect(json.steps.upload?.outputs.bucket).toBe(bucket);
  });

  it('fails the step with the run exit status and keeps the outputs of the steps that ran', async () => {
    const workspace = tempDir({
      'ci.yml': [
        'variables: { bucket: unset }',
        'steps:',
        '  - id: upload',
        '    task: s3-object',
        '    action: upload',
        '    with: { bucket: "${vars.bucket}", file: ci.yml, key: ci.yml, createBucket: true }',
        '  - id: missing',
        '    task: s3-object',
        '    action: download',
        '    with: { bucket: "${vars.bucket}", key: not-there, file: out.txt }',
        '',
      ].join('\n'),
    });
    const bucket = randomName('failing');
    const run = await runAction(workspace, { pipeline: 'ci.yml', vars: `bucket=${bucket}`, endpoint: cloud.url });
    expect(run.code).toBe(1);
    const json = JSON.parse(run.outputs.outputs as string) as {
      steps: Record<string, { outputs: Record<string, unknown> }>;
    };
    expect(json.steps.upload?.outputs.bucket).toBe(bucket);
  });
});
