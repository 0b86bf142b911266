/**
 * A serverless function's `Events`, expanded as aws-sam-translator expands them. Pull sources (SQS,
 * Kinesis, DynamoDB) become an event source mapping `<Fn><Event>` and add the source's managed
 * policy to the generated role; S3 gets a permission `<Fn><Event>Permission` and the function in
 * the bucket's NotificationConfiguration (the bucket must be in the template); SNS a permission and
 * a subscription `<Fn><Event>` (or, with SqsSubscription, a queue between topic and function).
 * Event types whose services the local cloud does not serve fail with a message that says so.
 */
import { isRecord } from '../template/types.js';
import { eventError } from './errors.js';
import { type ParameterValues, resolveParameterRefs } from './parameter-refs.js';
import { getAtt, type OutputResource, ref, resource } from './resources.js';

/** What an event connects to: the function, or its alias when AutoPublishAlias is set. */
export interface EventTarget {
  /** Logical id of the function or alias. */
  logicalId: string;
  isAlias: boolean;
  /** Attributes the generated resources inherit (Condition, DeletionPolicy, UpdateReplacePolicy). */
  attributes: Record<string, unknown>;
}

export interface EventContext {
  functionId: string;
  target: EventTarget;
  /** The generated role's managed policies, which pull sources add theirs to. */
  managedPolicyArns: unknown[];
  /** The input template's resources (S3 buckets are changed in place, as the translator does). */
  templateResources: Record<string, unknown>;
  parameters: ParameterValues;
}

/** Thrown for a bad event; the function reports it as part of its own resource error. */
export class EventError extends Error {
  constructor(eventId: string, reason: string) {
    super(eventError(eventId, reason));
  }
}

/** The services behind the event types the local cloud cannot deliver, named in the error. */
const UNSERVED: Readonly<Record<string, string>> = {
  Api: 'Amazon API Gateway (REST APIs)',
  HttpApi: 'Amazon API Gateway (HTTP APIs)',
  Schedule: 'Amazon EventBridge (scheduled rules)',
  ScheduleV2: 'Amazon EventBridge Scheduler',
  CloudWatchEvent: 'Amazon EventBridge',
  EventBridgeRule: 'Amazon EventBridge',
  CloudWatchLogs: 'CloudWatch Logs subscription filters',
  IoTRule: 'AWS IoT',
  AlexaSkill: 'Alexa Skills Kit',
  Cognito: 'Amazon Cognito',
  MSK: 'Amazon MSK',
  MQ: 'Amazon MQ',
  SelfManagedKafka: 'self-managed Apache Kafka event sources',
  DocumentDB: 'Amazon DocumentDB',
};

const PULL_POLICIES: Readonly<Record<string, string>> = {
  SQS: 'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
  Kinesis: 'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole',
  DynamoDB: 'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole',
};

/** Properties a pull event passes to its mapping unchanged. */
const MAPPING_PROPERTIES = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'BatchSize',
  'Enabled',
  'MaximumBatchingWindowInSeconds',
  'MaximumRetryAttempts',
  'BisectBatchOnFunctionError',
  'MaximumRecordAgeInSeconds',
  'ParallelizationFactor',
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'TumblingWindowInSeconds',
  'FunctionResponseTypes',
  'FilterCriteria',
  'KmsKeyArn',
  'ScalingConfig',
  'ProvisionedPollerConfig',
  'MetricsConfig',
  'LoggingConfig',
];

/** The resources one event expands to, by logical id. */
export function eventResources(eventId: string, event: unknown, context: EventContext): Record<string, OutputResource> {
  if (!isRecord(event) || typeof event['Type'] !== 'string') {
    throw new EventError(eventId, "Missing or invalid 'Type' property.");
  }
  const type = event['Type'];
  const properties = isRecord(event['Properties']) ? event['Properties'] : {};
  const unserved = UNSERVED[type];
  if (unserved) {
    throw new EventError(
      eventId,
      `Events of type ${type} need ${unserved}, which the lambda-tasks local cloud does not serve.`,
    );
  }
  const logicalId = `${context.functionId}${eventId}`;
  switch (type) {
    case 'SQS':
      return pullEvent(eventId, logicalId, type, properties, 'Queue', context);
    case 'Kinesis':
    case 'DynamoDB':
      return pullEvent(eventId, logicalId, type, properties, 'Stream', context);
    case 'S3':
      return s3Event(eventId, logicalId, properties, context);
    case 'SNS':
      return snsEvent(eventId, logicalId, properties, context);
    default:
      throw new EventError(eventId, `Event type '${type}' is not supported.`);
  }
}

