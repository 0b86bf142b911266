/**
 * CloudFormation loaded on its first call. Its engine, resource providers and transforms are a
 * fifth of the cloud's code, and most starts of the cloud never touch a stack, so the cloud starts
 * with this stand-in: the same definition (model, signing name, one handler per served operation),
 * whose handlers load the service and pass the call on. A restart must end the stack operations a
 * stopped process left in progress before anyone reads them, so when there are any the service is
 * loaded at once (and every call waits for that).
 */
import type { CloudContext } from '../../context.js';
import type { Handler, ServiceDefinition } from '../../service.js';
import type { S3Service } from '../s3/s3-service.js';
import type { CloudFormationParts } from './index.js';
import { CloudFormationState } from './state.js';

/** The operations the service serves (a test checks this list against the loaded handlers). */
export const CLOUDFORMATION_OPERATIONS = [
  'CreateChangeSet',
  // Not an AWS API operation: the nested-stack provider's in-process call.
  'CreateNestedStack',
  'CreateStack',
  'DeleteChangeSet',
  'DeleteStack',
  'DescribeChangeSet',
  'DescribeStackEvents',
  'DescribeStackResource',
  'DescribeStackResources',
  'DescribeStacks',
  'ExecuteChangeSet',
  'GetTemplate',
  'GetTemplateSummary',
  'ListChangeSets',
  'ListExports',
  'ListImports',
  'ListStackResources',
  'ListStacks',
  'UpdateStack',
  'UpdateTerminationProtection',
  'ValidateTemplate',
] as const;

export interface DeferredCloudFormation {
  definition: ServiceDefinition;
  /** The loaded service (loading it if need be): for tests and tools that need more than the API. */
  load(): Promise<CloudFormationParts>;
  close(): Promise<void>;
}

export function deferredCloudFormation(
  context: CloudContext,
  s3: S3Service,
  services: () => Record<string, ServiceDefinition>,
): DeferredCloudFormation {
  const state = new CloudFormationState(context.db);
  let loading: Promise<CloudFormationParts> | undefined;
  const load = () =>
    (loading ??= import('./index.js').then(({ createCloudFormation }) =>
      createCloudFormation(context, s3, services, state),
    ));
  if (state.inProgressStacks().length > 0) {
    load().catch((error: unknown) => context.log(`cloudformation: loading failed: ${String(error)}`));
  }
  const handlers: Record<string, Handler> = Object.fromEntries(
    CLOUDFORMATION_OPERATIONS.map((operation) => [
      operation,
      async (input: unknown, ctx: Parameters<Handler>[1]) => {
        const handler = (await load()).definition.handlers[operation];
        if (!handler) throw new Error(`CloudFormation has no handler for ${operation}`);
        return handler(input, ctx);
      },
    ]),
  );
  return {
    definition: { model: 'cloudformation', signingNames: ['cloudformation'], handlers },
    load,
    close: async () => {
      if (loading) await (await loading).close();
    },
  };
}
