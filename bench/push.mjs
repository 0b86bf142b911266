/**
 * The push measurements (the `push` section), against a running local cloud:
 *
 * - latency from PutObject returning to the handler starting, for a bucket notifying a function
 *   (async invoke, gated by the function's policy at delivery time): the object key carries
 *   Date.now() taken when PutObject returned; the function, at its start, posts Date.now() and the
 *   key to a collector in this process (same machine, same clock); one upload at a time;
 * - latency from PutObject returning to the S3 event being received from a queue (a long poll
 *   waiting on it), the path moto also delivers (synchronously, inside PutObject).
 *
 * - latency from SNS Publish returning to the handler starting, for a topic with a lambda
 *   subscription (async invoke, gated by the function's policy naming the topic): the message is
 *   the key, timed the same way; one Publish at a time;
 * - SNS fan-out throughput: one topic with `fanOut` (50) SQS subscriptions, each queue's policy
 *   allowing the topic; `messages` Publish calls (8 in flight), timed from the first Publish to the
 *   moment every queue holds all of them (ApproximateNumberOfMessages, polled): messages/s delivered
 *   to all queues. moto delivers SNS -> SQS synchronously inside Publish and runs no function, so it
 *   has the fan-out figure only.
 */
import { AddPermissionCommand, CreateFunctionCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startCollector, until, zipOf } from './functions.mjs';
import { lambdaClient } from './lambda.mjs';
import { row } from './report.mjs';
import { credentials, percentile, sleep } from './stats.mjs';

const ROLE = 'arn:aws:iam::000000000000:role/bench-push';
const ACCOUNT = '000000000000';

/** Posts its start time and the first record's key to the collector. */
const HANDLER = `
exports.handler = async (event) => {
  const started = Date.now();
  const record = event.Records[0];
  const key = record.s3 ? record.s3.object.key : record.Sns.Message;
  await fetch(process.env.SINK_URL, { method: 'POST', body: JSON.stringify({ started, key }) });
  return {};
};
`;

/** A queue policy letting `service` send to `queueArn` from `sourceArn`. */
const queuePolicy = (service, queueArn, sourceArn) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnLike: { 'aws:SourceArn': sourceArn } },
      },
    ],
  });

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
async function pool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

const summary = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99), samples: values.length });

/**
 * @param {{ url: string }} server
 * @param {{ latencySamples?: number, messages?: number, fanOut?: number, lambda?: boolean }} [options]
 *   `lambda: false` for peers without functions
 */
