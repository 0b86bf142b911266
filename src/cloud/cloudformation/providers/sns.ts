/**
 * AWS::SNS::Topic, AWS::SNS::Subscription and AWS::SNS::TopicPolicy through the local SNS service,
 * with the replacement rules of AWS's resource reference: a topic's TopicName and FifoTopic replace
 * it, a subscription's TopicArn, Protocol, Endpoint and Region replace it, everything else is
 * updated in place (properties taken out of the template go back to SNS's defaults).
 */
import { AwsError } from '../../errors.js';
import { defaultTopicPolicy } from '../../services/sns/constants.js';
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

const NOT_FOUND = ['NotFound'];

/** Attribute values are strings: JSON properties may be objects, booleans become 'true' / 'false'. */
/** The attributes named in `names` that `properties` sets, as strings. */
function attributesOf(properties: Properties, names: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of names) {
    if (properties[name] !== undefined) attributes[name] = attributeValue(properties[name]);
  }
  return attributes;
}

/**
 * The attribute changes that take `previous` to `next`: changed values, and removed ones reset to
 * `resetValues[name]` (or '' when it names none, which clears the attribute).
 */
function attributeChanges(
  next: Record<string, string>,
  previous: Record<string, string>,
  resetValues: Record<string, string>,
): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const name of new Set([...Object.keys(next), ...Object.keys(previous)])) {
    if (next[name] === previous[name]) continue;
    changes[name] = next[name] ?? resetValues[name] ?? '';
  }
  return changes;
}

// --- AWS::SNS::Topic ---------------------------------------------------------------------------

/** Template properties that are topic attributes of the same name. */
const TOPIC_ATTRIBUTE_PROPERTIES = [
  'DisplayName',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
  'DataProtectionPolicy',
  'ArchivePolicy',
  'FifoThroughputScope',
];

/** What an attribute returns to when its property leaves the template (others are cleared). */
const TOPIC_RESET_VALUES: Record<string, string> = {
  ContentBasedDeduplication: 'false',
  SignatureVersion: '1',
  TracingConfig: 'PassThrough',
};

/** DeliveryStatusLogging's protocols and the prefix of the topic attributes they set. */
const LOGGING_PREFIXES: Record<string, string> = {
  'http/s': 'HTTP',
  sqs: 'SQS',
  lambda: 'Lambda',
  firehose: 'Firehose',
  application: 'Application',
};

interface LoggingConfig {
  Protocol: string;
  SuccessFeedbackRoleArn?: string;
  SuccessFeedbackSampleRate?: string | number;
  FailureFeedbackRoleArn?: string;
}

/** DeliveryStatusLogging as the `<Protocol>SuccessFeedbackRoleArn` ... attributes SNS stores. */
function loggingAttributes(properties: Properties): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const config of (properties['DeliveryStatusLogging'] as LoggingConfig[] | undefined) ?? []) {
    const prefix = LOGGING_PREFIXES[config.Protocol] ?? config.Protocol;
    if (config.SuccessFeedbackRoleArn !== undefined) {
      attributes[`${prefix}SuccessFeedbackRoleArn`] = config.SuccessFeedbackRoleArn;
    }
    if (config.SuccessFeedbackSampleRate !== undefined) {
      attributes[`${prefix}SuccessFeedbackSampleRate`] = String(config.SuccessFeedbackSampleRate);
    }
    if (config.FailureFeedbackRoleArn !== undefined) {
      attributes[`${prefix}FailureFeedbackRoleArn`] = config.FailureFeedbackRoleArn;
    }
  }
  return attributes;
}

function topicAttributes(properties: Properties): Record<string, string> {
  return { ...attributesOf(properties, TOPIC_ATTRIBUTE_PROPERTIES), ...loggingAttributes(properties) };
}

function isFifoTopic(properties: Properties): boolean {
  return attributeValue(properties['FifoTopic'] ?? 'false').toLowerCase() === 'true';
}

interface InlineSubscription {
  Protocol: string;
  Endpoint: string;
}

function inlineSubscriptions(properties: Properties): InlineSubscription[] {
  return (properties['Subscription'] as InlineSubscription[] | undefined) ?? [];
}

function sameSubscription(a: InlineSubscription, b: InlineSubscription): boolean {
  return a.Protocol === b.Protocol && a.Endpoint === b.Endpoint;
}

