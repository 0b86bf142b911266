/**
 * The console in a real browser (headless Chromium) against a cloud with real resources made
 * through the SDK: each page shows what the API says, an invoke from the console runs the function
 * and shows its log, enabling and disabling a mapping takes effect, and activity arrives live.
 * Screenshots of every page go to test-results/console/.
 */
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateTableCommand, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployFunction } from '../cloud/lambda/support.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../helpers/cloud.js';
import { waitFor } from '../helpers/wait.js';
import { useBrowser } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const browser = useBrowser();

const names = {
  fn: '',
  queue: randomName('queue'),
  mappedQueue: randomName('mapped'),
  mapping: '',
  stack: randomName('stack'),
  bucket: randomName('bucket'),
  table: randomName('table'),
  stream: randomName('stream'),
  topic: randomName('topic'),
  role: randomName('role'),
};
let topicArn = '';

const TEMPLATE = JSON.stringify({
  Parameters: { Secret: { Type: 'String', NoEcho: true }, Label: { Type: 'String', Default: 'plain-value' } },
  Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
  Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
});

beforeAll(async () => {
  const lambda = t.lambda();
  const sqs = t.sqs();
  names.fn = await deployFunction(lambda, {
    'index.js': `exports.handler = async (event) => { console.log('got event', JSON.stringify(event)); return { echoed: event }; };`,
  });
  await sqs.send(new CreateQueueCommand({ QueueName: names.queue }));
  const mapped = await sqs.send(new CreateQueueCommand({ QueueName: names.mappedQueue }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: mapped.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const mapping = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: names.fn,
      EventSourceArn: Attributes?.['QueueArn'],
      BatchSize: 5,
    }),
  );
  names.mapping = mapping.UUID ?? '';
  const cfn = t.cloudFormation();
  await cfn.send(
    new CreateStackCommand({
      StackName: names.stack,
      TemplateBody: TEMPLATE,
      Parameters: [{ ParameterKey: 'Secret', ParameterValue: 'hunter2' }],
    }),
  );
  const s3 = t.s3({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'docs/readme.txt', Body: 'hello from s3' }));
  const dynamodb = t.dynamodb();
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await t.kinesis().send(new CreateStreamCommand({ StreamName: names.stream, ShardCount: 1 }));
  const sns = new SNSClient({ endpoint: t.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: names.topic }))).TopicArn ?? '';
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/hook' }));
  sns.destroy();
  await t.iam().send(
    new CreateRoleCommand({
      RoleName: names.role,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await waitFor('the stack', async () => {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: names.stack }))).Stacks?.[0];
    return stack?.StackStatus === 'CREATE_COMPLETE' ? stack : undefined;
  });
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30 }, { TableName: names.table });
  await waitUntilStreamExists({ client: t.kinesis(), maxWaitTime: 30 }, { StreamName: names.stream });
  await dynamodb.send(
    new PutItemCommand({ TableName: names.table, Item: { pk: { S: 'item-1' }, color: { S: 'blue' } } }),
  );
});

