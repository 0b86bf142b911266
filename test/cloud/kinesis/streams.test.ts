/** Streams: lifecycle and waiters, describe/list/pagination, addressing by ARN, quotas, retention, tags. */
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
  TagResourceCommand,
  waitUntilStreamNotExists,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { ACCOUNT, activeStream, arnOf, expectNoInternalErrors, kinesisClients, OBSERVABLE } from './support.js';

const t = useCloud({ kinesis: { ...OBSERVABLE, shardLimit: 40, streamsInTransitionLimit: 50 } });
afterAll(() => expectNoInternalErrors(t));
const kinesisClient = kinesisClients(t);

describe('CreateStream', () => {
  it('goes CREATING -> ACTIVE, with evenly split hash ranges and AWS fields', async () => {
    const kinesis = kinesisClient();
    const StreamName = randomName('create');
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    const first = await kinesis.send(new DescribeStreamCommand({ StreamName }));
    expect(first.StreamDescription?.StreamStatus).toBe('CREATING');
    expect(first.StreamDescription?.Shards).toEqual([]);
    const active = await waitFor('ACTIVE', async () => {
      const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName }));
      return StreamDescription?.StreamStatus === 'ACTIVE' ? StreamDescription : undefined;
    });
    expect(active).toEqual({
      StreamName,
      StreamARN: arnOf(StreamName),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      Shards: [
        {
          ShardId: 'shardId-000000000000',
          HashKeyRange: { StartingHashKey: '0', EndingHashKey: '170141183460469231731687303715884105727' },
          SequenceNumberRange: { StartingSequenceNumber: expect.stringMatching(/^49\d{54}$/) },
        },
        {
          ShardId: 'shardId-000000000001',
          HashKeyRange: {
            StartingHashKey: '170141183460469231731687303715884105728',
            EndingHashKey: '340282366920938463463374607431768211455',
          },
          SequenceNumberRange: { StartingSequenceNumber: expect.stringMatching(/^49\d{54}$/) },
        },
      ],
      HasMoreShards: false,
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: expect.any(Date),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
    });
  });

  it('creates an ON_DEMAND stream with 4 shards, and one without ShardCount is ON_DEMAND', async () => {
    const kinesis = kinesisClient();
    const named = await activeStream(kinesis, undefined, {
      ShardCount: undefined,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: named }));
    expect(StreamDescriptionSummary).toMatchObject({
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      OpenShardCount: 4,
    });
    const implicit = await activeStream(kinesis, undefined, { ShardCount: undefined });
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: implicit }));
    expect(summary.StreamDescriptionSummary?.StreamModeDetails?.StreamMode).toBe('ON_DEMAND');
  });

  it('answers ResourceInUseException for a name in use', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    expect(await failure(kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 })))).toEqual({
      name: 'ResourceInUseException',
      message: `Stream ${StreamName} under account ${ACCOUNT} already exists.`,
      status: 400,
    });
  });

  it('validates the name and shard count from the model', async () => {
    const kinesis = kinesisClient();
    expect(await failure(kinesis.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 0 })))).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
      status: 400,
    });
  });
});

describe('quotas', () => {
  it('refuses shards beyond the account quota with AWS message, and DescribeLimits counts open shards', async () => {
    const kinesis = kinesisClient({ region: 'eu-west-1' });
    await activeStream(kinesis, 30);
    const limits = await kinesis.send(new DescribeLimitsCommand({}));
    expect(limits).toMatchObject({
      ShardLimit: 40,
      OpenShardCount: 30,
      OnDemandStreamCount: 0,
      OnDemandStreamCountLimit: 50,
    });
    expect(
      await failure(kinesis.send(new CreateStreamCommand({ StreamName: randomName('over'), ShardCount: 11 }))),
    ).toEqual({
      name: 'LimitExceededException',
      message:
        `This request would exceed the shard limit for the account ${ACCOUNT} in eu-west-1. Current shard count for the account: 30. ` +
        'Limit: 40. Number of additional shards that would have resulted from this request: 11. Refer to the AWS Service Limits page ' +
        '(https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.',
      status: 400,
    });
  });
});

