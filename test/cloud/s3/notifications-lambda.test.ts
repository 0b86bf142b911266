/**
 * Delivery to a function: an async invoke with S3's event, allowed by the function's policy when
 * the event is delivered; after RemovePermission the next event is refused, and the refusal is in
 * the cloud's log. Restart in the middle of deliveries: nothing the outbox held is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { type CloudOptions, startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';
import { createQueue, receiveJson, recordsOf } from './notifications-support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

const HANDLER = `exports.handler = async (event) => { console.log('S3EVENT ' + JSON.stringify(event)); };`;

async function loggedKeys(fn: string): Promise<string[]> {
  const found = await t
    .cwLogs()
    .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"S3EVENT"' }))
    .catch(() => ({ events: [] }));
  return (found.events ?? [])
    .map((e) => e.message ?? '')
    .filter((m) => m.includes('S3EVENT {'))
    .map((m) => {
      const event = JSON.parse(m.slice(m.indexOf('S3EVENT ') + 8)) as {
        Records: { s3: { object: { key: string } } }[];
      };
      return event.Records[0]?.s3.object.key ?? '';
    });
}

it('invokes the function while its policy allows the bucket, and refuses after RemovePermission', async () => {
  const lambda = t.lambda();
  const s3 = t.s3();
  const bucket = randomName('bucket');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const fn = await deployFunction(lambda, { 'index.js': HANDLER });
  const fnArn = `arn:aws:lambda:us-east-1:000000000000:function:${fn}`;
  await lambda.send(
    new AddPermissionCommand({
      FunctionName: fn,
      StatementId: 's3',
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: `arn:aws:s3:::${bucket}`,
      SourceAccount: '000000000000',
    }),
  );
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{ LambdaFunctionArn: fnArn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'first', Body: '1' }));
  await waitFor('the first event in the function log', async () =>
    (await loggedKeys(fn)).includes('first') ? true : undefined,
  );

  await lambda.send(new RemovePermissionCommand({ FunctionName: fn, StatementId: 's3' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'second', Body: '2' }));
  const refusal = await waitFor('the refusal in the cloud log', () =>
    t.logs.find((line) => line.includes(fnArn) && line.includes('lambda:InvokeFunction')),
  );
  expect(refusal).toContain(`bucket ${bucket}`);
  expect(refusal).toContain('refused');
  expect(await loggedKeys(fn)).toEqual(['first']);
});

const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-s3n-restart-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('delivers what the outbox held when the server stopped, after the restart', async () => {
  const options: CloudOptions = { port: 0, dataDir: join(work, 'data'), log: () => {} };
  const clients = (url: string) => {
    const settings = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
    return { s3: new S3Client({ ...settings, forcePathStyle: true }), sqs: new SQSClient(settings) };
  };
  const keys = Array.from({ length: 150 }, (_, i) => `k${i}`);
  const first = await startCloud(options);
  const one = clients(first.url);
  const bucket = randomName('bucket');
  await one.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const key of keys) await one.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  const queue = await createQueue(one.sqs, bucket);
  await one.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectRemoved:*'] }] },
    }),
  );
  // One request queues 150 events; the server stops while most are still in the outbox.
  await one.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  one.s3.destroy();
  one.sqs.destroy();
  await first.close();

  const second = await startCloud(options);
  const two = clients(second.url);
  try {
    const messages = await receiveJson(two.sqs, queue.url, keys.length + 1, 20_000);
    const delivered = new Set(recordsOf(messages).map((r) => r.s3.object.key));
    expect([...delivered].sort()).toEqual([...keys].sort());
  } finally {
    two.s3.destroy();
    two.sqs.destroy();
    await second.close();
  }
});
