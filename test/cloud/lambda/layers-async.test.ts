/** Layers as functions see them, the client context, and the async queue's durability and age limit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  PublishLayerVersionCommand,
  PutFunctionConcurrencyCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../../helpers/cloud.js';
import { TEST_ROLE, zip } from '../../helpers/zip.js';
import { deployFunction, WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const json = (out: InvokeCommandOutput) => JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8'));

describe('layers', () => {
  it('puts layer packages where Node and Python import them, as /opt does on AWS', async () => {
    const lambda = t.lambda();
    const nodeLayer = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: randomName('node-layer'),
        Content: {
          ZipFile: await zip({ 'nodejs/node_modules/greeting/index.js': 'module.exports = (n) => "hello " + n;' }),
        },
      }),
    );
    const pyLayer = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: randomName('py-layer'),
        Content: { ZipFile: await zip({ 'python/greeting.py': 'def greet(n):\n    return "hi " + n\n' }) },
      }),
    );
    const nodeFn = randomName('fn');
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: nodeFn,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: TEST_ROLE,
        Layers: [nodeLayer.LayerVersionArn ?? ''],
        Code: {
          ZipFile: await zip({
            'index.js': 'const greet = require("greeting"); exports.handler = async (e) => greet(e.name);',
          }),
        },
      }),
    );
    const pyFn = randomName('fn');
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: pyFn,
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: TEST_ROLE,
        Layers: [pyLayer.LayerVersionArn ?? ''],
        Code: {
          ZipFile: await zip({
            'app.py': 'from greeting import greet\ndef handler(e, c):\n    return greet(e["name"])\n',
          }),
        },
      }),
    );
    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: nodeFn });
    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: pyFn });
    expect(json(await lambda.send(new InvokeCommand({ FunctionName: nodeFn, Payload: '{"name":"node"}' })))).toBe(
      'hello node',
    );
    expect(json(await lambda.send(new InvokeCommand({ FunctionName: pyFn, Payload: '{"name":"py"}' })))).toBe('hi py');
  });
});

describe('client context', () => {
  it('passes X-Amz-Client-Context to the function', async () => {
    const lambda = t.lambda();
    const name = await deployFunction(lambda, {
      'index.js': 'exports.handler = async (e, context) => context.clientContext;',
    });
    const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'acme' } })).toString('base64');
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, ClientContext: clientContext }));
    expect(json(out)).toMatchObject({ custom: { tenant: 'acme' } });
  });
});

describe('the async queue', () => {
  it('keeps queued invokes across a restart and runs them afterwards', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-async-restart-'));
    const bucket = randomName('async-restart');
    const name = randomName('fn');
    try {
      let cloud = await startCloud({ port: 0, dataDir, lambda: { transitionMs: 10 } });
      let lambda = new LambdaClient({ endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      let s3 = new S3Client({
        endpoint: cloud.url,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
        forcePathStyle: true,
      });
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: TEST_ROLE,
          Code: {
            ZipFile: await zip({
              'index.mjs': `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
                const s3 = new S3Client({ forcePathStyle: true });
                export const handler = async (e) => { await s3.send(new PutObjectCommand({ Bucket: '${bucket}', Key: 'ran', Body: String(e.n) })); };`,
            }),
          },
        }),
      );
      await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
      // Reserved concurrency 0 throttles every attempt, so the event stays queued through the restart.
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
      const queued = await lambda.send(
        new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{"n":7}' }),
      );
      expect(queued.StatusCode).toBe(202);
      lambda.destroy();
      s3.destroy();
      await cloud.close();

      cloud = await startCloud({ port: 0, dataDir, lambda: { transitionMs: 10 } });
      lambda = new LambdaClient({ endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      s3 = new S3Client({
        endpoint: cloud.url,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
        forcePathStyle: true,
      });
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
      const ran = await waitFor('the queued invoke to run after the restart', async () => {
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ran' }));
          return await object.Body?.transformToString();
        } catch {
          return undefined;
        }
      });
      expect(ran).toBe('7');
      lambda.destroy();
      s3.destroy();
      await cloud.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  it('closes while several queued invokes are running: close waits for them, then returns', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-async-close-'));
    const name = randomName('fn');
    const cloud = await startCloud({ port: 0, dataDir, lambda: { transitionMs: 10 } });
    const client = { endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS };
    const lambda = new LambdaClient(client);
    const logs = new CloudWatchLogsClient(client);
    try {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: TEST_ROLE,
          Code: {
            ZipFile: await zip({ 'index.js': 'exports.handler = () => new Promise((r) => setTimeout(r, 500));' }),
          },
        }),
      );
      await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
      for (let n = 0; n < 3; n++) {
        await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{}' }));
      }
      await waitFor('three invokes running', async () => {
        const found = await logs
          .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: 'START' }))
          .catch(() => undefined);
        return (found?.events?.length ?? 0) >= 3 || undefined;
      });
      const closed = await Promise.race([
        cloud.close().then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still closing after 10 s'), 10_000).unref()),
      ]);
      expect(closed).toBe('closed');
    } finally {
      lambda.destroy();
      logs.destroy();
      await cloud.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
