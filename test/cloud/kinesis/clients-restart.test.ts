/** Kinesis through the AWS CLI v1 and boto3 (wire compatibility), and records surviving a restart. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { AWS_CLI_ENV, awsCli } from '../../helpers/aws-cli.js';
import { TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, activeStream, expectNoInternalErrors, FAST, kinesisClients } from './support.js';

const t = useCloud({ kinesis: FAST });
afterAll(() => expectNoInternalErrors(t));
const kinesisClient = kinesisClients(t);
const aws = awsCli(() => t.url);
const run = promisify(execFile);

describe('AWS CLI v1', () => {
  it('describe-stream-summary, put-record, get-shard-iterator, get-records, and an error', async () => {
    // Created through the SDK: the CLI's stream-exists waiter sleeps 10 s between polls.
    const name = await activeStream(kinesisClient());
    const summary = (await aws.json('kinesis', 'describe-stream-summary', '--stream-name', name)) as {
      StreamDescriptionSummary: { StreamStatus: string; StreamCreationTimestamp: number };
    };
    expect(summary.StreamDescriptionSummary).toMatchObject({
      StreamStatus: 'ACTIVE',
      StreamCreationTimestamp: expect.any(Number),
    });
    // The CLI v1 sends --data as given (base64-encoding it on the wire) and prints blobs as base64.
    const put = (await aws.json(
      'kinesis',
      'put-record',
      '--stream-name',
      name,
      '--partition-key',
      'k',
      '--data',
      'hello',
    )) as { ShardId: string; SequenceNumber: string };
    expect(put.ShardId).toBe('shardId-000000000000');
    const { ShardIterator } = (await aws.json(
      'kinesis',
      'get-shard-iterator',
      '--stream-name',
      name,
      '--shard-id',
      put.ShardId,
      '--shard-iterator-type',
      'TRIM_HORIZON',
    )) as { ShardIterator: string };
    const records = (await aws.json('kinesis', 'get-records', '--shard-iterator', ShardIterator)) as {
      Records: { Data: string; SequenceNumber: string; ApproximateArrivalTimestamp: number }[];
    };
    expect(records.Records).toEqual([
      {
        SequenceNumber: put.SequenceNumber,
        ApproximateArrivalTimestamp: expect.any(Number),
        Data: 'aGVsbG8=',
        PartitionKey: 'k',
      },
    ]);
    const missing = await aws.failure('kinesis', 'describe-stream-summary', '--stream-name', 'nope');
    expect(missing.stderr).toContain(
      `An error occurred (ResourceNotFoundException) when calling the DescribeStreamSummary operation: Stream nope under account ${ACCOUNT} not found.`,
    );
  });
});

describe('boto3', () => {
  it('put_records and get_records with bytes and datetimes', async () => {
    const name = await activeStream(kinesisClient(), 2);
    const script = `
import boto3, json, sys
k = boto3.client('kinesis', endpoint_url=sys.argv[1], region_name='us-east-1')
put = k.put_records(StreamName=sys.argv[2], Records=[{'Data': b'\\x00\\xff', 'PartitionKey': str(i)} for i in range(10)])
shards = [s['ShardId'] for s in k.list_shards(StreamName=sys.argv[2])['Shards']]
got = []
for shard in shards:
    it = k.get_shard_iterator(StreamName=sys.argv[2], ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    out = k.get_records(ShardIterator=it)
    got += [[r['Data'].hex(), r['ApproximateArrivalTimestamp'].year] for r in out['Records']]
print(json.dumps({'failed': put['FailedRecordCount'], 'shards': shards, 'got': got}))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, name], { env: AWS_CLI_ENV });
    const result = JSON.parse(stdout) as { failed: number; shards: string[]; got: [string, number][] };
    expect(result.failed).toBe(0);
    expect(result.shards).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(result.got).toHaveLength(10);
    expect(result.got.every(([hex, year]) => hex === '00ff' && year >= 2025)).toBe(true);
  });
});

describe('persistence', () => {
  it('keeps streams and acknowledged records across a restart, and iterators stay valid', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-kinesis-'));
    try {
      const client = (url: string) =>
        new KinesisClient({
          endpoint: url,
          region: 'us-east-1',
          credentials: TEST_CREDENTIALS,
          maxAttempts: 1,
        });
      const first = await startCloud({ port: 0, dataDir, kinesis: FAST });
      const before = client(first.url);
      const StreamName = await activeStream(before);
      const put = await before.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('kept') }));
      const { ShardIterator } = await before.send(
        new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
      );
      before.destroy();
      await first.close();
      const second = await startCloud({ port: 0, dataDir, kinesis: FAST });
      const after = client(second.url);
      try {
        const { Records } = await after.send(new GetRecordsCommand({ ShardIterator }));
        expect(Records?.map((r) => [r.SequenceNumber, Buffer.from(r.Data as Uint8Array).toString()])).toEqual([
          [put.SequenceNumber, 'kept'],
        ]);
        const next = await after.send(
          new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('more') }),
        );
        expect(BigInt(next.SequenceNumber as string)).toBeGreaterThan(BigInt(put.SequenceNumber as string));
      } finally {
        after.destroy();
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
