/**
 * Archived objects and RestoreObject: GLACIER / DEEP_ARCHIVE objects refuse GetObject until
 * restored; RestoreObject answers 202, then 409 while in progress, then 200 on a restored copy;
 * x-amz-restore on HEAD and GET; s3:ObjectRestore:Post / Completed / Delete notifications. The
 * cloud's clock is moved instead of waiting (clients sign with the same offset).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, expect, it } from 'vitest';
import { AWS_CLI_ENV } from '../../helpers/aws-cli.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { createQueue, receiveJson, recordsOf } from './notifications-support.js';
import { expectS3Error } from './support.js';

const run = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;
const midnightAfter = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
/** The default restore delay (restore.ts). */
const RESTORE_MS = 3000;

let offset = 0;
const t = useCloud({ clock: () => Date.now() + offset });
const made: { destroy(): void }[] = [];
afterEach(() => {
  for (const client of made.splice(0)) client.destroy();
  offset = 0;
});

/** Moves the cloud's clock; the clients made after this sign with it. */
function advance(ms: number): void {
  offset += ms;
}
/*
 * A new client per call: the SDK resets its clock offset from each answer's Date header, which
 * is real time, so a client signs with the moved clock only until its first answer.
 */
const s3 = (): S3Client => t.s3({ systemClockOffset: offset });
function sqs(): SQSClient {
  const send = (command: Parameters<SQSClient['send']>[0]) => {
    const client = new SQSClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      systemClockOffset: offset,
    });
    made.push(client);
    return client.send(command);
  };
  return { send } as unknown as SQSClient;
}

/** A bucket with one archived object. */
async function archived(storageClass: 'GLACIER' | 'DEEP_ARCHIVE' = 'GLACIER') {
  const bucket = randomName('restore');
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  await s3().send(
    new PutObjectCommand({ Bucket: bucket, Key: 'cold.txt', Body: 'frozen', StorageClass: storageClass }),
  );
  return { bucket, key: 'cold.txt' };
}

const restore = (bucket: string, key: string, days = 2) =>
  s3().send(new RestoreObjectCommand({ Bucket: bucket, Key: key, RestoreRequest: { Days: days } }));

it('refuses to read an archived object until a restore completed, then reads it', async () => {
  const { bucket, key } = await archived('DEEP_ARCHIVE');
  const denied = await expectS3Error(s3().send(new GetObjectCommand({ Bucket: bucket, Key: key })), {
    name: 'InvalidObjectState',
    status: 403,
    message: "The operation is not valid for the object's storage class",
  });
  expect(denied['StorageClass']).toBe('DEEP_ARCHIVE');
  const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  expect({ storageClass: head.StorageClass, restore: head.Restore }).toEqual({
    storageClass: 'DEEP_ARCHIVE',
    restore: undefined,
  });

  const before = Date.now() + offset;
  const started = await restore(bucket, key);
  const after = Date.now() + offset;
  expect(started.$metadata.httpStatusCode).toBe(202);
  expect((await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Restore).toBe('ongoing-request="true"');
  await expectS3Error(restore(bucket, key), {
    name: 'RestoreAlreadyInProgress',
    status: 409,
    message: 'Object restore is already in progress',
  });
  await expectS3Error(s3().send(new GetObjectCommand({ Bucket: bucket, Key: key })), {
    name: 'InvalidObjectState',
    status: 403,
  });

  advance(RESTORE_MS);
  const restored = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  expect(await restored.Body?.transformToString()).toBe('frozen');
  // The expiry is the completion plus Days, rounded up to midnight UTC.
  const expiries = [before, after].map((at) => new Date(midnightAfter(at + RESTORE_MS + 2 * DAY_MS)).toUTCString());
  expect(expiries.map((expiry) => `ongoing-request="false", expiry-date="${expiry}"`)).toContain(restored.Restore);
  expect(restored.StorageClass).toBe('DEEP_ARCHIVE');
  // Restoring a restored copy again sets a new expiry, from now: 200.
  const extendedAt = [Date.now() + offset];
  expect((await restore(bucket, key, 5)).$metadata.httpStatusCode).toBe(200);
  extendedAt.push(Date.now() + offset);
  const extended = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  expect(extendedAt.map((at) => new Date(midnightAfter(at + 5 * DAY_MS)).toUTCString())).toContain(
    extended.Restore?.split('"')[3],
  );

  // Once the copy expired, the object is archived again.
  advance(6 * DAY_MS);
  await expectS3Error(s3().send(new GetObjectCommand({ Bucket: bucket, Key: key })), {
    name: 'InvalidObjectState',
    status: 403,
  });
  expect((await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Restore).toBeUndefined();
});

it('refuses to restore what is not archived, and requests without Days', async () => {
  const bucket = randomName('restore');
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'hot.txt', Body: 'warm' }));
  const error = await expectS3Error(restore(bucket, 'hot.txt'), {
    name: 'InvalidObjectState',
    status: 403,
    message: "The operation is not valid for the object's storage class",
  });
  expect(error['StorageClass']).toBe('STANDARD');
  await expectS3Error(restore(bucket, 'missing.txt'), { name: 'NoSuchKey', status: 404 });
  const { key, bucket: cold } = await archived();
  await expectS3Error(s3().send(new RestoreObjectCommand({ Bucket: cold, Key: key, RestoreRequest: {} })), {
    name: 'MalformedXML',
    status: 400,
  });
});

