/**
 * AWS::Kinesis::Stream through the local Kinesis service. Ref is the stream name, GetAtt Arn its
 * ARN. As AWS's resource reference says, a new Name replaces the stream; ShardCount, retention,
 * capacity mode, encryption and tags update in place. Like CloudFormation, the provider waits
 * for the stream to be ACTIVE after each change (and gone after a delete).
 */
import type { DescribeStreamSummaryOutput } from '@aws-sdk/client-kinesis';
import { AwsError } from '../../errors.js';
import {
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ResourceProvider,
  stabilize,
  tagChanges,
  tagMap,
} from './provider.js';

interface Encryption {
  EncryptionType?: string;
  KeyId?: string;
}

function modeOf(properties: Properties): 'PROVISIONED' | 'ON_DEMAND' {
  const details = properties['StreamModeDetails'] as { StreamMode?: string } | undefined;
  return details?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
}

/** Polls DescribeStreamSummary until the stream is ACTIVE (or, with `gone`, until it no longer exists). */
async function settle(ctx: ProviderContext, name: string, gone = false): Promise<void> {
  await stabilize(`Stream ${name}`, async () => {
    try {
      const out = await ctx.call<DescribeStreamSummaryOutput>('kinesis', 'DescribeStreamSummary', { StreamName: name });
      return !gone && out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
    } catch (error) {
      if (gone && error instanceof AwsError && error.code === 'ResourceNotFoundException') return true;
      throw error;
    }
  });
}

async function setRetention(ctx: ProviderContext, name: string, from: number, to: number): Promise<void> {
  if (to === from) return;
  const operation = to > from ? 'IncreaseStreamRetentionPeriod' : 'DecreaseStreamRetentionPeriod';
  await ctx.call('kinesis', operation, { StreamName: name, RetentionPeriodHours: to });
}

async function setEncryption(ctx: ProviderContext, name: string, encryption: Encryption | undefined): Promise<void> {
  if (encryption?.EncryptionType === 'KMS') {
    await ctx.call('kinesis', 'StartStreamEncryption', {
      StreamName: name,
      EncryptionType: 'KMS',
      KeyId: encryption.KeyId,
    });
  } else {
    await ctx.call('kinesis', 'StopStreamEncryption', { StreamName: name, EncryptionType: 'KMS', KeyId: 'none' });
  }
  await settle(ctx, name);
}

export const streamProvider: ResourceProvider = {
  type: 'AWS::Kinesis::Stream',
  attributes: ['Arn'],
  replaceOn: ['Name'],
  async create(properties, ctx) {
    const name = (properties['Name'] as string | undefined) ?? ctx.generateName(128);
    const mode = modeOf(properties);
    const tags = tagMap(properties['Tags']);
    await ctx.call('kinesis', 'CreateStream', {
      StreamName: name,
      StreamModeDetails: { StreamMode: mode },
      ...(mode === 'PROVISIONED' ? { ShardCount: Number(properties['ShardCount'] ?? 1) } : {}),
      ...(Object.keys(tags).length ? { Tags: tags } : {}),
    });
    await settle(ctx, name);
    await setRetention(ctx, name, 24, Number(properties['RetentionPeriodHours'] ?? 24));
    const encryption = properties['StreamEncryption'] as Encryption | undefined;
    if (encryption) await setEncryption(ctx, name, encryption);
    return { physicalId: name, attributes: { Arn: `arn:aws:kinesis:${ctx.region}:${ctx.accountId}:stream/${name}` } };
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    const mode = modeOf(properties);
    if (mode !== modeOf(previous)) {
      await ctx.call('kinesis', 'UpdateStreamMode', {
        StreamARN: current.attributes['Arn'],
        StreamModeDetails: { StreamMode: mode },
      });
      await settle(ctx, name);
    }
    const shards = Number(properties['ShardCount'] ?? 1);
    if (mode === 'PROVISIONED' && shards !== Number(previous['ShardCount'] ?? 1)) {
      await ctx.call('kinesis', 'UpdateShardCount', {
        StreamName: name,
        TargetShardCount: shards,
        ScalingType: 'UNIFORM_SCALING',
      });
      await settle(ctx, name);
    }
    await setRetention(
      ctx,
      name,
      Number(previous['RetentionPeriodHours'] ?? 24),
      Number(properties['RetentionPeriodHours'] ?? 24),
    );
    if (JSON.stringify(properties['StreamEncryption']) !== JSON.stringify(previous['StreamEncryption'])) {
      await setEncryption(ctx, name, properties['StreamEncryption'] as Encryption | undefined);
    }
    const tags = tagChanges(properties['Tags'], previous['Tags']);
    if (tags.removed.length) {
      await ctx.call('kinesis', 'RemoveTagsFromStream', { StreamName: name, TagKeys: tags.removed });
    }
    if (Object.keys(tags.set).length)
      await ctx.call('kinesis', 'AddTagsToStream', { StreamName: name, Tags: tags.set });
    return current;
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('kinesis', 'DeleteStream', { StreamName: current.physicalId }), [
      'ResourceNotFoundException',
    ]);
    await settle(ctx, current.physicalId, true);
  },
};
