/** AWS CloudFormation (awsQuery, 2010-05-15): stacks, change sets, events, exports. */
import { Aborted, StackOperations } from '../../cloudformation/engine/operations.js';
import { generatedName } from '../../cloudformation/providers/provider.js';
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { serviceCaller } from '../../service-caller.js';
import type { S3Service } from '../s3/s3-service.js';
import { changeSetHandlers } from './change-sets.js';
import { CloudFormationService } from './cloudformation-service.js';
import { resourceHandlers } from './resources.js';
import { stackHandlers } from './stacks.js';
import { CloudFormationState } from './state.js';

export { cloudFormationMigrations } from './state.js';

export interface CloudFormationParts {
  definition: ServiceDefinition;
  service: CloudFormationService;
  close(): Promise<void>;
}

/**
 * `services` gives the other services' definitions: resource providers call their handlers, so
 * stacks provision exactly what the APIs would.
 */
export function createCloudFormation(
  context: CloudContext,
  s3: S3Service,
  services: () => Record<string, ServiceDefinition>,
  state = new CloudFormationState(context.db),
): CloudFormationParts {
  const operations = new StackOperations({
    state,
    now: context.now,
    log: context.log,
    providerContext(stack, logicalId) {
      const caller = serviceCaller(context, services, stack.accountId, stack.region);
      return {
        accountId: stack.accountId,
        region: stack.region,
        stackName: stack.name,
        stackId: stack.stackId,
        logicalId,
        call: (service, operation, input) => {
          // Provider loops (stabilization waits) end as soon as the cloud starts closing.
          if (operations.isClosing) throw new Aborted();
          return caller(service, operation, input);
        },
        generateName: (maxLength, options) => generatedName(stack.name, logicalId, maxLength, options?.lowercase),
      };
    },
  });
  operations.endInterrupted();
  const service = new CloudFormationService(state, operations, context, s3);
  return {
    service,
    close: () => operations.close(),
    definition: {
      model: 'cloudformation',
      signingNames: ['cloudformation'],
      handlers: {
        ...stackHandlers(service),
        ...resourceHandlers(service),
        ...changeSetHandlers(service),
      },
    },
  };
}
