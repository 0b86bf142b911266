/** Shared helpers for the SNS end-to-end tests: an SNS client, topics, queues with policies. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll } from 'vitest';
import { randomName, TEST_CREDENTIALS, type TestCloud, waitFor } from '../../helpers/cloud.js';

export const ACCOUNT = '000000000000';

/** An SNS client for `t`'s cloud, destroyed after the file's tests. */
export function useSns(t: TestCloud): () => SNSClient {
  const clients: SNSClient[] = [];
  afterAll(() => {
    for (const client of clients) client.destroy();
  });
  return () => {
    const client = new SNSClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
}

export async function newTopic(sns: SNSClient, attributes: Record<string, string> = {}): Promise<string> {
  const fifo = attributes['FifoTopic'] === 'true';
  const name = `${randomName('topic')}${fifo ? '.fifo' : ''}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }));
  return TopicArn as string;
}

/** Subscribes `endpoint` to `topicArn` over `protocol`; the subscription's ARN. */
export async function subscribe(
  sns: SNSClient,
  topicArn: string,
  protocol: string,
  endpoint: string,
  attributes?: Record<string, string>,
): Promise<string | undefined> {
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: protocol,
      Endpoint: endpoint,
      ...(attributes ? { Attributes: attributes } : {}),
    }),
  );
  return SubscriptionArn;
}

/** A queue policy statement letting `topicArn` send (what `aws sns subscribe` users add). */
export function queuePolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

/** A queue (of `options.account`, the client's), with a policy letting `topicArn` send unless `allowTopic` is undefined. */
export async function newQueue(
  sqs: SQSClient,
  allowTopic: string | undefined,
  options: { fifo?: boolean; account?: string } = {},
): Promise<{ url: string; arn: string }> {
  const name = `${randomName('q')}${options.fifo ? '.fifo' : ''}`;
  const arn = `arn:aws:sqs:us-east-1:${options.account ?? ACCOUNT}:${name}`;
  const Attributes: Record<string, string> = options.fifo ? { FifoQueue: 'true' } : {};
  if (allowTopic) Attributes['Policy'] = queuePolicy(arn, allowTopic);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  return { url: QueueUrl as string, arn };
}

/** Waits for `count` messages on a queue (deleting none) and returns their bodies and attributes. */
export async function receiveAll(
  sqs: SQSClient,
  url: string,
  count: number,
): Promise<{ Body: string; MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }> }[]> {
  const got: { Body: string; MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }> }[] = [];
  await waitFor(`${count} messages on ${url}`, async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 600,
      }),
    );
    for (const m of Messages)
      got.push({
        Body: m.Body ?? '',
        ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes as never } : {}),
      });
    return got.length >= count ? got : undefined;
  });
  return got;
}

/** A function handler that logs each event it gets as `EVENT <json>`, for lambdaEvents to read. */
export const LOGGING_HANDLER = `exports.handler = async (event) => { console.log('EVENT ' + JSON.stringify(event)); };`;

/** Waits for `count` events logged by a LOGGING_HANDLER function and returns them. */
export async function lambdaEvents(
  t: TestCloud,
  functionName: string,
  count: number,
): Promise<Record<string, unknown>[]> {
  return waitFor(
    `${count} events in ${functionName}'s log`,
    async () => {
      try {
        const { events = [] } = await t
          .cwLogs()
          .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}`, filterPattern: '"EVENT"' }));
        const found = events.map((e) => JSON.parse((e.message ?? '').slice((e.message ?? '').indexOf('EVENT ') + 6)));
        return found.length >= count ? found : undefined;
      } catch {
        // The log group appears with the function's first invocation.
        return undefined;
      }
    },
    20_000,
  );
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, string>;
}

export interface HttpEndpoint {
  url: string;
  /** Each POST, in the order they came. */
  received: Received[];
}

/**
 * A factory of HTTP endpoints on port 0 that record each POST and answer `status` (a number, or a
 * function asked at each request); the servers close after the file's tests.
 */
export function useHttpEndpoints(): (status?: number | (() => number)) => Promise<HttpEndpoint> {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));
  return async (status = 200) => {
    const received: Received[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, string> });
        res.writeHead(typeof status === 'number' ? status : status()).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
  };
}

/** Subscribes an HTTP endpoint (asking for the ARN) and waits for its SubscriptionConfirmation. */
export async function subscribeHttp(
  sns: SNSClient,
  topicArn: string,
  hook: HttpEndpoint,
): Promise<{ SubscriptionArn: string | undefined; confirmation: Received }> {
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: hook.url, ReturnSubscriptionArn: true }),
  );
  const confirmation = await waitFor('the confirmation', () => hook.received[0]);
  return { SubscriptionArn, confirmation };
}
