// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** Secrets never show: every line printed, every event, every error and every outputs file is searched. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlanCommand } from '../../src/cli/plan.js';
import { runRunCommand } from '../../src/cli/run.js';
import { useCloud } from '../helpers/cloud.js';
import { runCommand, tempDir } from '../pipeline/helpers.js';

const cloud = useCloud();

const SECRETS = {
  markedVariable: 'key-from-env-1234',
  commandLineVariable: 'pa55word-from-cli',
  environmentToken: 'tok-abcdef-123456',
  secretOutput: 'out-secret-999999',
  registered: 'session-xyz-777777',
};

const PIPELINE = `variables:
  apiKey: { value: "\${env.API_KEY}", secret: true }
  password: { value: default-password, secret: true }
steps:
  - id: use
    task: echo
    action: say
    with:
      message: key \${vars.apiKey} password \${vars.password} token \${env.DEPLOY_TOKEN}
      data: { nested: "\${vars.apiKey}" }
      secret: ${SECRETS.secretOutput}
      register: ${SECRETS.registered}
  - id: again
    task: echo
    action: say
    with:
      message: "\${steps.use.outputs.token} and \${steps.use.outputs.message}"
  - id: boom
    task: fail
    action: throw
    continueOnError: true
    with: { message: "failed with \${vars.password} and \${vars.apiKey}" }
  - id: last
    task: fail
    action: throw
    with: { message: "\${steps.use.outputs.token}" }
`;

describe('secret masking', () => {
  it('masks every kind of secret in stdout, stderr, events, errors and outputs files', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': PIPELINE, 'gh-output': '' });
    const env = {
      API_KEY: SECRETS.markedVariable,
      DEPLOY_TOKEN: SECRETS.environmentToken,
      GITHUB_OUTPUT: join(cwd, 'gh-output'),
    };
    const common = ['--endpoint', cloud.url, '--var', `password=${SECRETS.commandLineVariable}`];
    const runs = [
      await runCommand(runRunCommand, [...common, '--outputs', 'out.json'], { cwd, env }),
      await runCommand(runRunCommand, [...common, '--json', '--outputs', 'out.env'], { cwd, env }),
      await runCommand(runRunCommand, [...common, '--outputs', 'out.properties'], { cwd, env, tty: true }),
      await runCommand(runPlanCommand, common, { cwd, env }),
    ];
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 0]);
    const files = readdirSync(cwd).filter((f) => f !== 'lambda-tasks.yml');
    expect(files.sort()).toEqual(['gh-output', 'out.env', 'out.json', 'out.properties']);
    const everything = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      ...files.map((f) => readFileSync(join(cwd, f), 'utf8')),
    ].join('\n');
    for (const [kind, secret] of Object.entries(SECRETS)) {
      expect(everything.includes(secret), `${kind} shown`).toBe(false);
    }
    // What is shown instead.
    expect(runs[0]?.stdout).toContain('[use] unchanged: said key **** password **** token **** (0 ms)\n');
    expect(runs[0]?.stdout).toContain('[use]   | session key ****\n');
    expect(runs[0]?.stdout).toContain('[boom] FAILED (continuing): failed with **** and **** (0 ms)\n');
    expect(runs[0]?.stdout).toContain('Step "last" failed: ****\n');
    expect(JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8')).steps.use.outputs).toEqual({
      message: 'key **** password **** token ****',
      data: '{"nested":"****"}',
      token: '****',
    });
  });

  it('with --include-secrets in GitHub Actions, announces each secret a written value shows, then writes it', async () => {
    const cwd = tempDir({
      'lambda-tasks.yml': `variables:
  password: { value: multi-line, secret: true }
steps:
  - id: use
    task: echo
    action: say
    with: { message: "user:\${vars.password}@host", secret: "line-one-secret\\nline-two-secret" }
`,
      'gh-output': '',
    });
    const env = { GITHUB_OUTPUT: join(cwd, 'gh-output'), GITHUB_ACTIONS: 'true', CI: 'true' };
    const args = ['--endpoint', cloud.url, '--include-secrets', '--var', `password=${SECRETS.commandLineVariable}`];
    const result = await runCommand(runRunCommand, args, { cwd, env });
    expect(result.code).toBe(0);
    const masks = result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(masks.sort()).toEqual(
      [
        `::add-mask::${SECRETS.commandLineVariable}`,
        '::add-mask::line-one-secret',
        '::add-mask::line-two-secret',
      ].sort(),
    );
    // Nothing else printed shows them.
    const rest = result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of [SECRETS.commandLineVariable, 'line-one-secret', 'line-two-secret']) {
      expect(rest.includes(secret)).toBe(false);
    }
    const written = readFileSync(join(cwd, 'gh-output'), 'utf8');
    expect(written).toContain(`use_message=user:${SECRETS.commandLineVariable}@host\n`);
    expect(written).toMatch(/^use_token<<ghadelimiter_\w+\nline-one-secret\nline-two-secret\nghadelimiter_\w+$/m);
  });
});
