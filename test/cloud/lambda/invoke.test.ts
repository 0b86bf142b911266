import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { failure, randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../../helpers/cloud.js';
import { TEST_ROLE, type ZipEntry, zip } from '../../helpers/zip.js';
import { deployFunction, WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 50, asyncRetryDelayMs: 50 } });

async function deploy(files: Record<string, ZipEntry>, options: Record<string, unknown> = {}) {
  const lambda = t.lambda();
  return { name: await deployFunction(lambda, files, options), lambda };
}

const text = (out: InvokeCommandOutput) => Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
const json = (out: InvokeCommandOutput) => JSON.parse(text(out));

describe('Invoke', () => {
  it('runs a CommonJS handler with the event and context', async () => {
    const { name, lambda } = await deploy({
      'index.js': `exports.handler = async (event, context) => ({
        got: event, fn: context.functionName, version: context.functionVersion,
        arn: context.invokedFunctionArn, id: context.awsRequestId,
        remaining: context.getRemainingTimeInMillis(), region: process.env.AWS_REGION,
        endpoint: process.env.AWS_ENDPOINT_URL, group: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      });`,
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ a: 1 }) }));
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    const body = json(out);
    expect(body).toMatchObject({
      got: { a: 1 },
      fn: name,
      version: '$LATEST',
      arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      id: out.$metadata.requestId,
      region: 'us-east-1',
      endpoint: t.url,
      group: `/aws/lambda/${name}`,
    });
    expect(body.remaining).toBeGreaterThan(2000);
    expect(body.remaining).toBeLessThanOrEqual(3000);
  });

  it('runs ES module handlers and callback-style handlers', async () => {
    const esm = await deploy({
      'index.mjs': 'export const handler = async (event) => ({ esm: true, n: event.n * 2 });',
    });
    expect(json(await esm.lambda.send(new InvokeCommand({ FunctionName: esm.name, Payload: '{"n":21}' })))).toEqual({
      esm: true,
      n: 42,
    });
    const callback = await deploy({
      'index.js':
        'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, "called back"), 5); };',
    });
    expect(text(await callback.lambda.send(new InvokeCommand({ FunctionName: callback.name })))).toBe('"called back"');
  });

  it('runs Python and provided (shell bootstrap) functions', async () => {
    const py = await deploy(
      {
        'app.py':
          'import json\ndef handler(event, context):\n    print("hello from python")\n    return {"py": event["x"] + 1, "fn": context.function_name}\n',
      },
      { Runtime: 'python3.12', Handler: 'app.handler' },
    );
    expect(json(await py.lambda.send(new InvokeCommand({ FunctionName: py.name, Payload: '{"x":1}' })))).toEqual({
      py: 2,
      fn: py.name,
    });
    // A custom runtime in POSIX sh: the Runtime API through python3's stdlib (no curl assumed).
    const bootstrap = `#!/bin/sh
set -eu
while true; do
  python3 - <<'PY'
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
with urllib.request.urlopen(api + "next") as r:
    request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
    event = json.loads(r.read())
body = json.dumps({"shell": True, "echo": event}).encode()
urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=body, method="POST")).read()
PY
done
`;
    const custom = await deploy(
      { bootstrap: { content: bootstrap, mode: 0o755 } },
      { Runtime: 'provided.al2023', Handler: 'x' },
    );
    expect(json(await custom.lambda.send(new InvokeCommand({ FunctionName: custom.name, Payload: '[1,2]' })))).toEqual({
      shell: true,
      echo: [1, 2],
    });
  });

  it('lets a function call S3 through the SDK it did not bundle, landing in the local cloud', async () => {
    const bucket = randomName('from-fn');
    await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const { name, lambda } = await deploy({
      'index.mjs': `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
        const s3 = new S3Client({ forcePathStyle: true });
        export const handler = async (event) => {
          await s3.send(new PutObjectCommand({ Bucket: event.bucket, Key: 'hello.txt', Body: 'written by a function' }));
          return 'ok';
        };`,
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ bucket }) }));
    expect(text(out)).toBe('"ok"');
    const object = await t.s3().send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(await object.Body?.transformToString()).toBe('written by a function');
  });

  it('reports errors as AWS does: thrown, missing module, timeout, crash', async () => {
    const thrown = await deploy({ 'index.js': 'exports.handler = async () => { throw new TypeError("bad input"); };' });
    const out = await thrown.lambda.send(new InvokeCommand({ FunctionName: thrown.name }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out)).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(json(out).trace[0]).toMatch(/^TypeError: bad input/);

    const missing = await deploy({ 'other.js': '' });
    const importError = json(await missing.lambda.send(new InvokeCommand({ FunctionName: missing.name })));
    expect(importError.errorType).toBe('Runtime.ImportModuleError');
    expect(importError.errorMessage).toMatch(/^Error: Cannot find module 'index'/);

    const slow = await deploy(
      { 'index.js': 'exports.handler = () => new Promise((resolve) => setTimeout(resolve, 60_000));' },
      { Timeout: 1 },
    );
    const timedOut = await slow.lambda.send(new InvokeCommand({ FunctionName: slow.name }));
    expect(timedOut.FunctionError).toBe('Unhandled');
    expect(json(timedOut)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${timedOut.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
    });

    const crash = await deploy({
      'index.js': 'let n = 0; exports.handler = async (e) => { if (e.exit) process.exit(3); return ++n; };',
    });
    expect(text(await crash.lambda.send(new InvokeCommand({ FunctionName: crash.name, Payload: '{}' })))).toBe('1');
    const crashed = await crash.lambda.send(new InvokeCommand({ FunctionName: crash.name, Payload: '{"exit":true}' }));
    expect(json(crashed)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${crashed.$metadata.requestId} Error: Runtime exited with error: exit status 3`,
    });
    // The next invoke gets a fresh environment (the counter starts again).
    expect(text(await crash.lambda.send(new InvokeCommand({ FunctionName: crash.name, Payload: '{}' })))).toBe('1');
  });

  it('kills a function over its memory size with Runtime.OutOfMemory, and recovers', async () => {
    const { name, lambda } = await deploy(
      {
        'index.js': `const hold = [];
          exports.handler = async (e) => {
            // Grows until the memory watch kills it (a fixed amount could finish between two samples).
            while (e.grow) {
              hold.push(Buffer.alloc(8 * 1024 * 1024, 1));
              await new Promise((resolve) => setImmediate(resolve));
            }
            return 'ok';
          };`,
      },
      { MemorySize: 128, Timeout: 20 },
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"grow":true}' }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out)).toEqual({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: signal: killed`,
    });
    expect(text(await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' })))).toBe('"ok"');
  });

  it('returns the log tail, and writes START/END/REPORT and output to CloudWatch Logs', async () => {
    const { name, lambda } = await deploy({
      'index.js': 'exports.handler = async () => { console.log("line from the function"); return 1; };',
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, LogType: 'Tail' }));
    const tail = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
    const id = out.$metadata.requestId;
    expect(tail).toContain(`START RequestId: ${id} Version: $LATEST`);
    expect(tail).toMatch(new RegExp(`\\t${id}\\tINFO\\tline from the function`));
    expect(tail).toContain(`END RequestId: ${id}`);
    expect(tail).toMatch(
      new RegExp(
        `REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms`,
      ),
    );

    const logs = t.cwLogs();
    const events = await waitFor('the invoke in CloudWatch Logs', async () => {
      // Output is flushed to CloudWatch Logs in batches, shortly after the invoke returns.
      const found = await logs
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: `"${id}"` }))
        .catch((error: Error) => {
          if (error.name === 'ResourceNotFoundException') return { events: [] };
          throw error;
        });
      return (found.events ?? []).some((e) => e.message?.startsWith('REPORT')) ? found.events : undefined;
    });
    expect(events?.[0]?.logStreamName).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('answers DryRun with 204 and rejects bad payloads and contexts', async () => {
    const { name, lambda } = await deploy({ 'index.js': 'exports.handler = async () => 1;' });
    expect((await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'DryRun' }))).StatusCode).toBe(
      204,
    );
    expect((await failure(lambda.send(new InvokeCommand({ FunctionName: name, Payload: 'not json' })))).name).toBe(
      'InvalidRequestContentException',
    );
    expect(
      await failure(lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.alloc(6_291_457, 0x20) }))),
    ).toEqual({
      name: 'RequestEntityTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      status: 413,
    });
    const missing = randomName('missing');
    expect((await failure(lambda.send(new InvokeCommand({ FunctionName: missing })))).message).toBe(
      `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${missing}:$LATEST`,
    );
  });

  it('refuses to invoke a Pending function, as AWS does', async () => {
    // A cloud whose functions stay Pending for a minute makes the Pending state certain.
    const cloud = await startCloud({ port: 0, ephemeral: true, lambda: { transitionMs: 60_000 } });
    const lambda = new LambdaClient({
      endpoint: cloud.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const name = randomName('pending');
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: TEST_ROLE,
          Code: { ZipFile: await zip({ 'index.js': 'exports.handler = async () => 1;' }) },
        }),
      );
      expect(await failure(lambda.send(new InvokeCommand({ FunctionName: name })))).toEqual({
        name: 'ResourceConflictException',
        message:
          'The operation cannot be performed at this time. The function is currently in the following state: Pending',
        status: 409,
      });
    } finally {
      lambda.destroy();
      await cloud.close();
    }
  });
});

