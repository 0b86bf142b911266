/**
 * IAM through CloudFormation: one stack with a role, an instance profile, users, a group, an access
 * key, a user-to-group addition, an inline and a managed policy. The key's secret (a stack output)
 * signs requests; an update changes a user's path in place and replaces the instance profile (new
 * path) and the key (new Serial), as CloudFormation documents; the delete leaves nothing behind.
 */
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetInstanceProfileCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted, output, ROLE_STATEMENT, updated } from '../cloudformation/support.js';
import { ACCOUNT, BASIC_EXECUTION } from './support.js';

const t = useCloud();

const allow = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});

/** The stack's template; `userPath`, `profilePath` and `serial` change between create and update. */
function template(
  names: { user: string; group: string },
  change: { userPath: string; profilePath: string; serial: number },
) {
  return JSON.stringify({
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ROLE_STATEMENT } },
      Profile: {
        Type: 'AWS::IAM::InstanceProfile',
        Properties: { Path: change.profilePath, Roles: [{ Ref: 'Role' }] },
      },
      Group: {
        Type: 'AWS::IAM::Group',
        Properties: {
          GroupName: names.group,
          Path: '/team/',
          ManagedPolicyArns: [BASIC_EXECUTION],
          Policies: [{ PolicyName: 'group-inline', PolicyDocument: allow('s3:GetObject') }],
        },
      },
      User: {
        Type: 'AWS::IAM::User',
        Properties: {
          UserName: names.user,
          Path: change.userPath,
          Groups: [{ Ref: 'Group' }],
          ManagedPolicyArns: [BASIC_EXECUTION],
          Policies: [{ PolicyName: 'user-inline', PolicyDocument: allow('sqs:*') }],
          PermissionsBoundary: BASIC_EXECUTION,
          Tags: [{ Key: 'team', Value: 'red' }],
          LoginProfile: { Password: 'Secret-Password-1', PasswordResetRequired: true },
        },
      },
      Other: { Type: 'AWS::IAM::User' },
      Addition: {
        Type: 'AWS::IAM::UserToGroupAddition',
        Properties: { GroupName: { Ref: 'Group' }, Users: [{ Ref: 'Other' }] },
      },
      Key: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: { Ref: 'User' }, Serial: change.serial } },
      Inline: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'shared', PolicyDocument: allow('sns:*'), Users: [{ Ref: 'Other' }] },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: allow('logs:*'), Users: [{ Ref: 'Other' }], Groups: [{ Ref: 'Group' }] },
      },
    },
    Outputs: {
      KeyId: { Value: { Ref: 'Key' } },
      Secret: { Value: { 'Fn::GetAtt': ['Key', 'SecretAccessKey'] } },
      UserArn: { Value: { 'Fn::GetAtt': ['User', 'Arn'] } },
      GroupArn: { Value: { 'Fn::GetAtt': ['Group', 'Arn'] } },
      Profile: { Value: { Ref: 'Profile' } },
      ProfileArn: { Value: { 'Fn::GetAtt': ['Profile', 'Arn'] } },
      Other: { Value: { Ref: 'Other' } },
      Managed: { Value: { Ref: 'Managed' } },
    },
  });
}

