/**
 * AWS::Lambda::EventSourceMapping through the local Lambda API. Ref is the mapping's UUID; GetAtt
 * gives `Id` (the UUID) and `EventSourceMappingArn`. As AWS's resource reference says, a new event
 * source or starting position replaces the mapping; everything else (the function included)
 * updates in place. Like CloudFormation, the provider waits for a settled state after each change
 * (Enabled or Disabled, and gone after a delete).
 */
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { AwsError } from '../../errors.js';
import { retag } from './lambda.js';
import {
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ResourceProvider,
  stabilize,
  tagMap,
} from './provider.js';

/** Properties sent as they are to Create/UpdateEventSourceMapping (numbers may arrive as strings). */
const NUMERIC = [
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts',
  'ParallelizationFactor',
  'TumblingWindowInSeconds',
];
const BOOLEAN = ['BisectBatchOnFunctionError', 'Enabled'];
const PASSED = [
  'DestinationConfig',
  'FilterCriteria',
  'FunctionResponseTypes',
  'ScalingConfig',
  'MetricsConfig',
  'SourceAccessConfigurations',
];
/** Members an update sends to clear a property the template no longer has. */
const CLEARED: Record<string, unknown> = {
  FilterCriteria: {},
  DestinationConfig: { OnFailure: {} },
  FunctionResponseTypes: [],
  ScalingConfig: {},
};

function settings(properties: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of NUMERIC) if (properties[key] !== undefined) out[key] = Number(properties[key]);
  for (const key of BOOLEAN) {
    if (properties[key] !== undefined) out[key] = properties[key] === true || properties[key] === 'true';
  }
  for (const key of PASSED) if (properties[key] !== undefined) out[key] = properties[key];
  if (properties['KmsKeyArn'] !== undefined) out['KMSKeyArn'] = properties['KmsKeyArn'];
  return out;
}

/** Waits until the mapping has left Creating / Updating / Enabling / Disabling (or, with `gone`, no longer exists). */
function settled(uuid: string, ctx: ProviderContext, gone = false): Promise<EventSourceMappingConfiguration> {
  return stabilize(`Event source mapping ${uuid}`, async () => {
    try {
      const mapping = await ctx.call<EventSourceMappingConfiguration>('lambda', 'GetEventSourceMapping', {
        UUID: uuid,
      });
      return !gone && (mapping.State === 'Enabled' || mapping.State === 'Disabled') ? mapping : undefined;
    } catch (error) {
      if (gone && error instanceof AwsError && error.code === 'ResourceNotFoundException') return {};
      throw error;
    }
  });
}

export const eventSourceMappingProvider: ResourceProvider = {
  type: 'AWS::Lambda::EventSourceMapping',
  attributes: ['Id', 'EventSourceMappingArn'],
  replaceOn: [
    'EventSourceArn',
    'StartingPosition',
    'StartingPositionTimestamp',
    'SelfManagedEventSource',
    'Topics',
    'Queues',
    'AmazonManagedKafkaEventSourceConfig',
    'SelfManagedKafkaEventSourceConfig',
    'DocumentDBEventSourceConfig',
  ],
  async create(properties, ctx) {
    const tags = tagMap(properties['Tags']);
    const timestamp = properties['StartingPositionTimestamp'];
    const created = await ctx.call<EventSourceMappingConfiguration>('lambda', 'CreateEventSourceMapping', {
      FunctionName: properties['FunctionName'],
      EventSourceArn: properties['EventSourceArn'],
      ...(properties['StartingPosition'] !== undefined ? { StartingPosition: properties['StartingPosition'] } : {}),
      // The template gives epoch seconds (a Double); the API takes a timestamp.
      ...(timestamp !== undefined ? { StartingPositionTimestamp: new Date(Number(timestamp) * 1000) } : {}),
      ...settings(properties),
      ...(Object.keys(tags).length ? { Tags: tags } : {}),
    });
    const uuid = String(created.UUID);
    await settled(uuid, ctx);
    return { physicalId: uuid, attributes: { Id: uuid, EventSourceMappingArn: created.EventSourceMappingArn } };
  },
  async update(current, properties, previous, ctx) {
    const uuid = current.physicalId;
    const wanted = settings(properties);
    const before = settings(previous);
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(wanted)) {
      if (JSON.stringify(value) !== JSON.stringify(before[key])) input[key] = value;
    }
    for (const key of Object.keys(before)) {
      if (!(key in wanted) && key in CLEARED) input[key] = CLEARED[key];
    }
    if (!('Enabled' in wanted) && before['Enabled'] === false) input['Enabled'] = true;
    if (properties['FunctionName'] !== previous['FunctionName']) input['FunctionName'] = properties['FunctionName'];
    if (Object.keys(input).length) {
      await settled(uuid, ctx);
      await ctx.call('lambda', 'UpdateEventSourceMapping', { UUID: uuid, ...input });
      await settled(uuid, ctx);
    }
    await retag(String(current.attributes['EventSourceMappingArn']), properties['Tags'], previous['Tags'], ctx);
    return current;
  },
  async delete(current, _properties, ctx) {
    const uuid = current.physicalId;
    // A mapping still settling cannot be deleted yet (ResourceInUseException).
    await ignoreMissing(settled(uuid, ctx), ['ResourceNotFoundException']);
    await ignoreMissing(ctx.call('lambda', 'DeleteEventSourceMapping', { UUID: uuid }), ['ResourceNotFoundException']);
    await settled(uuid, ctx, true);
  },
};