async function subscribeAll(ctx: ProviderContext, topicArn: string, subscriptions: InlineSubscription[]) {
  for (const { Protocol, Endpoint } of subscriptions) {
    await ctx.call('sns', 'Subscribe', { TopicArn: topicArn, Protocol, Endpoint, ReturnSubscriptionArn: true });
  }
}

/** Unsubscribes the topic's subscriptions that match one of `subscriptions`. */
async function unsubscribeAll(ctx: ProviderContext, topicArn: string, subscriptions: InlineSubscription[]) {
  if (subscriptions.length === 0) return;
  let NextToken: string | undefined;
  do {
    const page = await ctx.call<{
      Subscriptions?: { SubscriptionArn: string; Protocol: string; Endpoint: string }[];
      NextToken?: string;
    }>('sns', 'ListSubscriptionsByTopic', { TopicArn: topicArn, ...(NextToken ? { NextToken } : {}) });
    for (const existing of page.Subscriptions ?? []) {
      if (!subscriptions.some((s) => sameSubscription(s, existing))) continue;
      // A pending subscription is listed as 'PendingConfirmation', without its ARN: AWS's handler
      // cannot remove those either; they lapse unconfirmed.
      if (!existing.SubscriptionArn.startsWith('arn:')) continue;
      await ignoreMissing(ctx.call('sns', 'Unsubscribe', { SubscriptionArn: existing.SubscriptionArn }), NOT_FOUND);
    }
    NextToken = page.NextToken;
  } while (NextToken);
}

/**
 * CreateTopic returns an existing topic of the same name; CloudFormation's handler instead fails,
 * so that a stack never adopts (and later deletes) a topic it did not create.
 */
async function refuseExistingTopic(ctx: ProviderContext, arn: string): Promise<void> {
  try {
    await ctx.call('sns', 'GetTopicAttributes', { TopicArn: arn });
  } catch (error) {
    if (error instanceof AwsError && error.code === 'NotFound') return;
    throw error;
  }
  throw new AwsError('AlreadyExists', `Resource of type 'AWS::SNS::Topic' with identifier '${arn}' already exists.`);
}

function provisionedTopic(arn: string): ProvisionedResource {
  return { physicalId: arn, attributes: { TopicArn: arn, TopicName: arn.slice(arn.lastIndexOf(':') + 1) } };
}

