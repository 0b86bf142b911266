/**
 * AWS::IAM resources through the local IAM service (policies stored, not enforced): roles, users,
 * groups, access keys, instance profiles, inline and managed policies, and group membership.
 * Which property changes replace a resource follows the types' registry schemas
 * (`createOnlyProperties`): a role's or instance profile's path replaces it, a user's or group's
 * path is changed in place (UpdateUser / UpdateGroup), an access key's Serial or user replaces it.
 */
import {
  attributeValue,
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ResourceProvider,
  tagChanges,
} from './provider.js';

type InlinePolicy = { PolicyName: string; PolicyDocument: unknown };

/** What holds inline policies and managed policy attachments, as IAM's operation names spell it. */
type EntityKind = 'Role' | 'User' | 'Group';

const NOT_FOUND = ['NoSuchEntity'];

const list = <T = string>(properties: Properties, name: string) => (properties[name] as T[] | undefined) ?? [];

/** The members of `next` missing from `previous` and those of `previous` missing from `next`. */
function listChanges(next: string[], previous: string[]): { added: string[]; removed: string[] } {
  return { added: next.filter((v) => !previous.includes(v)), removed: previous.filter((v) => !next.includes(v)) };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function putInlinePolicy(ctx: ProviderContext, kind: EntityKind, entity: string, name: string, document: unknown) {
  return ctx.call('iam', `Put${kind}Policy`, {
    [`${kind}Name`]: entity,
    PolicyName: name,
    PolicyDocument: attributeValue(document),
  });
}

function deleteInlinePolicy(ctx: ProviderContext, kind: EntityKind, entity: string, name: string) {
  return ignoreMissing(
    ctx.call('iam', `Delete${kind}Policy`, { [`${kind}Name`]: entity, PolicyName: name }),
    NOT_FOUND,
  );
}

function attachPolicy(ctx: ProviderContext, kind: EntityKind, entity: string, arn: string) {
  return ctx.call('iam', `Attach${kind}Policy`, { [`${kind}Name`]: entity, PolicyArn: arn });
}

function detachPolicy(ctx: ProviderContext, kind: EntityKind, entity: string, arn: string) {
  return ignoreMissing(ctx.call('iam', `Detach${kind}Policy`, { [`${kind}Name`]: entity, PolicyArn: arn }), NOT_FOUND);
}

/**
 * Brings a role's, user's or group's `Policies` and `ManagedPolicyArns` from `previous` to `next`
 * (from everything to `{}` empties the entity before its delete, which IAM requires).
 */
async function syncPermissions(
  kind: EntityKind,
  entity: string,
  next: Properties,
  previous: Properties,
  ctx: ProviderContext,
) {
  const wanted = list<InlinePolicy>(next, 'Policies');
  const had = list<InlinePolicy>(previous, 'Policies');
  for (const old of had) {
    if (!wanted.some((p) => p.PolicyName === old.PolicyName))
      await deleteInlinePolicy(ctx, kind, entity, old.PolicyName);
  }
  for (const policy of wanted) {
    if (
      same(
        had.find((p) => p.PolicyName === policy.PolicyName),
        policy,
      )
    )
      continue;
    await putInlinePolicy(ctx, kind, entity, policy.PolicyName, policy.PolicyDocument);
  }
  const arns = listChanges(list(next, 'ManagedPolicyArns'), list(previous, 'ManagedPolicyArns'));
  for (const arn of arns.removed) await detachPolicy(ctx, kind, entity, arn);
  for (const arn of arns.added) await attachPolicy(ctx, kind, entity, arn);
}

/** The entities a policy resource names: its `Roles`, `Users` and `Groups`. */
const POLICY_TARGETS: readonly { property: string; kind: EntityKind }[] = [
  { property: 'Roles', kind: 'Role' },
  { property: 'Users', kind: 'User' },
  { property: 'Groups', kind: 'Group' },
];

const optional = (properties: Properties, ...names: string[]) =>
  Object.fromEntries(names.filter((n) => properties[n] !== undefined).map((n) => [n, properties[n]]));

export const roleProvider: ResourceProvider = {
  type: 'AWS::IAM::Role',
  attributes: ['Arn', 'RoleId'],
  replaceOn: ['RoleName', 'Path'],
  async create(properties, ctx) {
    const name = (properties['RoleName'] as string | undefined) ?? ctx.generateName(64);
    const created = await ctx.call<{ Role: { Arn: string; RoleId: string } }>('iam', 'CreateRole', {
      RoleName: name,
      AssumeRolePolicyDocument: attributeValue(properties['AssumeRolePolicyDocument']),
      ...optional(properties, 'Path', 'Description', 'Tags', 'PermissionsBoundary'),
      ...(properties['MaxSessionDuration'] ? { MaxSessionDuration: Number(properties['MaxSessionDuration']) } : {}),
    });
    await syncPermissions('Role', name, properties, {}, ctx);
    return { physicalId: name, attributes: { Arn: created.Role.Arn, RoleId: created.Role.RoleId } };
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    if (!same(properties['AssumeRolePolicyDocument'], previous['AssumeRolePolicyDocument'])) {
      await ctx.call('iam', 'UpdateAssumeRolePolicy', {
        RoleName: name,
        PolicyDocument: attributeValue(properties['AssumeRolePolicyDocument']),
      });
    }
    if (
      properties['Description'] !== previous['Description'] ||
      properties['MaxSessionDuration'] !== previous['MaxSessionDuration']
    ) {
      await ctx.call('iam', 'UpdateRole', {
        RoleName: name,
        Description: properties['Description'] ?? '',
        ...(properties['MaxSessionDuration'] ? { MaxSessionDuration: Number(properties['MaxSessionDuration']) } : {}),
      });
    }
    await syncBoundary('Role', name, properties, previous, ctx);
    await syncTags('Role', name, properties, previous, ctx);
    await syncPermissions('Role', name, properties, previous, ctx);
    return current;
  },
  async delete(current, properties, ctx) {
    // A role must be emptied before it can be deleted.
    await syncPermissions('Role', current.physicalId, {}, properties, ctx);
    await ignoreMissing(ctx.call('iam', 'DeleteRole', { RoleName: current.physicalId }), NOT_FOUND);
  },
};

/** Puts or deletes a role's or user's permissions boundary when the template changed it. */
async function syncBoundary(
  kind: 'Role' | 'User',
  name: string,
  next: Properties,
  previous: Properties,
  ctx: ProviderContext,
) {
  const arn = next['PermissionsBoundary'];
  if (arn === previous['PermissionsBoundary']) return;
  if (arn === undefined) {
    await ignoreMissing(ctx.call('iam', `Delete${kind}PermissionsBoundary`, { [`${kind}Name`]: name }), NOT_FOUND);
  } else {
    await ctx.call('iam', `Put${kind}PermissionsBoundary`, { [`${kind}Name`]: name, PermissionsBoundary: arn });
  }
}

async function syncTags(
  kind: 'Role' | 'User',
  name: string,
  next: Properties,
  previous: Properties,
  ctx: ProviderContext,
) {
  if (same(next['Tags'], previous['Tags'])) return;
  const { set, removed } = tagChanges(next['Tags'], previous['Tags']);
  if (removed.length) await ctx.call('iam', `Untag${kind}`, { [`${kind}Name`]: name, TagKeys: removed });
  const tags = Object.entries(set).map(([Key, Value]) => ({ Key, Value }));
  if (tags.length) await ctx.call('iam', `Tag${kind}`, { [`${kind}Name`]: name, Tags: tags });
}

type LoginProfile = { Password?: string; PasswordResetRequired?: boolean };

/** Creates, changes or deletes a user's console login profile as `LoginProfile` went. */
async function syncLoginProfile(user: string, next: Properties, previous: Properties, ctx: ProviderContext) {
  const wanted = next['LoginProfile'] as LoginProfile | undefined;
  const had = previous['LoginProfile'] as LoginProfile | undefined;
  if (same(wanted, had)) return;
  if (!wanted) {
    await ignoreMissing(ctx.call('iam', 'DeleteLoginProfile', { UserName: user }), NOT_FOUND);
    return;
  }
  const profile = { UserName: user, Password: wanted.Password, ...optional(wanted, 'PasswordResetRequired') };
  await ctx.call('iam', had ? 'UpdateLoginProfile' : 'CreateLoginProfile', profile);
}

async function syncGroups(user: string, next: Properties, previous: Properties, ctx: ProviderContext) {
  const groups = listChanges(list(next, 'Groups'), list(previous, 'Groups'));
  for (const group of groups.removed) {
    await ignoreMissing(ctx.call('iam', 'RemoveUserFromGroup', { GroupName: group, UserName: user }), NOT_FOUND);
  }
  for (const group of groups.added) await ctx.call('iam', 'AddUserToGroup', { GroupName: group, UserName: user });
}

export const userProvider: ResourceProvider = {
  type: 'AWS::IAM::User',
  attributes: ['Arn'],
  replaceOn: ['UserName'],
  async create(properties, ctx) {
    const name = (properties['UserName'] as string | undefined) ?? ctx.generateName(64);
    const created = await ctx.call<{ User: { Arn: string } }>('iam', 'CreateUser', {
      UserName: name,
      ...optional(properties, 'Path', 'PermissionsBoundary', 'Tags'),
    });
    await syncLoginProfile(name, properties, {}, ctx);
    await syncGroups(name, properties, {}, ctx);
    await syncPermissions('User', name, properties, {}, ctx);
    return { physicalId: name, attributes: { Arn: created.User.Arn } };
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    if (properties['Path'] !== previous['Path']) {
      await ctx.call('iam', 'UpdateUser', { UserName: name, NewPath: properties['Path'] ?? '/' });
    }
    await syncBoundary('User', name, properties, previous, ctx);
    await syncTags('User', name, properties, previous, ctx);
    await syncLoginProfile(name, properties, previous, ctx);
    await syncGroups(name, properties, previous, ctx);
    await syncPermissions('User', name, properties, previous, ctx);
    // The ARN carries the path.
    const { User } = await ctx.call<{ User: { Arn: string } }>('iam', 'GetUser', { UserName: name });
    return { physicalId: name, attributes: { Arn: User.Arn } };
  },
  async delete(current, properties, ctx) {
    const name = current.physicalId;
    await syncLoginProfile(name, {}, properties, ctx);
    await syncGroups(name, {}, properties, ctx);
    await syncPermissions('User', name, {}, properties, ctx);
    await ignoreMissing(ctx.call('iam', 'DeleteUser', { UserName: name }), NOT_FOUND);
  },
};

export const groupProvider: ResourceProvider = {
  type: 'AWS::IAM::Group',
  attributes: ['Arn'],
  replaceOn: ['GroupName'],
  async create(properties, ctx) {
    const name = (properties['GroupName'] as string | undefined) ?? ctx.generateName(128);
    const created = await ctx.call<{ Group: { Arn: string } }>('iam', 'CreateGroup', {
      GroupName: name,
      ...optional(properties, 'Path'),
    });
    await syncPermissions('Group', name, properties, {}, ctx);
    return { physicalId: name, attributes: { Arn: created.Group.Arn } };
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    if (properties['Path'] !== previous['Path']) {
      await ctx.call('iam', 'UpdateGroup', { GroupName: name, NewPath: properties['Path'] ?? '/' });
    }
    await syncPermissions('Group', name, properties, previous, ctx);
    const { Group } = await ctx.call<{ Group: { Arn: string } }>('iam', 'GetGroup', { GroupName: name });
    return { physicalId: name, attributes: { Arn: Group.Arn } };
  },
  async delete(current, properties, ctx) {
    await syncPermissions('Group', current.physicalId, {}, properties, ctx);
    await ignoreMissing(ctx.call('iam', 'DeleteGroup', { GroupName: current.physicalId }), NOT_FOUND);
  },
};

/**
 * A user's access key. Ref is the key id; the secret is only a GetAtt attribute (kept with the
 * stack's resource record, never in its properties, so stack events do not show it).
 */
export const accessKeyProvider: ResourceProvider = {
  type: 'AWS::IAM::AccessKey',
  attributes: ['SecretAccessKey', 'Id'],
  replaceOn: ['UserName', 'Serial'],
  async create(properties, ctx) {
    const UserName = properties['UserName'];
    const { AccessKey } = await ctx.call<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(
      'iam',
      'CreateAccessKey',
      { UserName },
    );
    if (properties['Status'] === 'Inactive') {
      await ctx.call('iam', 'UpdateAccessKey', { UserName, AccessKeyId: AccessKey.AccessKeyId, Status: 'Inactive' });
    }
    return {
      physicalId: AccessKey.AccessKeyId,
      attributes: { SecretAccessKey: AccessKey.SecretAccessKey, Id: AccessKey.AccessKeyId },
    };
  },
  async update(current, properties, previous, ctx) {
    if (properties['Status'] !== previous['Status']) {
      await ctx.call('iam', 'UpdateAccessKey', {
        UserName: properties['UserName'],
        AccessKeyId: current.physicalId,
        Status: properties['Status'] ?? 'Active',
      });
    }
    return current;
  },
  async delete(current, properties, ctx) {
    await ignoreMissing(
      ctx.call('iam', 'DeleteAccessKey', { UserName: properties['UserName'], AccessKeyId: current.physicalId }),
      NOT_FOUND,
    );
  },
};

/** Users added to a group (the group and users may live outside the stack). */
export const userToGroupAdditionProvider: ResourceProvider = {
  type: 'AWS::IAM::UserToGroupAddition',
  attributes: ['Id'],
  replaceOn: [],
  async create(properties, ctx) {
    for (const user of list(properties, 'Users')) {
      await ctx.call('iam', 'AddUserToGroup', { GroupName: properties['GroupName'], UserName: user });
    }
    const id = ctx.generateName(128);
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(current, properties, previous, ctx) {
    // Another group: everyone leaves the old one. The same group: only the membership changes.
    const sameGroup = properties['GroupName'] === previous['GroupName'];
    const users = listChanges(list(properties, 'Users'), sameGroup ? list(previous, 'Users') : []);
    const leaving = sameGroup ? users.removed : list(previous, 'Users');
    for (const user of leaving) {
      await ignoreMissing(
        ctx.call('iam', 'RemoveUserFromGroup', { GroupName: previous['GroupName'], UserName: user }),
        NOT_FOUND,
      );
    }
    for (const user of users.added) {
      await ctx.call('iam', 'AddUserToGroup', { GroupName: properties['GroupName'], UserName: user });
    }
    return current;
  },
  async delete(_current, properties, ctx) {
    for (const user of list(properties, 'Users')) {
      await ignoreMissing(
        ctx.call('iam', 'RemoveUserFromGroup', { GroupName: properties['GroupName'], UserName: user }),
        NOT_FOUND,
      );
    }
  },
};

/** An instance profile holding (at most) one role; IAM refuses a second with LimitExceeded. */
export const instanceProfileProvider: ResourceProvider = {
  type: 'AWS::IAM::InstanceProfile',
  attributes: ['Arn'],
  replaceOn: ['InstanceProfileName', 'Path'],
  async create(properties, ctx) {
    const name = (properties['InstanceProfileName'] as string | undefined) ?? ctx.generateName(128);
    const created = await ctx.call<{ InstanceProfile: { Arn: string } }>('iam', 'CreateInstanceProfile', {
      InstanceProfileName: name,
      ...optional(properties, 'Path'),
    });
    for (const role of list(properties, 'Roles')) {
      await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: role });
    }
    return { physicalId: name, attributes: { Arn: created.InstanceProfile.Arn } };
  },
  async update(current, properties, previous, ctx) {
    const roles = listChanges(list(properties, 'Roles'), list(previous, 'Roles'));
    for (const role of roles.removed) {
      await ignoreMissing(
        ctx.call('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: current.physicalId, RoleName: role }),
        NOT_FOUND,
      );
    }
    for (const role of roles.added) {
      await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: current.physicalId, RoleName: role });
    }
    return current;
  },
  async delete(current, properties, ctx) {
    for (const role of list(properties, 'Roles')) {
      await ignoreMissing(
        ctx.call('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: current.physicalId, RoleName: role }),
        NOT_FOUND,
      );
    }
    await ignoreMissing(
      ctx.call('iam', 'DeleteInstanceProfile', { InstanceProfileName: current.physicalId }),
      NOT_FOUND,
    );
  },
};

