/** AWS::IAM::Role, ::Policy and ::ManagedPolicy through the local IAM service (stored, not enforced). */
import {
  attributeValue,
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ResourceProvider,
} from './provider.js';

type InlinePolicy = { PolicyName: string; PolicyDocument: unknown };

const NOT_FOUND = ['NoSuchEntity'];

async function syncInlinePolicies(role: string, next: Properties, previous: Properties, ctx: ProviderContext) {
  const wanted = (next['Policies'] as InlinePolicy[] | undefined) ?? [];
  const had = (previous['Policies'] as InlinePolicy[] | undefined) ?? [];
  for (const old of had) {
    if (!wanted.some((p) => p.PolicyName === old.PolicyName)) {
      await ignoreMissing(
        ctx.call('iam', 'DeleteRolePolicy', { RoleName: role, PolicyName: old.PolicyName }),
        NOT_FOUND,
      );
    }
  }
  for (const policy of wanted) {
    const before = had.find((p) => p.PolicyName === policy.PolicyName);
    if (JSON.stringify(before) === JSON.stringify(policy)) continue;
    await ctx.call('iam', 'PutRolePolicy', {
      RoleName: role,
      PolicyName: policy.PolicyName,
      PolicyDocument: attributeValue(policy.PolicyDocument),
    });
  }
}

async function syncManagedPolicies(role: string, next: Properties, previous: Properties, ctx: ProviderContext) {
  const wanted = (next['ManagedPolicyArns'] as string[] | undefined) ?? [];
  const had = (previous['ManagedPolicyArns'] as string[] | undefined) ?? [];
  for (const arn of had.filter((a) => !wanted.includes(a))) {
    await ignoreMissing(ctx.call('iam', 'DetachRolePolicy', { RoleName: role, PolicyArn: arn }), NOT_FOUND);
  }
  for (const arn of wanted.filter((a) => !had.includes(a))) {
    await ctx.call('iam', 'AttachRolePolicy', { RoleName: role, PolicyArn: arn });
  }
}

export const roleProvider: ResourceProvider = {
  type: 'AWS::IAM::Role',
  attributes: ['Arn', 'RoleId'],
  replaceOn: ['RoleName', 'Path'],
  async create(properties, ctx) {
    const name = (properties['RoleName'] as string | undefined) ?? ctx.generateName(64);
    const created = await ctx.call<{ Role: { Arn: string; RoleId: string } }>('iam', 'CreateRole', {
      RoleName: name,
      AssumeRolePolicyDocument: attributeValue(properties['AssumeRolePolicyDocument']),
      ...(properties['Path'] ? { Path: properties['Path'] } : {}),
      ...(properties['Description'] ? { Description: properties['Description'] } : {}),
      ...(properties['MaxSessionDuration'] ? { MaxSessionDuration: Number(properties['MaxSessionDuration']) } : {}),
      ...(properties['Tags'] ? { Tags: properties['Tags'] } : {}),
    });
    await syncInlinePolicies(name, properties, {}, ctx);
    await syncManagedPolicies(name, properties, {}, ctx);
    return { physicalId: name, attributes: { Arn: created.Role.Arn, RoleId: created.Role.RoleId } };
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    if (
      JSON.stringify(properties['AssumeRolePolicyDocument']) !== JSON.stringify(previous['AssumeRolePolicyDocument'])
    ) {
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
    await syncInlinePolicies(name, properties, previous, ctx);
    await syncManagedPolicies(name, properties, previous, ctx);
    return current;
  },
  async delete(current, properties, ctx) {
    // A role must be emptied before it can be deleted.
    await syncInlinePolicies(current.physicalId, {}, properties, ctx);
    await syncManagedPolicies(current.physicalId, {}, properties, ctx);
    await ignoreMissing(ctx.call('iam', 'DeleteRole', { RoleName: current.physicalId }), NOT_FOUND);
  },
};

/** An inline policy embedded in each listed role (users and groups are not emulated yet). */
export const policyProvider: ResourceProvider = {
  type: 'AWS::IAM::Policy',
  attributes: ['Id'],
  replaceOn: ['PolicyName'],
  async create(properties, ctx) {
    for (const role of (properties['Roles'] as string[] | undefined) ?? []) {
      await ctx.call('iam', 'PutRolePolicy', {
        RoleName: role,
        PolicyName: properties['PolicyName'],
        PolicyDocument: attributeValue(properties['PolicyDocument']),
      });
    }
    const id = ctx.generateName(128);
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(current, properties, previous, ctx) {
    await this.delete(current, previous, ctx);
    await policyProvider.create(properties, ctx);
    return current;
  },
  async delete(_current, properties, ctx) {
    for (const role of (properties['Roles'] as string[] | undefined) ?? []) {
      await ignoreMissing(
        ctx.call('iam', 'DeleteRolePolicy', { RoleName: role, PolicyName: properties['PolicyName'] }),
        NOT_FOUND,
      );
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
        ...(properties['Path'] ? { Path: properties['Path'] } : {}),
        ...(properties['Description'] ? { Description: properties['Description'] } : {}),
      },
    );
    const arn = created.Policy.Arn;
    for (const role of (properties['Roles'] as string[] | undefined) ?? []) {
      await ctx.call('iam', 'AttachRolePolicy', { RoleName: role, PolicyArn: arn });
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
    if (JSON.stringify(properties['PolicyDocument']) !== JSON.stringify(previous['PolicyDocument'])) {
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
    const wanted = (properties['Roles'] as string[] | undefined) ?? [];
    const had = (previous['Roles'] as string[] | undefined) ?? [];
    for (const role of had.filter((r) => !wanted.includes(r))) {
      await ignoreMissing(ctx.call('iam', 'DetachRolePolicy', { RoleName: role, PolicyArn: arn }), NOT_FOUND);
    }
    for (const role of wanted.filter((r) => !had.includes(r))) {
      await ctx.call('iam', 'AttachRolePolicy', { RoleName: role, PolicyArn: arn });
    }
    return current;
  },
  async delete(current, properties, ctx) {
    for (const role of (properties['Roles'] as string[] | undefined) ?? []) {
      await ignoreMissing(
        ctx.call('iam', 'DetachRolePolicy', { RoleName: role, PolicyArn: current.physicalId }),
        NOT_FOUND,
      );
    }
    await ignoreMissing(ctx.call('iam', 'DeletePolicy', { PolicyArn: current.physicalId }), NOT_FOUND);
  },
};
