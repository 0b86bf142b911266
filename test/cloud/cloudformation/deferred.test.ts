/**
 * The cloud starts with a stand-in for CloudFormation (deferred.ts) whose handlers load the
 * service on first use: its list of operations must be the loaded service's, or an operation
 * would go missing (or answer nothing) until someone noticed.
 */
import { DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { changeSetHandlers } from '../../../src/cloud/services/cloudformation/change-sets.js';
import type { CloudFormationService } from '../../../src/cloud/services/cloudformation/cloudformation-service.js';
import { CLOUDFORMATION_OPERATIONS } from '../../../src/cloud/services/cloudformation/deferred.js';
import { resourceHandlers } from '../../../src/cloud/services/cloudformation/resources.js';
import { stackHandlers } from '../../../src/cloud/services/cloudformation/stacks.js';
import { useCloud } from '../../helpers/cloud.js';
import { cfn } from './support.js';

describe('CloudFormation loaded on first use', () => {
  it('lists exactly the operations the loaded service handles', () => {
    // The handler factories only close over the service: building them calls nothing on it.
    const service = {} as CloudFormationService;
    const loaded = Object.keys({
      ...stackHandlers(service),
      ...resourceHandlers(service),
      ...changeSetHandlers(service),
    }).sort();
    expect([...CLOUDFORMATION_OPERATIONS].sort()).toEqual(loaded);
  });

  const t = useCloud({ console: false });

  it('answers the first call of a fresh cloud, and its errors, through the stand-in', async () => {
    const client = cfn(t);
    expect((await client.send(new ListStacksCommand({}))).StackSummaries).toEqual([]);
    await expect(client.send(new DescribeStacksCommand({ StackName: 'no-such-stack' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id no-such-stack does not exist',
    });
  });
});
