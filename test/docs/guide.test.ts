/**
 * docs/from-tasks-for-aws.md cannot rot: every YAML snippet in it is validated with the pipeline
 * library, the complete pipelines are run (in-process, as `lambda-tasks run` runs them) against a
 * local cloud on port 0 and what they did is checked through the AWS SDK, and the outputs the
 * guide shows are compared with what the runs wrote. The info strings are described in the guide's
 * source (an HTML comment at its top); snippets.ts reads them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  formatOutputs,
  type OutputsFormat,
  type PipelineResult,
  runPipeline,
  validatePipeline,
} from '../../src/pipeline/index.js';
import { randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../helpers/cloud.js';
import { fencedSnippets, type Snippet } from './snippets.js';

const GUIDE = fileURLToPath(new URL('../../docs/from-tasks-for-aws.md', import.meta.url));
const FILES = fileURLToPath(new URL('../../docs/from-tasks-for-aws', import.meta.url));
const PIPELINES = ['first-function.yml', 'pull.yml', 'push.yml', 'cloudformation.yml'];

const t = useCloud();
const snippets = fencedSnippets(readFileSync(GUIDE, 'utf8'));
const yamlSnippets = snippets.filter((s) => s.language === 'yaml');
const pipelineSnippets = new Map(
  yamlSnippets.flatMap((s) => (typeof s.attributes['pipeline'] === 'string' ? [[s.attributes['pipeline'], s]] : [])),
);

/** The guide's files with its pipelines written next to them, as a reader would lay them out. */
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-guide-'));
cpSync(FILES, work, { recursive: true });
for (const [name, snippet] of pipelineSnippets) writeFileSync(join(work, name), snippet.text);
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Step = { id: string } & Record<string, unknown>;

function where(snippet: Snippet): string {
  return `the snippet at docs/from-tasks-for-aws.md:${snippet.line}`;
}

function stepsOf(snippet: Snippet): Step[] {
  const data = parse(snippet.text) as unknown;
  const steps = Array.isArray(data) ? data : (data as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) throw new Error(`${where(snippet)} holds no steps`);
  return steps as Step[];
}

/** A fragment in a minimal pipeline: a variable for every ${vars.NAME} it uses. */
function wrapFragment(snippet: Snippet): string {
  const names = new Set([...snippet.text.matchAll(/\$\{vars\.([A-Za-z_][\w-]*)\}/g)].map((m) => m[1]));
  const variables = [...names].map((name) => `  ${name}: example-${name}\n`).join('');
  const steps = snippet.text.replace(/^/gm, '  ');
  return `name: fragment\n${variables ? `variables:\n${variables}` : ''}steps:\n${steps}`;
}

/** Runs one of the guide's pipelines against the test cloud with a prefix of its own. */
async function runGuidePipeline(file: string, variables: Record<string, string>): Promise<PipelineResult> {
  const result = await runPipeline({
    file,
    cwd: work,
    endpoint: t.url,
    startLocalCloud: false,
    variables,
    env: { PATH: process.env['PATH'], AWS_REGION: 'us-east-1' },
  });
  const failure = result.failure ? `${result.failure.stepId}: ${result.failure.message}` : '';
  expect(result.result, failure).toBe('succeeded');
  return result;
}

function stepResults(result: PipelineResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.id, s.result]));
}

function output(result: PipelineResult, step: string, name: string): string {
  return String(result.outputs[step]?.outputs[name] ?? '');
}

/** What a function logged with console.log, one message each (START/END/REPORT left out). */
async function functionLines(functionName: string): Promise<string[]> {
  const out = await t
    .cwLogs()
    .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}` }))
    .catch((error: Error) => {
      // Its log group appears with its first invocation.
      if (error.name === 'ResourceNotFoundException') return { events: [] };
      throw error;
    });
  return (out.events ?? [])
    .map((e) => (e.message ?? '').trim().split('\t').at(-1) ?? '')
    .filter((m) => /^(kinesis|dynamodb|sqs|s3|sns) /.test(m));
}

function logged(functionName: string, line: string): Promise<true> {
  return waitFor(`"${line}" in ${functionName}'s log`, async () =>
    (await functionLines(functionName)).includes(line) ? true : undefined,
  );
}

