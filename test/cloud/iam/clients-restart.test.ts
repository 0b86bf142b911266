/** IAM through the AWS CLI v1 (botocore decodes documents), and IAM state surviving a restart. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetSSHPublicKeyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListPolicyVersionsCommand,
  PutRolePolicyCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { awsCli } from '../../helpers/aws-cli.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { RSA_2048_KEYS } from './ssh-keys.fixture.js';
import { ACCOUNT, allowPolicy, BASIC_EXECUTION, trustPolicy } from './support.js';

const t = useCloud();
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-iam-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = awsCli(() => t.url);
const aws = cli.json;

describe('AWS CLI v1', () => {
  it('iam create-role, put-role-policy, attach-role-policy, get-role, and an error', async () => {
    const name = randomName('cli');
    const trustFile = join(work, 'trust.json');
    writeFileSync(trustFile, trustPolicy());
    const created = (await aws(
      'iam',
      'create-role',
      '--role-name',
      name,
      '--path',
      '/cli/',
      '--assume-role-policy-document',
      `file://${trustFile}`,
      '--tags',
      'Key=made-by,Value=cli',
    )) as { Role: Record<string, unknown> };
    // botocore URL-decodes and parses policy documents, so the CLI prints them as objects.
    expect(created.Role).toMatchObject({
      RoleName: name,
      Path: '/cli/',
      Arn: `arn:aws:iam::${ACCOUNT}:role/cli/${name}`,
      AssumeRolePolicyDocument: JSON.parse(trustPolicy()),
      Tags: [{ Key: 'made-by', Value: 'cli' }],
    });
    const inline = allowPolicy('logs:PutLogEvents');
    await aws('iam', 'put-role-policy', '--role-name', name, '--policy-name', 'logs', '--policy-document', inline);
    expect(await aws('iam', 'get-role-policy', '--role-name', name, '--policy-name', 'logs')).toEqual({
      RoleName: name,
      PolicyName: 'logs',
      PolicyDocument: JSON.parse(inline),
    });
    await aws('iam', 'attach-role-policy', '--role-name', name, '--policy-arn', BASIC_EXECUTION);
    expect(await aws('iam', 'list-attached-role-policies', '--role-name', name)).toEqual({
      AttachedPolicies: [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC_EXECUTION }],
    });
    const got = (await aws('iam', 'get-role', '--role-name', name)) as { Role: Record<string, unknown> };
    expect(got.Role).toMatchObject({ MaxSessionDuration: 3600, RoleLastUsed: {}, RoleId: created.Role['RoleId'] });

    const error = await cli.failure('iam', 'get-role', '--role-name', 'missing-role');
    expect(error.code).toBe(255);
    expect(error.stderr).toContain(
      'An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name missing-role cannot be found.',
    );
  });
});

describe('persistence', () => {
  it('keeps roles, policies, versions and attachments across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-iam-restart-'));
    const RoleName = randomName('persist');
    const PolicyName = randomName('persist');
    const client = (url: string) =>
      new IAMClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      let cloud = await startCloud({ port: 0, dataDir });
      let iam = client(cloud.url);
      await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustPolicy(), Description: 'kept' }));
      await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'inline', PolicyDocument: allowPolicy('s3:*') }));
      const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: allowPolicy('sqs:*') }));
      const PolicyArn = Policy?.Arn as string;
      await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn, PolicyDocument: allowPolicy('sns:*'), SetAsDefault: true }),
      );
      await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
      await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: BASIC_EXECUTION }));
      const before = {
        role: (await iam.send(new GetRoleCommand({ RoleName }))).Role,
        inline: (await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'inline' }))).PolicyDocument,
        policy: (await iam.send(new GetPolicyCommand({ PolicyArn }))).Policy,
        versions: (await iam.send(new ListPolicyVersionsCommand({ PolicyArn }))).Versions,
        attached: (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies,
      };
      iam.destroy();
      await cloud.close();

      cloud = await startCloud({ port: 0, dataDir });
      iam = client(cloud.url);
      const after = {
        role: (await iam.send(new GetRoleCommand({ RoleName }))).Role,
        inline: (await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'inline' }))).PolicyDocument,
        policy: (await iam.send(new GetPolicyCommand({ PolicyArn }))).Policy,
        versions: (await iam.send(new ListPolicyVersionsCommand({ PolicyArn }))).Versions,
        attached: (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies,
      };
      expect(after).toEqual(before);
      expect(after.policy).toMatchObject({ DefaultVersionId: 'v2', AttachmentCount: 1 });
      expect(after.attached?.map((p) => p.PolicyArn)).toEqual([PolicyArn, BASIC_EXECUTION]);
      iam.destroy();
      await cloud.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps users, groups, access keys (still accepted for SigV4), SSH keys and instance profiles', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-iam-restart-'));
    const UserName = randomName('kept-user');
    const GroupName = randomName('kept-group');
    const RoleName = randomName('kept-role');
    const InstanceProfileName = randomName('kept-profile');
    const client = (url: string) =>
      new IAMClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const sts = (url: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
      new STSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      let cloud = await startCloud({ port: 0, dataDir });
      let iam = client(cloud.url);
      await iam.send(new CreateUserCommand({ UserName, Path: '/kept/', Tags: [{ Key: 'k', Value: 'v' }] }));
      await iam.send(new CreateGroupCommand({ GroupName }));
      await iam.send(new AddUserToGroupCommand({ GroupName, UserName }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
      const key = {
        accessKeyId: AccessKey?.AccessKeyId as string,
        secretAccessKey: AccessKey?.SecretAccessKey as string,
      };
      const { SSHPublicKey } = await iam.send(
        new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody: RSA_2048_KEYS[0] as string }),
      );
      await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustPolicy('ec2.amazonaws.com') }));
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName, RoleName }));
      let caller = sts(cloud.url, key);
      const identity = await caller.send(new GetCallerIdentityCommand({}));
      const SSHPublicKeyId = SSHPublicKey?.SSHPublicKeyId as string;
      const read = async (c: IAMClient) => ({
        user: (await c.send(new GetUserCommand({ UserName }))).User,
        group: await c.send(new GetGroupCommand({ GroupName })).then(({ Group, Users }) => ({ Group, Users })),
        keys: (await c.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata,
        lastUsed: (await c.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))).AccessKeyLastUsed,
        ssh: (await c.send(new GetSSHPublicKeyCommand({ UserName, SSHPublicKeyId, Encoding: 'SSH' }))).SSHPublicKey,
        profile: (await c.send(new GetInstanceProfileCommand({ InstanceProfileName }))).InstanceProfile,
      });
      const before = await read(iam);
      iam.destroy();
      caller.destroy();
      await cloud.close();

      cloud = await startCloud({ port: 0, dataDir });
      iam = client(cloud.url);
      expect(await read(iam)).toEqual(before);
      expect(before.group.Users?.map((u) => u.UserName)).toEqual([UserName]);
      expect(before.lastUsed).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1' });
      expect(before.profile?.Roles?.map((r) => r.RoleName)).toEqual([RoleName]);
      // The key still signs requests as its user.
      caller = sts(cloud.url, key);
      expect(await caller.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Arn: identity.Arn,
        UserId: before.user?.UserId,
        Account: ACCOUNT,
      });
      caller.destroy();
      iam.destroy();
      await cloud.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
