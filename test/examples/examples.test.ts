/**
 * The examples as users run them: `lambda-tasks run examples/<name>/lambda-tasks.yml` (the built
 * CLI, a child process) against a local cloud on port 0, twice: the first run deploys and invokes,
 * the second finds nothing to change. The examples are copied to a temporary directory so the
 * runs leave nothing in the repository.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../helpers/cloud.js';
import { type Run, runExample as runExampleIn, useExamplesCopy } from './support.js';

const t = useCloud();
const work = useExamplesCopy();

function runExample(name: string, args: string[] = [], command = 'run'): Promise<Run> {
  return runExampleIn(work, t.url, name, args, command);
}

function expectSuccess(run: Run): void {
  expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
}

/** What a function logged with console.log, one line each (START/END/REPORT left out). */
async function functionLines(functionName: string, prefixes: string[]): Promise<string[]> {
  const out = await t.cwLogs().send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}` }));
  return (out.events ?? [])
    .map((e) => (e.message ?? '').trim().split('\t').at(-1) ?? '')
    .filter((m) => prefixes.some((prefix) => m.startsWith(prefix)));
}

/** The pull example's consumer: one line per record. */
function consumerLines(): Promise<string[]> {
  return functionLines('lambda-tasks-pull-consumer', ['kinesis ', 'dynamodb ']);
}

/** The invoke step's result, as the function returned it. */
function invokeResult(run: Run): Record<string, unknown> {
  return JSON.parse(String(run.outputs['invoke']?.['payload'] ?? 'null'));
}

describe('examples', () => {
  it('hello: packages, uploads, deploys, publishes behind an alias and invokes; a second run changes nothing', async () => {
    const first = await runExample('hello');
    expectSuccess(first);
    const result = invokeResult(first);
    expect(result).toMatchObject({
      message: 'Hello, lambda-tasks!',
      bucket: 'lambda-tasks-hello-artifacts',
      objects: ['hello/function.zip'],
      region: 'us-east-1',
    });
    expect(first.outputs['deploy']).toMatchObject({ functionName: 'lambda-tasks-hello', version: '1' });

    const second = await runExample('hello');
    expectSuccess(second);
    expect(invokeResult(second)).toEqual(result);
    // Nothing was deployed again: the same version serves.
    expect(second.outputs['deploy']).toMatchObject({ version: '1' });
    expect(second.outputs['upload']).toMatchObject({ uploaded: 0, skipped: 1 });

    // The plan knows the unchanged steps' outputs, so only the invoke is a change.
    const plan = await runExample('hello', ['--json'], 'plan');
    expectSuccess(plan);
    const ends = plan.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; stepId?: string; result?: string })
      .filter((e) => e.type === 'step-end');
    expect(ends.map((e) => `${e.stepId}:${e.result}`)).toEqual([
      'package:unchanged',
      'upload:unchanged',
      'deploy:unchanged',
      'invoke:changed',
    ]);
  });

  it('cloudformation: deploys the function through a stack, invokes it by the stack’s output; a second run is "No updates"', async () => {
    const first = await runExample('cloudformation');
    expectSuccess(first);
    expect(first.outputs['stack']).toMatchObject({
      stackName: 'lambda-tasks-hello-cfn',
      stackStatus: 'CREATE_COMPLETE',
      FunctionName: 'lambda-tasks-hello-cfn',
    });
    expect(invokeResult(first)).toMatchObject({
      message: 'Hello, CloudFormation!',
      bucket: 'lambda-tasks-cfn-artifacts',
    });

    const second = await runExample('cloudformation');
    expectSuccess(second);
    expect(second.stdout).toContain('No updates are to be performed.');
    expect(second.outputs['stack']).toMatchObject({ stackStatus: 'CREATE_COMPLETE' });
    expect(invokeResult(second)).toMatchObject({ message: 'Hello, CloudFormation!' });
  });

  it('pull: the sources from a stack, the consumer mapped to both, records delivered, the stream mapping disabled; a second run re-enables it', async () => {
    const first = await runExample('pull');
    expectSuccess(first);
    const stack = first.outputs['sources'] ?? {};
    expect(stack).toMatchObject({
      stackStatus: 'CREATE_COMPLETE',
      StreamName: 'lambda-tasks-pull-events',
      StreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/lambda-tasks-pull-events',
      TableName: 'lambda-tasks-pull-orders',
    });
    expect(String(stack['TableStreamArn'])).toMatch(
      /^arn:aws:dynamodb:us-east-1:000000000000:table\/lambda-tasks-pull-orders\/stream\/\d{4}-\d{2}-\d{2}T[\d:.]+$/,
    );
    expect(first.outputs['stream-mapping']).toMatchObject({ state: 'Enabled', eventSourceArn: stack['StreamArn'] });
    expect(first.outputs['table-mapping']).toMatchObject({ state: 'Enabled', eventSourceArn: stack['TableStreamArn'] });
    // The producer saw all six consumer log lines (three records, three items) before it returned.
    expect(invokeResult({ ...first, outputs: { invoke: first.outputs['write'] ?? {} } })).toMatchObject({
      written: 3,
      consumerLogLines: 6,
      delivered: true,
    });
    expect(first.outputs['maintenance']).toMatchObject({ state: 'Disabled' });

    // What the consumer logged, one line per record, from both sources.
    const lines = await consumerLines();
    expect(lines.filter((l) => l.startsWith('kinesis '))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('dynamodb INSERT '))).toHaveLength(3);

    // Disabled: a record written now waits in the stream.
    const kinesis = t.kinesis();
    await kinesis.send(
      new PutRecordCommand({ StreamName: 'lambda-tasks-pull-events', PartitionKey: 'late', Data: Buffer.from('late') }),
    );

    // The second run: the stack is unchanged, `create` re-enables the stream's mapping, which resumes
    // where it stopped (the late record arrives), and the new records are delivered too.
    const second = await runExample('pull');
    expectSuccess(second);
    expect(second.stdout).toContain('No updates are to be performed.');
    expect(second.outputs['stream-mapping']).toMatchObject({ uuid: first.outputs['stream-mapping']?.['uuid'] });
    expect(invokeResult({ ...second, outputs: { invoke: second.outputs['write'] ?? {} } })).toMatchObject({
      delivered: true,
    });
    await waitFor('the late record delivered after the mapping was enabled again', async () =>
      (await consumerLines()).some((l) => l.endsWith(': late')) ? true : undefined,
    );
  });
  it('push: the sources from a stack, the permissions, the stack update that wires them; the upload and the publish reach the consumer, and a removed permission refuses the next push', async () => {
    const consumer = 'lambda-tasks-push-consumer';
    const pushLines = () => functionLines(consumer, ['s3 ', 'sns ']);
    const first = await runExample('push');
    expectSuccess(first);
    expect(first.outputs['sources']).toMatchObject({
      stackStatus: 'CREATE_COMPLETE',
      BucketName: 'lambda-tasks-push-uploads',
      BucketArn: 'arn:aws:s3:::lambda-tasks-push-uploads',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:lambda-tasks-push-events',
      AccountId: '000000000000',
    });
    expect(first.outputs['sources']?.['SubscriptionArn']).toBeUndefined();
    expect(JSON.parse(String(first.outputs['allow-s3']?.['statement']))).toMatchObject({
      Principal: { Service: 's3.amazonaws.com' },
      Condition: {
        StringEquals: { 'AWS:SourceAccount': '000000000000' },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::lambda-tasks-push-uploads' },
      },
    });
    // The update added the subscription (and the bucket's notification, which S3 validated).
    expect(first.outputs['wire']).toMatchObject({ stackStatus: 'UPDATE_COMPLETE' });
    expect(String(first.outputs['wire']?.['SubscriptionArn'])).toMatch(
      /^arn:aws:sns:us-east-1:000000000000:lambda-tasks-push-events:[0-9a-f-]{36}$/,
    );
    const published = invokeResult({ ...first, outputs: { invoke: first.outputs['publish'] ?? {} } });
    expect(published).toMatchObject({ s3Event: true, snsMessage: true, delivered: true });
    const lines = await pushLines();
    expect(lines).toContain('s3 ObjectCreated:Put lambda-tasks-push-uploads/incoming/hello.txt (28 bytes)');
    expect(lines).toContain(`sns order: order ${String(published['run'])}`);

    // The second run: nothing to deploy (both stack steps are "No updates"), and the publish is delivered again.
    const second = await runExample('push');
    expectSuccess(second);
    for (const step of ['sources', 'consumer', 'allow-s3', 'allow-sns', 'wire', 'upload', 'producer']) {
      expect(second.stdout, step).toMatch(new RegExp(`^${step} .* unchanged `, 'm'));
    }
    expect(second.outputs['wire']?.['SubscriptionArn']).toBe(first.outputs['wire']?.['SubscriptionArn']);
    expect(invokeResult({ ...second, outputs: { invoke: second.outputs['publish'] ?? {} } })).toMatchObject({
      delivered: true,
    });

    // Without the statement, S3 no longer may invoke the function: the next upload's event is
    // refused (and logged by the cloud), and the function does not run.
    await t.lambda().send(new RemovePermissionCommand({ FunctionName: consumer, StatementId: 's3-uploads' }));
    const before = (await pushLines()).filter((l) => l.startsWith('s3 ')).length;
    await t
      .s3()
      .send(new PutObjectCommand({ Bucket: 'lambda-tasks-push-uploads', Key: 'incoming/refused.txt', Body: 'no' }));
    const refusal = await waitFor('the refused delivery in the cloud’s log', async () =>
      t.logs.find((l) => l.includes('lambda-tasks-push-uploads') && l.includes('refused')),
    );
    expect(refusal).toContain(`function:${consumer} refused`);
    expect(refusal).toContain('s3.amazonaws.com');
    const after = await pushLines();
    expect(after.filter((l) => l.startsWith('s3 '))).toHaveLength(before);
    expect(after.some((l) => l.includes('refused.txt'))).toBe(false);
  });
});
