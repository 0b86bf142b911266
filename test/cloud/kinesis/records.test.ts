/** Records: routing by partition key, every iterator type, GetRecords paging, limits, expiry, retention. */
import { createHash } from 'node:crypto';
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorInput,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, activeStream, expectNoInternalErrors, FAST, kinesisClients } from './support.js';

let clockOffset = 0;
const t = useCloud({ kinesis: FAST, clock: () => Date.now() + clockOffset });
afterAll(() => expectNoInternalErrors(t));
const kinesisClient = kinesisClients(t);
const HOUR = 3_600_000;

async function iterator(kinesis: KinesisClient, input: GetShardIteratorInput): Promise<string> {
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand(input));
  return ShardIterator as string;
}

/**
 * Every record from TRIM_HORIZON of one shard, following NextShardIterator until caught up. Takes
 * a client factory so tests that move the clock sign each call with a fresh offset (the SDK resets
 * its offset from the server's Date header after the first response).
 */
async function readAll(client: KinesisClient | (() => KinesisClient), StreamName: string, ShardId: string) {
  const kinesis = typeof client === 'function' ? client : () => client;
  let ShardIterator = await iterator(kinesis(), { StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' });
  const records = [];
  for (;;) {
    const page = await kinesis().send(new GetRecordsCommand({ ShardIterator }));
    records.push(...(page.Records ?? []));
    if (!page.NextShardIterator || page.Records?.length === 0) return records;
    ShardIterator = page.NextShardIterator;
  }
}

describe('PutRecord and GetRecords', () => {
  it('round-trips data with increasing 56-digit sequence numbers and arrival timestamps', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    const before = Date.now();
    const first = await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'a', Data: Buffer.from('one') }));
    const second = await kinesis.send(
      new PutRecordCommand({ StreamName, PartitionKey: 'b', Data: Buffer.from('two') }),
    );
    expect(first).toMatchObject({
      ShardId: 'shardId-000000000000',
      SequenceNumber: expect.stringMatching(/^49\d{54}$/),
      EncryptionType: 'NONE',
    });
    expect(BigInt(second.SequenceNumber as string)).toBeGreaterThan(BigInt(first.SequenceNumber as string));
    const ShardIterator = await iterator(kinesis, {
      StreamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
    expect(page.Records).toEqual([
      {
        SequenceNumber: first.SequenceNumber,
        ApproximateArrivalTimestamp: expect.any(Date),
        Data: new Uint8Array(Buffer.from('one')),
        PartitionKey: 'a',
      },
    ]);
    expect(page.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(page.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const next = await kinesis.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
    expect(next.Records?.map((r) => Buffer.from(r.Data as Uint8Array).toString())).toEqual(['two']);
    expect(next.MillisBehindLatest).toBe(0);
    const empty = await kinesis.send(new GetRecordsCommand({ ShardIterator: next.NextShardIterator }));
    expect(empty.Records).toEqual([]);
    expect(empty.NextShardIterator).toEqual(expect.any(String));
  });

  it('routes by the MD5 of the partition key, or by ExplicitHashKey', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis, 4);
    const Records = Array.from({ length: 40 }, (_, i) => ({ PartitionKey: `key-${i}`, Data: Buffer.from(String(i)) }));
    const put = await kinesis.send(new PutRecordsCommand({ StreamName, Records }));
    expect(put.FailedRecordCount).toBe(0);
    const quarter = 2n ** 126n;
    put.Records?.forEach((result, i) => {
      const hash = BigInt(`0x${createHash('md5').update(`key-${i}`).digest('hex')}`);
      expect(result.ShardId).toBe(`shardId-00000000000${Number(hash / quarter)}`);
    });
    const explicit = await kinesis.send(
      new PutRecordCommand({
        StreamName,
        PartitionKey: 'x',
        ExplicitHashKey: String(3n * quarter),
        Data: Buffer.from('e'),
      }),
    );
    expect(explicit.ShardId).toBe('shardId-000000000003');
    const shard2 = await readAll(kinesis, StreamName, 'shardId-000000000002');
    expect(shard2.map((r) => r.PartitionKey)).toEqual(
      Records.filter((_, i) => put.Records?.[i]?.ShardId === 'shardId-000000000002').map((r) => r.PartitionKey),
    );
  });

  it('refuses records and batches beyond AWS limits', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    expect(
      await failure(
        kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.alloc(1024 * 1024 + 1) })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      status: 400,
    });
    const tooMany = Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: Buffer.from('x') }));
    expect(await failure(kinesis.send(new PutRecordsCommand({ StreamName, Records: tooMany })))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
      ),
    });
    const big = Array.from({ length: 6 }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(1024 * 1024) }));
    expect(await failure(kinesis.send(new PutRecordsCommand({ StreamName, Records: big })))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Records size exceeds 5 MB limit',
      status: 400,
    });
    expect(
      await failure(
        kinesis.send(
          new PutRecordCommand({ StreamName, PartitionKey: 'k', ExplicitHashKey: 'abc', Data: Buffer.from('x') }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'explicitHashKey'") });
    expect(
      await failure(
        kinesis.send(new PutRecordCommand({ StreamName: 'missing-stream', PartitionKey: 'k', Data: Buffer.from('x') })),
      ),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Stream missing-stream under account ${ACCOUNT} not found.`,
      status: 400,
    });
    expect(await readAll(kinesis, StreamName, 'shardId-000000000000')).toEqual([]);
  });
});

describe('GetShardIterator', () => {
  it('starts at TRIM_HORIZON, LATEST, AT/AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    const ShardId = 'shardId-000000000000';
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName,
        Records: ['a', 'b', 'c'].map((d) => ({ PartitionKey: 'p', Data: Buffer.from(d) })),
      }),
    );
    const seq = put.Records?.map((r) => r.SequenceNumber as string) ?? [];
    const latest = await iterator(kinesis, { StreamName, ShardId, ShardIteratorType: 'LATEST' });
    await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'p', Data: Buffer.from('d') }));
    const read = async (ShardIterator: string) =>
      ((await kinesis.send(new GetRecordsCommand({ ShardIterator }))).Records ?? []).map((r) =>
        Buffer.from(r.Data as Uint8Array).toString(),
      );
    expect(await read(await iterator(kinesis, { StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(await read(latest)).toEqual(['d']);
    expect(
      await read(
        await iterator(kinesis, {
          StreamName,
          ShardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: seq[1],
        }),
      ),
    ).toEqual(['b', 'c', 'd']);
    expect(
      await read(
        await iterator(kinesis, {
          StreamName,
          ShardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: seq[1],
        }),
      ),
    ).toEqual(['c', 'd']);
    expect(
      await read(
        await iterator(kinesis, {
          StreamName,
          ShardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(Date.now() - 60_000),
        }),
      ),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(
      await read(
        await iterator(kinesis, { StreamName, ShardId, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date() }),
      ),
    ).toEqual([]);
  });

  it('answers AWS errors for bad shards, sequence numbers and iterators', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis, 2);
    const put = await kinesis.send(
      new PutRecordCommand({ StreamName, PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') }),
    );
    expect(
      await failure(
        kinesis.send(
          new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000009', ShardIteratorType: 'LATEST' }),
        ),
      ),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Shard shardId-000000000009 in stream ${StreamName} under account ${ACCOUNT} does not exist`,
      status: 400,
    });
    expect(
      await failure(
        kinesis.send(
          new GetShardIteratorCommand({
            StreamName,
            ShardId: 'shardId-000000000001',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: put.SequenceNumber,
          }),
        ),
      ),
    ).toEqual({
      name: 'InvalidArgumentException',
      message:
        'Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001',
      status: 400,
    });
    expect(
      await failure(
        kinesis.send(
          new GetShardIteratorCommand({
            StreamName,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.'),
    });
    const valid = await iterator(kinesis, {
      StreamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const forged = Buffer.from(valid, 'base64');
    forged[5] = (forged[5] as number) ^ 1;
    expect(await failure(kinesis.send(new GetRecordsCommand({ ShardIterator: forged.toString('base64') })))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Invalid ShardIterator.',
      status: 400,
    });
    await kinesis.send(new DeleteStreamCommand({ StreamName }));
    expect(await failure(kinesis.send(new GetRecordsCommand({ ShardIterator: valid })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Shard shardId-000000000000 in stream ${StreamName} under account ${ACCOUNT} does not exist`,
      status: 400,
    });
  });
});

describe('expiry', () => {
  it('expires iterators after 5 minutes with ExpiredIteratorException', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    const ShardIterator = await iterator(kinesis, {
      StreamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'LATEST',
    });
    clockOffset = 5 * 60_000 + 1000;
    try {
      const error = await failure(
        kinesisClient({ systemClockOffset: clockOffset }).send(new GetRecordsCommand({ ShardIterator })),
      );
      expect(error).toEqual({
        name: 'ExpiredIteratorException',
        message: expect.stringMatching(
          /^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} [\d:]{8} UTC \d{4} while right now it is .+ which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
        ),
        status: 400,
      });
    } finally {
      clockOffset = 0;
    }
  });

  it('stops returning records older than the retention period', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: 25 }));
    await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('old') }));
    clockOffset = 24 * HOUR;
    try {
      const later = () => kinesisClient({ systemClockOffset: clockOffset });
      await later().send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('new') }));
      expect(
        (await readAll(later, StreamName, 'shardId-000000000000')).map((r) =>
          Buffer.from(r.Data as Uint8Array).toString(),
        ),
      ).toEqual(['old', 'new']);
      clockOffset = 25 * HOUR + 1000;
      const after = () => kinesisClient({ systemClockOffset: clockOffset });
      expect(
        (await readAll(after, StreamName, 'shardId-000000000000')).map((r) =>
          Buffer.from(r.Data as Uint8Array).toString(),
        ),
      ).toEqual(['new']);
    } finally {
      clockOffset = 0;
    }
  });
});
