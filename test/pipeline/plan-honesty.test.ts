// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is CloudFormation Fn::Sub syntax in the templates edited here.
/**
 * The plan's promise, as a property: for each example (a real copy in a temporary directory,
 * against a local cloud on port 0), after a change to its code, to its configuration and to its
 * template, the steps `plan` says will change are exactly the steps `run` then changes. A plan
 * that reads the zip the last run left, the object before the upload, or the stack before an
 * earlier step updates it, breaks this.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepReport } from '../../src/pipeline/events.js';
import { type PipelineResult, planPipeline, runPipeline } from '../../src/pipeline/runner.js';
import { useCloud } from '../helpers/cloud.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

const t = useCloud();
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-plan-honesty-'));
cpSync(EXAMPLES, work, { recursive: true, filter: (src) => !src.split('/').includes('.lambda-tasks') });
afterAll(() => rmSync(work, { recursive: true, force: true }));

function options(example: string, selection: { only?: string[]; from?: string } = {}) {
  return {
    ...selection,
    file: join(work, example, 'lambda-tasks.yml'),
    cwd: work,
    endpoint: t.url,
    startLocalCloud: false,
    env: {},
  };
}

function describeSteps(result: PipelineResult): string {
  return result.steps.map((s) => `${s.id}: ${s.result}: ${s.summary}`).join('\n');
}

function ids(steps: StepReport[], result: StepReport['result']): string[] {
  return steps.filter((s) => s.result === result).map((s) => s.id);
}

async function runOnce(example: string): Promise<PipelineResult> {
  const result = await runPipeline(options(example));
  expect(result.result, describeSteps(result)).toBe('succeeded');
  return result;
}

/** Replaces `from` by `to` in a file of the copy (once; the text must be there). */
function edit(path: string, from: string, to: string): void {
  const file = join(work, path);
  const text = readFileSync(file, 'utf8');
  expect(text, `${path} contains ${from}`).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

/** Plans, then runs, and checks that the plan named exactly the steps the run changed. */
async function planThenRun(example: string): Promise<{ plan: PipelineResult; run: PipelineResult }> {
  const plan = await planPipeline(options(example));
  expect(plan.result, describeSteps(plan)).toBe('succeeded');
  // Every step can be foreseen in the examples: none is left "known after run".
  expect(ids(plan.steps, 'unknown'), describeSteps(plan)).toEqual([]);
  const run = await runOnce(example);
  expect(ids(plan.steps, 'changed'), `plan:\n${describeSteps(plan)}\nrun:\n${describeSteps(run)}`).toEqual(
    ids(run.steps, 'changed'),
  );
  return { plan, run };
}

interface Change {
  what: string;
  apply(): void;
  /** Steps this change must change (besides invokes and what else the example always does). */
  changes: string[];
}

const CASES: { example: string; changes: Change[] }[] = [
  {
    example: 'hello',
    changes: [
      {
        what: 'code',
        apply: () => edit('hello/function/index.mjs', 'export', '// changed\nexport'),
        changes: ['package', 'upload', 'deploy'],
      },
      {
        what: 'configuration',
        apply: () => edit('hello/lambda-tasks.yml', 'memorySize: 128', 'memorySize: 256'),
        changes: ['deploy'],
      },
    ],
  },
  {
    example: 'cloudformation',
    changes: [
      {
        // The hello example's code, which this example packages too.
        what: 'code',
        apply: () => edit('hello/function/index.mjs', 'export', '// changed again\nexport'),
        changes: ['package', 'upload', 'stack'],
      },
      {
        what: 'template',
        apply: () => edit('cloudformation/template.yml', 'MemorySize: 128', 'MemorySize: 256'),
        changes: ['stack'],
      },
    ],
  },
  {
    example: 'pull',
    changes: [
      {
        what: 'code',
        apply: () => edit('pull/consumer/index.mjs', 'export', '// changed\nexport'),
        changes: ['consumer-package', 'consumer-upload', 'consumer'],
      },
      {
        what: 'template',
        apply: () =>
          edit(
            'pull/sources.yml',
            'Outputs:',
            "  Audit:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      Name: !Sub '${Prefix}-audit'\n      ShardCount: 1\n\nOutputs:",
          ),
        changes: ['sources'],
      },
    ],
  },
  {
    example: 'push',
    changes: [
      {
        what: 'code',
        apply: () => edit('push/consumer/index.mjs', 'export', '// changed\nexport'),
        changes: ['consumer-package', 'consumer-upload', 'consumer'],
      },
      {
        what: 'configuration',
        apply: () => edit('push/lambda-tasks.yml', 'timeout: 30', 'timeout: 40'),
        changes: ['producer'],
      },
      {
        what: 'template',
        apply: () =>
          edit(
            'push/sources.yml',
            '  Bucket:',
            "  Audit:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub '${Prefix}-audit'\n\n  Bucket:",
          ),
        changes: ['sources'],
      },
    ],
  },
];

describe('plan honesty', () => {
  for (const { example, changes } of CASES) {
    it(`${example}: after each change, plan names exactly the steps run changes`, async () => {
      await runOnce(example);
      for (const change of changes) {
        change.apply();
        const { run } = await planThenRun(example);
        expect(ids(run.steps, 'changed'), `${change.what}:\n${describeSteps(run)}`).toEqual(
          expect.arrayContaining(change.changes),
        );
      }
    });
  }
});

describe('--only and --from', () => {
  it('plan the left-out steps whose outputs the selected ones need, and refuse when they would change', async () => {
    await runOnce('hello');
    // deploy needs upload's bucket and key, and upload needs package's file: both are planned
    // read-only, change nothing, and supply their outputs.
    const only = await runPipeline(options('hello', { only: ['deploy', 'invoke'] }));
    expect(only.result, describeSteps(only)).toBe('succeeded');
    expect(only.steps.map((s) => [s.id, s.result])).toEqual([
      ['package', 'skipped'],
      ['upload', 'skipped'],
      ['deploy', 'unchanged'],
      ['invoke', 'changed'],
    ]);
    expect(only.steps[1]?.summary).toBe('not selected (not in --only); planned to supply its outputs: no changes');
    expect(only.steps[1]?.outputs).toMatchObject({ bucket: 'lambda-tasks-hello-artifacts', key: 'hello/function.zip' });

    const from = await runPipeline(options('hello', { from: 'invoke' }));
    expect(from.result, describeSteps(from)).toBe('succeeded');
    expect(from.steps.map((s) => s.result)).toEqual(['skipped', 'skipped', 'skipped', 'changed']);

    // New code: the package would change, so what it would supply is not what S3 or the disk
    // holds; the deploy refuses to run on it, naming the step to include.
    edit('hello/function/index.mjs', 'export', '// not packaged yet\nexport');
    const refused = await runPipeline(options('hello', { only: ['upload', 'deploy'] }));
    expect(refused.result).toBe('failed');
    expect(refused.steps[0]?.summary).toMatch(
      /^not selected \(not in --only\); its outputs are not available: running it would change update \.lambda-tasks\/build\/package\.zip/,
    );
    expect(refused.failure).toMatchObject({ stepId: 'upload', code: 'InterpolationFailed' });
    expect(refused.failure?.message).toContain('step "package" has no outputs: it was left out (not in --only)');
    expect(refused.failure?.message).toContain('include it in the run');
    // The plan with the same selection says so too, without failing.
    const plan = await planPipeline(options('hello', { only: ['upload', 'deploy'] }));
    expect(plan.steps.map((s) => [s.id, s.result])).toEqual([
      ['package', 'skipped'],
      ['upload', 'unknown'],
      // Its code is in an object whose bucket and key are unknown: an update, with what is unknown.
      ['deploy', 'changed'],
      ['invoke', 'skipped'],
    ]);
    await runOnce('hello');
  });
});
