/**
 * A restore acknowledged before a restart completes after it: the restore is a row in SQLite and
 * the sweeper started with the cloud sends s3:ObjectRestore:Completed through the outbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, expect, it } from 'vitest';
import { type RunningCloud, startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS } from '../../helpers/cloud.js';
import { createQueue, receiveJson, recordsOf } from './notifications-support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-restore-'));
const running: { cloud: RunningCloud; clients: { destroy(): void }[] }[] = [];
afterEach(async () => {
  for (const { cloud, clients } of running.splice(0)) {
    for (const client of clients) client.destroy();
    await cloud.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** A cloud on the test's data dir with its clock, and clients signing by it. */
async function start(clock: () => number) {
  const offsetMs = clock() - Date.now();
  const cloud = await startCloud({ port: 0, dataDir, clock });
  const settings = {
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    systemClockOffset: offsetMs,
  };
  const s3 = new S3Client({ ...settings, forcePathStyle: true });
  const sqs = new SQSClient(settings);
  running.push({ cloud, clients: [s3, sqs] });
  return { cloud, s3, sqs };
}

it('completes a restore acknowledged before a restart, and notifies it', async () => {
  // The first cloud's clock stands still: the restore cannot complete before the restart.
  const frozenAt = Date.now();
  const first = await start(() => frozenAt);
  const bucket = randomName('restart');
  await first.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await first.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'cold', StorageClass: 'GLACIER' }));
  const queue = await createQueue(first.sqs, bucket);
  await first.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectRestore:Completed'] }],
      },
    }),
  );
  await receiveJson(first.sqs, queue.url, 1); // s3:TestEvent
  const restored = await first.s3.send(
    new RestoreObjectCommand({ Bucket: bucket, Key: 'k', RestoreRequest: { Days: 1 } }),
  );
  expect(restored.$metadata.httpStatusCode).toBe(202);
  await first.cloud.close();
  running.splice(0);
  for (const client of [first.s3, first.sqs]) client.destroy();

  // Ten seconds later by the cloud's clock: past the restore's delay.
  const second = await start(() => Date.now() + 10_000);
  const [record] = recordsOf(await receiveJson(second.sqs, queue.url, 1));
  expect(record).toMatchObject({ eventName: 'ObjectRestore:Completed', s3: { object: { key: 'k' } } });
  const got = await second.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
  expect(await got.Body?.transformToString()).toBe('cold');
});
