/**
 * AWS::SQS::Queue and AWS::SQS::QueuePolicy through the local SQS service. A queue's Ref is its
 * URL; QueueName and FifoQueue replace it, every other property is updated in place (properties
 * taken out of the template go back to SQS's defaults), as AWS's resource reference documents.
 */
import {
  attributeValue,
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ProvisionedResource,
  policyAttachmentProvider,
  type ResourceProvider,
  tagChanges,
  tagMap,
} from './provider.js';

/** Template properties that are queue attributes of the same name. */
const ATTRIBUTE_PROPERTIES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];

/** The value an attribute returns to when its property is removed from the template. */
const RESET_VALUES: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  RedrivePolicy: '',
  RedriveAllowPolicy: '',
  ContentBasedDeduplication: 'false',
  KmsMasterKeyId: '',
  KmsDataKeyReusePeriodSeconds: '300',
};

const QUEUE_DOES_NOT_EXIST = ['QueueDoesNotExist'];

/** Attribute values are strings; JSON policies may be given as objects. */
function queueAttributes(properties: Properties): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTE_PROPERTIES) {
    if (properties[name] !== undefined) attributes[name] = attributeValue(properties[name]);
  }
  return attributes;
}

function isFifo(properties: Properties): boolean {
  return attributeValue(properties['FifoQueue'] ?? 'false').toLowerCase() === 'true';
}

function provisioned(url: string, ctx: ProviderContext): ProvisionedResource {
  const name = url.slice(url.lastIndexOf('/') + 1);
  return {
    physicalId: url,
    attributes: { Arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`, QueueName: name, QueueUrl: url },
  };
}

export const queueProvider: ResourceProvider = {
  type: 'AWS::SQS::Queue',
  attributes: ['Arn', 'QueueName', 'QueueUrl'],
  replaceOn: ['QueueName', 'FifoQueue'],
  async create(properties, ctx) {
    const fifo = isFifo(properties);
    // CloudFormation names an unnamed FIFO queue with the required .fifo suffix.
    const name =
      (properties['QueueName'] as string | undefined) ?? `${ctx.generateName(fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
    const tags = tagMap(properties['Tags']);
    const { QueueUrl } = await ctx.call<{ QueueUrl: string }>('sqs', 'CreateQueue', {
      QueueName: name,
      Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), ...queueAttributes(properties) },
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
    });
    return provisioned(QueueUrl, ctx);
  },
  async update(current, properties, previous, ctx) {
    const next = queueAttributes(properties);
    const before = queueAttributes(previous);
    const changes: Record<string, string> = {};
    for (const name of ATTRIBUTE_PROPERTIES) {
      if (next[name] === before[name]) continue;
      const value = next[name] ?? RESET_VALUES[name];
      if (value !== undefined) changes[name] = value;
    }
    if (Object.keys(changes).length > 0) {
      await ctx.call('sqs', 'SetQueueAttributes', { QueueUrl: current.physicalId, Attributes: changes });
    }
    const tags = tagChanges(properties['Tags'], previous['Tags']);
    if (tags.removed.length > 0) {
      await ctx.call('sqs', 'UntagQueue', { QueueUrl: current.physicalId, TagKeys: tags.removed });
    }
    if (Object.keys(tags.set).length > 0) {
      await ctx.call('sqs', 'TagQueue', { QueueUrl: current.physicalId, Tags: tags.set });
    }
    return current;
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('sqs', 'DeleteQueue', { QueueUrl: current.physicalId }), QUEUE_DOES_NOT_EXIST);
  },
};

export const queuePolicyProvider = policyAttachmentProvider({
  type: 'AWS::SQS::QueuePolicy',
  targetsProperty: 'Queues',
  apply: (ctx, QueueUrl, policy) => ctx.call('sqs', 'SetQueueAttributes', { QueueUrl, Attributes: { Policy: policy } }),
  reset: (ctx, QueueUrl) =>
    ignoreMissing(
      ctx.call('sqs', 'SetQueueAttributes', { QueueUrl, Attributes: { Policy: '' } }),
      QUEUE_DOES_NOT_EXIST,
    ),
});
