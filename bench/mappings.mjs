/**
 * The event source mapping measurements (the `mappings` section), against a running local cloud:
 *
 * - latency from the write to the handler starting, for a Kinesis PutRecord and a DynamoDB PutItem
 *   (MaximumBatchingWindowInSeconds 0): the writer stamps each record with Date.now() just before
 *   the call; the function, at its start, posts Date.now() and the stamp to a collector in this
 *   process (same machine, same clock); one write at a time, each awaited before the next;
 * - throughput through one Kinesis mapping (one shard) to a trivial function: a stream pre-filled
 *   with `records` records, then a mapping from TRIM_HORIZON with BatchSize 100 and 1,000, timed
 *   from CreateEventSourceMapping to the last batch's arrival (records/s).
 *
 * AWS documents its pollers at once per second per Kinesis shard and four times per second per
 * DynamoDB stream; moto has no pollers (it invokes synchronously inside PutRecord, without running
 * code here), so this section runs on lambda-tasks only.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import { startCollector, until, zipOf } from './functions.mjs';
import { kinesisClient } from './kinesis.mjs';
import { lambdaClient } from './lambda.mjs';
import { row } from './report.mjs';
import { credentials, percentile, sleep } from './stats.mjs';

const ROLE = 'arn:aws:iam::000000000000:role/bench-mappings';

/** The function: at its start, posts the time and what it received (stamps or a count) to the collector. */
const HANDLER = `
exports.handler = async (event) => {
  const started = Date.now();
  const records = event.Records || [];
  const stamps = records.slice(0, 1).map((r) => r.kinesis
    ? Number(Buffer.from(r.kinesis.data, 'base64').toString().split(':')[0])
    : Number(r.dynamodb.NewImage.t.N));
  await fetch(process.env.SINK_URL, { method: 'POST', body: JSON.stringify({ started, stamps, count: records.length }) });
  return {};
};
`;

/** The throughput function: does nothing but report the batch holding the last record (LAST_PREFIX). */
const TRIVIAL_HANDLER = `
exports.handler = async (event) => {
  const last = event.Records[event.Records.length - 1];
  if (last && Buffer.from(last.kinesis.data, 'base64').toString().startsWith(process.env.LAST_PREFIX)) {
    await fetch(process.env.SINK_URL, { method: 'POST', body: JSON.stringify({ started: Date.now() }) });
  }
  return {};
};
`;

async function deploy(lambda, name, sinkUrl, source = HANDLER, variables = {}) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: await zipOf(source) },
      Environment: { Variables: { SINK_URL: sinkUrl, ...variables } },
    }),
  );
  await until(`${name} Active`, async () => {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return config.State === 'Active' ? true : undefined;
  });
}

async function activeStream(kinesis, StreamName) {
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  await until(`${StreamName} ACTIVE`, async () => {
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    return StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  });
  return `arn:aws:kinesis:us-east-1:000000000000:stream/${StreamName}`;
}

const summary = (values) => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  samples: values.length,
});

/**
 * @param {{ url: string }} server
 * @param {{ latencySamples?: number, records?: number }} [options]
 */
