/**
 * Kinesis event source mappings end to end: a real function invoked by the poller with AWS's
 * event shape, batching by size and window, order per shard, ParallelizationFactor keeping each
 * partition key's order, the function's CloudWatch Logs showing each batch, starting positions,
 * resharding lineage, and disabling and enabling at any time with the checkpoint kept.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import {
  type CreateEventSourceMappingCommandInput,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../../helpers/cloud.js';
import { activeStream, kinesisClients } from '../kinesis/support.js';
import {
  dataOf,
  enabledMapping,
  mappingState,
  ROLE,
  recordsReceived,
  type Sink,
  sinkFunction,
  useCollector,
} from './streams-support.js';

const t = useCloud({ lambda: { transitionMs: 20 }, kinesis: { transitionMs: 20 } });
const kinesis = kinesisClients(t);
const collector = useCollector();
const ARN_PREFIX = 'arn:aws:kinesis:us-east-1:000000000000:stream/';

async function stream(shards = 1): Promise<{ name: string; arn: string }> {
  const name = await activeStream(kinesis(), shards);
  return { name, arn: `${ARN_PREFIX}${name}` };
}

/** A sink, a function reporting to it, and a one-shard stream. */
async function sinkAndStream(): Promise<{ sink: Sink; fn: string; name: string; arn: string }> {
  const sink = collector.sink();
  const fn = await sinkFunction(t.lambda(), sink);
  return { sink, fn, ...(await stream()) };
}

/** sinkAndStream with an Enabled LATEST mapping (plus `settings`) from the stream to the function. */
async function latestMapping(
  settings: Partial<CreateEventSourceMappingCommandInput> = {},
): Promise<Awaited<ReturnType<typeof sinkAndStream>> & { uuid: string }> {
  const setup = await sinkAndStream();
  const uuid = await enabledMapping(t.lambda(), {
    FunctionName: setup.fn,
    EventSourceArn: setup.arn,
    StartingPosition: 'LATEST',
    ...settings,
  });
  return { ...setup, uuid };
}

function put(name: string, data: string, key = 'k') {
  return kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from(data), PartitionKey: key }));
}

