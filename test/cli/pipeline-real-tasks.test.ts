// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * A small real pipeline with the real tasks (package, s3-object upload, lambda-function deploy and
 * invoke) through `lambda-tasks run` and `plan`, against the local cloud: the first run creates,
 * the second changes nothing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlanCommand } from '../../src/cli/plan.js';
import { runRunCommand } from '../../src/cli/run.js';
import { TASK_REGISTRY } from '../../src/tasks/index.js';
import { useCloud } from '../helpers/cloud.js';
import { runCommand, tempDir } from '../pipeline/helpers.js';

const cloud = useCloud();

const PIPELINE = `name: real
variables:
  bucket: real-artifacts
  functionName: real-hello
  timeout: 10
steps:
  - id: package
    task: package
    with: { source: function }
  - id: upload
    task: s3-object
    action: upload
    with:
      bucket: \${vars.bucket}
      file: \${steps.package.outputs.file}
      key: real/function.zip
      createBucket: true
  - id: deploy
    task: lambda-function
    action: deploy
    with:
      functionName: \${vars.functionName}
      runtime: nodejs20.x
      handler: index.handler
      role: arn:aws:iam::000000000000:role/real
      timeout: \${vars.timeout}
      code:
        s3Bucket: \${steps.upload.outputs.bucket}
        s3Key: \${steps.upload.outputs.key}
  - id: invoke
    task: lambda-function
    action: invoke
    with:
      functionName: \${steps.deploy.outputs.functionName}
      payload: { name: "\${vars.functionName}" }
`;

describe('a real pipeline', () => {
  it('packages, uploads, deploys and invokes a function; the second run changes nothing', async () => {
    const cwd = tempDir({ 'lambda-tasks.yml': PIPELINE });
    mkdirSync(join(cwd, 'function'));
    writeFileSync(
      join(cwd, 'function', 'index.mjs'),
      'export const handler = async (event) => ({ greeting: `hello ${event.name}` });\n',
    );
    const args = ['--endpoint', cloud.url, '--outputs', 'outputs.json'];
    const first = await runCommand(runRunCommand, args, { cwd, registry: TASK_REGISTRY });
    expect(first.stderr).toBe('');
    expect(first.code, first.stdout).toBe(0);
    const outputs = JSON.parse(readFileSync(join(cwd, 'outputs.json'), 'utf8')).steps;
    expect(outputs.deploy.outputs).toMatchObject({
      functionName: 'real-hello',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:real-hello',
      state: 'Active',
    });
    expect(outputs.deploy.outputs.codeSha256).toBe(outputs.package.outputs.sha256);
    expect(JSON.parse(String(outputs.invoke.outputs.payload))).toEqual({ greeting: 'hello real-hello' });

    const second = await runCommand(runRunCommand, args, { cwd, registry: TASK_REGISTRY });
    expect(second.code, second.stdout).toBe(0);
    const table = second.stdout.slice(second.stdout.indexOf('STEP '));
    expect(table).toMatch(/^upload +s3-object upload +unchanged /m);
    expect(table).toMatch(/^deploy +lambda-function deploy +unchanged /m);

    // A plan with another timeout (--var keeps the variable's number type) names the field that differs.
    const plan = await runCommand(runPlanCommand, ['--endpoint', cloud.url, '--var', 'timeout=20'], {
      cwd,
      registry: TASK_REGISTRY,
    });
    expect(plan.code, plan.stdout).toBe(0);
    const deploy = plan.stdout.split('\n').filter((line) => line.startsWith('00:00:00 [deploy]'));
    // The unchanged package and upload steps pass their outputs on, so the plan is exact.
    expect(deploy[1]).toBe('00:00:00 [deploy] changed: update function real-hello (0 ms)');
    expect(deploy).toContain('00:00:00 [deploy]   ~ update function real-hello');
    expect(plan.stdout).toMatch(/\[deploy\] {7}.*Timeout: 10 -> 20/);
  });
});
