/**
 * Put/GetBucketNotificationConfiguration: what S3 stores and answers, and what it refuses before
 * storing anything (ARNs, filters, overlaps, destinations that do not exist or do not allow the
 * bucket), with S3's words; the test event a queue receives once a configuration names it.
 */
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type PutBucketNotificationConfigurationCommandInput,
  type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { awsCli } from '../../helpers/aws-cli.js';
import { randomName, rejection, useCloud } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';
import { createQueue, receiveJson } from './notifications-support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const cli = awsCli(() => t.url);

async function newBucket(): Promise<string> {
  const bucket = randomName('bucket');
  await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

function put(bucket: string, config: PutBucketNotificationConfigurationCommandInput['NotificationConfiguration']) {
  return t
    .s3()
    .send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config }));
}

/** The raw error body's fields the SDK keeps on the exception. */
async function invalidArgument(promise: Promise<unknown>) {
  const error = (await rejection(promise)) as Awaited<ReturnType<typeof rejection>> & Record<string, unknown>;
  return {
    name: error.name,
    message: error.message,
    status: error.$metadata?.httpStatusCode,
    ArgumentName: error['ArgumentName'] ?? error['ArgumentName1'],
    ArgumentValue: error['ArgumentValue'] ?? error['ArgumentValue1'],
  };
}

describe('configuration', () => {
  it('stores queue configurations with filters, generates missing Ids, and sends the test event', async () => {
    const bucket = await newBucket();
    const queue = await createQueue(t.sqs(), bucket);
    await put(bucket, {
      QueueConfigurations: [
        {
          Id: 'images',
          QueueArn: queue.arn,
          Events: ['s3:ObjectCreated:*'],
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'prefix', Value: 'images/' },
                { Name: 'suffix', Value: '.jpg' },
              ],
            },
          },
        },
        { QueueArn: queue.arn, Events: ['s3:ObjectRemoved:*'] },
      ],
    });
    const got = await t.s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(got.QueueConfigurations?.[0]).toEqual({
      Id: 'images',
      QueueArn: queue.arn,
      Events: ['s3:ObjectCreated:*'],
      Filter: {
        Key: {
          FilterRules: [
            { Name: 'Prefix', Value: 'images/' },
            { Name: 'Suffix', Value: '.jpg' },
          ],
        },
      },
    });
    const generated = got.QueueConfigurations?.[1];
    expect(generated?.Id).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(generated?.Filter).toBeUndefined();
    expect(got.LambdaFunctionConfigurations).toBeUndefined();

    const [testEvent] = await receiveJson(t.sqs(), queue.url, 1);
    expect(testEvent).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: bucket });
    expect(Date.parse(String(testEvent?.['Time']))).not.toBeNaN();

    // An empty configuration turns notifications off.
    await put(bucket, {});
    const cleared = await t.s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(cleared.QueueConfigurations).toBeUndefined();
  });

  it('answers through the AWS CLI', async () => {
    const bucket = await newBucket();
    const queue = await createQueue(t.sqs(), bucket);
    await cli.run(
      's3api',
      'put-bucket-notification-configuration',
      '--bucket',
      bucket,
      '--notification-configuration',
      JSON.stringify({
        QueueConfigurations: [{ Id: 'cli', QueueArn: queue.arn, Events: ['s3:ObjectRemoved:Delete'] }],
      }),
    );
    expect(await cli.json('s3api', 'get-bucket-notification-configuration', '--bucket', bucket)).toEqual({
      QueueConfigurations: [{ Id: 'cli', QueueArn: queue.arn, Events: ['s3:ObjectRemoved:Delete'] }],
    });
  });
});