describe('DeleteStream', () => {
  it('goes DELETING then away (waitUntilStreamNotExists), and the name is free again', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    await kinesis.send(new DeleteStreamCommand({ StreamName }));
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName }));
    expect(StreamDescription?.StreamStatus).toBe('DELETING');
    await waitUntilStreamNotExists({ client: kinesis, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 }, { StreamName });
    expect(await failure(kinesis.send(new DescribeStreamSummaryCommand({ StreamName })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Stream ${StreamName} under account ${ACCOUNT} not found.`,
      status: 400,
    });
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  });
});

describe('addressing and listing', () => {
  it('finds a stream by StreamARN', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamARN: arnOf(StreamName) }),
    );
    expect(StreamDescriptionSummary).toMatchObject({
      StreamName,
      StreamStatus: 'ACTIVE',
      OpenShardCount: 1,
      ConsumerCount: 0,
      RetentionPeriodHours: 24,
    });
  });

  it('pages ListStreams with NextToken and StreamSummaries', async () => {
    const kinesis = kinesisClient({ region: 'ap-south-1' });
    const names = [await activeStream(kinesis), await activeStream(kinesis), await activeStream(kinesis)].sort();
    const first = await kinesis.send(new ListStreamsCommand({ Limit: 2 }));
    expect(first).toMatchObject({
      StreamNames: names.slice(0, 2),
      HasMoreStreams: true,
      NextToken: expect.any(String),
    });
    expect(first.StreamSummaries?.[0]).toEqual({
      StreamName: names[0],
      StreamARN: arnOf(names[0] as string, 'ap-south-1'),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamCreationTimestamp: expect.any(Date),
    });
    const second = await kinesis.send(new ListStreamsCommand({ NextToken: first.NextToken }));
    expect(second.StreamNames).toEqual(names.slice(2));
    expect(second.HasMoreStreams).toBe(false);
    expect(second.NextToken).toBeUndefined();
  });

  it('pages DescribeStream shards with Limit and ExclusiveStartShardId', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis, 3);
    const page = await kinesis.send(new DescribeStreamCommand({ StreamName, Limit: 2 }));
    expect(page.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    expect(page.StreamDescription?.HasMoreShards).toBe(true);
    const rest = await kinesis.send(
      new DescribeStreamCommand({ StreamName, ExclusiveStartShardId: 'shardId-000000000001' }),
    );
    expect(rest.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000002']);
  });
});

describe('retention', () => {
  it('increases and decreases within 24..8760 hours with AWS messages', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis);
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: 48 }));
    expect(
      await failure(kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: 72 }))),
    ).toEqual({
      name: 'InvalidArgumentException',
      message: `Requested retention period (72 hours) for stream ${StreamName} can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.`,
      status: 400,
    });
    expect(
      await failure(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: 9000 }))),
    ).toMatchObject({
      name: 'InvalidArgumentException',
      message: expect.stringContaining('Maximum allowed retention period is 8760 hours'),
    });
    await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: 24 }));
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    expect(StreamDescriptionSummary?.RetentionPeriodHours).toBe(24);
  });
});

describe('tags', () => {
  it('adds, lists, removes tags by name and by ARN', async () => {
    const kinesis = kinesisClient();
    const StreamName = await activeStream(kinesis, 1, { Tags: { team: 'core' } });
    await kinesis.send(new AddTagsToStreamCommand({ StreamName, Tags: { stage: 'dev', app: 'orders' } }));
    await kinesis.send(new TagResourceCommand({ ResourceARN: arnOf(StreamName), Tags: { cost: '1' } }));
    const page = await kinesis.send(new ListTagsForStreamCommand({ StreamName, Limit: 3 }));
    expect(page).toMatchObject({
      Tags: [
        { Key: 'app', Value: 'orders' },
        { Key: 'cost', Value: '1' },
        { Key: 'stage', Value: 'dev' },
      ],
      HasMoreTags: true,
    });
    await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName, TagKeys: ['app', 'cost'] }));
    const { Tags } = await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: arnOf(StreamName) }));
    expect(Tags).toEqual([
      { Key: 'stage', Value: 'dev' },
      { Key: 'team', Value: 'core' },
    ]);
  });
});
