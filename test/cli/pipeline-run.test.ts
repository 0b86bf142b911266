// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** `lambda-tasks run` and `plan` against the local cloud (commands called in-process, output compared). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlanCommand } from '../../src/cli/plan.js';
import { runRunCommand } from '../../src/cli/run.js';
import { useCloud } from '../helpers/cloud.js';
import { type CliRun, runCommand, tempDir } from '../pipeline/helpers.js';

const cloud = useCloud();

/** Output with the parts that differ between runs (request ids, the endpoint's port) replaced. */
function stable(run: CliRun): CliRun {
  const replace = (text: string) =>
    text.replace(/request id [\w-]+/g, 'request id <id>').replaceAll(cloud.url, 'http://<cloud>');
  return { code: run.code, stdout: replace(run.stdout), stderr: replace(run.stderr) };
}

const HELLO = (bucket: string) => `name: hello
variables:
  greeting: hello
steps:
  - id: bucket
    task: bucket
    with: { name: ${bucket} }
  - id: say
    task: echo
    action: say
    with:
      message: \${vars.greeting} from \${steps.bucket.outputs.bucket}
      count: 2
  - id: logs
    task: echo
    action: log
    with: { lines: [first line, second line] }
  - id: wait
    task: slow
    action: wait
    with: { ms: 100, what: LastUpdateStatus Successful }
`;

describe('lambda-tasks run', () => {
  it('prints timestamped progress lines and a summary table when not in a terminal', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': HELLO('run-plain') });
    const first = stable(await runCommand(runRunCommand, ['--endpoint', cloud.url], { cwd }));
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatchInlineSnapshot(`
      "00:00:00 Running pipeline hello (lambda-tasks.yml): 4 steps
      00:00:00 [bucket] bucket create
      00:00:00 [bucket]   created bucket run-plain
      00:00:00 [bucket] changed: created bucket run-plain (0 ms)
      00:00:00 [say] echo say
      00:00:00 [say]   saying hello from run-plain
      00:00:00 [say] unchanged: said hello from run-plain (0 ms)
      00:00:00 [logs] echo log
      00:00:00 [logs]   | first line
      00:00:00 [logs]   | second line
      00:00:00 [logs] unchanged: logged 2 lines (0 ms)
      00:00:00 [wait] slow wait
      00:00:00 [wait]   waiting for LastUpdateStatus Successful (0 s)
      00:00:00 [wait] changed: waited for LastUpdateStatus Successful (0 ms)

      STEP    ACTION         RESULT     TIME  SUMMARY
      bucket  bucket create  changed    0 ms  created bucket run-plain
      say     echo say       unchanged  0 ms  said hello from run-plain
      logs    echo log       unchanged  0 ms  logged 2 lines
      wait    slow wait      changed    0 ms  waited for LastUpdateStatus Successful

      00:00:00 Pipeline hello succeeded in 0 ms (2 changed, 2 unchanged).
      "
    `);
    const second = await runCommand(runRunCommand, ['--endpoint', cloud.url, '--only', 'bucket'], { cwd });
    expect(second.stdout).toContain('[bucket]   skipped: bucket run-plain exists\n');
    expect(second.stdout).toContain('[say] skipped: not selected (not in --only) (0 ms)\n');
  });

  it('exits 1 naming the failed step, the AWS error and what to do', async () => {
    const cwd = tempDir({
      'lambda-tasks.yml': `steps:
  - { id: first, task: echo, action: say, with: { message: one } }
  - { id: read, task: fail, action: get-object, with: { bucket: no-such-bucket, key: a.txt } }
  - { id: last, task: echo, action: say, with: { message: never } }
`,
    });
    const result = stable(await runCommand(runRunCommand, ['--endpoint', cloud.url], { cwd }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatchInlineSnapshot(`
      "00:00:00 Running pipeline lambda-tasks (lambda-tasks.yml): 3 steps
      00:00:00 [first] echo say
      00:00:00 [first]   saying one
      00:00:00 [first] unchanged: said one (0 ms)
      00:00:00 [read] fail get-object
      00:00:00 [read] FAILED: NoSuchBucket: The specified bucket does not exist (0 ms)
      00:00:00 [read]   AWS error: NoSuchBucket (HTTP 404, request id <id>)
      00:00:00 [read]   what to do: check the bucket name, or create the bucket in an earlier step

      STEP   ACTION           RESULT     TIME  SUMMARY
      first  echo say         unchanged  0 ms  said one
      read   fail get-object  failed     0 ms  NoSuchBucket: The specified bucket does not exist
      last   echo say         skipped    0 ms  not run: step "read" failed

      00:00:00 Pipeline lambda-tasks failed in 0 ms (1 unchanged, 1 skipped, 1 failed).
      00:00:00 Step "read" failed: NoSuchBucket: The specified bucket does not exist
      00:00:00   AWS error: NoSuchBucket (HTTP 404, request id <id>)
      00:00:00   what to do: check the bucket name, or create the bucket in an earlier step
      "
    `);
  });

  it('streams one JSON event per line with --json', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': HELLO('run-json') });
    const result = await runCommand(runRunCommand, ['--endpoint', cloud.url, '--json'], { cwd });
    expect(result.code).toBe(0);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; time: number; stepId?: string });
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['pipeline-start', 'step-start', 'step-event', 'step-end', 'pipeline-end']),
    );
    expect(events.every((e) => e.time === 0)).toBe(true);
    expect(events.find((e) => e.type === 'step-end' && e.stepId === 'say')).toEqual({
      type: 'step-end',
      stepId: 'say',
      task: 'echo',
      action: 'say',
      result: 'unchanged',
      summary: 'said hello from run-json',
      durationMs: 0,
      outputs: { message: 'hello from run-json', count: 2 },
      time: 0,
    });
  });

  it('shows live progress with a spinner in a terminal', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': HELLO('run-tty') });
    const result = await runCommand(runRunCommand, ['--endpoint', cloud.url], {
      cwd,
      tty: true,
      env: { NO_COLOR: '1' },
    });
    expect(result.code).toBe(0);
    // The live line is redrawn in place: clear, spinner, step, action, what it does, elapsed time.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's clear-line sequence is what is checked.
    const frames = /\r\x1b\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] wait slow wait waiting for LastUpdateStatus Successful \(0 s\) 0 ms/;
    expect(result.stdout).toMatch(frames);
    const final = result.stdout.split('\r\x1b[2K').at(-1) ?? '';
    expect(final).toContain('✔ wait slow wait waited for LastUpdateStatus Successful (0 ms)\n');
    expect(result.stdout).toContain('✔ bucket bucket create created bucket run-tty (0 ms)\n');
    expect(result.stdout).toContain('  | first line\n');
    expect(final).toContain('Pipeline hello succeeded in 0 ms (2 changed, 2 unchanged).\n');
    // CI=true means plain lines even in a terminal.
    const ci = await runCommand(runRunCommand, ['--endpoint', cloud.url], { cwd, tty: true, env: { CI: 'true' } });
    expect(ci.stdout).not.toContain('\x1b');
  });
});