describe('validation', () => {
  it('refuses a queue that does not exist, or whose policy does not allow the bucket', async () => {
    const bucket = await newBucket();
    const missing = `arn:aws:sqs:us-east-1:000000000000:${randomName('nope')}`;
    expect(
      await invalidArgument(
        put(bucket, { QueueConfigurations: [{ QueueArn: missing, Events: ['s3:ObjectCreated:*'] }] }),
      ),
    ).toEqual({
      name: 'InvalidArgument',
      message: 'Unable to validate the following destination configurations',
      status: 400,
      ArgumentName: `${missing}, null`,
      ArgumentValue: 'The destination queue does not exist',
    });
    const closed = await createQueue(t.sqs());
    expect(
      await invalidArgument(
        put(bucket, { QueueConfigurations: [{ QueueArn: closed.arn, Events: ['s3:ObjectCreated:*'] }] }),
      ),
    ).toMatchObject({
      message: 'Unable to validate the following destination configurations',
      ArgumentValue: 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
    });
    // A queue that allows another bucket does not allow this one.
    const other = await createQueue(t.sqs(), 'some-other-bucket');
    expect(
      await invalidArgument(
        put(bucket, { QueueConfigurations: [{ QueueArn: other.arn, Events: ['s3:ObjectCreated:*'] }] }),
      ),
    ).toMatchObject({ name: 'InvalidArgument' });
    // Nothing was stored.
    const got = await t.s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(got.QueueConfigurations).toBeUndefined();
  });

  it('refuses a function without a permission for S3, and a topic that does not exist', async () => {
    const bucket = await newBucket();
    const fn = await deployFunction(t.lambda(), { 'index.js': 'exports.handler = async () => {};' });
    const fnArn = `arn:aws:lambda:us-east-1:000000000000:function:${fn}`;
    expect(
      await invalidArgument(
        put(bucket, { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fnArn, Events: ['s3:ObjectCreated:*'] }] }),
      ),
    ).toMatchObject({
      message: 'Unable to validate the following destination configurations',
      ArgumentValue: `Not authorized to invoke function [${fnArn}]`,
    });
    const topic = `arn:aws:sns:us-east-1:000000000000:${randomName('topic')}`;
    expect(
      await invalidArgument(
        put(bucket, { TopicConfigurations: [{ TopicArn: topic, Events: ['s3:ObjectCreated:*'] }] }),
      ),
    ).toMatchObject({ ArgumentValue: 'The destination topic does not exist' });
  });

  it('refuses overlapping configurations, malformed ARNs and filter rules as S3 does', async () => {
    const bucket = await newBucket();
    const queue = await createQueue(t.sqs(), bucket);
    /** The queue, for objects put under `prefix`. */
    const onPutUnder = (prefix: string): QueueConfiguration => ({
      QueueArn: queue.arn,
      Events: ['s3:ObjectCreated:Put'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } },
    });
    const overlap = 'Configurations overlap. Configurations on the same bucket cannot share a common event type.';
    const cases: [PutBucketNotificationConfigurationCommandInput['NotificationConfiguration'], string][] = [
      [
        {
          QueueConfigurations: [
            { QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] },
            { QueueArn: queue.arn, Events: ['s3:ObjectCreated:Put'] },
          ],
        },
        overlap,
      ],
      [{ QueueConfigurations: [onPutUnder('a/'), onPutUnder('a/b/')] }, overlap],
      [
        { QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:nope', Events: ['s3:ObjectCreated:*'] }] },
        'The ARN is not well formed',
      ],
      [
        {
          QueueConfigurations: [
            {
              QueueArn: queue.arn,
              Events: ['s3:ObjectCreated:*'],
              Filter: {
                Key: {
                  FilterRules: [
                    { Name: 'prefix', Value: 'a' },
                    { Name: 'prefix', Value: 'b' },
                  ],
                },
              },
            },
          ],
        },
        'Cannot specify more than one prefix rule in a filter.',
      ],
    ];
    for (const [config, message] of cases) {
      expect(await invalidArgument(put(bucket, config))).toMatchObject({
        name: 'InvalidArgument',
        message,
        status: 400,
      });
    }
    // Disjoint filters on one event type do not overlap.
    await put(bucket, { QueueConfigurations: [onPutUnder('a/'), onPutUnder('b/')] });
  });
});
