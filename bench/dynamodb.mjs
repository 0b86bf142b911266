/**
 * The DynamoDB measurements, run against any endpoint with the AWS SDK v3 (test/test, us-east-1):
 * PutItem, GetItem and Query ops/s with p50/p99 latency, on one on-demand table with a composite
 * key (100 partitions, items of ~200 bytes). Every GetItem must find its item and every Query
 * must return the partition's items; a miss is an error, not a faster result.
 */
import { Agent } from 'node:http';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { runOps } from './s3.mjs';
import { credentials, sleep } from './stats.mjs';

const PARTITIONS = 100;

/**
 * @param {string} endpoint
 * @param {number} [maxSockets]
 */
export function dynamoDbClient(endpoint, maxSockets = 32) {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1, // a failure is a result here, not something to hide with a retry
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets }) }),
  });
}

/** @param {DynamoDBClient} client @param {string} TableName */
async function waitActive(client, TableName) {
  for (let i = 0; i < 600; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`table ${TableName} did not become ACTIVE`);
}

/** @param {number} i */
function itemAt(i) {
  return {
    pk: { S: `p${i % PARTITIONS}` },
    sk: { N: String(i) },
    payload: { S: 'x'.repeat(160) },
    n: { N: String(i * 1.5) },
  };
}

/**
 * @param {{ url: string }} server
 * @param {{ count?: number, concurrency?: number, queries?: number }} [options]
 */
export async function dynamoDbWorkload(server, { count = 3000, concurrency = 16, queries = 1000 } = {}) {
  const client = dynamoDbClient(server.url);
  const TableName = `bench-${Date.now()}`;
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await waitActive(client, TableName);
    const putItem = await runOps(count, concurrency, async (i) => {
      await client.send(new PutItemCommand({ TableName, Item: itemAt(i) }));
    });
    const getItem = await runOps(count, concurrency, async (i) => {
      const { pk, sk } = itemAt(i);
      const { Item } = await client.send(new GetItemCommand({ TableName, Key: { pk, sk } }));
      if (!Item) throw new Error(`item ${i} not found`);
    });
    const perPartition = Math.ceil(count / PARTITIONS);
    const query = await runOps(queries, concurrency, async (i) => {
      const { Count } = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': { S: `p${i % PARTITIONS}` }, ':from': { N: '0' } },
        }),
      );
      if ((Count ?? 0) < perPartition - 1) throw new Error(`query ${i} returned ${Count} items`);
    });
    await client.send(new DeleteTableCommand({ TableName })).catch(() => {});
    return { putItem, getItem, query };
  } finally {
    client.destroy();
  }
}
