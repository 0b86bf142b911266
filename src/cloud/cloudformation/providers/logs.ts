/** AWS::Logs::LogGroup through the local CloudWatch Logs service. */
import { ignoreMissing, type ResourceProvider, tagMap } from './provider.js';

export const logGroupProvider: ResourceProvider = {
  type: 'AWS::Logs::LogGroup',
  attributes: ['Arn'],
  replaceOn: ['LogGroupName', 'KmsKeyId', 'LogGroupClass'],
  async create(properties, ctx) {
    const name = (properties['LogGroupName'] as string | undefined) ?? ctx.generateName(512);
    const tags = tagMap(properties['Tags']);
    await ctx.call('logs', 'CreateLogGroup', { logGroupName: name, ...(Object.keys(tags).length ? { tags } : {}) });
    if (properties['RetentionInDays'] !== undefined) {
      await ctx.call('logs', 'PutRetentionPolicy', {
        logGroupName: name,
        retentionInDays: Number(properties['RetentionInDays']),
      });
    }
    return { physicalId: name, attributes: { Arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*` } };
  },
  async update(current, properties, previous, ctx) {
    if (properties['RetentionInDays'] !== previous['RetentionInDays']) {
      if (properties['RetentionInDays'] === undefined) {
        await ctx.call('logs', 'DeleteRetentionPolicy', { logGroupName: current.physicalId });
      } else {
        await ctx.call('logs', 'PutRetentionPolicy', {
          logGroupName: current.physicalId,
          retentionInDays: Number(properties['RetentionInDays']),
        });
      }
    }
    return current;
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('logs', 'DeleteLogGroup', { logGroupName: current.physicalId }), [
      'ResourceNotFoundException',
    ]);
  },
};
