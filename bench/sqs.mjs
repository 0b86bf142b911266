/**
 * The SQS measurements, run against any endpoint with the AWS SDK v3 (test/test, us-east-1):
 * message throughput (each message sent, received and deleted, with N workers on one queue) and
 * the long-poll wake-up latency: a ReceiveMessage waiting on an empty queue (WaitTimeSeconds 20),
 * timed from the start of the SendMessage that feeds it to the receive's answer.
 *
 * Every received body is checked; a receive that answers without the message is counted as an
 * error, not timed.
 */
import { Agent } from 'node:http';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describeError } from './s3.mjs';
import { credentials, median, percentile, sleep } from './stats.mjs';

/**
 * @param {string} endpoint
 * @param {number} [maxSockets] enough for every worker (and a long poll) to keep its own connection
 */
export function sqsClient(endpoint, maxSockets = 64) {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1, // a failure is a result here, not something to hide with a retry
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets }) },
  });
}

/**
 * Sends, receives and deletes `messages` messages with `concurrency` workers, each looping
 * send -> receive (up to 1, short poll, retried until it gets one) -> delete.
 * @param {SQSClient} client
 * @param {string} QueueUrl
 * @param {{ messages: number, concurrency: number }} options
 */
async function throughput(client, QueueUrl, { messages, concurrency }) {
  let started = 0;
  let done = 0;
  let errors = 0;
  /** @type {string | undefined} */
  let firstError;
  const begin = performance.now();
  async function worker() {
    while (started < messages && errors < 10) {
      started++;
      try {
        await client.send(new SendMessageCommand({ QueueUrl, MessageBody: `message ${started}` }));
        for (;;) {
          const { Messages } = await client.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
          );
          const message = Messages?.[0];
          if (!message) continue;
          await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
          break;
        }
        done++;
      } catch (error) {
        errors++;
        firstError ??= describeError(error);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  return { messages: done, errors, firstError, messagesPerSec: done / seconds };
}

/**
 * Long-poll wake-ups: `samples` times, a receive waits on the empty queue, then one message is sent.
 * @param {SQSClient} client
 * @param {string} QueueUrl
 * @param {number} samples
 */
async function wakeUps(client, QueueUrl, samples) {
  /** @type {number[]} */
  const latencies = [];
  let errors = 0;
  /** @type {string | undefined} */
  let firstError;
  for (let i = 0; i < samples; i++) {
    const body = `wake ${i}`;
    try {
      const polling = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
      // Let the receive reach the server and start waiting before the message is sent.
      await sleep(30);
      const sentAt = performance.now();
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      const { Messages } = await polling;
      const answeredAt = performance.now();
      const message = Messages?.[0];
      if (message?.Body !== body)
        throw new Error(`the long poll answered without the message (${Messages?.length ?? 0})`);
      latencies.push(answeredAt - sentAt);
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      errors++;
      firstError ??= describeError(error);
      if (errors >= 3) break;
    }
  }
  return {
    samples: latencies.length,
    errors,
    firstError,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
}

/**
 * @param {{ url: string }} server
 * @param {{ messages?: number, concurrency?: number, wakeUps?: number }} [options]
 */
export async function sqsWorkload(server, { messages = 2000, concurrency = 16, wakeUps: samples = 50 } = {}) {
  const client = sqsClient(server.url);
  const name = `bench-${Date.now()}`;
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
    const url = /** @type {string} */ (QueueUrl);
    const moved = await throughput(client, url, { messages, concurrency });
    const wake = await wakeUps(client, url, samples);
    await client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => {});
    return { throughput: moved, wakeUp: wake };
  } finally {
    client.destroy();
  }
}