export async function mappingsWorkload(server, { latencySamples = 200, records = 20_000 } = {}) {
  /** @type {((report: any) => void) | undefined} */
  let onReport;
  const collector = await startCollector((report) => onReport?.(report));
  const lambda = lambdaClient(server.url);
  const kinesis = kinesisClient(server.url);
  const dynamodb = new DynamoDBClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    // Latency: one write at a time, the next after the handler reported the previous one.
    async function latency(write) {
      const values = [];
      for (let i = 0; i < latencySamples + 10; i++) {
        const arrived = new Promise((resolve) => {
          onReport = resolve;
        });
        const stamp = Date.now();
        await write(stamp, i);
        const report = await arrived;
        if (i >= 10) values.push(report.started - report.stamps[0]); // the first ones warm up
      }
      return summary(values);
    }

    await deploy(lambda, 'bench-esm-kinesis', collector.url);
    const latencyStream = await activeStream(kinesis, 'bench-esm-latency');
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'bench-esm-kinesis',
        EventSourceArn: latencyStream,
        StartingPosition: 'LATEST',
      }),
    );
    await sleep(200); // the mapping's LATEST position is taken when its poller starts
    // The floor: the same function invoked directly with the same event, stamp to handler start.
    const invokeLatency = await latency((stamp, i) =>
      lambda.send(
        new InvokeCommand({
          FunctionName: 'bench-esm-kinesis',
          Payload: Buffer.from(
            JSON.stringify({ Records: [{ kinesis: { data: Buffer.from(`${stamp}:${i}`).toString('base64') } }] }),
          ),
        }),
      ),
    );
    const kinesisLatency = await latency((stamp, i) =>
      kinesis.send(
        new PutRecordCommand({
          StreamName: 'bench-esm-latency',
          Data: Buffer.from(`${stamp}:${i}`),
          PartitionKey: 'k',
        }),
      ),
    );

    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'bench-esm-table',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const streamArn = await until('the table stream', async () => {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'bench-esm-table' }));
      return Table?.TableStatus === 'ACTIVE' ? Table.LatestStreamArn : undefined;
    });
    await deploy(lambda, 'bench-esm-dynamodb', collector.url);
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'bench-esm-dynamodb',
        EventSourceArn: streamArn,
        StartingPosition: 'LATEST',
      }),
    );
    await sleep(200);
    const dynamodbLatency = await latency((stamp, i) =>
      dynamodb.send(
        new PutItemCommand({ TableName: 'bench-esm-table', Item: { pk: { S: `item-${i}` }, t: { N: String(stamp) } } }),
      ),
    );

    // Throughput: a pre-filled shard drained through one mapping.
    async function throughput(batchSize) {
      const name = `bench-esm-throughput-${batchSize}`;
      const arn = await activeStream(kinesis, name);
      const data = Buffer.alloc(100, 120);
      for (let put = 0; put < records; put += 500) {
        const Records = Array.from({ length: Math.min(500, records - put) }, (_, i) => ({
          Data: Buffer.concat([Buffer.from(`0:${put + i}:`), data]),
          PartitionKey: `key-${(put + i) % 64}`,
        }));
        await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }));
      }
      const fn = `bench-esm-fn-${batchSize}`;
      await deploy(lambda, fn, collector.url, TRIVIAL_HANDLER, { LAST_PREFIX: `0:${records - 1}:` });
      // Warm: the steady state is measured, not the environment's cold start.
      await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{"Records":[]}') }));
      let lastAt = 0;
      onReport = () => {
        lastAt = performance.now();
      };
      const begin = performance.now();
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: fn,
          EventSourceArn: arn,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: batchSize,
        }),
      );
      await until(`${records} records through BatchSize ${batchSize}`, () => (lastAt > 0 ? true : undefined), 300_000);
      const seconds = (lastAt - begin) / 1000;
      return { records, seconds: Number(seconds.toFixed(2)), recordsPerSec: Math.round(records / seconds) };
    }
    const batch100 = await throughput(100);
    const batch1000 = await throughput(1000);
    return {
      invokeToHandlerMs: invokeLatency,
      kinesisWriteToHandlerMs: kinesisLatency,
      dynamodbWriteToHandlerMs: dynamodbLatency,
      kinesisThroughputBatch100: batch100,
      kinesisThroughputBatch1000: batch1000,
    };
  } finally {
    lambda.destroy();
    kinesis.destroy();
    dynamodb.destroy();
    await collector.close();
  }
}

/**
 * Rows for the report table: each mapping latency beside the floor, a direct Invoke of the same
 * function with the same event measured in the same run (the peer column); throughput beside the
 * 20,000 records/s target. AWS's documented poll intervals are in the notes.
 * @param {any} result
 */
export function mappingsRows(result) {
  const floor = result.invokeToHandlerMs;
  const aws = 'AWS polls a Kinesis shard once a second and a DynamoDB stream four times a second';
  return [
    row('Kinesis PutRecord -> handler start p50', 'ms', 'lower', result.kinesisWriteToHandlerMs.p50, floor.p50, aws, {
      target: { value: 20, text: '< 20 ms' },
    }),
    row('Kinesis PutRecord -> handler start p99', 'ms', 'lower', result.kinesisWriteToHandlerMs.p99, floor.p99),
    row(
      'DynamoDB PutItem -> handler start p50',
      'ms',
      'lower',
      result.dynamodbWriteToHandlerMs.p50,
      floor.p50,
      undefined,
      {
        target: { value: 20, text: '< 20 ms' },
      },
    ),
    row('DynamoDB PutItem -> handler start p99', 'ms', 'lower', result.dynamodbWriteToHandlerMs.p99, floor.p99),
    row(
      'one Kinesis mapping, BatchSize 100',
      'records/s',
      'higher',
      result.kinesisThroughputBatch100.recordsPerSec,
      undefined,
      'one shard pre-filled, drained from TRIM_HORIZON to a trivial function',
      { target: { value: 20_000, text: '>= 20,000' } },
    ),
    row(
      'one Kinesis mapping, BatchSize 1000',
      'records/s',
      'higher',
      result.kinesisThroughputBatch1000.recordsPerSec,
      undefined,
      undefined,
      { target: { value: 20_000, text: '>= 20,000' } },
    ),
  ];
}
