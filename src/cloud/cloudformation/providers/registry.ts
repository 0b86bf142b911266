/**
 * The resource types CloudFormation can provision here, by type name. Each service's providers
 * join this list as the service arrives.
 */
import { nestedStackProvider } from './cloudformation.js';
import { tableProvider } from './dynamodb.js';
import { eventSourceMappingProvider } from './event-source-mapping.js';
import {
  accessKeyProvider,
  groupProvider,
  instanceProfileProvider,
  managedPolicyProvider,
  policyProvider,
  roleProvider,
  userProvider,
  userToGroupAdditionProvider,
} from './iam.js';
import { streamProvider } from './kinesis.js';
import {
  aliasProvider,
  eventInvokeConfigProvider,
  functionProvider,
  functionUrlProvider,
  layerVersionProvider,
  permissionProvider,
  versionProvider,
} from './lambda.js';
import { logGroupProvider } from './logs.js';
import type { ResourceProvider } from './provider.js';
import { bucketPolicyProvider, bucketProvider } from './s3.js';
import { subscriptionProvider, topicPolicyProvider, topicProvider } from './sns.js';
import { queuePolicyProvider, queueProvider } from './sqs.js';

export const PROVIDERS: ReadonlyMap<string, ResourceProvider> = new Map(
  [
    bucketProvider,
    bucketPolicyProvider,
    functionProvider,
    permissionProvider,
    versionProvider,
    aliasProvider,
    layerVersionProvider,
    eventInvokeConfigProvider,
    functionUrlProvider,
    eventSourceMappingProvider,
    roleProvider,
    policyProvider,
    managedPolicyProvider,
    userProvider,
    groupProvider,
    accessKeyProvider,
    userToGroupAdditionProvider,
    instanceProfileProvider,
    logGroupProvider,
    tableProvider,
    streamProvider,
    queueProvider,
    queuePolicyProvider,
    topicProvider,
    subscriptionProvider,
    topicPolicyProvider,
    nestedStackProvider,
  ].map((p) => [p.type, p]),
);
