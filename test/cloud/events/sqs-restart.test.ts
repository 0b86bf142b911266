/**
 * No message lost when the server stops mid-batch: the message is in flight while the function
 * runs; the server closes (promptly, without waiting for the function); after a restart on the
 * same data dir the message comes back once its visibility timeout ends and is delivered again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, expect, it } from 'vitest';
import { type CloudOptions, startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';

const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-sqs-restart-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Sleeps past the restart on its first receive; succeeds on the next. */
const HANDLER = `
exports.handler = async (event) => {
  console.log('EVENT ' + JSON.stringify(event));
  if (event.Records[0].attributes.ApproximateReceiveCount === '1') await new Promise((r) => setTimeout(r, 30000));
};`;

function clients(url: string) {
  const settings = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return { lambda: new LambdaClient(settings), sqs: new SQSClient(settings), logs: new CloudWatchLogsClient(settings) };
}

/** The ApproximateReceiveCount of each delivery the function printed. */
async function deliveries(logs: CloudWatchLogsClient, fn: string): Promise<string[]> {
  const found = await logs
    .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"EVENT"' }))
    .catch(() => ({ events: [] }));
  return (found.events ?? [])
    .map((e) => e.message ?? '')
    .filter((m) => m.includes('EVENT {'))
    .map((m) => {
      const event = JSON.parse(m.slice(m.indexOf('EVENT ') + 6)) as {
        Records: { attributes: Record<string, string> }[];
      };
      return event.Records[0]?.attributes['ApproximateReceiveCount'] ?? '';
    });
}

it('a message in flight when the server stops is delivered again after the restart', async () => {
  const options: CloudOptions = { port: 0, dataDir: join(work, 'data'), log: () => {}, lambda: { transitionMs: 20 } };

  const first = await startCloud(options);
  const one = clients(first.url);
  const fn = await deployFunction(one.lambda, { 'index.js': HANDLER });
  const { QueueUrl = '' } = await one.sqs.send(
    new CreateQueueCommand({ QueueName: randomName('q'), Attributes: { VisibilityTimeout: '1' } }),
  );
  const { Attributes } = await one.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await one.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: Attributes?.['QueueArn'] }),
  );
  await one.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'mid-batch' }));
  await waitFor(
    'the first delivery under way',
    async () => ((await deliveries(one.logs, fn)).length === 1 ? true : undefined),
    20_000,
  );
  for (const client of Object.values(one)) client.destroy();
  const closing = Date.now();
  await first.close();
  // The poller does not wait for the function it invoked.
  expect(Date.now() - closing).toBeLessThan(5_000);

  const second = await startCloud(options);
  try {
    const two = clients(second.url);
    const counts = await waitFor(
      'the message delivered again',
      async () => {
        const seen = await deliveries(two.logs, fn);
        return seen.length >= 2 ? seen : undefined;
      },
      20_000,
    );
    expect(counts).toEqual(['1', '2']);
    await waitFor(
      'the queue empty',
      async () => {
        const out = await two.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const a = out.Attributes ?? {};
        return a['ApproximateNumberOfMessages'] === '0' && a['ApproximateNumberOfMessagesNotVisible'] === '0'
          ? true
          : undefined;
      },
      20_000,
    );
    for (const client of Object.values(two)) client.destroy();
  } finally {
    await second.close();
  }
});
