// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** `lambda-tasks validate` and `schema`, and `run`/`plan` refusing an invalid pipeline (called in-process). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlanCommand } from '../../src/cli/plan.js';
import { runRunCommand } from '../../src/cli/run.js';
import { runSchemaCommand } from '../../src/cli/schema.js';
import { runValidateCommand } from '../../src/cli/validate.js';
import { runCommand, tempDir } from '../pipeline/helpers.js';

const INVALID = `name: broken
steps:
  - id: make
    task: bucket
    with:
      name: Not_A_Bucket
      size: 3
  - id: say
    task: echo
    action: say
    timeout: forever
    with:
      message: \${steps.make.outputs.nope}
      count: \${vars.count}
  - id: say
    task: lambda
`;

describe('lambda-tasks validate', () => {
  it('lists every problem with file:line:column and path, and exits 2', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': INVALID });
    const result = await runCommand(runValidateCommand, [], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatchInlineSnapshot(`
      "lambda-tasks: lambda-tasks.yml has 7 problems:
        lambda-tasks.yml:6:13: steps[0].with.name: Invalid string: must match pattern /^[a-z0-9.-]{3,63}$/
        lambda-tasks.yml:7:7: steps[0].with.size: unknown key "size" (allowed: name, region)
        lambda-tasks.yml:11:14: steps[1].timeout: expected a duration such as 30s, 10m, 1h, 1500ms or a number of seconds
        lambda-tasks.yml:13:16: steps[1].with.message: \${steps.make.outputs.nope}: step "make" has no output "nope" (outputs: bucket, arn, region)
        lambda-tasks.yml:14:14: steps[1].with.count: \${vars.count}: unknown variable "count" (defined: none): declare it under variables or pass --var count=...
        lambda-tasks.yml:15:9: steps[2].id: step id "say" is already used by steps[1]: step ids must be unique
        lambda-tasks.yml:16:11: steps[2].task: unknown task "lambda" (known tasks: bucket, echo, slow, fail, whoami)
      No step was run.
      "
    `);
  });

  it('prints problems as JSON with --json, and accepts --var', async () => {
    const cwd = tempDir({ 'pipe.yml': INVALID });
    const result = await runCommand(runValidateCommand, ['pipe.yml', '--json', '--var', 'count=3'], { cwd });
    expect(result.code).toBe(2);
    const json = JSON.parse(result.stdout) as { valid: boolean; problems: { code: string; path: string }[] };
    expect(json.valid).toBe(false);
    expect(json.problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'InvalidValue steps[0].with.name',
      'UnknownKey steps[0].with.size',
      'InvalidValue steps[1].timeout',
      'UnknownOutput steps[1].with.message',
      'DuplicateStepId steps[2].id',
      'UnknownTask steps[2].task',
    ]);
    expect(json.problems[0]).toEqual({
      code: 'InvalidValue',
      file: 'pipe.yml',
      path: 'steps[0].with.name',
      line: 6,
      column: 13,
      message: 'Invalid string: must match pattern /^[a-z0-9.-]{3,63}$/',
    });
  });

  it('says what is in a valid file', async () => {
    const cwd = tempDir({
      'lambda-tasks.yml':
        'steps:\n  - { id: make, task: bucket, with: { name: "${env.BUCKET}" } }\n  - { id: hi, task: echo, action: say, with: { message: hi } }\n',
    });
    const result = await runCommand(runValidateCommand, [], { cwd });
    expect(result).toEqual({
      code: 0,
      stdout: 'lambda-tasks.yml is valid: 2 steps\n  make: bucket create\n  hi: echo say\n',
      stderr: '',
    });
  });

  it('exits 2 for a missing file and for bad usage', async () => {
    const cwd = tempDir();
    expect(await runCommand(runValidateCommand, [], { cwd })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'lambda-tasks: No pipeline file at lambda-tasks.yml.\n  what to do: create lambda-tasks.yml, or name the file: lambda-tasks run path/to/pipeline.yml\n',
    });
    await expect(runCommand(runValidateCommand, ['a.yml', 'b.yml'], { cwd })).rejects.toThrow(
      'expected at most one pipeline file, got a.yml b.yml',
    );
    await expect(runCommand(runRunCommand, ['--var', 'novalue'], { cwd })).rejects.toThrow(
      '--var expects NAME=VALUE, got "novalue"',
    );
    await expect(runCommand(runRunCommand, ['--outputs-format', 'xml', '--outputs', 'o'], { cwd })).rejects.toThrow(
      '--outputs-format must be one of json, dotenv, github, bamboo, got "xml"',
    );
  });
});

describe('lambda-tasks run / plan with an invalid pipeline', () => {
  it('lists the problems, runs no step, and exits 2', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': INVALID });
    for (const command of [runRunCommand, runPlanCommand]) {
      const result = await runCommand(command, ['--endpoint', 'http://127.0.0.1:9'], { cwd });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('lambda-tasks: lambda-tasks.yml has 7 problems:\n');
      expect(result.stderr).toMatch(/No step was run\.\n$/);
    }
    const json = await runCommand(runRunCommand, ['--json', '--endpoint', 'http://127.0.0.1:9'], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'pipeline-invalid', file: 'lambda-tasks.yml' });
  });

  it('checks environment placeholders when running', async () => {
    const cwd = tempDir({
      'lambda-tasks.yml': 'steps:\n  - { id: a, task: echo, action: say, with: { message: "${env.GREETING}" } }\n',
    });
    const result = await runCommand(runRunCommand, [], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'lambda-tasks.yml:2:56: steps[0].with.message: ${env.GREETING}: environment variable GREETING is not set',
    );
  });
});

describe('lambda-tasks schema', () => {
  it('prints a JSON Schema with one alternative per task action, accepting placeholders', async () => {
    const cwd = tempDir();
    const result = await runCommand(runSchemaCommand, ['--out', 'schema.json'], { cwd });
    expect(result.code).toBe(0);
    const schema = JSON.parse(readFileSync(join(cwd, 'schema.json'), 'utf8'));
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['steps'],
      additionalProperties: false,
    });
    const steps = schema.properties.steps.items.anyOf as { properties: Record<string, unknown>; required: string[] }[];
    expect(
      steps.map(
        (s) =>
          `${(s.properties['task'] as { const: string }).const} ${(s.properties['action'] as { const: string }).const}`,
      ),
    ).toEqual([
      'bucket create',
      'echo say',
      'echo log',
      'slow wait',
      'slow hang',
      'fail get-object',
      'fail throw',
      'whoami get',
    ]);
    // A task's default action may be left out.
    expect(steps[0]?.required).toEqual(['id', 'task']);
    expect(steps[1]?.required).toEqual(['id', 'task', 'action']);
    // A number parameter also takes a placeholder; a plain string stays a string.
    // So does `with` as a whole.
    const withSchema = steps[1]?.properties['with'] as { anyOf: { properties: Record<string, unknown> }[] };
    expect(withSchema.anyOf[1]).toEqual({ $ref: '#/definitions/placeholder' });
    expect(schema.definitions.placeholder).toMatchObject({ type: 'string', pattern: '\\$\\{[^}]+\\}' });
    const echo = withSchema.anyOf[0] as { properties: Record<string, unknown> };
    expect(echo.properties['count']).toEqual({
      anyOf: [
        { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        { $ref: '#/definitions/placeholder' },
      ],
    });
    expect(echo.properties['message']).toEqual({ type: 'string' });
    const stdout = await runCommand(runSchemaCommand, [], { cwd });
    expect(JSON.parse(stdout.stdout)).toEqual(schema);
  });
});
