/** Resharding and ListShards: split, merge, UpdateShardCount, lineage, closed shards' ends, ChildShards. */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, activeStream, expectNoInternalErrors, kinesisClients, OBSERVABLE, waitActive } from './support.js';

const t = useCloud({ kinesis: OBSERVABLE });
afterAll(() => expectNoInternalErrors(t));
const kinesisClient = kinesisClients(t);
const HALF = 2n ** 127n;

describe('SplitShard', () => {
  it('closes the parent at its last record and opens two children that name it', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    const put = await kinesis.send(
      new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('before') }),
    );
    const parentIterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    await kinesis.send(
      new SplitShardCommand({ StreamName, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: String(HALF) }),
    );
    expect(
      await failure(
        kinesis.send(
          new SplitShardCommand({ StreamName, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '5' }),
        ),
      ),
    ).toEqual({
      name: 'ResourceInUseException',
      message: `Stream ${StreamName} under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
      status: 400,
    });
    await waitActive(kinesis, StreamName);
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName }));
    expect(Shards).toEqual([
      {
        ShardId: 'shardId-000000000000',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: String(2n ** 128n - 1n) },
        SequenceNumberRange: { StartingSequenceNumber: expect.any(String), EndingSequenceNumber: put.SequenceNumber },
      },
      {
        ShardId: 'shardId-000000000001',
        ParentShardId: 'shardId-000000000000',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: String(HALF - 1n) },
        SequenceNumberRange: { StartingSequenceNumber: expect.any(String) },
      },
      {
        ShardId: 'shardId-000000000002',
        ParentShardId: 'shardId-000000000000',
        HashKeyRange: { StartingHashKey: String(HALF), EndingHashKey: String(2n ** 128n - 1n) },
        SequenceNumberRange: { StartingSequenceNumber: expect.any(String) },
      },
    ]);
    const last = await kinesis.send(new GetRecordsCommand({ ShardIterator: parentIterator }));
    expect(last.Records?.map((r) => Buffer.from(r.Data as Uint8Array).toString())).toEqual(['before']);
    expect(last.NextShardIterator).toBeUndefined();
    expect(last.ChildShards).toEqual([
      { ShardId: 'shardId-000000000001', ParentShards: ['shardId-000000000000'], HashKeyRange: expect.any(Object) },
      { ShardId: 'shardId-000000000002', ParentShards: ['shardId-000000000000'], HashKeyRange: expect.any(Object) },
    ]);
    const after = await kinesis.send(
      new PutRecordCommand({ StreamName, PartitionKey: 'k', ExplicitHashKey: String(HALF), Data: Buffer.from('x') }),
    );
    expect(after.ShardId).toBe('shardId-000000000002');
    const open = await kinesis.send(new ListShardsCommand({ StreamName, ShardFilter: { Type: 'AT_LATEST' } }));
    expect(open.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
  });

  it('refuses a hash key outside the shard and a shard that is not there', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    expect(
      await failure(
        kinesis.send(
          new SplitShardCommand({ StreamName, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('is not both greater than one plus'),
    });
    expect(
      await failure(
        kinesis.send(
          new SplitShardCommand({ StreamName, ShardToSplit: 'shardId-000000000004', NewStartingHashKey: '10' }),
        ),
      ),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find shard shardId-000000000004 in stream ${StreamName} under account ${ACCOUNT}.`,
      status: 400,
    });
  });
});

describe('MergeShards and UpdateShardCount', () => {
  it('merges adjacent shards into one with both parents', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis, 3);
    expect(
      await failure(
        kinesis.send(
          new MergeShardsCommand({
            StreamName,
            ShardToMerge: 'shardId-000000000000',
            AdjacentShardToMerge: 'shardId-000000000002',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('are not an adjacent pair of shards'),
    });
    await kinesis.send(
      new MergeShardsCommand({
        StreamName,
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000002',
      }),
    );
    await waitActive(kinesis, StreamName);
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName, ShardFilter: { Type: 'AT_LATEST' } }));
    expect(Shards?.map((s) => [s.ShardId, s.ParentShardId, s.AdjacentParentShardId])).toEqual([
      ['shardId-000000000000', undefined, undefined],
      ['shardId-000000000003', 'shardId-000000000001', 'shardId-000000000002'],
    ]);
  });

  it('scales uniformly within half and double, and pages ListShards', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis, 2);
    expect(
      await failure(
        kinesis.send(new UpdateShardCountCommand({ StreamName, TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' })),
      ),
    ).toEqual({
      name: 'LimitExceededException',
      message:
        'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2 Target shard count: 5',
      status: 400,
    });
    const result = await kinesis.send(
      new UpdateShardCountCommand({ StreamName, TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
    );
    expect(result).toMatchObject({ StreamName, CurrentShardCount: 2, TargetShardCount: 4 });
    await waitActive(kinesis, StreamName);
    const first = await kinesis.send(new ListShardsCommand({ StreamName, MaxResults: 4 }));
    expect(first.Shards).toHaveLength(4);
    const second = await kinesis.send(new ListShardsCommand({ NextToken: first.NextToken }));
    expect(second.Shards?.map((s) => [s.ShardId, s.ParentShardId])).toEqual([
      ['shardId-000000000004', 'shardId-000000000001'],
      ['shardId-000000000005', 'shardId-000000000001'],
    ]);
    expect(second.NextToken).toBeUndefined();
    expect(await failure(kinesis.send(new ListShardsCommand({ StreamName, NextToken: first.NextToken })))).toEqual({
      name: 'InvalidArgumentException',
      message: 'NextToken and StreamName cannot be provided together.',
      status: 400,
    });
  });
});