/**
 * An inline policy embedded in each listed role, user and group. Every property updates in place
 * (a new name deletes the old one from each entity first).
 */
export const policyProvider: ResourceProvider = {
  type: 'AWS::IAM::Policy',
  attributes: ['Id'],
  replaceOn: [],
  async create(properties, ctx) {
    for (const { property, kind } of POLICY_TARGETS) {
      for (const entity of list(properties, property)) {
        await putInlinePolicy(ctx, kind, entity, properties['PolicyName'] as string, properties['PolicyDocument']);
      }
    }
    const id = ctx.generateName(128);
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(current, properties, previous, ctx) {
    const renamed = properties['PolicyName'] !== previous['PolicyName'];
    const changed = renamed || !same(properties['PolicyDocument'], previous['PolicyDocument']);
    for (const { property, kind } of POLICY_TARGETS) {
      const entities = listChanges(list(properties, property), list(previous, property));
      const leaving = renamed ? list(previous, property) : entities.removed;
      for (const entity of leaving) await deleteInlinePolicy(ctx, kind, entity, previous['PolicyName'] as string);
      for (const entity of changed ? list(properties, property) : entities.added) {
        await putInlinePolicy(ctx, kind, entity, properties['PolicyName'] as string, properties['PolicyDocument']);
      }
    }
    return current;
  },
  async delete(_current, properties, ctx) {
    for (const { property, kind } of POLICY_TARGETS) {
      for (const entity of list(properties, property)) {
        await deleteInlinePolicy(ctx, kind, entity, properties['PolicyName'] as string);
      }
    }
  },
};

export const managedPolicyProvider: ResourceProvider = {
  type: 'AWS::IAM::ManagedPolicy',
  attributes: [
    'PolicyArn',
    'PolicyId',
    'DefaultVersionId',
    'AttachmentCount',
    'CreateDate',
    'UpdateDate',
    'IsAttachable',
  ],
  replaceOn: ['ManagedPolicyName', 'Path', 'Description'],
  async create(properties, ctx) {
    const created = await ctx.call<{ Policy: { Arn: string; PolicyId: string; DefaultVersionId: string } }>(
      'iam',
      'CreatePolicy',
      {
        PolicyName: (properties['ManagedPolicyName'] as string | undefined) ?? ctx.generateName(128),
        PolicyDocument: attributeValue(properties['PolicyDocument']),
        ...optional(properties, 'Path', 'Description'),
      },
    );
    const arn = created.Policy.Arn;
    for (const { property, kind } of POLICY_TARGETS) {
      for (const entity of list(properties, property)) await attachPolicy(ctx, kind, entity, arn);
    }
    return {
      physicalId: arn,
      attributes: {
        PolicyArn: arn,
        PolicyId: created.Policy.PolicyId,
        DefaultVersionId: created.Policy.DefaultVersionId,
      },
    };
  },
  async update(current, properties, previous, ctx) {
    const arn = current.physicalId;
    if (!same(properties['PolicyDocument'], previous['PolicyDocument'])) {
      const versions = await ctx.call<{ Versions?: { VersionId: string; IsDefaultVersion: boolean }[] }>(
        'iam',
        'ListPolicyVersions',
        { PolicyArn: arn },
      );
      // A policy keeps at most five versions; drop the oldest non-default one to make room.
      const old = (versions.Versions ?? []).filter((v) => !v.IsDefaultVersion);
      if ((versions.Versions?.length ?? 0) >= 5 && old.length) {
        await ctx.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: old[old.length - 1]?.VersionId });
      }
      await ctx.call('iam', 'CreatePolicyVersion', {
        PolicyArn: arn,
        PolicyDocument: attributeValue(properties['PolicyDocument']),
        SetAsDefault: true,
      });
    }
    for (const { property, kind } of POLICY_TARGETS) {
      const entities = listChanges(list(properties, property), list(previous, property));
      for (const entity of entities.removed) await detachPolicy(ctx, kind, entity, arn);
      for (const entity of entities.added) await attachPolicy(ctx, kind, entity, arn);
    }
    return current;
  },
  async delete(current, properties, ctx) {
    for (const { property, kind } of POLICY_TARGETS) {
      for (const entity of list(properties, property)) await detachPolicy(ctx, kind, entity, current.physicalId);
    }
    await ignoreMissing(ctx.call('iam', 'DeletePolicy', { PolicyArn: current.physicalId }), NOT_FOUND);
  },
};