describe('Kinesis mappings', () => {
  it('invokes the function with AWS’s Kinesis event within milliseconds of PutRecord', async () => {
    const { sink, name, arn } = await latestMapping();
    const before = Date.now();
    const { SequenceNumber, ShardId } = await put(name, 'hello', 'test_0');
    const [record] = await recordsReceived(sink, 1);
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(sink.events).toHaveLength(1);
    expect(Object.keys(sink.events[0] ?? {})).toEqual(['Records']);
    const kinesisPart = record?.['kinesis'] as { approximateArrivalTimestamp: number };
    expect(record).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'test_0',
        sequenceNumber: SequenceNumber,
        data: Buffer.from('hello').toString('base64'),
        approximateArrivalTimestamp: kinesisPart.approximateArrivalTimestamp,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${ShardId}:${SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: ROLE,
      awsRegion: 'us-east-1',
      eventSourceARN: arn,
    });
    // Epoch seconds with milliseconds, as AWS sends it.
    expect(Math.abs(kinesisPart.approximateArrivalTimestamp * 1000 - before)).toBeLessThan(5_000);
  });

  it('cuts batches by BatchSize, keeps the shard’s order, and logs each batch in CloudWatch Logs', async () => {
    const { sink, fn, name, arn } = await sinkAndStream();
    const entries = Array.from({ length: 7 }, (_, i) => ({ Data: Buffer.from(`r${i}`), PartitionKey: `k${i}` }));
    await kinesis().send(new PutRecordsCommand({ StreamName: name, Records: entries }));
    await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 3,
    });
    const records = await recordsReceived(sink, 7);
    expect(records.map(dataOf)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(sink.events.map((e) => (e['Records'] as unknown[]).length)).toEqual([3, 3, 1]);
    const starts = await waitFor('three START lines', async () => {
      const { events = [] } = await t
        .cwLogs()
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: 'START' }));
      return events.length >= 3 ? events : undefined;
    });
    expect(starts).toHaveLength(3);
    const mapping = await waitFor('LastProcessingResult OK', async () => {
      const m = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: await uuidOf(fn) }));
      return m.LastProcessingResult === 'OK' ? m : undefined;
    });
    expect(mapping.LastProcessingResult).toBe('OK');
  });

  it('waits up to MaximumBatchingWindowInSeconds to fill a batch', async () => {
    const { sink, name } = await latestMapping({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
    });
    const first = Date.now();
    for (let i = 0; i < 5; i++) await put(name, `w${i}`);
    const records = await recordsReceived(sink, 5);
    // One batch, cut by the window (1 s after the first record was seen), not one per record.
    expect(sink.events).toHaveLength(1);
    expect(records.map(dataOf)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    expect(Date.now() - first).toBeGreaterThanOrEqual(900);
  });

  it('keeps each partition key’s order across ParallelizationFactor lanes', async () => {
    const { sink, name } = await latestMapping({
      BatchSize: 5,
      ParallelizationFactor: 4,
    });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const entries = Array.from({ length: 60 }, (_, i) => ({
      Data: Buffer.from(`${keys[i % keys.length]}-${i}`),
      PartitionKey: keys[i % keys.length],
    }));
    await kinesis().send(new PutRecordsCommand({ StreamName: name, Records: entries }));
    const records = await recordsReceived(sink, 60);
    expect(records).toHaveLength(60);
    for (const key of keys) {
      const seen = records.map(dataOf).filter((d) => d.startsWith(`${key}-`));
      const sent = entries.map((e) => e.Data.toString()).filter((d) => d.startsWith(`${key}-`));
      expect(seen).toEqual(sent);
    }
    // Batches never mix lanes beyond BatchSize.
    for (const event of sink.events) expect((event['Records'] as unknown[]).length).toBeLessThanOrEqual(5);
  });

  it('reads a split shard to its end before its children, and follows the children', async () => {
    const { sink, fn, name, arn } = await sinkAndStream();
    for (let i = 0; i < 3; i++) await put(name, `parent-${i}`, 'same');
    await kinesis().send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: '170141183460469231731687303715884105728',
      }),
    );
    await activeAgain(name);
    for (let i = 0; i < 3; i++) await put(name, `child-${i}`, 'same');
    await enabledMapping(t.lambda(), { FunctionName: fn, EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON' });
    const records = await recordsReceived(sink, 6);
    expect(records.map(dataOf)).toEqual(['parent-0', 'parent-1', 'parent-2', 'child-0', 'child-1', 'child-2']);
    expect(new Set(records.slice(3).map((r) => (r['eventID'] as string).split(':')[0]))).toEqual(
      new Set([String(records[3]?.['eventID']).split(':')[0]]),
    );
  });

  it('stops delivering when disabled and resumes from the checkpoint when enabled', async () => {
    const { sink, name, uuid } = await latestMapping();
    await put(name, 'before');
    await recordsReceived(sink, 1);
    await t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await put(name, 'while-disabled-1');
    await put(name, 'while-disabled-2');
    await mappingState(t.lambda(), uuid, 'Disabled');
    // Absence can only be seen over time: nothing arrives while the mapping is disabled.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.records().map(dataOf)).toEqual(['before']);
    await t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    const records = await recordsReceived(sink, 3);
    expect(records.map(dataOf)).toEqual(['before', 'while-disabled-1', 'while-disabled-2']);
  });
});

describe('Kinesis FilterCriteria', () => {
  it('matches JSON data and drops what no filter matches', async () => {
    const { sink, name } = await latestMapping({
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { level: ['error'] } }) }] },
    });
    await put(name, JSON.stringify({ level: 'info', n: 1 }));
    await put(name, 'not json');
    await put(name, JSON.stringify({ level: 'error', n: 2 }));
    const records = await recordsReceived(sink, 1);
    expect(records.map(dataOf)).toEqual([JSON.stringify({ level: 'error', n: 2 })]);
    await put(name, JSON.stringify({ level: 'error', n: 3 }));
    await recordsReceived(sink, 2);
    expect(sink.records().map((r) => JSON.parse(dataOf(r)).n)).toEqual([2, 3]);
  });
});

async function uuidOf(fn: string): Promise<string> {
  const { EventSourceMappings = [] } = await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName: fn }));
  return EventSourceMappings[0]?.UUID ?? '';
}

async function activeAgain(name: string): Promise<void> {
  await waitFor(`${name} ACTIVE`, async () => {
    const { StreamDescriptionSummary } = await kinesis().send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  });
}
