/**
 * Each object change S3 notifies about, in S3's record format, delivered to a queue (and to a
 * function's async invoke): Put, Copy, CompleteMultipartUpload, Delete, DeleteMarkerCreated,
 * DeleteObjects, tagging; prefix/suffix filters; keys URL-encoded as S3 encodes them.
 */
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { createQueue, receiveJson, recordsOf } from './notifications-support.js';

const t = useCloud();

/** A bucket whose every event goes to a fresh queue (the test event already consumed). */
async function notifiedBucket(options: { versioned?: boolean; prefix?: string; suffix?: string } = {}) {
  const s3 = t.s3();
  const bucket = randomName('bucket');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (options.versioned)
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const queue = await createQueue(t.sqs(), bucket);
  const rules = [
    ...(options.prefix ? [{ Name: 'prefix' as const, Value: options.prefix }] : []),
    ...(options.suffix ? [{ Name: 'suffix' as const, Value: options.suffix }] : []),
  ];
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Id: 'all',
            QueueArn: queue.arn,
            Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', 's3:ObjectTagging:*'],
            ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}),
          },
        ],
      },
    }),
  );
  await receiveJson(t.sqs(), queue.url, 1);
  return { s3, bucket, queue, records: (n: number) => receiveJson(t.sqs(), queue.url, n).then(recordsOf) };
}

it('sends ObjectCreated:Put in S3 record format, with the key URL-encoded', async () => {
  const { s3, bucket, records } = await notifiedBucket();
  const key = 'photos/a b+c(1)é.txt';
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello' }));
  const [record] = await records(1);
  expect(record).toMatchObject({
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: expect.stringMatching(/^AWS:/) },
    requestParameters: { sourceIPAddress: expect.any(String) },
    responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'all',
      bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}`, ownerIdentity: { principalId: expect.any(String) } },
      object: { key: 'photos/a+b%2Bc%281%29%C3%A9.txt', size: 5, eTag: put.ETag?.replace(/"/g, '') },
    },
  });
  expect(record?.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
  expect(record?.s3.object.versionId).toBeUndefined();
  expect(new Date(record?.eventTime ?? '').toISOString()).toBe(record?.eventTime);
});

it('sends Copy, CompleteMultipartUpload, tagging and Delete events', async () => {
  const { s3, bucket, records } = await notifiedBucket();
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'x' }));
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/src` }));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu' }));
  const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: 'p' }));
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'mpu',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  await s3.send(
    new PutObjectTaggingCommand({ Bucket: bucket, Key: 'src', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }),
  );
  await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'src' }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'src' }));
  await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'copy' }, { Key: 'mpu' }] } }));
  const got = await records(8);
  const byEvent = got.map((r) => `${r.eventName} ${r.s3.object.key}`).sort();
  expect(byEvent).toEqual(
    [
      'ObjectCreated:Put src',
      'ObjectCreated:Copy copy',
      'ObjectCreated:CompleteMultipartUpload mpu',
      'ObjectTagging:Put src',
      'ObjectTagging:Delete src',
      'ObjectRemoved:Delete src',
      'ObjectRemoved:Delete copy',
      'ObjectRemoved:Delete mpu',
    ].sort(),
  );
  const tagging = got.find((r) => r.eventName === 'ObjectTagging:Put');
  expect(tagging?.eventVersion).toBe('2.3');
  const removed = got.find((r) => r.eventName === 'ObjectRemoved:Delete');
  expect(removed?.s3.object.size).toBeUndefined();
  expect(removed?.s3.object.sequencer).toBeDefined();
});

it('names versions in a versioned bucket and sends DeleteMarkerCreated', async () => {
  const { s3, bucket, records } = await notifiedBucket({ versioned: true });
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v1' }));
  const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: put.VersionId }));
  const got = await records(3);
  const find = (name: string) => got.find((r) => r.eventName === name)?.s3.object;
  expect(find('ObjectCreated:Put')?.versionId).toBe(put.VersionId);
  expect(find('ObjectRemoved:DeleteMarkerCreated')).toMatchObject({ key: 'k', versionId: marker.VersionId });
  expect(find('ObjectRemoved:Delete')).toMatchObject({ key: 'k', versionId: put.VersionId });
  // Sequencers of one key grow with each event.
  const sequencers = got.map((r) => r.s3.object.sequencer ?? '');
  expect([...sequencers].sort()).toEqual(sequencers.slice().sort());
});

it('applies prefix and suffix filters', async () => {
  const { s3, bucket, records } = await notifiedBucket({ prefix: 'in/', suffix: '.csv' });
  for (const key of ['in/a.csv', 'in/a.txt', 'out/a.csv', 'in/deep/b.csv'])
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  // A marker event after the others: once it arrived, nothing else is on its way.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/zz.csv', Body: 'end' }));
  const got = await records(3);
  expect(got.map((r) => r.s3.object.key).sort()).toEqual(['in/a.csv', 'in/deep/b.csv', 'in/zz.csv']);
});
