/**
 * STS reads IAM: AssumeRole names the role's real unique id (AROA...) in AssumedRoleId, the
 * session's GetCallerIdentity reports it as `<RoleId>:<session>`, and a session longer than the
 * role's MaxSessionDuration is refused as AWS refuses it; GetRole's RoleLastUsed reports the last
 * request a session of the role signed.
 */
import { CreateRoleCommand, DeleteRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, trustPolicy } from './support.js';

const t = useCloud();

describe('STS with IAM roles', () => {
  it("answers the role's RoleId for the assumed role and its session's caller identity", async () => {
    const iam = t.iam();
    const RoleName = randomName('assumed');
    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName, Path: '/ci/', AssumeRolePolicyDocument: trustPolicy('ec2.amazonaws.com') }),
    );
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role?.RoleLastUsed).toEqual({});
    const assumed = await t.sts().send(new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'build-7' }));
    const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/${RoleName}/build-7`;
    expect(assumed.AssumedRoleUser).toEqual({ AssumedRoleId: `${Role?.RoleId}:build-7`, Arn: arn });
    const session = {
      accessKeyId: assumed.Credentials?.AccessKeyId as string,
      secretAccessKey: assumed.Credentials?.SecretAccessKey as string,
      sessionToken: assumed.Credentials?.SessionToken as string,
    };
    expect(await t.sts(session).send(new GetCallerIdentityCommand({}))).toMatchObject({
      UserId: `${Role?.RoleId}:build-7`,
      Account: ACCOUNT,
      Arn: arn,
    });

    // RoleLastUsed: the date and region of the session's last request.
    const before = Math.floor(Date.now() / 1000) * 1000;
    await t.sqs({ region: 'eu-west-1', credentials: session }).send(new ListQueuesCommand({}));
    const used = (await iam.send(new GetRoleCommand({ RoleName }))).Role?.RoleLastUsed;
    expect(used).toEqual({ LastUsedDate: expect.any(Date), Region: 'eu-west-1' });
    expect(used?.LastUsedDate?.getTime()).toBeGreaterThanOrEqual(before);

    // The role's MaxSessionDuration (3600 by default) bounds DurationSeconds.
    expect(
      await failure(
        t.sts().send(new AssumeRoleCommand({ RoleArn: Role?.Arn, RoleSessionName: 'long', DurationSeconds: 7200 })),
      ),
    ).toEqual({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      status: 400,
    });
    await iam.send(new DeleteRoleCommand({ RoleName }));
  });
});