export const topicProvider: ResourceProvider = {
  type: 'AWS::SNS::Topic',
  attributes: ['TopicArn', 'TopicName'],
  replaceOn: ['TopicName', 'FifoTopic'],
  async create(properties, ctx) {
    const fifo = isFifoTopic(properties);
    // CloudFormation names an unnamed FIFO topic with the required .fifo suffix.
    const name =
      (properties['TopicName'] as string | undefined) ?? `${ctx.generateName(fifo ? 251 : 256)}${fifo ? '.fifo' : ''}`;
    await refuseExistingTopic(ctx, `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`);
    const tags = tagMap(properties['Tags']);
    const { TopicArn } = await ctx.call<{ TopicArn: string }>('sns', 'CreateTopic', {
      Name: name,
      Attributes: { ...(fifo ? { FifoTopic: 'true' } : {}), ...topicAttributes(properties) },
      ...(Object.keys(tags).length > 0 ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    });
    try {
      await subscribeAll(ctx, TopicArn, inlineSubscriptions(properties));
    } catch (error) {
      // A failed create leaves nothing behind: the engine never learns this topic's ARN.
      await ctx.call('sns', 'DeleteTopic', { TopicArn });
      throw error;
    }
    return provisionedTopic(TopicArn);
  },
  async update(current, properties, previous, ctx) {
    const TopicArn = current.physicalId;
    const changes = attributeChanges(topicAttributes(properties), topicAttributes(previous), TOPIC_RESET_VALUES);
    for (const [AttributeName, AttributeValue] of Object.entries(changes)) {
      await ctx.call('sns', 'SetTopicAttributes', { TopicArn, AttributeName, AttributeValue });
    }
    const next = inlineSubscriptions(properties);
    const before = inlineSubscriptions(previous);
    await unsubscribeAll(
      ctx,
      TopicArn,
      before.filter((s) => !next.some((n) => sameSubscription(n, s))),
    );
    await subscribeAll(
      ctx,
      TopicArn,
      next.filter((s) => !before.some((b) => sameSubscription(b, s))),
    );
    const tags = tagChanges(properties['Tags'], previous['Tags']);
    if (tags.removed.length > 0) {
      await ctx.call('sns', 'UntagResource', { ResourceArn: TopicArn, TagKeys: tags.removed });
    }
    if (Object.keys(tags.set).length > 0) {
      await ctx.call('sns', 'TagResource', {
        ResourceArn: TopicArn,
        Tags: Object.entries(tags.set).map(([Key, Value]) => ({ Key, Value })),
      });
    }
    return current;
  },
  async delete(current, _properties, ctx) {
    // DeleteTopic succeeds for a topic already gone, and takes its subscriptions with it.
    await ctx.call('sns', 'DeleteTopic', { TopicArn: current.physicalId });
  },
};

// --- AWS::SNS::Subscription --------------------------------------------------------------------

/** Template properties that are subscription attributes of the same name. */
const SUBSCRIPTION_ATTRIBUTE_PROPERTIES = [
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
];

const SUBSCRIPTION_RESET_VALUES: Record<string, string> = {
  RawMessageDelivery: 'false',
  FilterPolicyScope: 'MessageAttributes',
};

/**
 * The changed attributes in an order SNS accepts one at a time: a filter policy is checked against
 * the scope stored when it is set, so a removed policy goes first, a scope moving to MessageBody
 * (where attribute-style policies stay valid) before the new policy, and otherwise the policy first.
 */
function inSettableOrder(changes: Record<string, string>): string[] {
  const names = Object.keys(changes).filter((name) => name !== 'FilterPolicy' && name !== 'FilterPolicyScope');
  const policy = changes['FilterPolicy'];
  const scope = changes['FilterPolicyScope'];
  const filter =
    policy !== undefined && (policy === '' || scope !== 'MessageBody')
      ? ['FilterPolicy', 'FilterPolicyScope']
      : ['FilterPolicyScope', 'FilterPolicy'];
  return [...filter.filter((name) => changes[name] !== undefined), ...names];
}

export const subscriptionProvider: ResourceProvider = {
  type: 'AWS::SNS::Subscription',
  attributes: ['Arn'],
  replaceOn: ['TopicArn', 'Protocol', 'Endpoint', 'Region'],
  async create(properties, ctx) {
    // The topic's ARN names its region: Region (a subscription to another region's topic) needs
    // nothing more here, since the local cloud finds a topic by its ARN.
    const { SubscriptionArn } = await ctx.call<{ SubscriptionArn: string }>('sns', 'Subscribe', {
      TopicArn: properties['TopicArn'],
      Protocol: properties['Protocol'],
      ...(properties['Endpoint'] !== undefined ? { Endpoint: properties['Endpoint'] } : {}),
      Attributes: attributesOf(properties, SUBSCRIPTION_ATTRIBUTE_PROPERTIES),
      ReturnSubscriptionArn: true,
    });
    return { physicalId: SubscriptionArn, attributes: { Arn: SubscriptionArn } };
  },
  async update(current, properties, previous, ctx) {
    const changes = attributeChanges(
      attributesOf(properties, SUBSCRIPTION_ATTRIBUTE_PROPERTIES),
      attributesOf(previous, SUBSCRIPTION_ATTRIBUTE_PROPERTIES),
      SUBSCRIPTION_RESET_VALUES,
    );
    // Clearing the filter policy clears its scope too.
    if (changes['FilterPolicy'] === '' && properties['FilterPolicyScope'] === undefined) {
      delete changes['FilterPolicyScope'];
    }
    for (const name of inSettableOrder(changes)) {
      await ctx.call('sns', 'SetSubscriptionAttributes', {
        SubscriptionArn: current.physicalId,
        AttributeName: name,
        AttributeValue: changes[name],
      });
    }
    return current;
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('sns', 'Unsubscribe', { SubscriptionArn: current.physicalId }), NOT_FOUND);
  },
};

// --- AWS::SNS::TopicPolicy ---------------------------------------------------------------------

/** AWS::SNS::TopicPolicy: dropped topics get the policy AWS gives a topic created without one. */
export const topicPolicyProvider = policyAttachmentProvider({
  type: 'AWS::SNS::TopicPolicy',
  targetsProperty: 'Topics',
  apply: (ctx, TopicArn, policy) =>
    ctx.call('sns', 'SetTopicAttributes', { TopicArn, AttributeName: 'Policy', AttributeValue: policy }),
  reset: (ctx, TopicArn) =>
    ignoreMissing(
      ctx.call('sns', 'SetTopicAttributes', {
        TopicArn,
        AttributeName: 'Policy',
        AttributeValue: defaultTopicPolicy(TopicArn, TopicArn.split(':')[4] ?? ctx.accountId),
      }),
      NOT_FOUND,
    ),
});
