// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** Checking pipeline files: every problem at once, with file, line, column and path. */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/pipeline/errors.js';
import { loadPipeline, validatePipeline } from '../../src/pipeline/validate.js';
import { TEST_REGISTRY } from './helpers.js';

function problems(source: string, options: Parameters<typeof validatePipeline>[0] = {}): string[] {
  return validatePipeline({ file: 'pipe.yml', source, registry: TEST_REGISTRY, ...options }).problems.map(
    formatProblem,
  );
}

describe('validatePipeline', () => {
  it('reports every problem of the file at once, each with line, column and path', () => {
    const source = `name: demo
regoin: us-east-1
connection: prod
variables:
  env: dev
  size: 3
steps:
  - id: make
    task: bucket
    with:
      name: \${vars.env}-bucket
      colour: red
  - id: make
    task: echo
    action: shout
  - id: say
    task: echo
    action: say
    with:
      message: \${steps.make.outputs.bucketName}
      count: "three"
      mode: \${vars.mode}
      nested: { size: "\${vars.size}", extra: 1 }
  - id: early
    task: echo
    action: say
    with:
      message: \${steps.late.outputs.message} \${steps.nowhere.outputs.x}
    if: \${vars.env} == prod
    timeout: soon
  - id: late
    task: bukket
    connection: staging
    with: { message: hi }
`;
    expect(problems(source)).toMatchInlineSnapshot(`
      [
        "pipe.yml:2:1: regoin: unknown key "regoin" (did you mean "region"?) (allowed: name, region, connection, connections, variables, steps)",
        "pipe.yml:3:13: connection: unknown connection "prod" (known: local, aws)",
        "pipe.yml:12:7: steps[0].with.colour: unknown key "colour" (allowed: name, region)",
        "pipe.yml:13:9: steps[1].id: step id "make" is already used by steps[0]: step ids must be unique",
        "pipe.yml:15:13: steps[1].action: task "echo" has no action "shout" (actions: say, log)",
        "pipe.yml:20:16: steps[2].with.message: \${steps.make.outputs.bucketName}: step "make" has no output "bucketName" (outputs: bucket, arn, region)",
        "pipe.yml:21:14: steps[2].with.count: Invalid input: expected number, received string",
        "pipe.yml:22:13: steps[2].with.mode: \${vars.mode}: unknown variable "mode" (defined: env, size): declare it under variables or pass --var mode=...",
        "pipe.yml:23:39: steps[2].with.nested.extra: unknown key "extra" (allowed: size, label)",
        "pipe.yml:28:16: steps[3].with.message: \${steps.late.outputs.message}: step "late" runs after this one: move it earlier",
        "pipe.yml:28:16: steps[3].with.message: \${steps.nowhere.outputs.x}: no step "nowhere"",
        "pipe.yml:29:9: steps[3].if: invalid condition: unexpected "prod" at column 16: quote text ('prod') or use a placeholder (\${vars.prod})",
        "pipe.yml:30:14: steps[3].timeout: expected a duration such as 30s, 10m, 1h, 1500ms or a number of seconds",
        "pipe.yml:32:11: steps[4].task: unknown task "bukket" (did you mean "bucket"?) (known tasks: bucket, echo, slow, fail, whoami)",
        "pipe.yml:33:17: steps[4].connection: unknown connection "staging" (known: local, aws)",
      ]
    `);
  });

  it('checks literal values and skips only what placeholders stand for', () => {
    const source = `variables: { n: 3, cfg: { value: { size: 1 } } }
steps:
  - id: a
    task: echo
    action: say
    with:
      message: fn-\${vars.n}
      count: \${vars.n}
      flag: \${vars.n}
      mode: \${vars.n}
      nested: \${vars.cfg}
      data: { any: "\${vars.cfg}" }
  - id: b
    task: echo
    action: say
    with:
      message: \${steps.a.outputs.count}
      count: 1.5
      mode: LOUD
      nested: { size: "\${vars.n}", label: 7 }
`;
    expect(problems(source)).toMatchInlineSnapshot(`
      [
        "pipe.yml:18:14: steps[1].with.count: Invalid input: expected int, received number",
        "pipe.yml:19:13: steps[1].with.mode: Invalid option: expected one of "quiet"|"loud"",
        "pipe.yml:20:43: steps[1].with.nested.label: Invalid input: expected string, received number",
      ]
    `);
  });

  it('reports missing required parameters, a missing action, and non-mapping parameters', () => {
    const source = `steps:
  - id: a
    task: echo
    action: say
  - id: b
    task: echo
  - id: c
    task: echo
    action: say
    with: [1, 2]
  - id: d
    task: echo
    action: say
    with: \${vars.nope}
`;
    expect(problems(source)).toMatchInlineSnapshot(`
      [
        "pipe.yml:2:5: steps[0].with: missing required key "message" (string)",
        "pipe.yml:5:5: steps[1]: task "echo" needs an action (one of: say, log)",
        "pipe.yml:10:11: steps[2].with: Invalid input: expected object, received array",
        "pipe.yml:14:11: steps[3].with: \${vars.nope}: unknown variable "nope" (defined: none): declare it under variables or pass --var nope=...",
      ]
    `);
  });

  it('uses a task’s default action and --var names', () => {
    const result = validatePipeline({
      file: 'pipe.yml',
      source: 'steps:\n  - id: a\n    task: bucket\n    with: { name: "${vars.bucket}" }\n',
      registry: TEST_REGISTRY,
      variables: { bucket: 'my-bucket' },
    });
    expect(result.problems).toEqual([]);
    expect(result.pipeline?.steps[0]).toMatchObject({ id: 'a', task: 'bucket', action: 'create', selected: true });
  });

  it('reports YAML syntax errors (duplicate keys too) and an empty file', () => {
    expect(problems('steps:\n  - id: a\n    id: b\n')).toEqual(['pipe.yml:3:5: Map keys must be unique']);
    expect(problems('steps: [\n')).toHaveLength(1);
    expect(problems('steps:\n  - { id: a, task: echo, with: { message: ${vars.x} } }\n')).toEqual([
      'pipe.yml:2:44: Unexpected flow-map-start at node end (inside { } or [ ], quote placeholders: "${vars.name}")',
    ]);
    expect(problems('')).toEqual(['pipe.yml:1:1: the file is empty: a pipeline needs steps']);
    expect(problems('steps: []\n')).toEqual(['pipe.yml:1:8: steps: a pipeline needs at least one step']);
  });

  it('checks connections, variables, regions and environment placeholders', () => {
    const source = `connection: deploy
region: \${env.REGION}
variables:
  token: { value: "\${env.API_TOKEN}", secret: true }
  bad: { secret: true }
  other: \${vars.token}
connections:
  deploy:
    accessKeyIdEnv: DEPLOY_KEY_ID
    assumeRole: { roleArn: arn:aws:iam::000000000000:role/deploy, durationSeconds: 60 }
  local: { endpoint: http://127.0.0.1:1 }
steps:
  - id: a
    task: whoami
    region: \${steps.a.outputs.region}
`;
    expect(problems(source, { env: { REGION: 'eu-west-1' } })).toMatchInlineSnapshot(`
      [
        "pipe.yml:4:19: variables.token.value: \${env.API_TOKEN}: environment variable API_TOKEN is not set",
        "pipe.yml:5:8: variables.bad: missing required key "value" (string)",
        "pipe.yml:6:10: variables.other: \${vars.token}: vars placeholders cannot be used in variables (allowed: env, file)",
        "pipe.yml:9:5: connections.deploy.secretAccessKeyEnv: accessKeyIdEnv and secretAccessKeyEnv go together: name both environment variables",
        "pipe.yml:9:21: connections.deploy.accessKeyIdEnv: environment variable DEPLOY_KEY_ID is not set",
        "pipe.yml:10:84: connections.deploy.assumeRole.durationSeconds: Too small: expected number to be >=900",
        "pipe.yml:11:3: connections.local: "local" is a built-in connection and cannot be redefined: name yours differently (type: local)",
        "pipe.yml:15:13: steps[0].region: \${steps.a.outputs.region}: step outputs can be used only in a step's "with" and "if"",
      ]
    `);
  });

  it('checks --only, --from and --connection, and outputs of steps they leave out', () => {
    const source = `steps:
  - id: a
    task: echo
    action: say
    with: { message: hi }
  - id: b
    task: echo
    action: say
    with: { message: "\${steps.a.outputs.message}" }
  - id: c
    task: echo
    action: say
    with: { message: c }
`;
    expect(problems(source, { only: ['b', 'x'], connection: 'prod' })).toMatchInlineSnapshot(`
      [
        "pipe.yml: --connection prod: no such connection (known: local, aws)",
        "pipe.yml: --only x: no step has this id (steps: a, b, c)",
        "pipe.yml:9:22: steps[1].with.message: \${steps.a.outputs.message}: step "a" is not run (left out by --only/--from) and its action cannot be planned to supply its outputs: include it",
      ]
    `);
    expect(problems(source, { from: 'c' })).toEqual([]);
    expect(problems(source, { from: 'b' })).toHaveLength(1);
    const selected = (options: { only?: string[]; from?: string }) =>
      loadPipeline({ file: 'pipe.yml', source, registry: TEST_REGISTRY, ...options }).steps.map((s) => [
        s.id,
        s.selected,
        s.selectionNote,
      ]);
    expect(selected({ from: 'c' })).toEqual([
      ['a', false, 'before --from c'],
      ['b', false, 'before --from c'],
      ['c', true, undefined],
    ]);
    expect(selected({ only: ['a', 'c'] })).toEqual([
      ['a', true, undefined],
      ['b', false, 'not in --only'],
      ['c', true, undefined],
    ]);
  });

  it('throws PipelineValidationError from loadPipeline, and PipelineNotFound for a missing file', () => {
    expect(() => loadPipeline({ file: 'pipe.yml', source: 'steps: 1\n', registry: TEST_REGISTRY })).toThrow(
      expect.objectContaining({ code: 'InvalidPipeline', problems: [expect.objectContaining({ path: 'steps' })] }),
    );
    expect(() => loadPipeline({ file: 'missing.yml', cwd: '/nonexistent' })).toThrow(
      expect.objectContaining({ code: 'PipelineNotFound', message: 'No pipeline file at missing.yml.' }),
    );
  });
});
