/**
 * The DynamoDB measurements, run against any endpoint with the AWS SDK v3 (test/test, us-east-1):
 * PutItem, GetItem and Query ops/s with p50/p99 latency, on one on-demand table with a composite
 * key (100 partitions, items of ~200 bytes). Every GetItem must find its item and every Query
 * must return the partition's items; a miss is an error, not a faster result.
 *
 * Each phase also reports the server's CPU milliseconds per operation (utime + stime from
 * /proc/<pid>/stat around the phase, when the server's pid is known): unlike ops/s it hardly moves
 * with other load on the machine, and it leaves out the client, whose SDK costs about as much CPU
 * per call as the server here. Both servers first get the same unmeasured warm-up (PutItem,
 * GetItem and Query on partitions of their own), so no phase times a cold JIT or a first import.
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
import { cpuTimeMs } from './servers.mjs';
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

/**
 * Runs one measured phase and adds `serverCpuMsPerOp`: the server's CPU time over the phase
 * divided by the operations that succeeded (omitted when the pid is unknown or nothing succeeded).
 * @template {object} T
 * @param {{ pid?: number }} server
 * @param {() => Promise<T>} phase
 * @param {(result: T) => number} count the operations the result says succeeded
 * @returns {Promise<T & { serverCpuMsPerOp?: number }>}
 */
export async function withServerCpu(server, phase, count) {
  const before = server.pid === undefined ? undefined : cpuTimeMs(server.pid);
  const result = await phase();
  const after = server.pid === undefined ? undefined : cpuTimeMs(server.pid);
  const ops = count(result);
  if (before === undefined || after === undefined || ops === 0) return result;
  return { ...result, serverCpuMsPerOp: Number(((after - before) / ops).toFixed(4)) };
}

/** @param {number} i @param {string} [prefix] partitions of the warm-up are apart from the measured ones */
function itemAt(i, prefix = 'p') {
  return {
    pk: { S: `${prefix}${i % PARTITIONS}` },
    sk: { N: String(i) },
    payload: { S: 'x'.repeat(160) },
    n: { N: String(i * 1.5) },
  };
}

/**
 * @param {{ url: string, pid?: number }} server
 * @param {{ count?: number, concurrency?: number, queries?: number, warmup?: number }} [options]
 */
export async function dynamoDbWorkload(server, { count = 3000, concurrency = 16, queries = 1000, warmup = 300 } = {}) {
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
    /** @param {string} prefix @param {number} n */
    const putItems = (prefix, n) =>
      runOps(n, concurrency, async (i) => {
        await client.send(new PutItemCommand({ TableName, Item: itemAt(i, prefix) }));
      });
    /** @param {string} prefix @param {number} n */
    const getItems = (prefix, n) =>
      runOps(n, concurrency, async (i) => {
        const { pk, sk } = itemAt(i, prefix);
        const { Item } = await client.send(new GetItemCommand({ TableName, Key: { pk, sk } }));
        if (!Item) throw new Error(`item ${i} not found`);
      });
    /** @param {string} prefix @param {number} n @param {number} perPartition */
    const queryPartitions = (prefix, n, perPartition) =>
      runOps(n, concurrency, async (i) => {
        const { Count } = await client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk AND sk >= :from',
            ExpressionAttributeValues: { ':pk': { S: `${prefix}${i % PARTITIONS}` }, ':from': { N: '0' } },
          }),
        );
        if ((Count ?? 0) < perPartition - 1) throw new Error(`query ${i} returned ${Count} items`);
      });
    if (warmup > 0) {
      await putItems('warm', warmup);
      await getItems('warm', warmup);
      await queryPartitions('warm', Math.ceil(warmup / 4), Math.ceil(warmup / PARTITIONS));
    }
    const succeeded = (/** @type {{ ops: number }} */ result) => result.ops;
    const putItem = await withServerCpu(server, () => putItems('p', count), succeeded);
    const getItem = await withServerCpu(server, () => getItems('p', count), succeeded);
    const query = await withServerCpu(
      server,
      () => queryPartitions('p', queries, Math.ceil(count / PARTITIONS)),
      succeeded,
    );
    await client.send(new DeleteTableCommand({ TableName })).catch(() => {});
    return { putItem, getItem, query };
  } finally {
    client.destroy();
  }
}