it('notifies ObjectRestore:Post, Completed and Delete through the outbox', async () => {
  const { bucket, key } = await archived();
  const queue = await createQueue(sqs(), bucket);
  await s3().send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ Id: 'restores', QueueArn: queue.arn, Events: ['s3:ObjectRestore:*'] }],
      },
    }),
  );
  await receiveJson(sqs(), queue.url, 1); // s3:TestEvent
  await restore(bucket, key, 1);
  const [posted] = recordsOf(await receiveJson(sqs(), queue.url, 1));
  expect(posted).toMatchObject({
    eventName: 'ObjectRestore:Post',
    s3: { configurationId: 'restores', object: { key, size: 6, eTag: expect.stringMatching(/^[0-9a-f]{32}$/) } },
  });
  expect(posted).not.toHaveProperty('glacierEventData');

  advance(RESTORE_MS);
  const [completed] = recordsOf(await receiveJson(sqs(), queue.url, 1));
  const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const expiry = new Date(head.Restore?.split('"')[3] ?? '');
  expect(completed).toMatchObject({
    eventName: 'ObjectRestore:Completed',
    glacierEventData: {
      restoreEventData: {
        lifecycleRestorationExpiryTime: expiry.toISOString(),
        lifecycleRestoreStorageClass: 'GLACIER',
      },
    },
  });

  advance(2 * DAY_MS);
  const [deleted] = recordsOf(await receiveJson(sqs(), queue.url, 1));
  expect(deleted).toMatchObject({ eventName: 'ObjectRestore:Delete', s3: { object: { key } } });
});

it('works through boto3', async () => {
  const { bucket, key } = await archived();
  const script = `
import json, sys, boto3
from botocore.config import Config
endpoint, bucket, key = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
    aws_secret_access_key='test', config=Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}))
def code(call):
    try:
        call()
    except s3.exceptions.ClientError as e:
        return [e.response['Error']['Code'], e.response['Error'].get('StorageClass')]
get = code(lambda: s3.get_object(Bucket=bucket, Key=key))
started = s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={'Days': 1, 'GlacierJobParameters': {'Tier': 'Expedited'}})
head = s3.head_object(Bucket=bucket, Key=key)
print(json.dumps({'get': get, 'status': started['ResponseMetadata']['HTTPStatusCode'], 'restore': head['Restore'],
    'again': code(lambda: s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={'Days': 1}))}))
`;
  const { stdout } = await run('python3', ['-c', script, t.url, bucket, key], { env: AWS_CLI_ENV });
  expect(JSON.parse(stdout)).toEqual({
    get: ['InvalidObjectState', 'GLACIER'],
    status: 202,
    restore: 'ongoing-request="true"',
    again: ['RestoreAlreadyInProgress', null],
  });
});