/** Opens a console view by its URL (hash route) and waits for its heading. */
async function open(route: string, heading: string | RegExp) {
  const page = browser.page();
  await page.goto(`${t.cloud.consoleUrl}#/${route}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  return page;
}

describe('the console in a browser', () => {
  it('shows every service with the counts the API gives, and is keyboard navigable', async () => {
    const page = await open('overview', 'Overview');
    const functions = (await t.lambda().send(new ListFunctionsCommand({}))).Functions?.length;
    await expect
      .poll(() => page.getByTestId('count-lambda-functions').locator('.count').textContent())
      .toBe(String(functions));
    await expect.poll(() => page.getByTestId('count-sqs-queues').locator('.count').textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('count-cloudformation-stacks').locator('.count').textContent()).toBe('1');
    await page.getByRole('table', { name: 'Recent stack operations' }).getByText('CREATE_COMPLETE').waitFor();
    await browser.screenshot('overview');
    // Key 2 opens Lambda; back returns to the overview.
    await page.keyboard.press('2');
    await page.getByRole('heading', { level: 1, name: 'Lambda functions' }).waitFor();
    await page.getByRole('link', { name: names.fn }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  });

  it('invokes a function from the console and shows the response and the log tail', async () => {
    const page = await open(`lambda/${names.fn}/invoke`, names.fn);
    await page.locator('#invoke-payload').fill('{"from":"console"}');
    await page.getByTestId('invoke').click();
    await expect.poll(() => page.getByTestId('invoke-response').textContent()).toContain('"from": "console"');
    await expect.poll(() => page.getByTestId('invoke-log').textContent()).toContain('got event {"from":"console"}');
    await browser.screenshot('lambda-invoke');
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByText('nodejs20.x').waitFor();
    await browser.screenshot('lambda-configuration');
    await page.getByRole('link', { name: 'Invocations' }).click();
    const row = page.getByRole('table', { name: 'Invocations' }).locator('tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('console');
    expect(await page.locator('svg.chart circle').count()).toBeGreaterThan(0);
    await browser.screenshot('lambda-invocations');
  });

  it('shows invocations and log lines live, without a reload', async () => {
    const page = await open('overview', 'Overview');
    await page.getByRole('table', { name: 'Recent invocations' }).waitFor();
    const marker = randomName('live');
    await t
      .lambda()
      .send(new InvokeCommand({ FunctionName: names.fn, Payload: Buffer.from(JSON.stringify({ marker })) }));
    const rows = page.getByRole('table', { name: 'Recent invocations' }).locator('tbody tr');
    await expect.poll(() => rows.first().textContent()).toContain('api');
    // A stack operation started elsewhere is followed to its end.
    const stack = randomName('live-stack');
    await t.cloudFormation().send(
      new CreateStackCommand({
        StackName: stack,
        TemplateBody: TEMPLATE,
        Parameters: [{ ParameterKey: 'Secret', ParameterValue: 'x' }],
      }),
    );
    const stackRow = page.getByRole('table', { name: 'Recent stack operations' }).locator('tr', { hasText: stack });
    await stackRow.getByText('CREATE_COMPLETE').waitFor({ timeout: 15_000 });
    await page.goto(`${t.cloud.consoleUrl}#/lambda/${names.fn}/logs`);
    await page.getByTestId('live-log').waitFor();
    const second = randomName('tail');
    await t
      .lambda()
      .send(new InvokeCommand({ FunctionName: names.fn, Payload: Buffer.from(JSON.stringify({ second })) }));
    await expect.poll(() => page.getByTestId('live-log').textContent(), { timeout: 10_000 }).toContain(second);
    await page.getByLabel('Filter log lines').fill(second);
    await expect.poll(() => page.getByTestId('live-log').textContent()).not.toContain(marker);
    await browser.screenshot('lambda-live-logs');
  });

  it('disables and enables a mapping, which the API then reports', async () => {
    const page = await open(`mappings/${names.mapping}`, `Mapping ${names.mapping}`);
    const state = async () => (await t.lambda().send(new GetEventSourceMappingCommand({ UUID: names.mapping }))).State;
    await waitFor('the mapping enabled', async () => ((await state()) === 'Enabled' ? true : undefined));
    await page.reload();
    await page.getByTestId('mapping-toggle').filter({ hasText: 'Disable' }).click();
    await waitFor('the mapping disabled', async () => ((await state()) === 'Disabled' ? true : undefined));
    await page.getByTestId('mapping-toggle').filter({ hasText: 'Enable' }).waitFor();
    await browser.screenshot('mapping');
    await page.getByTestId('mapping-toggle').click();
    await waitFor('the mapping enabled again', async () => ((await state()) === 'Enabled' ? true : undefined));
    // A message through the mapping shows up as a batch, live, and as an invocation triggered by the mapping.
    await t
      .sqs()
      .send(
        new SendMessageCommand({ QueueUrl: `${t.url}/000000000000/${names.mappedQueue}`, MessageBody: 'via mapping' }),
      );
    await page.getByRole('table', { name: 'Recent batches' }).getByText('success').waitFor({ timeout: 15_000 });
    await page.goto(`${t.cloud.consoleUrl}#/lambda/${names.fn}/invocations`);
    await page.getByRole('table', { name: 'Invocations' }).getByText('mapping', { exact: true }).waitFor();
  });

  it('shows a stack with its events, linked resources, outputs and masked NoEcho parameters', async () => {
    const page = await open(`cloudformation/${names.stack}`, `Stack ${names.stack}`);
    await page.getByRole('list', { name: 'Stack events' }).getByText('CREATE_COMPLETE').first().waitFor();
    await browser.screenshot('cloudformation-events');
    await page.getByRole('link', { name: 'Parameters' }).click();
    const parameters = page.getByRole('table', { name: 'Parameters' });
    await parameters.getByText('****').waitFor();
    await parameters.getByText('plain-value').waitFor();
    expect(await parameters.textContent()).not.toContain('hunter2');
    await page.getByRole('link', { name: 'Outputs' }).click();
    await page.getByRole('table', { name: 'Outputs' }).getByText('QueueUrl').waitFor();
    await page.getByRole('link', { name: 'Resources' }).click();
    const link = page.getByRole('table', { name: 'Resources' }).getByRole('link');
    await link.click();
    await page.getByRole('heading', { level: 1, name: /^Queue / }).waitFor();
    await browser.screenshot('cloudformation-resource-link');
  });

  it('sends to a queue and peeks at the message without consuming it', async () => {
    const page = await open(`sqs/${names.queue}`, `Queue ${names.queue}`);
    const body = JSON.stringify({ sent: randomName('msg') });
    await page.locator('#sqs-body').fill(body);
    await page.getByTestId('sqs-send').click();
    await page.getByText('Sent message').waitFor();
    await page.getByTestId('sqs-peek').click();
    await page.getByRole('table', { name: 'Peeked messages' }).getByText(body).waitFor();
    await browser.screenshot('sqs');
    const { QueueUrl } = { QueueUrl: `${t.url}/000000000000/${names.queue}` };
    const received = await t.sqs().send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.[0]?.Body).toBe(body);
  });

  it('moves the messages of a dead-letter queue back to their source queue', async () => {
    const sqs = t.sqs();
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: randomName('dlq') }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.['QueueArn'];
    const source = await sqs.send(
      new CreateQueueCommand({
        QueueName: randomName('source'),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: source.QueueUrl, MessageBody: 'comes back' }));
    // Received once and not deleted: after its visibility timeout it moves to the dead-letter queue.
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl, VisibilityTimeout: 1 }));
    await waitFor('the message in the dead-letter queue', async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      if (Attributes?.['ApproximateNumberOfMessages'] === '1') return true;
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl, WaitTimeSeconds: 1 }));
      return undefined;
    });
    const page = await open(`sqs/${dlq.QueueUrl?.split('/').pop()}`, /^Queue dlq-/);
    await page.getByTestId('sqs-redrive').click();
    const moved = await waitFor('the message back in its source queue', async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl, WaitTimeSeconds: 1 }));
      return Messages?.[0];
    });
    expect(moved.Body).toBe('comes back');
  });

  it('browses a bucket by prefix and shows an object', async () => {
    const page = await open(`s3/${names.bucket}`, `Bucket ${names.bucket}`);
    await page.getByRole('link', { name: 'docs/' }).click();
    await page.getByRole('link', { name: 'readme.txt' }).click();
    await page.getByRole('heading', { level: 1, name: 'docs/readme.txt' }).waitFor();
    await page.getByText('13', { exact: true }).waitFor();
    await browser.screenshot('s3-object');
    const download = await page.request.get(
      await page
        .getByRole('link', { name: 'Download' })
        .getAttribute('href')
        .then((h) => new URL(h ?? '', page.url()).href),
    );
    expect(await download.text()).toBe('hello from s3');
    // Upload into a prefix, then delete, from the console; the SDK sees both.
    await page.goto(`${t.cloud.consoleUrl}#/s3/${names.bucket}?prefix=docs%2F`);
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'up.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 255]) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('link', { name: 'up.bin' }).waitFor();
    const s3 = t.s3({ forcePathStyle: true });
    const uploaded = await s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: 'docs/up.bin' }));
    expect([...((await uploaded.Body?.transformToByteArray()) ?? [])]).toEqual([0, 1, 2, 255]);
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .getByRole('row', { name: /up\.bin/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('link', { name: 'up.bin' }).waitFor({ state: 'detached' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: names.bucket, Key: 'docs/up.bin' }))).rejects.toThrow();
  });

  it('scans a table and puts an item from the console', async () => {
    const page = await open(`dynamodb/${names.table}`, `Table ${names.table}`);
    await page.getByTestId('ddb-run').click();
    await page.getByRole('table', { name: 'Items' }).getByText('blue').waitFor();
    await page.locator('#ddb-item').fill(JSON.stringify({ pk: { S: 'item-2' }, color: { S: 'green' } }));
    await page.getByTestId('ddb-put').click();
    await page.getByRole('table', { name: 'Items' }).getByText('green').waitFor();
    await browser.screenshot('dynamodb');
  });

  it('puts a record into a stream and reads it back from the shard', async () => {
    await t
      .kinesis()
      .send(new PutRecordCommand({ StreamName: names.stream, PartitionKey: 'sdk', Data: Buffer.from('from-sdk') }));
    const page = await open(`kinesis/${names.stream}`, `Stream ${names.stream}`);
    await page.getByTestId('kinesis-put').click();
    await page.getByText('Stored in shardId-000000000000').waitFor();
    await page.getByTestId('kinesis-read').click();
    const records = page.getByRole('table', { name: 'Records' });
    await records.getByText('from-sdk').waitFor();
    await records.getByText('{"hello":"world"}').waitFor();
    await browser.screenshot('kinesis');
  });

  it("shows a stream mapping's shards with how far behind each is (IteratorAge)", async () => {
    const { StreamDescriptionSummary } = await t
      .kinesis()
      .send(new DescribeStreamSummaryCommand({ StreamName: names.stream }));
    const { UUID } = await t.lambda().send(
      new CreateEventSourceMappingCommand({
        FunctionName: names.fn,
        EventSourceArn: StreamDescriptionSummary?.StreamARN,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    await t
      .kinesis()
      .send(new PutRecordCommand({ StreamName: names.stream, PartitionKey: 'lag', Data: Buffer.from('lag') }));
    const page = await open(`mappings/${UUID}`, `Mapping ${UUID}`);
    const shards = page.getByRole('table', { name: 'Shards' });
    await shards.getByText('shardId-000000000000').waitFor({ timeout: 15_000 });
    await shards.getByText('success').waitFor();
    await browser.screenshot('mapping-shards');
  });

  it('shows a topic with its subscription state, and IAM roles and log groups', async () => {
    let page = await open(`sns/${encodeURIComponent(topicArn)}`, `Topic ${names.topic}`);
    await page.getByRole('table', { name: 'Subscriptions' }).getByText('Pending confirmation').waitFor();
    await browser.screenshot('sns');
    page = await open(`iam/roles/${names.role}`, `Role ${names.role}`);
    await page.getByText('lambda.amazonaws.com').waitFor();
    await browser.screenshot('iam-role');
    page = await open('logs', 'Log groups');
    await page.getByRole('link', { name: `/aws/lambda/${names.fn}` }).waitFor();
    await browser.screenshot('logs');
  });

  it('has a dark theme', async () => {
    const page = await open('overview', 'Overview');
    await page.getByRole('button', { name: /Theme/ }).click();
    // The theme is applied after the render that follows the click.
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await browser.screenshot('overview-dark');
    expect(t.logs.filter((line) => line.includes('internal error') || line.includes('console:'))).toEqual([]);
  });
});
