/**
 * AWS IAM (awsQuery, 2010-05-08): users, groups, roles, inline and managed policies, attachments,
 * access keys, signing certificates, SSH public keys, instance profiles, and AWS's managed policies for reading
 * and attaching. IAM is global: requests are signed for us-east-1 (any region is accepted) and
 * data belongs to the caller's account, whatever the region. Policies are stored and returned,
 * not enforced: callers are authenticated (users' access keys included), never authorized.
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { accessKeyHandlers, accessKeySource } from './access-keys.js';
import { entityPolicyHandlers } from './entity-policies.js';
import { groupHandlers } from './groups.js';
import { IamService } from './iam-service.js';
import { instanceProfileHandlers } from './instance-profiles.js';
import { policyHandlers } from './policies.js';
import { roleHandlers } from './roles.js';
import { signingCertificateHandlers } from './signing-certificates.js';
import { sshPublicKeyHandlers } from './ssh-public-keys.js';
import { userHandlers } from './users.js';

export type { IamService } from './iam-service.js';
export { iamMigrations, type RoleRecord } from './state.js';

export interface IamParts {
  definition: ServiceDefinition;
  /** Lookups for other services: `service.roleExists(accountId, roleArn)`, `service.roleByArn(arn)`. */
  service: IamService;
}

export function createIam(context: CloudContext): IamParts {
  const service = new IamService(context.db, context.now);
  // Users' access keys sign requests to every service from the moment they are created.
  context.credentials.addSource(accessKeySource(service));
  return {
    service,
    definition: {
      model: 'iam',
      signingNames: ['iam'],
      // IAM matches names, paths and documents whole: `my role` is not a role name.
      wholeValuePatterns: true,
      handlers: {
        ...roleHandlers(service),
        ...policyHandlers(service),
        ...userHandlers(service),
        ...groupHandlers(service),
        ...entityPolicyHandlers(service, 'user'),
        ...entityPolicyHandlers(service, 'group'),
        ...entityPolicyHandlers(service, 'role'),
        ...accessKeyHandlers(service),
        ...signingCertificateHandlers(service),
        ...sshPublicKeyHandlers(service),
        ...instanceProfileHandlers(service),
      },
    },
  };
}
