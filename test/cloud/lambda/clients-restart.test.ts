/** Lambda through the AWS CLI v1, and functions (and queued async invokes) surviving a restart. */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { awsCli } from '../../helpers/aws-cli.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { TEST_ROLE, zip } from '../../helpers/zip.js';
import { WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-lambda-clients-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = awsCli(() => t.url);
const aws = async (...args: string[]) => (await cli.run('--output', 'json', ...args)).stdout;

describe('AWS CLI v1', () => {
  it('lambda create-function, wait function-active-v2, invoke, get-function', async () => {
    const name = randomName('cli');
    const file = join(work, 'fn.zip');
    writeFileSync(
      file,
      await zip({ 'app.py': 'def handler(event, context):\n    return {"sum": event["a"] + event["b"]}\n' }),
    );
    const created = JSON.parse(
      await aws(
        'lambda',
        'create-function',
        '--function-name',
        name,
        '--runtime',
        'python3.12',
        '--handler',
        'app.handler',
        '--role',
        TEST_ROLE,
        '--zip-file',
        `fileb://${file}`,
      ),
    );
    expect(created).toMatchObject({ FunctionName: name, State: 'Pending' });
    await aws('lambda', 'wait', 'function-active-v2', '--function-name', name);
    const out = join(work, 'out.json');
    const invoked = JSON.parse(
      await aws('lambda', 'invoke', '--function-name', name, '--payload', '{"a": 2, "b": 3}', out),
    );
    expect(invoked).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ sum: 5 });
    const got = JSON.parse(await aws('lambda', 'get-function', '--function-name', name));
    expect(got.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
  });
});

describe('persistence', () => {
  it('keeps functions across a restart and runs them afterwards', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-lambda-restart-'));
    const name = randomName('persist');
    try {
      let cloud = await startCloud({ port: 0, dataDir, lambda: { transitionMs: 10 } });
      let lambda = new LambdaClient({ endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: TEST_ROLE,
          Code: { ZipFile: await zip({ 'index.js': 'exports.handler = async (e) => ({ twice: e.n * 2 });' }) },
        }),
      );
      await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
      const before = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      lambda.destroy();
      await cloud.close();

      cloud = await startCloud({ port: 0, dataDir });
      lambda = new LambdaClient({ endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      const after = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      expect(after.Configuration).toEqual(before.Configuration);
      const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"n":21}' }));
      expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toEqual({ twice: 42 });
      lambda.destroy();
      await cloud.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