describe('versions, aliases and concurrency at invoke time', () => {
  it('runs the version a qualifier or weighted alias names', async () => {
    const { name, lambda } = await deploy({ 'index.js': 'exports.handler = async () => "v1";' });
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: name,
        ZipFile: await zip({ 'index.js': 'exports.handler = async () => "v2";' }),
      }),
    );
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: name });
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    const v1 = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: '1' }));
    expect([text(v1), v1.ExecutedVersion]).toEqual(['"v1"', '1']);
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: name,
        Name: 'canary',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      }),
    );
    const versions = new Set<string>();
    for (let i = 0; i < 40 && versions.size < 2; i++) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: `${name}:canary` }));
      versions.add(`${out.ExecutedVersion}=${text(out)}`);
    }
    expect([...versions].sort()).toEqual(['1="v1"', '2="v2"']);
  });

  it('throttles beyond reserved concurrency', async () => {
    const { name, lambda } = await deploy({
      'index.js': 'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return 1; };',
    });
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
    const blocked = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"ms":0}' })).catch((e) => e);
    expect(blocked.name).toBe('TooManyRequestsException');
    expect(blocked.message).toBe('Rate Exceeded.');
    expect(blocked.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(blocked.$metadata.httpStatusCode).toBe(429);

    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 2 }));
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"ms":400}' }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const throttled = results.filter((r) => r.status === 'rejected' && r.reason.name === 'TooManyRequestsException');
    expect(ok).toBe(2);
    expect(throttled.length).toBe(2);
  });
});

