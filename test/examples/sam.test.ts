/**
 * examples/sam as users run it: `lambda-tasks run examples/sam/lambda-tasks.yml` (the built CLI, a
 * child process) against a local cloud on port 0. The first run packages the function and the
 * layer, deploys the SAM template and invokes the function through its alias; a message sent to
 * the queue reaches the function. Then the function's code changes: the re-run uploads that one
 * artifact, the stack publishes version 2 and moves the alias, and the queue's messages reach the
 * new version. The example is copied to a temporary directory so the runs leave nothing behind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../helpers/cloud.js';
import { type Run, runExample as runExampleIn, useExamplesCopy } from './support.js';

const PREFIX = 'lambda-tasks-sam';

const t = useCloud();
const work = useExamplesCopy();

/** `lambda-tasks run examples/sam/lambda-tasks.yml --endpoint <cloud>`, which must succeed. */
async function runExample(): Promise<Run> {
  const run = await runExampleIn(work, t.url, 'sam');
  expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
  return run;
}

/** The invoke step's result, as the function returned it. */
function invokeResult(run: Run): Record<string, unknown> {
  return JSON.parse(String(run.outputs['invoke']?.['payload'] ?? 'null'));
}

/** Sends a message to the example's queue and waits until the function stored it; the item. */
async function deliver(queueUrl: string, body: string): Promise<Record<string, string>> {
  await t.sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  return waitFor(`"${body}" stored by the function`, async () => {
    const scan = await t.dynamodb().send(new ScanCommand({ TableName: `${PREFIX}-orders` }));
    const item = scan.Items?.find((i) => i['body']?.S === body);
    return item && Object.fromEntries(Object.entries(item).map(([k, v]) => [k, String(v.S)]));
  });
}

async function aliasVersion(): Promise<string | undefined> {
  const alias = await t.lambda().send(new GetAliasCommand({ FunctionName: `${PREFIX}-orders`, Name: 'live' }));
  return alias.FunctionVersion;
}

describe('examples/sam', () => {
  it('packages and deploys the SAM template, invokes through the alias; new code uploads one artifact and moves the alias; unchanged, nothing', async () => {
    const first = await runExample();
    // Two artifacts (the function's code and the layer's content), both new.
    expect(first.outputs['package']).toMatchObject({ uploaded: 2, skipped: 0 });
    const artifacts = JSON.parse(String(first.outputs['package']?.['artifacts'])) as {
      location: string;
      key: string;
    }[];
    expect(artifacts.map((a) => a.location).sort()).toEqual(['Function.CodeUri', 'Greeting.ContentUri']);
    for (const a of artifacts) expect(a.key).toMatch(/^sam\/[0-9a-f]{64}\.zip$/);
    const stack = first.outputs['stack'] ?? {};
    expect(stack).toMatchObject({
      stackStatus: 'CREATE_COMPLETE',
      FunctionName: `${PREFIX}-orders`,
      AliasArn: `arn:aws:lambda:us-east-1:000000000000:function:${PREFIX}-orders:live`,
      VersionArn: `arn:aws:lambda:us-east-1:000000000000:function:${PREFIX}-orders:1`,
      TableName: `${PREFIX}-orders`,
    });
    // The layer's module answered, from version 1, through the alias.
    expect(invokeResult(first)).toEqual({ greeting: 'Hello, SAM!', message: 'first release', version: '1' });
    expect(await aliasVersion()).toBe('1');

    // The SQS event: the mapping SAM generated delivers the queue's messages to the alias.
    const queueUrl = String(stack['QueueUrl']);
    expect(await deliver(queueUrl, 'order 1')).toMatchObject({ body: 'order 1', version: '1' });

    // New code: only the function's zip is new, the layer's is there already.
    const code = join(work, 'sam', 'function', 'index.js');
    writeFileSync(code, readFileSync(code, 'utf8').replace("'first release'", "'second release'"));
    const second = await runExample();
    expect(second.outputs['package']).toMatchObject({ uploaded: 1, skipped: 1 });
    const keys = JSON.parse(String(second.outputs['package']?.['artifacts'])) as { location: string; key: string }[];
    const layerKey = (list: typeof keys) => list.find((a) => a.location === 'Greeting.ContentUri')?.key;
    expect(layerKey(keys)).toBe(layerKey(artifacts));
    expect(second.outputs['stack']).toMatchObject({
      stackStatus: 'UPDATE_COMPLETE',
      VersionArn: `arn:aws:lambda:us-east-1:000000000000:function:${PREFIX}-orders:2`,
    });
    expect(await aliasVersion()).toBe('2');
    expect(invokeResult(second)).toEqual({ greeting: 'Hello, SAM!', message: 'second release', version: '2' });
    // The mapping targets the alias, so the queue now feeds version 2.
    expect(await deliver(queueUrl, 'order 2')).toMatchObject({ body: 'order 2', version: '2' });

    // Unchanged: nothing uploads and the stack has nothing to update.
    const third = await runExample();
    expect(third.outputs['package']).toMatchObject({ uploaded: 0, skipped: 2 });
    expect(third.stdout).toContain('No updates are to be performed.');
    expect(invokeResult(third)).toMatchObject({ version: '2' });
  });
});
