/** Users and groups: lifecycle, paths, renames, tags, policies, membership and what blocks a delete. */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListSigningCertificatesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateGroupCommand,
  UpdateSigningCertificateCommand,
  UpdateUserCommand,
  UploadSigningCertificateCommand,
} from '@aws-sdk/client-iam';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, allowPolicy, BASIC_EXECUTION, rfc3986 } from './support.js';

const t = useCloud();

async function newUser(iam: IAMClient, path?: string): Promise<string> {
  const UserName = randomName('user');
  await iam.send(new CreateUserCommand({ UserName, Path: path }));
  return UserName;
}

/** A self-signed PEM certificate, made once (key generation takes a moment). */
let certificate: string | undefined;
function selfSigned(): string {
  if (certificate) return certificate;
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'signing' }]);
  cert.setIssuer([{ name: 'commonName', value: 'signing' }]);
  cert.sign(keys.privateKey);
  certificate = forge.pki.certificateToPem(cert);
  return certificate;
}

describe('users', () => {
  it('creates, reads, lists, renames and deletes a user with only the members AWS returns', async () => {
    const iam = t.iam();
    const path = `/${randomName('team')}/`;
    const UserName = randomName('user');
    const { User } = await iam.send(new CreateUserCommand({ UserName, Path: path }));
    expect(User).toEqual({
      Path: path,
      UserName,
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:user${path}${UserName}`,
      CreateDate: expect.any(Date),
    });
    expect((await iam.send(new GetUserCommand({ UserName: UserName.toUpperCase() }))).User).toEqual(User);
    expect(await failure(iam.send(new CreateUserCommand({ UserName: UserName.toUpperCase() })))).toEqual({
      name: 'EntityAlreadyExistsException',
      message: `User with name ${UserName.toUpperCase()} already exists.`,
      status: 409,
    });
    expect((await iam.send(new ListUsersCommand({ PathPrefix: path }))).Users).toEqual([User]);

    const NewUserName = randomName('renamed');
    const newPath = `${path}moved/`;
    await iam.send(new UpdateUserCommand({ UserName, NewUserName, NewPath: newPath }));
    expect(await failure(iam.send(new GetUserCommand({ UserName })))).toEqual({
      name: 'NoSuchEntityException',
      message: `The user with name ${UserName} cannot be found.`,
      status: 404,
    });
    const renamed = (await iam.send(new GetUserCommand({ UserName: NewUserName }))).User;
    expect(renamed).toMatchObject({
      UserId: User?.UserId,
      Path: newPath,
      Arn: `arn:aws:iam::${ACCOUNT}:user${newPath}${NewUserName}`,
    });

    await iam.send(new DeleteUserCommand({ UserName: NewUserName }));
    expect((await iam.send(new ListUsersCommand({ PathPrefix: path }))).Users).toEqual([]);
  });

  it('pages through ListUsers by name with Marker and MaxItems', async () => {
    const iam = t.iam();
    const path = `/${randomName('paging')}/`;
    const names = (await Promise.all([1, 2, 3, 4, 5].map(() => newUser(iam, path)))).sort();
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await iam.send(new ListUsersCommand({ PathPrefix: path, MaxItems: 2, Marker }));
      expect(page.Users?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.Users ?? []).map((u) => u.UserName as string));
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
    expect(seen).toEqual(names);
  });

  it('tags users: returned by CreateUser and GetUser, left out of ListUsers, limited to 50', async () => {
    const iam = t.iam();
    const UserName = randomName('tagged');
    const path = `/${randomName('tags')}/`;
    const created = await iam.send(
      new CreateUserCommand({ UserName, Path: path, Tags: [{ Key: 'team', Value: 'platform' }] }),
    );
    expect(created.User?.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    await iam.send(
      new TagUserCommand({
        UserName,
        Tags: [
          { Key: 'Team', Value: 'infra' },
          { Key: 'env', Value: 'dev' },
        ],
      }),
    );
    expect((await iam.send(new ListUserTagsCommand({ UserName }))).Tags).toEqual([
      { Key: 'Team', Value: 'infra' },
      { Key: 'env', Value: 'dev' },
    ]);
    await iam.send(new UntagUserCommand({ UserName, TagKeys: ['TEAM'] }));
    expect((await iam.send(new GetUserCommand({ UserName }))).User?.Tags).toEqual([{ Key: 'env', Value: 'dev' }]);
    expect((await iam.send(new ListUsersCommand({ PathPrefix: path }))).Users?.[0]).not.toHaveProperty('Tags');
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await failure(iam.send(new TagUserCommand({ UserName, Tags: many })))).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for TagsPerUser: 50',
      status: 409,
    });
    expect(
      await failure(iam.send(new TagUserCommand({ UserName: 'nobody-here', Tags: many.slice(0, 1) }))),
    ).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name nobody-here cannot be found.',
    });
  });

  it('holds inline and attached policies, counted and listed by the policy', async () => {
    const iam = t.iam();
    const UserName = await newUser(iam);
    const document = allowPolicy('s3:GetObject');
    await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'read', PolicyDocument: document }));
    expect(await iam.send(new GetUserPolicyCommand({ UserName, PolicyName: 'read' }))).toMatchObject({
      UserName,
      PolicyName: 'read',
      PolicyDocument: rfc3986(document),
    });
    expect((await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames).toEqual(['read']);
    expect(await failure(iam.send(new GetUserPolicyCommand({ UserName, PolicyName: 'other' })))).toEqual({
      name: 'NoSuchEntityException',
      message: 'The user policy with name other cannot be found.',
      status: 404,
    });
    const big = allowPolicy(...Array.from({ length: 200 }, (_, i) => `s3:Action${i}`));
    expect(
      await failure(iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'big', PolicyDocument: big }))),
    ).toEqual({
      name: 'LimitExceededException',
      message: `Maximum policy size of 2048 bytes exceeded for user ${UserName}`,
      status: 409,
    });

    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: randomName('policy'), PolicyDocument: allowPolicy('sqs:*') }),
    );
    const GroupName = randomName('group');
    await iam.send(new CreateGroupCommand({ GroupName }));
    await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: Policy?.Arn }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName, PolicyArn: Policy?.Arn }));
    await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: BASIC_EXECUTION }));
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies).toEqual([
      { PolicyName: Policy?.PolicyName, PolicyArn: Policy?.Arn },
      { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC_EXECUTION },
    ]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: Policy?.Arn }))).Policy?.AttachmentCount).toBe(2);
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: Policy?.Arn }));
    expect(entities).toMatchObject({
      PolicyUsers: [{ UserName, UserId: expect.stringMatching(/^AIDA/) }],
      PolicyGroups: [{ GroupName, GroupId: expect.stringMatching(/^AGPA/) }],
      PolicyRoles: [],
    });
    const users = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: Policy?.Arn, EntityFilter: 'User' }));
    expect([users.PolicyUsers?.length, users.PolicyGroups?.length]).toEqual([1, 0]);

    // A user holding policies cannot be deleted; the attached ones are named first.
    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
      status: 409,
    });
    await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: Policy?.Arn }));
    await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: BASIC_EXECUTION }));
    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toMatchObject({
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: 'read' }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn: Policy?.Arn }));
    await iam.send(new DeleteUserCommand({ UserName }));
    await iam.send(new DeleteGroupCommand({ GroupName }));
  });

  it('refuses to delete a user with access keys, a login profile or groups', async () => {
    const iam = t.iam();
    const UserName = await newUser(iam);
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete access keys first.',
      status: 409,
    });
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: AccessKey?.AccessKeyId }));
    const profile = await iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Secret-123456' }));
    expect(profile.LoginProfile).toEqual({ UserName, CreateDate: expect.any(Date), PasswordResetRequired: false });
    expect(
      await failure(iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Secret-123456' }))),
    ).toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: `Login Profile for user ${UserName} already exists.`,
    });
    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toMatchObject({
      message: 'Cannot delete entity, must delete login profile first.',
    });
    await iam.send(new DeleteLoginProfileCommand({ UserName }));
    const GroupName = randomName('group');
    await iam.send(new CreateGroupCommand({ GroupName }));
    await iam.send(new AddUserToGroupCommand({ GroupName, UserName }));
    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toMatchObject({
      message: 'Cannot delete entity, must remove users from group first.',
    });
    await iam.send(new RemoveUserFromGroupCommand({ GroupName, UserName }));
    await iam.send(new DeleteUserCommand({ UserName }));
    await iam.send(new DeleteGroupCommand({ GroupName }));
  });

  it('uploads signing certificates that are PEM X.509, two at most', async () => {
    const iam = t.iam();
    const UserName = await newUser(iam);
    expect(
      await failure(iam.send(new UploadSigningCertificateCommand({ UserName, CertificateBody: 'not-a-certificate' }))),
    ).toEqual({
      name: 'MalformedCertificateException',
      message: 'Certificate not-a-certificate is malformed.',
      status: 400,
    });
    const body = selfSigned();
    const { Certificate } = await iam.send(new UploadSigningCertificateCommand({ UserName, CertificateBody: body }));
    expect(Certificate).toEqual({
      UserName,
      CertificateId: expect.stringMatching(/^[A-Z2-7]{24}$/),
      CertificateBody: body,
      Status: 'Active',
      UploadDate: expect.any(Date),
    });
    await iam.send(new UploadSigningCertificateCommand({ UserName, CertificateBody: body }));
    expect(await failure(iam.send(new UploadSigningCertificateCommand({ UserName, CertificateBody: body })))).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for CertificatesPerUser: 2',
      status: 409,
    });
    const CertificateId = Certificate?.CertificateId;
    await iam.send(new UpdateSigningCertificateCommand({ UserName, CertificateId, Status: 'Inactive' }));
    const listed = await iam.send(new ListSigningCertificatesCommand({ UserName }));
    expect(listed.Certificates?.map((c) => c.Status)).toEqual(['Inactive', 'Active']);
    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toMatchObject({
      message: 'Cannot delete entity, must delete signing certificates first.',
    });
    for (const c of listed.Certificates ?? []) {
      await iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: c.CertificateId }));
    }
    expect(await failure(iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId })))).toEqual({
      name: 'NoSuchEntityException',
      message: `The Certificate with id ${CertificateId} cannot be found.`,
      status: 404,
    });
    await iam.send(new DeleteUserCommand({ UserName }));
  });
});

describe('groups', () => {
  it('creates groups, adds members, renames and deletes them', async () => {
    const iam = t.iam();
    const path = `/${randomName('groups')}/`;
    const GroupName = randomName('group');
    const { Group } = await iam.send(new CreateGroupCommand({ GroupName, Path: path }));
    expect(Group).toEqual({
      Path: path,
      GroupName,
      GroupId: expect.stringMatching(/^AGPA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:group${path}${GroupName}`,
      CreateDate: expect.any(Date),
    });
    expect(await failure(iam.send(new CreateGroupCommand({ GroupName })))).toEqual({
      name: 'EntityAlreadyExistsException',
      message: `Group with name ${GroupName} already exists.`,
      status: 409,
    });
    const UserName = await newUser(iam);
    await iam.send(new AddUserToGroupCommand({ GroupName, UserName }));
    await iam.send(new AddUserToGroupCommand({ GroupName, UserName }));
    const got = await iam.send(new GetGroupCommand({ GroupName }));
    expect(got.Group).toEqual(Group);
    expect(got.Users?.map((u) => u.UserName)).toEqual([UserName]);
    expect(got.Users?.[0]).not.toHaveProperty('Tags');
    expect((await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups).toEqual([Group]);
    expect((await iam.send(new ListGroupsCommand({ PathPrefix: path }))).Groups).toEqual([Group]);

    await iam.send(new PutGroupPolicyCommand({ GroupName, PolicyName: 'p', PolicyDocument: allowPolicy('s3:*') }));
    const NewGroupName = randomName('renamed');
    await iam.send(new UpdateGroupCommand({ GroupName, NewGroupName }));
    expect((await iam.send(new GetGroupCommand({ GroupName: NewGroupName }))).Users?.map((u) => u.UserName)).toEqual([
      UserName,
    ]);
    expect((await iam.send(new GetGroupPolicyCommand({ GroupName: NewGroupName, PolicyName: 'p' }))).GroupName).toBe(
      NewGroupName,
    );
    expect(await failure(iam.send(new DeleteGroupCommand({ GroupName: NewGroupName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove users from group first.',
      status: 409,
    });
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: NewGroupName, UserName }));
    // Removing a user who is no member succeeds, as on AWS.
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: NewGroupName, UserName }));
    expect(await failure(iam.send(new DeleteGroupCommand({ GroupName: NewGroupName })))).toMatchObject({
      message: 'Cannot delete entity, must delete policies first.',
    });
    expect(await failure(iam.send(new GetGroupCommand({ GroupName })))).toEqual({
      name: 'NoSuchEntityException',
      message: `The group with name ${GroupName} cannot be found.`,
      status: 404,
    });
  });
});
