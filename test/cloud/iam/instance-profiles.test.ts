/** Instance profiles: lifecycle, the one role they hold, tags, and the role they keep from deletion. */
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  GetInstanceProfileCommand,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListInstanceProfileTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, newRole, rfc3986, trustPolicy } from './support.js';

const t = useCloud();

describe('instance profiles', () => {
  it('holds one role, which cannot be deleted while it is in the profile', async () => {
    const iam = t.iam();
    const path = `/${randomName('profiles')}/`;
    const InstanceProfileName = randomName('profile');
    const created = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName, Path: path }));
    const base = {
      Path: path,
      InstanceProfileName,
      InstanceProfileId: expect.stringMatching(/^AIPA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:instance-profile${path}${InstanceProfileName}`,
      CreateDate: expect.any(Date),
      Roles: [],
    };
    // CreateInstanceProfile leaves out Tags when none were given; GetInstanceProfile always lists them.
    expect(created.InstanceProfile).toEqual(base);
    expect((await iam.send(new GetInstanceProfileCommand({ InstanceProfileName }))).InstanceProfile).toEqual({
      ...base,
      Tags: [],
    });
    expect(await failure(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName })))).toEqual({
      name: 'EntityAlreadyExistsException',
      message: `Instance Profile ${InstanceProfileName} already exists.`,
      status: 409,
    });

    const RoleName = await newRole(iam, '/ec2/');
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName, RoleName }));
    const got = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName }))).InstanceProfile;
    expect(got?.Roles).toEqual([
      {
        Path: '/ec2/',
        RoleName,
        RoleId: expect.stringMatching(/^AROA/),
        Arn: `arn:aws:iam::${ACCOUNT}:role/ec2/${RoleName}`,
        CreateDate: expect.any(Date),
        AssumeRolePolicyDocument: rfc3986(trustPolicy()),
      },
    ]);
    const other = await newRole(iam);
    expect(
      await failure(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName, RoleName: other }))),
    ).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      status: 409,
    });
    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must remove roles from instance profile first.',
      status: 409,
    });
    expect(await failure(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName })))).toMatchObject({
      name: 'DeleteConflictException',
    });
    const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName }));
    expect(forRole.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual([InstanceProfileName]);
    expect(
      (await iam.send(new ListInstanceProfilesCommand({ PathPrefix: path }))).InstanceProfiles?.[0],
    ).not.toHaveProperty('Tags');
    expect(
      await failure(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName, RoleName: other }))),
    ).toEqual({
      name: 'NoSuchEntityException',
      message: `Role ${other} in Instance Profile ${InstanceProfileName} cannot be found.`,
      status: 404,
    });
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName, RoleName }));
    await iam.send(new DeleteRoleCommand({ RoleName }));
    await iam.send(new DeleteRoleCommand({ RoleName: other }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName }));
    expect(await failure(iam.send(new GetInstanceProfileCommand({ InstanceProfileName })))).toEqual({
      name: 'NoSuchEntityException',
      message: `Instance Profile ${InstanceProfileName} cannot be found.`,
      status: 404,
    });
  });

  it('tags instance profiles', async () => {
    const iam = t.iam();
    const InstanceProfileName = randomName('profile');
    const created = await iam.send(
      new CreateInstanceProfileCommand({ InstanceProfileName, Tags: [{ Key: 'a', Value: '1' }] }),
    );
    expect(created.InstanceProfile?.Tags).toEqual([{ Key: 'a', Value: '1' }]);
    await iam.send(new TagInstanceProfileCommand({ InstanceProfileName, Tags: [{ Key: 'b', Value: '2' }] }));
    expect((await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName }))).Tags).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName }));
  });
});
