// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** runPipeline and planPipeline against the local cloud, with the test tasks. */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { type PipelineOptions, planPipeline, runPipeline } from '../../src/pipeline/runner.js';
import { randomName, useCloud } from '../helpers/cloud.js';
import { TEST_REGISTRY, tempDir } from './helpers.js';

const cloud = useCloud();

async function run(source: string, options: Partial<PipelineOptions> = {}, mode: 'run' | 'plan' = 'run') {
  const events: PipelineEvent[] = [];
  const cwd = options.cwd ?? tempDir();
  const result = await (mode === 'run' ? runPipeline : planPipeline)({
    file: 'pipe.yml',
    source,
    cwd,
    registry: TEST_REGISTRY,
    endpoint: cloud.url,
    env: {},
    onEvent: (e) => events.push(e),
    ...options,
  });
  const ends = events.filter((e): e is Extract<PipelineEvent, { type: 'step-end' }> => e.type === 'step-end');
  return { result, events, ends };
}

describe('runPipeline', () => {
  it('runs steps in order, passing typed outputs, and emits the events', async () => {
    const bucket = randomName('run');
    const { result, events } = await run(`name: demo
variables:
  bucket: ${bucket}
  count: 2
steps:
  - id: make
    task: bucket
    with: { name: "\${vars.bucket}" }
  - id: say
    task: echo
    action: say
    with:
      message: bucket \${steps.make.outputs.bucket} in \${steps.make.outputs.region}
      count: \${vars.count}
      data: { arn: "\${steps.make.outputs.arn}" }
`);
    expect(result.result).toBe('succeeded');
    expect(result.steps.map((s) => [s.id, s.task, s.action, s.result])).toEqual([
      ['make', 'bucket', 'create', 'changed'],
      ['say', 'echo', 'say', 'unchanged'],
    ]);
    expect(result.outputs['say']?.outputs).toEqual({
      message: `bucket ${bucket} in us-east-1`,
      count: 2,
      data: JSON.stringify({ arn: `arn:aws:s3:::${bucket}` }),
    });
    await cloud.s3().send(new HeadBucketCommand({ Bucket: bucket }));
    expect(events.map((e) => (e.type === 'step-event' ? `${e.type}:${e.event.type}` : e.type))).toEqual([
      'pipeline-start',
      'step-start',
      'step-event:change',
      'step-end',
      'step-start',
      'step-event:info',
      'step-end',
      'pipeline-end',
    ]);
    expect(events[0]).toMatchObject({
      type: 'pipeline-start',
      mode: 'run',
      name: 'demo',
      file: 'pipe.yml',
      steps: [
        { id: 'make', task: 'bucket', action: 'create', selected: true },
        { id: 'say', task: 'echo', action: 'say', selected: true },
      ],
    });
    expect(events.at(-1)).toMatchObject({ type: 'pipeline-end', result: 'succeeded', steps: result.steps });

    // The same pipeline again changes nothing and says why.
    const again = await run(`steps:\n  - id: make\n    task: bucket\n    with: { name: ${bucket} }\n`);
    expect(again.ends[0]).toMatchObject({ result: 'unchanged', summary: `bucket ${bucket} already exists` });
  });

  it('skips steps whose condition is false, reads env and --var, and evaluates skipped outputs as empty', async () => {
    const { result, ends } = await run(
      `variables: { env: dev, deploy: true }
steps:
  - id: prod-only
    task: echo
    action: say
    if: \${vars.env} == 'prod'
    with: { message: prod }
  - id: dev-only
    task: echo
    action: say
    if: \${vars.env} != 'prod' && \${vars.deploy} && \${env.FEATURE} == 'on'
    with: { message: dev }
  - id: after
    task: echo
    action: say
    if: "!\${steps.prod-only.outputs.message}"
    with: { message: "prod-only did not run" }
  - id: literal
    task: echo
    action: say
    if: false
    with: { message: never }
`,
      { env: { FEATURE: 'on' }, variables: { deploy: 'true' } },
    );
    expect(result.result).toBe('succeeded');
    expect(ends.map((e) => [e.stepId, e.result, e.summary])).toEqual([
      ['prod-only', 'skipped', "condition is false: ${vars.env} == 'prod'"],
      ['dev-only', 'unchanged', 'said dev'],
      ['after', 'unchanged', 'said prod-only did not run'],
      ['literal', 'skipped', 'condition is false: false'],
    ]);
  });

  it('stops at the first failure, naming the step, the AWS error code and what to do', async () => {
    const missing = randomName('missing');
    const { result, ends } = await run(`steps:
  - id: first
    task: echo
    action: say
    with: { message: one }
  - id: read
    task: fail
    action: get-object
    with: { bucket: ${missing}, key: a.txt }
  - id: never
    task: echo
    action: say
    with: { message: never }
`);
    expect(result.result).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: 'read',
      code: 'AwsError',
      awsCode: 'NoSuchBucket',
      httpStatus: 404,
      message: 'NoSuchBucket: The specified bucket does not exist',
      hint: 'check the bucket name, or create the bucket in an earlier step',
    });
    expect(result.failure?.requestId).toMatch(/\S+/);
    expect(ends.map((e) => [e.stepId, e.result])).toEqual([
      ['first', 'unchanged'],
      ['read', 'failed'],
    ]);
    expect(result.steps.at(-1)).toMatchObject({
      id: 'never',
      result: 'skipped',
      summary: 'not run: step "read" failed',
    });
  });

  it('keeps a task’s own message and hint for a wrapped AWS error, and explains plain errors', async () => {
    const { result } = await run(`steps:
  - id: read
    task: fail
    action: get-object
    with: { bucket: ${randomName('missing')}, key: a.txt, wrap: true }
`);
    expect(result.failure).toMatchObject({
      code: 'AwsError',
      awsCode: 'NoSuchBucket',
      message: 'NoSuchBucket: The specified bucket does not exist (GetObject)',
      hint: 'create the bucket first',
    });
    const plain = await run('steps:\n  - id: boom\n    task: fail\n    action: throw\n    with: { message: kaput }\n');
    expect(plain.result.failure).toEqual({
      stepId: 'boom',
      code: 'ActionFailed',
      message: 'kaput',
      hint: 'this looks like a bug in the task: please report it with the pipeline file',
    });
  });

  it('goes on after a step with continueOnError, and its outputs are unavailable', async () => {
    const { result, ends } = await run(
      `steps:
  - id: maybe
    task: fail
    action: throw
    continueOnError: true
    with: { message: optional step failed }
  - id: next
    task: echo
    action: say
    with: { message: still running }
  - id: uses
    task: echo
    action: say
    with: { message: "\${steps.maybe.outputs.message}" }
`,
      { registry: new Map([...TEST_REGISTRY, ['fail', withOutputs(TEST_REGISTRY.get('fail'))]]) },
    );
    expect(ends.map((e) => [e.stepId, e.result, e.continued ?? false])).toEqual([
      ['maybe', 'failed', true],
      ['next', 'unchanged', false],
      ['uses', 'failed', false],
    ]);
    expect(result.failure).toMatchObject({
      stepId: 'uses',
      code: 'InterpolationFailed',
      message: '${steps.maybe.outputs.message}: step "maybe" has no outputs: it failed',
    });
  });

  it('runs only --only steps, or from --from on', async () => {
    const source = `steps:
  - { id: a, task: echo, action: say, with: { message: a } }
  - { id: b, task: echo, action: say, with: { message: b } }
  - { id: c, task: echo, action: say, with: { message: c } }
`;
    const only = await run(source, { only: ['a', 'c'] });
    expect(only.ends.map((e) => [e.stepId, e.result, e.summary])).toEqual([
      ['a', 'unchanged', 'said a'],
      ['b', 'skipped', 'not selected (not in --only)'],
      ['c', 'unchanged', 'said c'],
    ]);
    const from = await run(source, { from: 'b' });
    expect(from.ends.map((e) => [e.stepId, e.result])).toEqual([
      ['a', 'skipped'],
      ['b', 'unchanged'],
      ['c', 'unchanged'],
    ]);
  });

  it('fails a step after its timeout, saying what it was waiting for', async () => {
    const { result, events } = await run(`steps:
  - id: slow
    task: slow
    action: wait
    timeout: 300ms
    with: { ms: 5000, what: LastUpdateStatus Successful }
`);
    expect(result.failure).toEqual({
      stepId: 'slow',
      code: 'StepTimedOut',
      message: 'Step "slow" did not finish within 300 ms (it was waiting for LastUpdateStatus Successful).',
      hint: "raise the step's timeout (timeout: 1m), or find out why it takes this long",
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'step-event',
        stepId: 'slow',
        event: expect.objectContaining({ type: 'wait', what: 'LastUpdateStatus Successful' }),
      }),
    );
    // A wait with its own shorter timeout says what it waited for.
    const wait = await run(`steps:
  - id: slow
    task: slow
    action: wait
    with: { ms: 5000, what: State Active, waitTimeoutMs: 200 }
`);
    expect(wait.result.failure).toMatchObject({
      code: 'WaitTimedOut',
      message: 'Timed out after 0 s waiting for State Active.',
    });
    // An action that ignores its abort signal still times out.
    const hang = await run('steps:\n  - { id: hang, task: slow, action: hang, timeout: 0.2 }\n');
    expect(hang.result.failure).toMatchObject({ code: 'StepTimedOut' });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { result } = await run(
      `steps:
  - { id: slow, task: slow, action: wait, with: { ms: 5000, what: something } }
  - { id: next, task: echo, action: say, with: { message: never } }
`,
      { signal: controller.signal },
    );
    expect(result.failure).toMatchObject({ stepId: 'slow', code: 'Cancelled' });
    expect(result.steps.map((s) => s.result)).toEqual(['failed', 'skipped']);
  });

  it('checks parameters again once placeholders are filled in, pointing at the file', async () => {
    const { result } = await run(`variables: { count: many }
steps:
  - id: say
    task: echo
    action: say
    with:
      message: hi
      count: \${vars.count}
`);
    expect(result.failure).toMatchObject({
      code: 'InvalidParameters',
      message:
        'The parameters of step "say" are invalid once placeholders are filled in:\n  pipe.yml:8:14: steps[0].with.count: Invalid input: expected number, received string',
    });
  });

  it('rejects an invalid pipeline before any step runs', async () => {
    const events: PipelineEvent[] = [];
    await expect(
      runPipeline({
        file: 'pipe.yml',
        source: 'steps:\n  - { id: a, task: nope }\n',
        registry: TEST_REGISTRY,
        onEvent: (e) => events.push(e),
      }),
    ).rejects.toMatchObject({ code: 'InvalidPipeline', problems: [expect.objectContaining({ code: 'UnknownTask' })] });
    expect(events).toEqual([]);
  });

  it('uses the step region, then the connection’s, then the pipeline’s, then AWS_REGION', async () => {
    const source = (top: string) => `${top}
steps:
  - { id: a, task: whoami }
  - { id: b, task: whoami, region: "\${vars.r}" }
variables: { r: ap-south-1 }
`;
    const first = await run(source('region: eu-west-1'), { env: { AWS_REGION: 'us-west-2' } });
    expect(first.result.steps.map((s) => s.outputs['region'])).toEqual(['eu-west-1', 'ap-south-1']);
    const second = await run(source(''), { env: { AWS_REGION: 'us-west-2' } });
    expect(second.result.steps.map((s) => s.outputs['region'])).toEqual(['us-west-2', 'ap-south-1']);
    const third = await run(source(''), {});
    expect(third.result.steps.map((s) => s.outputs['region'])).toEqual(['us-east-1', 'ap-south-1']);
  });
});