describe('asynchronous invokes', () => {
  it('queues Event invokes, retries failures, and sends the outcome to a destination', async () => {
    const bucket = randomName('async');
    await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    // The destination records what it receives in S3, where the test can read it.
    const sink = await deploy({
      'index.mjs': `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
        const s3 = new S3Client({ forcePathStyle: true });
        export const handler = async (record) => {
          await s3.send(new PutObjectCommand({ Bucket: '${bucket}', Key: 'record-' + record.requestContext.condition, Body: JSON.stringify(record) }));
        };`,
    });
    const { name, lambda } = await deploy({
      'index.mjs': `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
        const s3 = new S3Client({ forcePathStyle: true });
        export const handler = async (event, context) => {
          await s3.send(new PutObjectCommand({ Bucket: '${bucket}', Key: 'attempt-' + Date.now() + '-' + Math.random(), Body: context.awsRequestId }));
          if (event.fail) throw new Error('always fails');
          return { done: event.n };
        };`,
    });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: name,
        MaximumRetryAttempts: 1,
        DestinationConfig: {
          OnFailure: { Destination: `arn:aws:lambda:us-east-1:000000000000:function:${sink.name}` },
        },
      }),
    );
    const queued = await lambda.send(
      new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: '{"fail":true}' }),
    );
    expect(queued.StatusCode).toBe(202);
    const s3 = t.s3();
    const record = await waitFor(
      'the failure record at the destination',
      async () => {
        try {
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'record-RetriesExhausted' }));
          return JSON.parse((await object.Body?.transformToString()) ?? '');
        } catch {
          return undefined;
        }
      },
      15_000,
    );
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        requestId: queued.$metadata.requestId,
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
      },
      requestPayload: { fail: true },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'always fails' },
    });
  });

  it('refuses Event payloads over the async limit', async () => {
    const { name, lambda } = await deploy({ 'index.js': 'exports.handler = async () => 1;' });
    const payload = Buffer.from(JSON.stringify({ big: 'x'.repeat(1_048_576) }));
    expect(
      await failure(lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: payload }))),
    ).toEqual({
      name: 'RequestEntityTooLargeException',
      message: `${payload.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)`,
      status: 413,
    });
  });
});
