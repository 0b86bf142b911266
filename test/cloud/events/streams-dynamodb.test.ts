/**
 * DynamoDB table streams through event source mappings: INSERT, MODIFY and REMOVE events in the
 * shape Lambda sends (attribute values in their JSON form, binary as base64, epoch-second
 * creation times), tumbling windows carrying state between invokes with a final invoke per
 * window, and FilterCriteria dropping what no pattern matches.
 */
import { DeleteItemCommand, DescribeTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../../helpers/cloud.js';
import { FAST, newTable } from '../dynamodb/support.js';
import { enabledMapping, recordsReceived, sinkFunction, useCollector } from './streams-support.js';

const t = useCloud({ ...FAST, lambda: { transitionMs: 20 } });
const collector = useCollector();

async function tableWithStream(view: 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' = 'NEW_AND_OLD_IMAGES') {
  const TableName = await newTable(t.dynamodb(), {
    StreamSpecification: { StreamEnabled: true, StreamViewType: view },
  });
  const { Table } = await t.dynamodb().send(new DescribeTableCommand({ TableName }));
  return { table: TableName, streamArn: Table?.LatestStreamArn as string };
}

describe('DynamoDB stream mappings', () => {
  it('delivers INSERT, MODIFY and REMOVE records as Lambda’s DynamoDB event', async () => {
    const sink = collector.sink();
    const fn = await sinkFunction(t.lambda(), sink);
    const { table, streamArn } = await tableWithStream();
    await enabledMapping(t.lambda(), { FunctionName: fn, EventSourceArn: streamArn, StartingPosition: 'LATEST' });
    const before = Math.floor(Date.now() / 1000);
    const Key = { pk: { S: 'item-1' } };
    await t
      .dynamodb()
      .send(
        new PutItemCommand({ TableName: table, Item: { ...Key, n: { N: '1' }, bin: { B: Buffer.from('foobar') } } }),
      );
    await t.dynamodb().send(
      new UpdateItemCommand({
        TableName: table,
        Key,
        UpdateExpression: 'SET n = :two',
        ExpressionAttributeValues: { ':two': { N: '2' } },
      }),
    );
    await t.dynamodb().send(new DeleteItemCommand({ TableName: table, Key }));
    const records = await recordsReceived(sink, 3);
    expect(records.map((r) => r['eventName'])).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records as Record<string, Record<string, unknown>>[];
    const created = insert?.['dynamodb']?.['ApproximateCreationDateTime'] as number;
    expect(Number.isInteger(created) && created >= before - 1).toBe(true);
    expect(insert).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: created,
        Keys: { pk: { S: 'item-1' } },
        NewImage: { pk: { S: 'item-1' }, n: { N: '1' }, bin: { B: 'Zm9vYmFy' } },
        SequenceNumber: expect.stringMatching(/^\d{21,40}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
    });
    expect(modify?.['dynamodb']?.['OldImage']).toEqual({ pk: { S: 'item-1' }, n: { N: '1' }, bin: { B: 'Zm9vYmFy' } });
    expect(modify?.['dynamodb']?.['NewImage']).toEqual({ pk: { S: 'item-1' }, n: { N: '2' }, bin: { B: 'Zm9vYmFy' } });
    expect(remove?.['dynamodb']?.['NewImage']).toBeUndefined();
    expect(remove?.['dynamodb']?.['OldImage']).toEqual({ pk: { S: 'item-1' }, n: { N: '2' }, bin: { B: 'Zm9vYmFy' } });
    const sequence = records.map((r) => BigInt((r['dynamodb'] as { SequenceNumber: string }).SequenceNumber));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
  });

  it('passes tumbling-window state between invokes and ends each window with a final invoke', async () => {
    const sink = collector.sink();
    sink.answer = (event) => {
      const state = (event['state'] ?? {}) as { count?: number };
      const count = (state.count ?? 0) + (event['Records'] as unknown[]).length;
      return { return: { state: { count } } };
    };
    const fn = await sinkFunction(t.lambda(), sink);
    const { table, streamArn } = await tableWithStream('KEYS_ONLY');
    await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: streamArn,
      StartingPosition: 'LATEST',
      TumblingWindowInSeconds: 1,
    });
    await t.dynamodb().send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } } }));
    await waitFor('the first invoke', () => (sink.events.length >= 1 ? true : undefined));
    await t.dynamodb().send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'b' } } }));
    const delivered = () =>
      sink.events
        .filter((e) => !e['isFinalInvokeForWindow'])
        .reduce((n, e) => n + (e['Records'] as unknown[]).length, 0);
    const final = await waitFor(
      'both records and a final invoke',
      () => (delivered() >= 2 ? sink.events.find((e) => e['isFinalInvokeForWindow'] === true) : undefined),
      10_000,
    );
    const first = sink.events[0] as Record<string, unknown>;
    const shardId = first['shardId'] as string;
    expect(first).toEqual({
      Records: [expect.objectContaining({ eventName: 'INSERT' })],
      window: { start: expect.stringMatching(/^\d{4}-.*:\d\dZ$/), end: expect.stringMatching(/Z$/) },
      state: {},
      shardId: expect.any(String),
      eventSourceARN: streamArn,
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
    const window = first['window'] as { start: string; end: string };
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(1000);
    // The final invoke of the first window carries its state and no records.
    const firstFinal = sink.events.find(
      (e) => e['isFinalInvokeForWindow'] === true && (e['window'] as { start: string }).start === window.start,
    );
    expect(firstFinal ?? final).toMatchObject({ Records: [], shardId, isFinalInvokeForWindow: true });
    const counted = sink.events
      .filter((e) => !e['isFinalInvokeForWindow'])
      .map((e) => (e['Records'] as unknown[]).length);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(2);
    // Each final invoke carries the state built by that window's invokes: the count of its records.
    for (const event of sink.events.filter((e) => e['isFinalInvokeForWindow'])) {
      const start = (event['window'] as { start: string }).start;
      const inWindow = sink.events.filter(
        (e) => !e['isFinalInvokeForWindow'] && (e['window'] as { start: string }).start === start,
      );
      const records = inWindow.reduce((sum, e) => sum + (e['Records'] as unknown[]).length, 0);
      expect(event['state']).toEqual({ count: records });
    }
  });

  it('drops records no FilterCriteria pattern matches (and moves past them)', async () => {
    const sink = collector.sink();
    const fn = await sinkFunction(t.lambda(), sink);
    const { table, streamArn } = await tableWithStream();
    await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: streamArn,
      StartingPosition: 'LATEST',
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['keep'] } } } }) },
        ],
      },
    });
    await t.dynamodb().send(new PutItemCommand({ TableName: table, Item: { pk: { S: '1' }, kind: { S: 'drop' } } }));
    await t.dynamodb().send(new PutItemCommand({ TableName: table, Item: { pk: { S: '2' }, kind: { S: 'keep' } } }));
    await t.dynamodb().send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: '2' } } }));
    await t.dynamodb().send(new PutItemCommand({ TableName: table, Item: { pk: { S: '3' }, kind: { S: 'keep' } } }));
    const records = await recordsReceived(sink, 2);
    await waitFor('the last record', () => (sink.records().length >= 2 ? true : undefined));
    expect(records.map((r) => (r['dynamodb'] as { Keys: { pk: { S: string } } }).Keys.pk.S)).toEqual(['2', '3']);
    expect(records.every((r) => r['eventName'] === 'INSERT')).toBe(true);
  });
});
