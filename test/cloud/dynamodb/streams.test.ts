/** DynamoDB Streams: stream lifecycle, shard iterators, records per view type, TTL deletes, the in-process reader. */
import {
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { ACCOUNT, expectNoInternalErrors, FAST, newTable, WAIT } from './support.js';

const t = useCloud(FAST);
afterAll(() => expectNoInternalErrors(t));

async function streamOf(ddb: DynamoDBClient, TableName: string): Promise<string> {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  return Table?.LatestStreamArn as string;
}

/** Every record from TRIM_HORIZON on (follows NextShardIterator until a page is empty). */
async function readAll(StreamArn: string): Promise<_Record[]> {
  const streams = t.dynamodbStreams();
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  const ShardId = StreamDescription?.Shards?.[0]?.ShardId as string;
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const records: _Record[] = [];
  let iterator = ShardIterator;
  while (iterator) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    records.push(...(page.Records ?? []));
    if (!page.Records?.length) break;
    iterator = page.NextShardIterator;
  }
  return records;
}

describe('stream records', () => {
  it('records INSERT, MODIFY and REMOVE with both images, and nothing for a write that changed nothing', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb, {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const StreamArn = await streamOf(ddb, TableName);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    await ddb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '2' }, b: { B: Buffer.from('hi') } } }),
    );
    await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    const records = await readAll(StreamArn);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(records[0]).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Date),
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, v: { N: '1' } },
        SequenceNumber: expect.stringMatching(/^\d{21}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(records[1]?.dynamodb?.OldImage).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
    expect(records[1]?.dynamodb?.NewImage?.['b']).toEqual({ B: new Uint8Array(Buffer.from('hi')) });
    expect(records[2]?.dynamodb?.NewImage).toBeUndefined();
    const sequence = records.map((r) => BigInt(r.dynamodb?.SequenceNumber as string));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
  });

  it('keeps only keys for KEYS_ONLY and reads from AT/AFTER_SEQUENCE_NUMBER and LATEST', async () => {
    const ddb = t.dynamodb();
    const streams = t.dynamodbStreams();
    const TableName = await newTable(ddb, {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    const StreamArn = await streamOf(ddb, TableName);
    for (const pk of ['a', 'b', 'c'])
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, v: { S: 'x' } } }));
    const records = await readAll(StreamArn);
    expect(records.map((r) => r.dynamodb?.Keys)).toEqual([{ pk: { S: 'a' } }, { pk: { S: 'b' } }, { pk: { S: 'c' } }]);
    expect(records.every((r) => r.dynamodb?.NewImage === undefined && r.dynamodb?.OldImage === undefined)).toBe(true);
    const ShardId = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription?.Shards?.[0]
      ?.ShardId;
    const from = async (type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'LATEST', SequenceNumber?: string) => {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: type, SequenceNumber }),
      );
      return (await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 10 }))).Records?.map(
        (r) => r.dynamodb?.Keys?.['pk']?.S,
      );
    };
    const second = records[1]?.dynamodb?.SequenceNumber;
    expect(await from('AT_SEQUENCE_NUMBER', second)).toEqual(['b', 'c']);
    expect(await from('AFTER_SEQUENCE_NUMBER', second)).toEqual(['c']);
    expect(await from('LATEST')).toEqual([]);
  });

  it('closes the shard when the stream is disabled and opens a new stream when enabled again', async () => {
    const ddb = t.dynamodb();
    const streams = t.dynamodbStreams();
    const TableName = await newTable(ddb, {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    });
    const first = await streamOf(ddb, TableName);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
    await ddb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }));
    const closed = await streams.send(new DescribeStreamCommand({ StreamArn: first }));
    expect(closed.StreamDescription).toMatchObject({
      StreamArn: first,
      StreamStatus: 'DISABLED',
      StreamViewType: 'NEW_IMAGE',
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      CreationRequestDateTime: expect.any(Date),
    });
    const range = closed.StreamDescription?.Shards?.[0]?.SequenceNumberRange;
    expect(range?.EndingSequenceNumber).toBeDefined();
    const ShardId = closed.StreamDescription?.Shards?.[0]?.ShardId;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: first, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(page.Records).toHaveLength(1);
    expect(page.NextShardIterator).toBeUndefined();

    await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName });
    await ddb.send(
      new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'OLD_IMAGE' } }),
    );
    const second = await streamOf(ddb, TableName);
    expect(second).not.toBe(first);
    const enabled = await waitFor('the new stream to be ENABLED', async () => {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: second }));
      return StreamDescription?.StreamStatus === 'ENABLED' ? StreamDescription : undefined;
    });
    expect(enabled.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined();
    const listed = await streams.send(new ListStreamsCommand({ TableName }));
    expect(listed.Streams).toEqual([
      { StreamArn: first, TableName, StreamLabel: first.split('/stream/')[1] },
      { StreamArn: second, TableName, StreamLabel: second.split('/stream/')[1] },
    ]);
  });

  it('answers ResourceNotFoundException for an unknown stream', async () => {
    const StreamArn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${randomName('nope')}/stream/2024-11-18T14:36:44.149`;
    expect(await failure(t.dynamodbStreams().send(new DescribeStreamCommand({ StreamArn })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: Stream: ${StreamArn} not found`,
      status: 400,
    });
  });
});

describe('Time to Live', () => {
  it('deletes expired items with a REMOVE record made by the service', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb, {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'OLD_IMAGE' },
    });
    const StreamArn = await streamOf(ddb, TableName);
    const past = String(Math.floor(Date.now() / 1000) - 10);
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'old' }, expires: { N: past } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'new' }, expires: { N: future } } }));
    await ddb.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }),
    );
    expect((await ddb.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expires',
    });
    const removal = await waitFor('the TTL delete', async () =>
      (await readAll(StreamArn)).find((r) => r.eventName === 'REMOVE'),
    );
    expect(removal.userIdentity).toEqual({ PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' });
    expect(removal.dynamodb?.OldImage).toEqual({ pk: { S: 'old' }, expires: { N: past } });
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.ItemCount).toBe(1);
    expect(
      await failure(
        ddb.send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already enabled' });
  });
});
