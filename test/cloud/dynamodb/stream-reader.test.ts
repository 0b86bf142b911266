/**
 * The in-process stream reader (what the DynamoDB Streams pollers use) and the change event a
 * commit announces. The service runs on a bare database here: pollers call it in process, not
 * over HTTP.
 */
import type { CreateTableOutput } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeEvents } from '../../../src/cloud/change-events.js';
import type { RequestContext } from '../../../src/cloud/service.js';
import { createDynamoDb, dynamoDbMigrations } from '../../../src/cloud/services/dynamodb/index.js';
import { type Db, openDatabase } from '../../../src/cloud/store/database.js';

let db: Db | undefined;
afterEach(() => db?.close());

function setup() {
  db = openDatabase(':memory:', dynamoDbMigrations);
  let now = 1_700_000_000_000;
  const events = new ChangeEvents();
  const dynamodb = createDynamoDb({
    db,
    now: () => now,
    events,
    dynamodb: { transitionMs: 10, ttlSweepMs: 1000 },
    log: () => {},
  });
  const ctx = { accountId: '000000000000', region: 'us-east-1' } as RequestContext;
  const call = (op: string, input: object) => dynamodb.definition.handlers[op]?.(input, ctx);
  return { dynamodb, events, call, advance: (ms: number) => (now += ms) };
}

describe('StreamReader', () => {
  it('describes a stream and reads records after a sequence number, with a limit', () => {
    const { dynamodb, events, call, advance } = setup();
    const created = call('CreateTable', {
      TableName: 'orders',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }) as CreateTableOutput;
    const streamArn = created.TableDescription?.LatestStreamArn as string;
    advance(20);
    const announced: object[] = [];
    events.on('dynamodb.stream-records', (event) => announced.push(event));
    for (const id of ['a', 'b', 'c']) call('PutItem', { TableName: 'orders', Item: { id: { S: id } } });

    const description = dynamodb.streams.describe(streamArn);
    expect(description?.StreamStatus).toBe('ENABLED');
    const shardId = description?.Shards?.[0]?.ShardId as string;
    expect(announced).toEqual([
      { tableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders', streamArn, shardId },
      expect.anything(),
      expect.anything(),
    ]);
    const stream = dynamodb.streams.stream(streamArn);
    if (!stream) throw new Error('no stream');
    const first = dynamodb.streams.read(stream, dynamodb.streams.trimHorizon(stream), 2);
    expect(first.records.map((r) => r.dynamodb?.Keys?.['id']?.S)).toEqual(['a', 'b']);
    const rest = dynamodb.streams.read(stream, first.next, 10);
    expect(rest.records.map((r) => r.dynamodb?.Keys?.['id']?.S)).toEqual(['c']);
    expect(rest.finished).toBe(false);
    expect(dynamodb.streams.read(stream, rest.next, 10).records).toEqual([]);
  });
});