describe('IAM through CloudFormation', () => {
  it('creates, updates (in place and by replacement) and deletes every IAM resource type', async () => {
    const iam = t.iam();
    const StackName = randomName('iam-stack');
    const names = { user: randomName('cfn-user'), group: randomName('cfn-group') };
    await cfn(t).send(
      new CreateStackCommand({
        StackName,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        TemplateBody: template(names, { userPath: '/people/', profilePath: '/one/', serial: 1 }),
      }),
    );
    const stack = await created(t, StackName);
    const key = { accessKeyId: output(stack, 'KeyId') as string, secretAccessKey: output(stack, 'Secret') as string };
    const userArn = `arn:aws:iam::${ACCOUNT}:user/people/${names.user}`;
    expect(output(stack, 'UserArn')).toBe(userArn);
    expect(output(stack, 'GroupArn')).toBe(`arn:aws:iam::${ACCOUNT}:group/team/${names.group}`);
    const profile = output(stack, 'Profile') as string;
    expect(output(stack, 'ProfileArn')).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/one/${profile}`);

    // The key signs requests as its user.
    expect(key.accessKeyId).toMatch(/^AKIA/);
    expect((await t.sts(key).send(new GetCallerIdentityCommand({}))).Arn).toBe(userArn);

    // The user as the template describes it.
    const { User } = await iam.send(new GetUserCommand({ UserName: names.user }));
    expect(User).toMatchObject({
      Arn: userArn,
      Tags: [{ Key: 'team', Value: 'red' }],
      PermissionsBoundary: { PermissionsBoundaryArn: BASIC_EXECUTION },
    });
    expect((await iam.send(new GetLoginProfileCommand({ UserName: names.user }))).LoginProfile).toMatchObject({
      PasswordResetRequired: true,
    });
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: names.user }))).PolicyNames).toEqual([
      'user-inline',
    ]);
    expect(
      (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: names.user }))).AttachedPolicies?.map(
        (p) => p.PolicyArn,
      ),
    ).toEqual([BASIC_EXECUTION]);
    expect(
      (await iam.send(new ListGroupsForUserCommand({ UserName: names.user }))).Groups?.map((g) => g.GroupName),
    ).toEqual([names.group]);

    // The group, its policies, and both members (one through Groups, one through the addition).
    const other = output(stack, 'Other') as string;
    const group = await iam.send(new GetGroupCommand({ GroupName: names.group }));
    expect(group.Users?.map((u) => u.UserName).sort()).toEqual([names.user, other].sort());
    expect(
      (await iam.send(new GetGroupPolicyCommand({ GroupName: names.group, PolicyName: 'group-inline' }))).PolicyName,
    ).toBe('group-inline');
    const managedArn = output(stack, 'Managed') as string;
    expect(
      (await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: names.group }))).AttachedPolicies?.map(
        (p) => p.PolicyArn,
      ),
    ).toEqual([BASIC_EXECUTION, managedArn]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: managedArn }))).Policy?.AttachmentCount).toBe(2);
    expect((await iam.send(new GetUserPolicyCommand({ UserName: other, PolicyName: 'shared' }))).PolicyName).toBe(
      'shared',
    );
    const { InstanceProfile } = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profile }));
    expect(InstanceProfile?.Roles).toHaveLength(1);

    // The secret is a GetAtt value only: no stack event (properties, reasons) nor server log shows it.
    const events = await cfn(t).send(new DescribeStackEventsCommand({ StackName }));
    expect(JSON.stringify(events.StackEvents)).not.toContain(key.secretAccessKey);
    expect(t.logs.join('\n')).not.toContain(key.secretAccessKey);

    // Update: the user's path in place (same user, new ARN); a new profile path and a new Serial replace.
    await cfn(t).send(
      new UpdateStackCommand({
        StackName,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        TemplateBody: template(names, { userPath: '/moved/', profilePath: '/two/', serial: 2 }),
      }),
    );
    const after = await updated(t, StackName);
    const movedArn = `arn:aws:iam::${ACCOUNT}:user/moved/${names.user}`;
    expect(output(after, 'UserArn')).toBe(movedArn);
    expect((await iam.send(new GetUserCommand({ UserName: names.user }))).User?.UserId).toBe(User?.UserId);
    const newProfile = output(after, 'Profile') as string;
    expect(newProfile).not.toBe(profile);
    expect(output(after, 'ProfileArn')).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/two/${newProfile}`);
    expect(await failure(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profile })))).toMatchObject({
      name: 'NoSuchEntityException',
    });
    const newKey = {
      accessKeyId: output(after, 'KeyId') as string,
      secretAccessKey: output(after, 'Secret') as string,
    };
    expect(newKey.accessKeyId).not.toBe(key.accessKeyId);
    expect((await t.sts(newKey).send(new GetCallerIdentityCommand({}))).Arn).toBe(movedArn);
    expect(await failure(t.sts(key).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });

    // Delete: everything is gone and the key is refused.
    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
    for (const gone of [
      iam.send(new GetUserCommand({ UserName: names.user })),
      iam.send(new GetUserCommand({ UserName: other })),
      iam.send(new GetGroupCommand({ GroupName: names.group })),
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName: newProfile })),
      iam.send(new GetPolicyCommand({ PolicyArn: managedArn })),
    ]) {
      expect(await failure(gone)).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    }
    expect(await failure(t.sts(newKey).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });
  });
});
