/** The programmatic side of IAM that other services use (Lambda's and CloudFormation's roles). */
import type { CreateRoleRequest } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../src/cloud/service.js';
import { IamService } from '../../../src/cloud/services/iam/iam-service.js';
import { roleHandlers } from '../../../src/cloud/services/iam/roles.js';
import { iamMigrations } from '../../../src/cloud/services/iam/state.js';
import { openDatabase } from '../../../src/cloud/store/database.js';
import { trustPolicy } from './support.js';

describe('IamService', () => {
  it('tells whether an ARN names an existing role of an account', () => {
    const db = openDatabase(':memory:', iamMigrations);
    const service = new IamService(db, () => Date.now());
    const create = roleHandlers(service).CreateRole;
    const input: CreateRoleRequest = {
      RoleName: 'Runner',
      Path: '/service/',
      AssumeRolePolicyDocument: trustPolicy(),
    };
    create(input, { accountId: '123456789012' } as RequestContext);

    expect(service.roleExists('123456789012', 'arn:aws:iam::123456789012:role/service/Runner')).toBe(true);
    // Role names match regardless of case, as IAM matches them.
    expect(service.roleExists('123456789012', 'arn:aws:iam::123456789012:role/service/runner')).toBe(true);
    expect(service.roleByArn('arn:aws:iam::123456789012:role/service/Runner')).toMatchObject({
      name: 'Runner',
      roleId: expect.stringMatching(/^AROA/),
    });
    for (const [account, arn] of [
      ['123456789012', 'arn:aws:iam::123456789012:role/Runner'], // another path
      ['123456789012', 'arn:aws:iam::123456789012:role/service/Other'],
      ['210987654321', 'arn:aws:iam::123456789012:role/service/Runner'], // another account's role
      ['210987654321', 'arn:aws:iam::210987654321:role/service/Runner'],
      ['123456789012', 'not an arn'],
      ['123456789012', 'arn:aws:iam::123456789012:policy/service/Runner'],
    ] as const) {
      expect(service.roleExists(account, arn)).toBe(false);
    }
    db.close();
  });
});
