/** The services the local cloud serves, their tables, and the blobs they reference. */
import type { CloudContext } from '../context.js';
import { credentialMigrations } from '../credentials.js';
import { type RunningPollers, startEventPollers } from '../events/index.js';
import { type PushDeps, startPushDeliveries } from '../events/push/index.js';
import { s3NotificationTargets } from '../events/push/s3/index.js';
import type { ServiceDefinition } from '../service.js';
import { serviceCaller } from '../service-caller.js';
import type { Migration } from '../store/database.js';
import { deferredCloudFormation } from './cloudformation/deferred.js';
import { cloudFormationMigrations } from './cloudformation/state.js';
import { createDynamoDb, dynamoDbMigrations } from './dynamodb/index.js';
import { createIam, iamMigrations } from './iam/index.js';
import { createKinesis, kinesisMigrations } from './kinesis/index.js';
import { createLambda, type EventSourceLookup, lambdaMigrations, sourceKindOf } from './lambda/index.js';
import { createLogs, logsMigrations } from './logs/index.js';
import { createS3, s3Migrations } from './s3/index.js';
import { createSns, snsMigrations } from './sns/index.js';
import { createSqs, sqsMigrations } from './sqs/index.js';
import { createSts } from './sts/index.js';

export const migrations: Migration[] = [
  ...credentialMigrations,
  ...s3Migrations,
  ...logsMigrations,
  ...lambdaMigrations,
  ...iamMigrations,
  ...cloudFormationMigrations,
  ...kinesisMigrations,
  ...dynamoDbMigrations,
  ...sqsMigrations,
  ...snsMigrations,
];

export interface ServiceSet {
  definitions: Record<string, ServiceDefinition>;
  /** Every blob id some service still references (for garbage collection at start). */
  referencedBlobs(): Set<string>;
  /** Starts background work (the async invoke queue) once the server listens. */
  start(): void;
  /** Stops background work and every function process. */
  close(): Promise<void>;
}

export function createServices(context: CloudContext): ServiceSet {
  // S3 checks notification destinations through the other services, made below: read when used.
  let deps: PushDeps | undefined;
  const s3 = createS3(
    context,
    s3NotificationTargets(() => {
      if (!deps) throw new Error('the services are not started yet');
      return deps;
    }),
  );
  // Logs' export tasks write to S3 through the in-process caller (definitions is read when used).
  const logs = createLogs(context, (accountId, region) => serviceCaller(context, () => definitions, accountId, region));
  const iam = createIam(context);
  const kinesis = createKinesis(context);
  const dynamodb = createDynamoDb(context);
  const sqs = createSqs(context);
  const sns = createSns(context);
  // Event source mappings check their sources through the services' in-process readers.
  const sources: EventSourceLookup = {
    kindOf: sourceKindOf,
    exists(arn) {
      switch (sourceKindOf(arn)) {
        case 'kinesis':
          return kinesis.streams.describe(arn) !== undefined;
        case 'dynamodb':
          return dynamodb.streams.describe(arn) !== undefined;
        case 'sqs':
          return sqs.queues.attributes(arn) !== undefined;
        default:
          return false;
      }
    },
  };
  const lambda = createLambda(context, s3.service, logs.store, sources);
  const definitions: Record<string, ServiceDefinition> = {
    s3: s3.definition,
    sts: createSts(context, iam.service),
    logs: logs.definition,
    lambda: lambda.definition,
    iam: iam.definition,
    kinesis: kinesis.definition,
    dynamodb: dynamodb.definition,
    dynamodbstreams: dynamodb.streamsDefinition,
    sqs: sqs.definition,
    sns: sns.definition,
  };
  // CloudFormation's providers call the other services' handlers; it loads on its first call.
  const cloudFormation = deferredCloudFormation(context, s3.service, () => definitions);
  definitions['cloudformation'] = cloudFormation.definition;
  let pollers: RunningPollers | undefined;
  let pushes: RunningPollers | undefined;
  return {
    definitions,
    referencedBlobs: () => new Set([...s3.service.state.referencedBlobs(), ...lambda.service.state.referencedBlobs()]),
    start: () => {
      logs.start();
      lambda.start();
      kinesis.start();
      dynamodb.start();
      sqs.start();
      sns.start();
      deps = {
        context,
        events: context.events,
        mappings: lambda.mappings,
        kinesis: kinesis.streams,
        dynamodbStreams: dynamodb.streams,
        sqs: sqs.queues,
        call: (accountId: string, region: string) => serviceCaller(context, () => definitions, accountId, region),
        s3Notifications: s3.notifications,
        sns: sns.deliveries,
      };
      pollers = startEventPollers(deps);
      pushes = startPushDeliveries(deps);
    },
    // Stacks and pollers stop first: they may still be calling Lambda and the sources.
    close: async () => {
      await Promise.all([cloudFormation.close(), pollers?.close(), pushes?.close()]);
      await Promise.all([
        s3.close(),
        logs.close(),
        lambda.close(),
        kinesis.close(),
        dynamodb.close(),
        sqs.close(),
        sns.close(),
      ]);
    },
  };
}