/** Orders events as the translator does (by Path when they have one, else by id). */
export function eventOrder([idA, a]: [string, unknown], [idB, b]: [string, unknown]): number {
  const key = (id: string, event: unknown) => {
    const path = isRecord(event) && isRecord(event['Properties']) ? event['Properties']['Path'] : undefined;
    return typeof path === 'string' ? path : id;
  };
  const left = key(idA, a);
  const right = key(idB, b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function functionName(target: EventTarget) {
  return ref(target.logicalId);
}

function functionArn(target: EventTarget) {
  return target.isAlias ? ref(target.logicalId) : getAtt(target.logicalId, 'Arn');
}

function pullEvent(
  eventId: string,
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  sourceProperty: string,
  context: EventContext,
): Record<string, OutputResource> {
  const source = properties[sourceProperty];
  if (source === undefined) throw new EventError(eventId, `Missing required property '${sourceProperty}'.`);
  if (type !== 'SQS' && properties['StartingPosition'] === undefined) {
    throw new EventError(eventId, "Missing required property 'StartingPosition'.");
  }
  const mapping: Record<string, unknown> = {
    FunctionName: functionName(context.target),
    EventSourceArn: source,
  };
  for (const name of MAPPING_PROPERTIES) mapping[name] = properties[name];
  const destination = destinationConfig(eventId, properties['DestinationConfig']);
  if (destination) mapping['DestinationConfig'] = destination;
  const policy = PULL_POLICIES[type];
  if (policy && !context.managedPolicyArns.includes(policy)) context.managedPolicyArns.push(policy);
  return { [logicalId]: resource('AWS::Lambda::EventSourceMapping', mapping, context.target.attributes) };
}

/** DestinationConfig without SAM's own `Type` key (which only chooses the role's extra policy). */
function destinationConfig(eventId: string, config: unknown): unknown {
  if (!isRecord(config)) return config;
  const onFailure = config['OnFailure'];
  if (!isRecord(onFailure)) throw new EventError(eventId, "Property 'DestinationConfig.OnFailure' should be a map.");
  const { Type: type, ...rest } = onFailure;
  if (type !== undefined && !['SQS', 'SNS', 'S3', 'Kafka'].includes(String(type))) {
    throw new EventError(eventId, "The only valid values for 'Type' are 'SQS', 'SNS', 'S3', and 'Kafka'");
  }
  return { ...config, OnFailure: rest };
}

function permission(target: EventTarget, principal: string, extra: Record<string, unknown>): OutputResource {
  return resource(
    'AWS::Lambda::Permission',
    { Action: 'lambda:InvokeFunction', FunctionName: functionName(target), Principal: principal, ...extra },
    target.attributes,
  );
}

function s3Event(
  eventId: string,
  logicalId: string,
  properties: Record<string, unknown>,
  context: EventContext,
): Record<string, OutputResource> {
  const bucketRef = properties['Bucket'];
  const bucketId = isRecord(bucketRef) ? bucketRef['Ref'] : undefined;
  if (isRecord(bucketRef) && 'Ref' in bucketRef && typeof bucketId !== 'string') {
    throw new EventError(eventId, "'Ref' value in S3 events is not a valid string.");
  }
  const bucket = typeof bucketId === 'string' ? context.templateResources[bucketId] : undefined;
  if (typeof bucketId !== 'string' || !isRecord(bucket)) {
    throw new EventError(eventId, 'S3 events must reference an S3 bucket in the same template.');
  }
  if (properties['Events'] === undefined) throw new EventError(eventId, "Missing required property 'Events'.");
  const permissionId = `${logicalId}Permission`;
  const out: Record<string, OutputResource> = {
    [permissionId]: permission(context.target, 's3.amazonaws.com', {
      SourceAccount: ref('AWS::AccountId'),
    }),
  };
  // The bucket waits for the permission: S3 checks it can invoke the function when the
  // notification configuration is put.
  const dependsOn = bucket['DependsOn'];
  const depends = new Set(Array.isArray(dependsOn) ? dependsOn : typeof dependsOn === 'string' ? [dependsOn] : []);
  depends.add(permissionId);
  bucket['DependsOn'] = [...depends];
  const bucketProperties = isRecord(bucket['Properties']) ? bucket['Properties'] : {};
  bucket['Properties'] = bucketProperties;
  const notifications = isRecord(bucketProperties['NotificationConfiguration'])
    ? bucketProperties['NotificationConfiguration']
    : {};
  bucketProperties['NotificationConfiguration'] = notifications;
  const lambdaConfigurations = Array.isArray(notifications['LambdaConfigurations'])
    ? notifications['LambdaConfigurations']
    : [];
  notifications['LambdaConfigurations'] = lambdaConfigurations;
  const events = Array.isArray(properties['Events']) ? properties['Events'] : [properties['Events']];
  for (const event of events) {
    const configuration: Record<string, unknown> = { Function: functionArn(context.target) };
    if (properties['Filter'] !== undefined) configuration['Filter'] = properties['Filter'];
    configuration['Event'] = event;
    const entry =
      context.target.attributes['Condition'] !== undefined
        ? { 'Fn::If': [context.target.attributes['Condition'], configuration, ref('AWS::NoValue')] }
        : configuration;
    if (!lambdaConfigurations.some((known) => JSON.stringify(known) === JSON.stringify(entry))) {
      lambdaConfigurations.push(entry);
    }
  }
  return out;
}

function snsEvent(
  eventId: string,
  logicalId: string,
  properties: Record<string, unknown>,
  context: EventContext,
): Record<string, OutputResource> {
  const topic = properties['Topic'];
  if (topic === undefined) throw new EventError(eventId, "Missing required property 'Topic'.");
  const { target } = context;
  const subscription = (protocol: string, endpoint: unknown) =>
    resource(
      'AWS::SNS::Subscription',
      {
        Protocol: protocol,
        Endpoint: endpoint,
        TopicArn: topic,
        Region: properties['Region'],
        FilterPolicy: properties['FilterPolicy'],
        FilterPolicyScope: properties['FilterPolicyScope'],
        RedrivePolicy: properties['RedrivePolicy'],
      },
      target.attributes,
    );
  const sqsSubscription = properties['SqsSubscription'];
  if (!sqsSubscription) {
    const permissionId = `${logicalId}Permission`;
    return {
      [permissionId]: permission(target, 'sns.amazonaws.com', { SourceArn: topic }),
      [logicalId]: subscription('lambda', functionArn(target)),
    };
  }
  // SNS -> SQS -> Lambda: a queue (the event's own, or the one given), its policy, a mapping
  // (always enabled: the translator ignores SqsSubscription's Enabled).
  let queueArn: unknown;
  let queueUrl: unknown;
  let batchSize: unknown = 10;
  let policyId = `${logicalId}QueuePolicy`;
  const out: Record<string, OutputResource> = {};
  if (sqsSubscription === true) {
    const queueId = `${logicalId}Queue`;
    queueArn = getAtt(queueId, 'Arn');
    queueUrl = ref(queueId);
    const fifo = fifoTopic(topic, context);
    out[queueId] = resource('AWS::SQS::Queue', fifo ? { FifoQueue: fifo } : {}, target.attributes);
  } else {
    if (!isRecord(sqsSubscription)) throw new EventError(eventId, "Property 'SqsSubscription' should be a map.");
    queueArn = sqsSubscription['QueueArn'];
    queueUrl = sqsSubscription['QueueUrl'];
    if (!queueArn || !queueUrl) throw new EventError(eventId, 'No QueueARN or QueueURL provided.');
    if (typeof sqsSubscription['QueuePolicyLogicalId'] === 'string') policyId = sqsSubscription['QueuePolicyLogicalId'];
    batchSize = sqsSubscription['BatchSize'] ?? 10;
  }
  Object.assign(
    out,
    pullEvent(
      eventId,
      `${logicalId}EventSourceMapping`,
      'SQS',
      { Queue: queueArn, BatchSize: batchSize, Enabled: true },
      'Queue',
      context,
    ),
  );
  out[policyId] = resource(
    'AWS::SQS::QueuePolicy',
    {
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: '*',
            Resource: queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': topic } },
          },
        ],
      },
      Queues: [queueUrl],
    },
    target.attributes,
  );
  out[logicalId] = subscription('sqs', queueArn);
  return out;
}

/** Whether the topic (a Ref to one in the template) is FIFO, so the queue between must be too. */
function fifoTopic(topic: unknown, context: EventContext): unknown {
  const topicId = isRecord(topic)
    ? (topic['Ref'] ?? (Array.isArray(topic['Fn::GetAtt']) ? topic['Fn::GetAtt'][0] : undefined))
    : undefined;
  const declared = typeof topicId === 'string' ? context.templateResources[topicId] : undefined;
  const fifo = isRecord(declared) && isRecord(declared['Properties']) ? declared['Properties']['FifoTopic'] : undefined;
  return resolveParameterRefs(fifo ?? false, context.parameters);
}
