/** IAM is global and per account: every region sees the same data, each account only its own. */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  ListPoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, allowPolicy, BASIC_EXECUTION, trustPolicy } from './support.js';

const OTHER = { accessKeyId: 'AKIAIAMOTHERACCT0001', secretAccessKey: 'other-secret' };
const OTHER_ACCOUNT = '111111111111';
const t = useCloud({ credentials: [{ ...OTHER, accountId: OTHER_ACCOUNT }] });

describe('accounts', () => {
  it('keeps roles and policies apart per account, the same names in each', async () => {
    const mine = t.iam();
    const theirs = t.iam({ credentials: OTHER });
    const RoleName = randomName('shared');
    const path = `/${randomName('accounts')}/`;
    const a = await mine.send(new CreateRoleCommand({ RoleName, Path: path, AssumeRolePolicyDocument: trustPolicy() }));
    const b = await theirs.send(
      new CreateRoleCommand({ RoleName, Path: path, AssumeRolePolicyDocument: trustPolicy() }),
    );
    expect(a.Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role${path}${RoleName}`);
    expect(b.Role?.Arn).toBe(`arn:aws:iam::${OTHER_ACCOUNT}:role${path}${RoleName}`);
    expect(b.Role?.RoleId).not.toBe(a.Role?.RoleId);
    expect((await theirs.send(new ListRolesCommand({ PathPrefix: path }))).Roles?.map((r) => r.Arn)).toEqual([
      b.Role?.Arn,
    ]);

    const PolicyName = randomName('policy');
    const { Policy } = await mine.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: allowPolicy('s3:*') }));
    expect(await failure(theirs.send(new GetPolicyCommand({ PolicyArn: Policy?.Arn })))).toEqual({
      name: 'NoSuchEntityException',
      message: `Policy ${Policy?.Arn} was not found.`,
      status: 404,
    });
    expect(await failure(theirs.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: Policy?.Arn })))).toMatchObject(
      {
        name: 'NoSuchEntityException',
        message: `Policy ${Policy?.Arn} does not exist or is not attachable.`,
      },
    );
    await theirs.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: allowPolicy('s3:*') }));
    const local = await theirs.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies?.map((p) => p.Arn)).toEqual([`arn:aws:iam::${OTHER_ACCOUNT}:policy/${PolicyName}`]);

    // AWS managed policies are shared; their attachment counts are each account's own.
    await theirs.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: BASIC_EXECUTION }));
    expect((await theirs.send(new GetPolicyCommand({ PolicyArn: BASIC_EXECUTION }))).Policy?.AttachmentCount).toBe(1);
    expect((await mine.send(new GetPolicyCommand({ PolicyArn: BASIC_EXECUTION }))).Policy?.AttachmentCount).toBe(0);
  });

  it('serves the same data whatever region a request is signed for', async () => {
    const RoleName = randomName('global');
    await t.iam().send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustPolicy() }));
    const got = await t.iam({ region: 'eu-west-1' }).send(new GetRoleCommand({ RoleName }));
    expect(got.Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/${RoleName}`);
  });
});

describe('GetUser', () => {
  it('describes the root caller, knows no named users, and needs a name for role sessions', async () => {
    expect((await t.iam().send(new GetUserCommand({}))).User).toEqual({
      UserId: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:root`,
      CreateDate: expect.any(Date),
    });
    expect((await t.iam({ credentials: OTHER }).send(new GetUserCommand({}))).User?.Arn).toBe(
      `arn:aws:iam::${OTHER_ACCOUNT}:root`,
    );
    expect(await failure(t.iam().send(new GetUserCommand({ UserName: 'alice' })))).toEqual({
      name: 'NoSuchEntityException',
      message: 'The user with name alice cannot be found.',
      status: 404,
    });
    const { Credentials } = await t
      .sts()
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/any`, RoleSessionName: 'session' }));
    const session = {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    };
    expect(await failure(t.iam({ credentials: session }).send(new GetUserCommand({})))).toEqual({
      name: 'ValidationError',
      message: 'Must specify userName when calling with non-User credentials',
      status: 400,
    });
  });
});