describe('lambda-tasks plan', () => {
  it('prints what each step would change as a readable diff, changing nothing', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': HELLO('plan-bucket') });
    const result = await runCommand(runPlanCommand, ['--endpoint', cloud.url], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "00:00:00 Planning pipeline hello (lambda-tasks.yml): 4 steps
      00:00:00 [bucket] bucket create
      00:00:00 [bucket] changed: create bucket plan-bucket (0 ms)
      00:00:00 [bucket]   + create bucket plan-bucket
      00:00:00 [say] echo say
      00:00:00 [say] unknown: cannot be previewed (no plan for this action); depends on \${steps.bucket.outputs.bucket} (0 ms)
      00:00:00 [say]   = no change to echo say
      00:00:00 [say]       depends on \${steps.bucket.outputs.bucket}
      00:00:00 [logs] echo log
      00:00:00 [logs] unknown: cannot be previewed (no plan for this action) (0 ms)
      00:00:00 [wait] slow wait
      00:00:00 [wait] unknown: cannot be previewed (no plan for this action) (0 ms)

      STEP    ACTION         RESULT   TIME  SUMMARY
      bucket  bucket create  changed  0 ms  create bucket plan-bucket
      say     echo say       unknown  0 ms  cannot be previewed (no plan for this action); depends on \${steps.bucket.outputs.bucket}
      logs    echo log       unknown  0 ms  cannot be previewed (no plan for this action)
      wait    slow wait      unknown  0 ms  cannot be previewed (no plan for this action)

      00:00:00 Plan of pipeline hello made in 0 ms (1 to change, 3 known after run).
      "
    `);
    const json = await runCommand(runPlanCommand, ['--endpoint', cloud.url, '--json', '--only', 'bucket'], { cwd });
    const end = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'step-end' && e.stepId === 'bucket');
    expect(end).toMatchObject({
      result: 'changed',
      changes: [{ action: 'create', resource: 'bucket plan-bucket', details: [] }],
    });
  });
});

describe('outputs for CI', () => {
  const PIPELINE = `steps:
  - id: deploy-fn
    task: echo
    action: say
    with:
      message: "arn:aws:lambda:us-east-1:000000000000:function:hello"
      count: 3
      flag: true
      secret: s3cr3t-t0ken
  - id: notes
    task: echo
    action: say
    with:
      message: "line one\\nline two = \\"quoted\\" $HOME ü"
`;

  it('writes json, dotenv and bamboo files, secrets masked', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': PIPELINE });
    const files: Record<string, string> = {};
    for (const [file, format] of [
      ['out.json', undefined],
      ['out.env', undefined],
      ['bamboo.properties', undefined],
      ['o.txt', 'dotenv'],
    ] as const) {
      const args = ['--endpoint', cloud.url, '--outputs', file, ...(format ? ['--outputs-format', format] : [])];
      const result = await runCommand(runRunCommand, args, { cwd });
      expect(result.code).toBe(0);
      files[file] = readFileSync(join(cwd, file), 'utf8');
    }
    expect(files['out.json']).toMatchInlineSnapshot(`
      "{
        "steps": {
          "deploy-fn": {
            "outputs": {
              "message": "arn:aws:lambda:us-east-1:000000000000:function:hello",
              "count": 3,
              "flag": true,
              "token": "****"
            }
          },
          "notes": {
            "outputs": {
              "message": "line one\\nline two = \\"quoted\\" $HOME ü",
              "multiline": "line one\\nline two = \\"quoted\\" $HOME ü"
            }
          }
        }
      }
      "
    `);
    expect(files['out.env']).toMatchInlineSnapshot(`
      "DEPLOY_FN_MESSAGE=arn:aws:lambda:us-east-1:000000000000:function:hello
      DEPLOY_FN_COUNT=3
      DEPLOY_FN_FLAG=true
      DEPLOY_FN_TOKEN=****
      NOTES_MESSAGE=line one\\nline two = "quoted" $HOME ü
      NOTES_MULTILINE=line one\\nline two = "quoted" $HOME ü
      "
    `);
    expect(files['o.txt']).toBe(files['out.env']);
    expect(files['bamboo.properties']).toMatchInlineSnapshot(`
      "custom.aws.echo.deploy-fn.message=arn:aws:lambda:us-east-1:000000000000:function:hello
      custom.aws.echo.deploy-fn.count=3
      custom.aws.echo.deploy-fn.flag=true
      custom.aws.echo.deploy-fn.token=****
      custom.aws.echo.notes.message=line one\\nline two = "quoted" $HOME \\u00fc
      custom.aws.echo.notes.multiline=line one\\nline two = "quoted" $HOME \\u00fc
      "
    `);
  });

  it('appends <step>_<output> lines to $GITHUB_OUTPUT, multi-line values with a delimiter', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': PIPELINE, 'github-output': 'earlier=1\n' });
    const env = { GITHUB_OUTPUT: join(cwd, 'github-output'), GITHUB_ACTIONS: 'true', CI: 'true' };
    const result = await runCommand(runRunCommand, ['--endpoint', cloud.url], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('::add-mask::');
    const text = readFileSync(join(cwd, 'github-output'), 'utf8');
    const delimiter = /notes_message<<(ghadelimiter_[0-9a-f]{32})\n/.exec(text)?.[1] ?? 'missing';
    expect(text.replaceAll(delimiter, 'DELIMITER')).toMatchInlineSnapshot(`
      "earlier=1
      deploy-fn_message=arn:aws:lambda:us-east-1:000000000000:function:hello
      deploy-fn_count=3
      deploy-fn_flag=true
      deploy-fn_token=****
      notes_message<<DELIMITER
      line one
      line two = "quoted" $HOME ü
      DELIMITER
      notes_multiline<<DELIMITER
      line one
      line two = "quoted" $HOME ü
      DELIMITER
      "
    `);
  });

  it('writes secrets only with --include-secrets, announcing them with ::add-mask:: first', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': PIPELINE });
    writeFileSync(join(cwd, 'gh'), '');
    const env = { GITHUB_OUTPUT: join(cwd, 'gh'), GITHUB_ACTIONS: 'true' };
    const result = await runCommand(
      runRunCommand,
      ['--endpoint', cloud.url, '--include-secrets', '--outputs', 'out.json'],
      { cwd, env },
    );
    expect(result.code).toBe(0);
    // The value is printed once, in the mask command, and before the files are written (stdout
    // goes first); everywhere else in the log it is masked.
    expect(result.stdout.split('s3cr3t-t0ken').length - 1).toBe(1);
    expect(result.stdout).toMatch(/^::add-mask::s3cr3t-t0ken$/m);
    expect(readFileSync(join(cwd, 'gh'), 'utf8')).toContain('deploy-fn_token=s3cr3t-t0ken\n');
    expect(JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8')).steps['deploy-fn'].outputs.token).toBe(
      's3cr3t-t0ken',
    );
  });
});
