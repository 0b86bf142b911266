/**
 * AWS IAM (awsQuery, 2010-05-08): roles, inline and managed policies, attachments, and AWS's
 * managed policies for reading and attaching. IAM is global: requests are signed for us-east-1
 * (any region is accepted) and data belongs to the caller's account, whatever the region.
 * Policies are stored and returned, not enforced: callers are authenticated, never authorized.
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { IamService } from './iam-service.js';
import { policyHandlers } from './policies.js';
import { rolePolicyHandlers } from './role-policies.js';
import { roleHandlers } from './roles.js';
import { IamState } from './state.js';
import { userHandlers } from './users.js';

export type { IamService } from './iam-service.js';
export { iamMigrations, type RoleRecord } from './state.js';

export interface IamParts {
  definition: ServiceDefinition;
  /** Lookups for other services: `service.roleExists(accountId, roleArn)`, `service.roleByArn(arn)`. */
  service: IamService;
}

export function createIam(context: CloudContext): IamParts {
  const service = new IamService(new IamState(context.db), context.now);
  return {
    service,
    definition: {
      model: 'iam',
      signingNames: ['iam'],
      // IAM matches names, paths and documents whole: `my role` is not a role name.
      wholeValuePatterns: true,
      handlers: {
        ...roleHandlers(service),
        ...rolePolicyHandlers(service),
        ...policyHandlers(service),
        ...userHandlers(context.now),
      },
    },
  };
}