/** The guide's `outputs=` snippets of a pipeline: each line, with its prefix and `...` wildcards, is in the file. */
function expectDocumentedOutputs(file: string, result: PipelineResult, prefix: string): number {
  const documented = snippets.filter((s) => s.attributes['outputs'] === file);
  const defaultPrefix = String(
    (parse(pipelineSnippets.get(file)?.text ?? '') as { variables: { prefix: string } }).variables.prefix,
  );
  for (const snippet of documented) {
    const format = snippet.attributes['format'] as OutputsFormat;
    const written = formatOutputs(format, result.outputs).split('\n');
    for (const line of snippet.text.split('\n').filter(Boolean)) {
      const expected = line.split(defaultPrefix).join(prefix);
      const [key] = expected.split('=', 1);
      const actual = written.find((w) => w.startsWith(`${key}=`));
      expect(actual, `${where(snippet)}: ${key} in the ${format} outputs`).toBeDefined();
      if (!expected.endsWith('=...')) expect(actual, where(snippet)).toBe(expected);
    }
  }
  return documented.length;
}

describe('docs/from-tasks-for-aws.md', () => {
  it('has the four workflows as complete pipelines, and every YAML snippet says what it is', () => {
    expect([...pipelineSnippets.keys()].sort()).toEqual([...PIPELINES].sort());
    for (const snippet of yamlSnippets) {
      const { pipeline, fragment, of } = snippet.attributes;
      expect(pipeline !== undefined || fragment === true, `${where(snippet)}: pipeline=NAME.yml or fragment`).toBe(
        true,
      );
      if (of !== undefined) expect(pipelineSnippets.has(String(of)), `${where(snippet)}: of=${String(of)}`).toBe(true);
    }
    for (const snippet of snippets.filter((s) => s.attributes['outputs'] !== undefined)) {
      expect(pipelineSnippets.has(String(snippet.attributes['outputs'])), where(snippet)).toBe(true);
      expect(['bamboo', 'dotenv', 'github']).toContain(snippet.attributes['format']);
    }
  });

  it('every pipeline and every fragment validates; quoted fragments are the steps of their pipelines', () => {
    for (const file of PIPELINES) {
      const { problems } = validatePipeline({ file, cwd: work });
      expect(problems, file).toEqual([]);
    }
    const fragments = yamlSnippets.filter((s) => s.attributes['fragment'] === true);
    expect(fragments.length).toBeGreaterThanOrEqual(8);
    for (const snippet of fragments) {
      const of = snippet.attributes['of'];
      if (typeof of === 'string') {
        const pipelineSteps = stepsOf(pipelineSnippets.get(of) as Snippet);
        for (const step of stepsOf(snippet)) {
          expect(step, `${where(snippet)}: step ${step.id} as in ${of}`).toEqual(
            pipelineSteps.find((s) => s.id === step.id),
          );
        }
      } else {
        const { problems } = validatePipeline({ file: 'fragment.yml', cwd: work, source: wrapFragment(snippet) });
        expect(problems, where(snippet)).toEqual([]);
      }
    }
  });

  it('first-function: uploads, creates and invokes; its outputs are the ones the guide shows; a second run changes only the invoke', async () => {
    const prefix = randomName('tfa');
    const first = await runGuidePipeline('first-function.yml', { prefix });
    expect(JSON.parse(output(first, 'invoke', 'payload'))).toEqual({ message: 'Hello, Bamboo!', region: 'us-east-1' });
    expect(expectDocumentedOutputs('first-function.yml', first, prefix)).toBe(2);

    const second = await runGuidePipeline('first-function.yml', { prefix });
    expect(stepResults(second)).toEqual({
      package: 'unchanged',
      upload: 'unchanged',
      deploy: 'unchanged',
      invoke: 'changed',
    });
  });

  it('pull: the three mappings deliver what their sources get; maintenance pauses the queue mapping and the next run resumes it', async () => {
    const prefix = randomName('tfa');
    const consumer = `${prefix}-consumer`;
    const first = await runGuidePipeline('pull.yml', { prefix });
    for (const mapping of ['stream-mapping', 'table-mapping', 'queue-mapping']) {
      expect(output(first, mapping, 'state'), mapping).toBe('Enabled');
    }
    expect(stepResults(first)).toMatchObject({ 'stream-retries': 'changed', 'pause-queue': 'skipped' });
    const uuid = output(first, 'stream-mapping', 'uuid');
    const mapping = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(mapping).toMatchObject({ BatchSize: 100, MaximumRetryAttempts: 2, BisectBatchOnFunctionError: true });

    const queueUrl = output(first, 'sources', 'QueueUrl');
    await t
      .kinesis()
      .send(
        new PutRecordCommand({ StreamName: `${prefix}-stream`, PartitionKey: 'order-1', Data: Buffer.from('created') }),
      );
    await t.dynamodb().send(new PutItemCommand({ TableName: `${prefix}-table`, Item: { id: { S: 'order-1' } } }));
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job-1' }));
    await logged(consumer, 'kinesis order-1: created');
    await logged(consumer, 'dynamodb INSERT {"id":{"S":"order-1"}}');
    await logged(consumer, 'sqs job-1');

    // The maintenance run: only the pause is a change; a message now waits in the queue.
    const paused = await runGuidePipeline('pull.yml', { prefix, maintenance: 'true' });
    expect(stepResults(paused)).toMatchObject({
      sources: 'unchanged',
      deploy: 'unchanged',
      'queue-mapping': 'unchanged',
      'pause-queue': 'changed',
      'resume-queue': 'skipped',
    });
    expect(output(paused, 'pause-queue', 'state')).toBe('Disabled');
    await t.sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job-2' }));
    const waiting = await t
      .sqs()
      .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(waiting.Attributes?.['ApproximateNumberOfMessages']).toBe('1');
    expect(await functionLines(consumer)).not.toContain('sqs job-2');

    const resumed = await runGuidePipeline('pull.yml', { prefix });
    expect(output(resumed, 'resume-queue', 'state')).toBe('Enabled');
    await logged(consumer, 'sqs job-2');
  });

  it('push: the permissions, then the stack update that wires the bucket and the topic; the upload and a publish reach the function', async () => {
    const prefix = randomName('tfa');
    const consumer = `${prefix}-consumer`;
    const run = await runGuidePipeline('push.yml', { prefix });
    expect(stepResults(run)).toMatchObject({ sources: 'changed', wire: 'changed', drop: 'changed' });
    expect(JSON.parse(output(run, 'allow-sns', 'statement'))).toMatchObject({
      Principal: { Service: 'sns.amazonaws.com' },
      Condition: { ArnLike: { 'AWS:SourceArn': output(run, 'sources', 'TopicArn') } },
    });
    await logged(consumer, `s3 ObjectCreated:Put ${prefix}-uploads/incoming/index.mjs`);

    const sns = new SNSClient({ endpoint: t.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      await sns.send(new PublishCommand({ TopicArn: output(run, 'wire', 'TopicArn'), Message: 'order shipped' }));
    } finally {
      sns.destroy();
    }
    await logged(consumer, 'sns order shipped');
  });

  it('cloudformation: one stack makes the function, its queue and the mapping; the invoke uses its output; a second run is "No updates"', async () => {
    const prefix = randomName('tfa');
    const first = await runGuidePipeline('cloudformation.yml', { prefix });
    expect(first.outputs['stack']?.outputs).toMatchObject({
      stackStatus: 'CREATE_COMPLETE',
      FunctionName: `${prefix}-function`,
    });
    expect(JSON.parse(output(first, 'invoke', 'payload'))).toMatchObject({ message: 'Hello, CloudFormation!' });
    await t.sqs().send(new SendMessageCommand({ QueueUrl: output(first, 'stack', 'QueueUrl'), MessageBody: 'job-a' }));
    await logged(`${prefix}-function`, 'sqs job-a');

    const second = await runGuidePipeline('cloudformation.yml', { prefix });
    expect(stepResults(second)).toMatchObject({ upload: 'unchanged', stack: 'unchanged' });
    expect(second.steps.find((s) => s.id === 'stack')?.summary).toContain('No updates are to be performed.');
  });
});
