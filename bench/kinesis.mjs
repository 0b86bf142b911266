/**
 * The Kinesis measurements, run against any endpoint with the AWS SDK v3 over HTTP/1.1 (test/test,
 * us-east-1): PutRecords throughput in 500-record batches with N writers on one provisioned
 * stream, then GetRecords throughput reading every shard from TRIM_HORIZON to its tip (Limit
 * 10,000). Every record read back is counted; a shortfall is an error, not a faster result.
 * Both phases also report the server's CPU milliseconds per record (see withServerCpu).
 */
import { Agent } from 'node:http';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { withServerCpu } from './dynamodb.mjs';
import { describeError } from './s3.mjs';
import { credentials, sleep } from './stats.mjs';

/**
 * The JavaScript KinesisClient defaults to HTTP/2 (for SubscribeToShard), which the local cloud
 * serves but moto does not; both sides get keep-alive HTTP/1.1, as the other sections do.
 * @param {string} endpoint
 * @param {number} [maxSockets]
 */
export function kinesisClient(endpoint, maxSockets = 32) {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1, // a failure is a result here, not something to hide with a retry
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets }) }),
  });
}

/** @param {KinesisClient} client @param {string} StreamName */
async function waitActive(client, StreamName) {
  for (let i = 0; i < 600; i++) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`stream ${StreamName} did not become ACTIVE`);
}

/**
 * @param {KinesisClient} client
 * @param {string} StreamName
 * @param {{ batches: number, concurrency: number, recordBytes: number }} options
 */
async function putThroughput(client, StreamName, { batches, concurrency, recordBytes }) {
  const data = Buffer.alloc(recordBytes, 120);
  let started = 0;
  let records = 0;
  let errors = 0;
  /** @type {string | undefined} */
  let firstError;
  const begin = performance.now();
  async function writer() {
    while (started < batches && errors < 10) {
      const batch = started++;
      const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `key-${batch}-${i}`, Data: data }));
      try {
        const out = await client.send(new PutRecordsCommand({ StreamName, Records }));
        records += 500 - (out.FailedRecordCount ?? 0);
        if (out.FailedRecordCount) errors++;
      } catch (error) {
        errors++;
        firstError ??= describeError(error);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, writer));
  const seconds = (performance.now() - begin) / 1000;
  return { records, errors, ...(firstError ? { firstError } : {}), recordsPerSec: Math.round(records / seconds) };
}

/** @param {KinesisClient} client @param {string} StreamName @param {number} expected */
async function getThroughput(client, StreamName, expected) {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
  let records = 0;
  let calls = 0;
  const begin = performance.now();
  await Promise.all(
    Shards.map(async (shard) => {
      let { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (ShardIterator) {
        const out = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
        calls++;
        records += out.Records?.length ?? 0;
        if (!out.Records?.length) break;
        ShardIterator = out.NextShardIterator;
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  return { records, calls, missing: expected - records, recordsPerSec: Math.round(records / seconds) };
}

/**
 * @param {{ url: string, pid?: number }} server
 * @param {{ batches?: number, concurrency?: number, shards?: number, recordBytes?: number }} [options]
 */
export async function kinesisWorkload(server, { batches = 200, concurrency = 4, shards = 4, recordBytes = 100 } = {}) {
  const client = kinesisClient(server.url);
  const StreamName = `bench-${Date.now()}`;
  try {
    await client.send(new CreateStreamCommand({ StreamName, ShardCount: shards }));
    await waitActive(client, StreamName);
    const perRecord = (/** @type {{ records: number }} */ result) => result.records;
    const put = await withServerCpu(
      server,
      () => putThroughput(client, StreamName, { batches, concurrency, recordBytes }),
      perRecord,
    );
    const get = await withServerCpu(server, () => getThroughput(client, StreamName, put.records), perRecord);
    await client.send(new DeleteStreamCommand({ StreamName })).catch(() => {});
    return { putRecords: put, getRecords: get };
  } finally {
    client.destroy();
  }
}
