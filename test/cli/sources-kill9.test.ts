/**
 * The pull model's sources keep what a client saw succeed across `kill -9` of the cloud process:
 * Kinesis records, DynamoDB items with their stream records, and SQS messages, including one that
 * was in flight, which becomes visible again once its visibility timeout has passed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand as DescribeTableStreamCommand,
  DynamoDBStreamsClient,
  GetShardIteratorCommand as GetTableStreamIteratorCommand,
  GetRecordsCommand as GetTableStreamRecordsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, expect, it } from 'vitest';
import { randomName, TEST_CREDENTIALS, waitFor } from '../helpers/cloud.js';
import { type CloudProcess, spawnCloud } from '../helpers/process.js';

const dirs: string[] = [];
const processes: CloudProcess[] = [];

afterEach(() => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(dir: string): Promise<CloudProcess> {
  const p = await spawnCloud(['--port', '0', '--data-dir', dir, '--quiet']);
  processes.push(p);
  return p;
}

function clients(url: string) {
  const config = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    kinesis: new KinesisClient(config),
    dynamodb: new DynamoDBClient(config),
    streams: new DynamoDBStreamsClient(config),
    sqs: new SQSClient(config),
    destroy() {
      for (const c of [this.kinesis, this.dynamodb, this.streams, this.sqs]) c.destroy();
    },
  };
}

it('keeps acknowledged records, items, stream records and messages across kill -9', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-sources-'));
  dirs.push(dir);
  const first = await start(dir);
  let c = clients(first.url);
  const StreamName = randomName('stream');
  const TableName = randomName('table');
  const QueueName = randomName('queue');
  const wait = { maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.2 };

  await c.kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  await waitUntilStreamExists({ client: c.kinesis, ...wait }, { StreamName });
  const put = await c.kinesis.send(
    new PutRecordsCommand({
      StreamName,
      Records: ['one', 'two', 'three'].map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) })),
    }),
  );
  expect(put.FailedRecordCount).toBe(0);

  await c.dynamodb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  const table = await waitUntilTableExists({ client: c.dynamodb, ...wait }, { TableName });
  expect(table.state).toBe('SUCCESS');
  await c.dynamodb.send(
    new PutItemCommand({ TableName, Item: { id: { S: 'a' }, n: { N: '12345678901234567890.5' } } }),
  );

  const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName, Attributes: { VisibilityTimeout: '1' } }));
  await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'in flight' }));
  const received = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  expect(received.Messages?.map((m) => m.Body)).toEqual(['in flight']);
  await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
  c.destroy();

  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  const second = await start(dir);
  c = clients(second.url);
  try {
    const { ShardIterator } = await c.kinesis.send(
      new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const records = await c.kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(records.Records?.map((r) => Buffer.from(r.Data ?? []).toString())).toEqual(['one', 'two', 'three']);
    expect(records.Records?.map((r) => r.SequenceNumber)).toEqual(put.Records?.map((r) => r.SequenceNumber));

    const item = await c.dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: 'a' } } }));
    expect(item.Item).toEqual({ id: { S: 'a' }, n: { N: '12345678901234567890.5' } });
    const streamArn = table.reason?.Table?.LatestStreamArn;
    const described = await c.streams.send(new DescribeTableStreamCommand({ StreamArn: streamArn }));
    const iterator = await c.streams.send(
      new GetTableStreamIteratorCommand({
        StreamArn: streamArn,
        ShardId: described.StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const changes = await c.streams.send(new GetTableStreamRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    expect(changes.Records?.map((r) => [r.eventName, r.dynamodb?.Keys])).toEqual([['INSERT', { id: { S: 'a' } }]]);

    // The waiting message at once; the in-flight one once its one-second timeout has passed.
    const bodies = new Set<string>();
    await waitFor('both messages received after the restart', async () => {
      const got = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of got.Messages ?? []) bodies.add(m.Body ?? '');
      return bodies.size === 2 ? true : undefined;
    });
    expect([...bodies].sort()).toEqual(['in flight', 'waiting']);
  } finally {
    c.destroy();
  }
}, 60_000);