export async function pushWorkload(
  server,
  { latencySamples = 200, messages = 100, fanOut = 50, lambda: withLambda = true } = {},
) {
  /** @type {((report: any) => void) | undefined} */
  let onReport;
  const collector = await startCollector((report) => onReport?.(report));
  const settings = { endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 };
  const s3 = new S3Client({ ...settings, forcePathStyle: true });
  const sqs = new SQSClient(settings);
  const sns = new SNSClient(settings);
  const lambda = lambdaClient(server.url);
  const suffix = Date.now().toString(36);
  try {
    const result = {};
    if (withLambda) {
      const bucket = `bench-push-fn-${suffix}`;
      const fn = `bench-push-${suffix}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: fn,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: ROLE,
          Code: { ZipFile: await zipOf(HANDLER) },
          Environment: { Variables: { SINK_URL: collector.url } },
        }),
      );
      await until(`${fn} Active`, async () => {
        const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
        return config.State === 'Active' ? true : undefined;
      });
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: fn,
          StatementId: 's3',
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceArn: `arn:aws:s3:::${bucket}`,
          SourceAccount: ACCOUNT,
        }),
      );
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              {
                LambdaFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`,
                Events: ['s3:ObjectCreated:*'],
              },
            ],
          },
        }),
      );
      const values = [];
      for (let i = 0; i < latencySamples + 10; i++) {
        const arrived = new Promise((resolve) => {
          onReport = resolve;
        });
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `o-${i}`, Body: 'x' }));
        const returned = Date.now();
        const report = await arrived;
        if (i >= 10) values.push(report.started - returned); // the first ones warm up
      }
      result.putObjectToHandlerMs = summary(values);

      // SNS -> Lambda: Publish returning to the handler starting.
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `bench-push-fn-${suffix}` }));
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: fn,
          StatementId: 'sns',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
          SourceArn: TopicArn,
        }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'lambda',
          Endpoint: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`,
        }),
      );
      const published = [];
      for (let i = 0; i < latencySamples + 10; i++) {
        const arrived = new Promise((resolve) => {
          onReport = resolve;
        });
        await sns.send(new PublishCommand({ TopicArn, Message: `s-${i}` }));
        const returned = Date.now();
        const report = await arrived;
        if (report.key !== `s-${i}`) throw new Error(`expected s-${i}, the handler saw ${report.key}`);
        if (i >= 10) published.push(report.started - returned);
      }
      result.publishToHandlerMs = summary(published);
    }

    // S3 -> SQS: PutObject returning to the event being received by a long poll.
    const bucket = `bench-push-q-${suffix}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-push-${suffix}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = Attributes.QueueArn;
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: {
          Policy: queuePolicy('s3.amazonaws.com', queueArn, `arn:aws:s3:::${bucket}`),
        },
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    const receive = async () => {
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
        );
        const message = Messages[0];
        if (!message) continue;
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        if (JSON.parse(message.Body).Records) return Date.now();
      }
    };
    const values = [];
    for (let i = 0; i < latencySamples + 10; i++) {
      const received = receive();
      await sleep(1); // the long poll is waiting before the upload
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `q-${i}`, Body: 'x' }));
      const returned = Date.now();
      const at = await received;
      if (i >= 10) values.push(Math.max(0, at - returned));
    }
    result.putObjectToQueueMs = summary(values);

    // SNS fan-out: one topic, `fanOut` SQS subscriptions; publish `messages`, wait for every queue to hold them all.
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `bench-push-fanout-${suffix}` }));
    const queues = await Promise.all(
      Array.from({ length: fanOut }, async (_, q) => {
        const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-fanout-${suffix}-${q}` }));
        const attributes = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
        );
        const arn = attributes.Attributes.QueueArn;
        await sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: url,
            Attributes: { Policy: queuePolicy('sns.amazonaws.com', arn, TopicArn) },
          }),
        );
        await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: arn }));
        return url;
      }),
    );
    const count = async (url) => {
      const { Attributes: a } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(a.ApproximateNumberOfMessages);
    };
    const began = performance.now();
    await pool(messages, 8, (i) => sns.send(new PublishCommand({ TopicArn, Message: `f-${i}` })));
    const publishedMs = performance.now() - began;
    let waiting = queues;
    await until(`${fanOut} queues holding ${messages} messages`, async () => {
      const counts = await Promise.all(waiting.map(count));
      waiting = waiting.filter((_, q) => counts[q] < messages);
      return waiting.length === 0 ? true : undefined;
    });
    const seconds = (performance.now() - began) / 1000;
    result.fanOut = {
      queues: fanOut,
      messages,
      messagesPerSec: messages / seconds,
      deliveriesPerSec: (messages * fanOut) / seconds,
      publishPerSec: messages / (publishedMs / 1000),
    };
    return result;
  } finally {
    s3.destroy();
    sqs.destroy();
    sns.destroy();
    lambda.destroy();
    await collector.close();
  }
}

/**
 * Rows for the report table: lambda-tasks beside moto where moto delivers (S3 -> SQS; moto sends
 * inside PutObject, so its figure is the receive after a synchronous send).
 * @param {any} result
 * @param {any} [moto]
 */
export function pushRows(result, moto) {
  const rows = [];
  if (result.putObjectToHandlerMs) {
    rows.push(
      row('S3 PutObject -> handler start p50', 'ms', 'lower', result.putObjectToHandlerMs.p50, undefined, undefined, {
        target: { value: 20, text: '< 20 ms' },
      }),
      row('S3 PutObject -> handler start p99', 'ms', 'lower', result.putObjectToHandlerMs.p99, undefined),
    );
  }
  if (result.publishToHandlerMs) {
    rows.push(
      row('SNS Publish -> handler start p50', 'ms', 'lower', result.publishToHandlerMs.p50, undefined, undefined, {
        target: { value: 20, text: '< 20 ms' },
      }),
      row('SNS Publish -> handler start p99', 'ms', 'lower', result.publishToHandlerMs.p99, undefined),
    );
  }
  const fan = result.fanOut;
  rows.push(
    row('S3 PutObject -> SQS receive p50', 'ms', 'lower', result.putObjectToQueueMs.p50, moto?.putObjectToQueueMs?.p50),
    row('S3 PutObject -> SQS receive p99', 'ms', 'lower', result.putObjectToQueueMs.p99, moto?.putObjectToQueueMs?.p99),
    row(
      `SNS fan-out to ${fan.queues} queues, ${fan.messages} messages`,
      'msg/s',
      'higher',
      fan.messagesPerSec,
      moto?.fanOut?.messagesPerSec,
      'first Publish to every queue holding every message (8 Publish calls in flight)',
    ),
    row(
      `SNS fan-out to ${fan.queues} queues, deliveries`,
      'deliveries/s',
      'higher',
      fan.deliveriesPerSec,
      moto?.fanOut?.deliveriesPerSec,
    ),
    row('SNS fan-out, Publish calls', 'calls/s', 'higher', fan.publishPerSec, moto?.fanOut?.publishPerSec),
  );
  return rows;
}
