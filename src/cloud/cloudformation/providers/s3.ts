/** AWS::S3::Bucket and AWS::S3::BucketPolicy through the local S3 service. */
import {
  attributeValue,
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ResourceProvider,
} from './provider.js';

type Tag = { Key: string; Value: string };

function bucketAttributes(name: string, region: string): Record<string, unknown> {
  return {
    Arn: `arn:aws:s3:::${name}`,
    DomainName: `${name}.s3.amazonaws.com`,
    DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
    RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
    WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
  };
}

async function applyBucketSettings(
  name: string,
  properties: Properties,
  previous: Properties | undefined,
  ctx: ProviderContext,
): Promise<void> {
  const versioning = properties['VersioningConfiguration'] as { Status?: string } | undefined;
  const previousVersioning = previous?.['VersioningConfiguration'] as { Status?: string } | undefined;
  if (versioning?.Status && versioning.Status !== previousVersioning?.Status) {
    await ctx.call('s3', 'PutBucketVersioning', {
      Bucket: name,
      VersioningConfiguration: { Status: versioning.Status },
    });
  } else if (!versioning && previousVersioning?.Status === 'Enabled') {
    // Versioning cannot be turned off, only suspended (as CloudFormation does when it is removed).
    await ctx.call('s3', 'PutBucketVersioning', { Bucket: name, VersioningConfiguration: { Status: 'Suspended' } });
  }
  const tags = properties['Tags'] as Tag[] | undefined;
  if (JSON.stringify(tags) !== JSON.stringify(previous?.['Tags'])) {
    if (tags?.length) await ctx.call('s3', 'PutBucketTagging', { Bucket: name, Tagging: { TagSet: tags } });
    else await ctx.call('s3', 'DeleteBucketTagging', { Bucket: name });
  }
  const notification = properties['NotificationConfiguration'];
  if (JSON.stringify(notification) !== JSON.stringify(previous?.['NotificationConfiguration'])) {
    // S3 validates the destinations here: a failure fails the resource with S3's own message.
    await ctx.call('s3', 'PutBucketNotificationConfiguration', {
      Bucket: name,
      NotificationConfiguration: notificationConfiguration(notification as TemplateNotifications | undefined),
    });
  }
}

interface TemplateDestination {
  Event: string;
  Filter?: { S3Key?: { Rules?: { Name: string; Value: string }[] } };
  Function?: string;
  Queue?: string;
  Topic?: string;
}

interface TemplateNotifications {
  LambdaConfigurations?: TemplateDestination[];
  QueueConfigurations?: TemplateDestination[];
  TopicConfigurations?: TemplateDestination[];
}

/** The template's NotificationConfiguration (one Event each, `Filter.S3Key.Rules`) in S3's API shape. */
function notificationConfiguration(template: TemplateNotifications | undefined): Record<string, unknown> {
  const convert = (
    configs: TemplateDestination[] | undefined,
    arnMember: string,
    arnOf: (c: TemplateDestination) => unknown,
  ) =>
    configs?.map((c) => {
      const rules = c.Filter?.S3Key?.Rules ?? [];
      return {
        [arnMember]: arnOf(c),
        Events: [c.Event],
        ...(rules.length
          ? { Filter: { Key: { FilterRules: rules.map((r) => ({ Name: r.Name.toLowerCase(), Value: r.Value })) } } }
          : {}),
      };
    });
  const out: Record<string, unknown> = {};
  const lambda = convert(template?.LambdaConfigurations, 'LambdaFunctionArn', (c) => c.Function);
  const queues = convert(template?.QueueConfigurations, 'QueueArn', (c) => c.Queue);
  const topics = convert(template?.TopicConfigurations, 'TopicArn', (c) => c.Topic);
  if (lambda) out['LambdaFunctionConfigurations'] = lambda;
  if (queues) out['QueueConfigurations'] = queues;
  if (topics) out['TopicConfigurations'] = topics;
  return out;
}

export const bucketProvider: ResourceProvider = {
  type: 'AWS::S3::Bucket',
  attributes: ['Arn', 'DomainName', 'DualStackDomainName', 'RegionalDomainName', 'WebsiteURL'],
  replaceOn: ['BucketName'],
  async create(properties, ctx) {
    const name = (properties['BucketName'] as string | undefined) ?? ctx.generateName(63, { lowercase: true });
    await ctx.call('s3', 'CreateBucket', {
      Bucket: name,
      ...(ctx.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: ctx.region } }),
    });
    await applyBucketSettings(name, properties, undefined, ctx);
    return { physicalId: name, attributes: bucketAttributes(name, ctx.region) };
  },
  async update(current, properties, previous, ctx) {
    await applyBucketSettings(current.physicalId, properties, previous, ctx);
    return current;
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('s3', 'DeleteBucket', { Bucket: current.physicalId }), ['NoSuchBucket']);
  },
};

export const bucketPolicyProvider: ResourceProvider = {
  type: 'AWS::S3::BucketPolicy',
  attributes: [],
  replaceOn: ['Bucket'],
  async create(properties, ctx) {
    const bucket = String(properties['Bucket']);
    await ctx.call('s3', 'PutBucketPolicy', { Bucket: bucket, Policy: attributeValue(properties['PolicyDocument']) });
    return { physicalId: `${ctx.stackName}-${ctx.logicalId}-${bucket}`.slice(0, 255), attributes: {} };
  },
  async update(current, properties, _previous, ctx) {
    await ctx.call('s3', 'PutBucketPolicy', {
      Bucket: String(properties['Bucket']),
      Policy: attributeValue(properties['PolicyDocument']),
    });
    return current;
  },
  async delete(_current, properties, ctx) {
    await ignoreMissing(ctx.call('s3', 'DeleteBucketPolicy', { Bucket: String(properties['Bucket']) }), [
      'NoSuchBucket',
    ]);
  },
};

/** Policy documents are JSON objects in templates and JSON text on the wire. */