describe('planPipeline', () => {
  it('asks each action what it would change, with earlier outputs unknown, changing nothing', async () => {
    const bucket = randomName('plan');
    const { result, ends } = await run(
      `steps:
  - id: make
    task: bucket
    with: { name: ${bucket} }
  - id: say
    task: echo
    action: say
    with: { message: "\${steps.make.outputs.arn}" }
  - id: maybe
    task: bucket
    if: \${steps.make.outputs.bucket} == 'x'
    with: { name: ${bucket}, region: "\${steps.make.outputs.region}" }
  - id: named
    task: bucket
    with: { name: "\${steps.make.outputs.bucket}" }
`,
      {},
      'plan',
    );
    expect(result.result).toBe('succeeded');
    expect(ends.map((e) => [e.stepId, e.result, e.summary, e.changes])).toEqual([
      ['make', 'changed', `create bucket ${bucket}`, [{ action: 'create', resource: `bucket ${bucket}`, details: [] }]],
      [
        'say',
        'unknown',
        'cannot be previewed (no plan for this action); depends on ${steps.make.outputs.arn}',
        [{ action: 'none', resource: 'echo say', details: ['depends on ${steps.make.outputs.arn}'] }],
      ],
      [
        'maybe',
        'changed',
        `create bucket ${bucket} (\${steps.make.outputs.region} known after run) (runs only if \${steps.make.outputs.bucket} == 'x', which depends on earlier outputs)`,
        [{ action: 'create', resource: `bucket ${bucket}`, details: [] }],
      ],
      // `<known after run>` is no bucket name: the parameters do not validate, so the step is unknown.
      [
        'named',
        'unknown',
        'known after run: depends on ${steps.make.outputs.bucket}',
        [{ action: 'none', resource: 'bucket create', details: ['depends on ${steps.make.outputs.bucket}'] }],
      ],
    ]);
    await expect(cloud.s3().send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('says when an action cannot be previewed', async () => {
    const { ends } = await run('steps:\n  - { id: a, task: echo, action: say, with: { message: hi } }\n', {}, 'plan');
    expect(ends[0]).toMatchObject({ result: 'unknown', summary: 'cannot be previewed (no plan for this action)' });
  });
});

/** The fail task with a declared output, so a later step may refer to it. */
function withOutputs(task: ReturnType<typeof TEST_REGISTRY.get>) {
  if (!task) throw new Error('no fail task');
  const throwAction = task.actions['throw'];
  if (!throwAction) throw new Error('no throw action');
  return { ...task, actions: { ...task.actions, throw: { ...throwAction, outputs: ['message'] } } };
}
