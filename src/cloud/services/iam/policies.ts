/**
 * Managed policies: the account's own (customer managed, with up to five versions) and AWS's
 * (read-only here: any account may read and attach them, none may change them).
 */
import type {
  CreatePolicyRequest,
  CreatePolicyResponse,
  CreatePolicyVersionRequest,
  CreatePolicyVersionResponse,
  DeletePolicyRequest,
  DeletePolicyVersionRequest,
  GetPolicyRequest,
  GetPolicyResponse,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  ListEntitiesForPolicyRequest,
  ListEntitiesForPolicyResponse,
  ListPoliciesRequest,
  ListPoliciesResponse,
  ListPolicyTagsRequest,
  ListPolicyTagsResponse,
  ListPolicyVersionsRequest,
  ListPolicyVersionsResponse,
  PolicyUsageType,
  PolicyVersion,
  SetDefaultPolicyVersionRequest,
  TagPolicyRequest,
  UntagPolicyRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { apiDate, callerArn, indexKey, mergeTags, paginate, policyArn, removeTags, uniqueId } from './common.js';
import { encodeDocument, policySize, validatePolicyDocument } from './documents.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService, ManagedPolicy } from './iam-service.js';
import { AWS_MANAGED_POLICIES, awsPolicyArn, awsPolicyDocument } from './managed-policies.js';
import type { EntityType, PolicyRecord, PolicyVersionRecord, RoleRecord } from './state.js';
import type { GroupRecord, UserRecord } from './user-state.js';

type EntityUse =
  | { type: 'user'; record: UserRecord }
  | { type: 'group'; record: GroupRecord }
  | { type: 'role'; record: RoleRecord };

/** A managed policy document's quota, white space not counted (AWS's fixed limit). */
const POLICY_SIZE_MAX = 6144;
const VERSIONS_MAX = 5;

function checkDocument(document: string): void {
  validatePolicyDocument(document, 'managed');
  if (policySize(document) > POLICY_SIZE_MAX) {
    throw IamErrors.limitExceeded(`Cannot exceed quota for PolicySize: ${POLICY_SIZE_MAX}`);
  }
}

export function policyHandlers(iam: IamService) {
  const { state } = iam;

  /** A customer managed policy; AWS's own are refused as IAM refuses changing them. */
  function ownPolicy(ctx: RequestContext, arn: string | undefined, action: string): PolicyRecord {
    const managed = iam.policy(ctx.accountId, arn as string, IamErrors.noSuchPolicy);
    if (managed.kind === 'aws') throw IamErrors.notAuthorized(callerArn(ctx), action, managed.arn);
    return managed.policy;
  }

  /** A policy's versions, newest first: AWS's own have one, their default. */
  function versionsOf(managed: ManagedPolicy): PolicyVersionRecord[] {
    if (managed.kind === 'customer') return state.listVersions(managed.policy.accountId, managed.policy.name);
    const p = managed.policy;
    return [{ versionId: p.versionId, document: awsPolicyDocument(p), createdAt: Date.parse(p.updateDate) }];
  }

  /**
   * The users, groups and roles a policy is attached to or bounds (or both), each once, as
   * `{ type, record }` in the order ListEntitiesForPolicy pages through: by type, then by name.
   */
  function entitiesUsing(accountId: string, arn: string, usage: PolicyUsageType | undefined): EntityUse[] {
    const found = new Map<string, EntityUse>();
    const add = (use: EntityUse) => found.set(`${use.type} ${use.record.name.toLowerCase()}`, use);
    if (usage !== 'PermissionsBoundary') {
      for (const { type, key } of state.entitiesAttachedTo(accountId, arn)) {
        const use = lookupEntity(accountId, type, key);
        if (use) add(use);
      }
    }
    if (usage !== 'PermissionsPolicy') {
      for (const record of state.rolesWithBoundary(accountId, arn)) add({ type: 'role', record });
      for (const record of iam.users.usersWithBoundary(accountId, arn)) add({ type: 'user', record });
    }
    return [...found.keys()].sort().map((k) => found.get(k) as EntityUse);
  }

  function lookupEntity(accountId: string, type: EntityType, name: string): EntityUse | undefined {
    if (type === 'role') {
      const record = state.getRole(accountId, name);
      return record && { type, record };
    }
    if (type === 'user') {
      const record = iam.users.getUser(accountId, name);
      return record && { type, record };
    }
    const record = iam.users.getGroup(accountId, name);
    return record && { type, record };
  }

  const defaultVersion = (managed: ManagedPolicy) =>
    managed.kind === 'aws' ? managed.policy.versionId : managed.policy.defaultVersion;

  function describeVersion(managed: ManagedPolicy, v: PolicyVersionRecord, withDocument: boolean): PolicyVersion {
    return {
      ...(withDocument ? { Document: encodeDocument(v.document) } : {}),
      VersionId: v.versionId,
      IsDefaultVersion: v.versionId === defaultVersion(managed),
      CreateDate: apiDate(v.createdAt),
    };
  }

  return {
    CreatePolicy(input: CreatePolicyRequest, ctx: RequestContext): CreatePolicyResponse {
      const name = input.PolicyName as string;
      const document = input.PolicyDocument as string;
      checkDocument(document);
      const tags = mergeTags([], input.Tags, 'TagsPerPolicy', 'sensitive');
      return state.transaction(() => {
        if (state.getPolicy(ctx.accountId, name)) throw IamErrors.policyExists(name);
        const now = iam.now();
        const policy: PolicyRecord = {
          accountId: ctx.accountId,
          name,
          path: input.Path ?? '/',
          policyId: uniqueId('ANPA'),
          description: input.Description,
          defaultVersion: 'v1',
          nextVersion: 2,
          tags,
          createdAt: now,
          updatedAt: now,
        };
        state.insertPolicy(policy);
        state.insertVersion(ctx.accountId, name, 1, document, now);
        const arn = policyArn(ctx.accountId, policy.path, name);
        return { Policy: iam.describePolicy(ctx.accountId, { kind: 'customer', arn, policy }, 'create') };
      });
    },

    GetPolicy(input: GetPolicyRequest, ctx: RequestContext): GetPolicyResponse {
      const managed = iam.policy(ctx.accountId, input.PolicyArn as string, IamErrors.noSuchPolicy);
      return { Policy: iam.describePolicy(ctx.accountId, managed, 'get') };
    },

    DeletePolicy(input: DeletePolicyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const policy = ownPolicy(ctx, input.PolicyArn, 'DeletePolicy');
        const arn = input.PolicyArn as string;
        if (state.countAttachments(ctx.accountId, arn) || state.countBoundaryUses(ctx.accountId, arn)) {
          throw IamErrors.deleteConflict(IamMessages.policyAttached);
        }
        if (state.listVersions(ctx.accountId, policy.name).length > 1) {
          throw IamErrors.deleteConflict(IamMessages.policyHasVersions);
        }
        state.deletePolicy(ctx.accountId, policy.name);
      });
      return {};
    },

    ListPolicies(input: ListPoliciesRequest, ctx: RequestContext): ListPoliciesResponse {
      const scope = input.Scope ?? 'All';
      const prefix = input.PathPrefix ?? '/';
      // AWS's policies first, then the account's, each oldest first; the key orders both.
      const listed: { key: string; managed: ManagedPolicy }[] = [];
      if (scope !== 'Local') {
        for (const policy of AWS_MANAGED_POLICIES.values()) {
          const key = `0 ${policy.createDate} ${policy.name}`;
          listed.push({ key, managed: { kind: 'aws', arn: awsPolicyArn(policy), policy } });
        }
      }
      if (scope !== 'AWS') {
        for (const policy of state.listPolicies(ctx.accountId)) {
          const arn = policyArn(ctx.accountId, policy.path, policy.name);
          const key = `1 ${new Date(policy.createdAt).toISOString()} ${policy.name}`;
          listed.push({ key, managed: { kind: 'customer', arn, policy } });
        }
      }
      const described = listed
        .sort((a, b) => (a.key < b.key ? -1 : 1))
        .filter(({ managed }) => managed.policy.path.startsWith(prefix))
        .map(({ key, managed }) => ({ key, policy: iam.describePolicy(ctx.accountId, managed, 'list') }))
        .filter(({ policy }) => {
          if (!input.OnlyAttached) return true;
          if (input.PolicyUsageFilter === 'PermissionsBoundary') return (policy.PermissionsBoundaryUsageCount ?? 0) > 0;
          if (input.PolicyUsageFilter === 'PermissionsPolicy') return (policy.AttachmentCount ?? 0) > 0;
          return (policy.AttachmentCount ?? 0) + (policy.PermissionsBoundaryUsageCount ?? 0) > 0;
        });
      const page = paginate(described, (item) => item.key, input);
      return { Policies: page.items.map((item) => item.policy), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    CreatePolicyVersion(input: CreatePolicyVersionRequest, ctx: RequestContext): CreatePolicyVersionResponse {
      const document = input.PolicyDocument as string;
      return state.transaction(() => {
        const policy = ownPolicy(ctx, input.PolicyArn, 'CreatePolicyVersion');
        checkDocument(document);
        if (state.listVersions(ctx.accountId, policy.name).length >= VERSIONS_MAX) {
          throw IamErrors.limitExceeded(IamMessages.tooManyVersions);
        }
        const now = iam.now();
        const versionId = `v${policy.nextVersion}`;
        state.insertVersion(ctx.accountId, policy.name, policy.nextVersion, document, now);
        policy.nextVersion += 1;
        // UpdateDate is when the newest version was created, default or not (per the API reference).
        policy.updatedAt = now;
        if (input.SetAsDefault) policy.defaultVersion = versionId;
        state.savePolicy(policy);
        return {
          PolicyVersion: {
            VersionId: versionId,
            IsDefaultVersion: policy.defaultVersion === versionId,
            CreateDate: apiDate(now),
          },
        };
      });
    },

    GetPolicyVersion(input: GetPolicyVersionRequest, ctx: RequestContext): GetPolicyVersionResponse {
      const arn = input.PolicyArn as string;
      const versionId = input.VersionId as string;
      const managed = iam.policy(ctx.accountId, arn, IamErrors.noSuchPolicy);
      const version = versionsOf(managed).find((v) => v.versionId === versionId);
      if (!version) throw IamErrors.noSuchPolicyVersion(arn, versionId);
      return { PolicyVersion: describeVersion(managed, version, true) };
    },

    ListPolicyVersions(input: ListPolicyVersionsRequest, ctx: RequestContext): ListPolicyVersionsResponse {
      const managed = iam.policy(ctx.accountId, input.PolicyArn as string, IamErrors.noSuchPolicy);
      const page = paginate(versionsOf(managed), indexKey, input);
      return {
        Versions: page.items.map((v) => describeVersion(managed, v, false)),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    DeletePolicyVersion(input: DeletePolicyVersionRequest, ctx: RequestContext): Record<string, never> {
      const arn = input.PolicyArn as string;
      const versionId = input.VersionId as string;
      state.transaction(() => {
        const policy = ownPolicy(ctx, arn, 'DeletePolicyVersion');
        if (!state.getVersion(ctx.accountId, policy.name, versionId))
          throw IamErrors.noSuchPolicyVersion(arn, versionId);
        if (policy.defaultVersion === versionId) throw IamErrors.deleteConflict(IamMessages.defaultVersion);
        state.deleteVersion(ctx.accountId, policy.name, versionId);
      });
      return {};
    },

    SetDefaultPolicyVersion(input: SetDefaultPolicyVersionRequest, ctx: RequestContext): Record<string, never> {
      const arn = input.PolicyArn as string;
      const versionId = input.VersionId as string;
      state.transaction(() => {
        const policy = ownPolicy(ctx, arn, 'SetDefaultPolicyVersion');
        if (!state.getVersion(ctx.accountId, policy.name, versionId))
          throw IamErrors.noSuchPolicyVersion(arn, versionId);
        policy.defaultVersion = versionId;
        state.savePolicy(policy);
      });
      return {};
    },

    TagPolicy(input: TagPolicyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const policy = ownPolicy(ctx, input.PolicyArn, 'TagPolicy');
        policy.tags = mergeTags(policy.tags, input.Tags, 'TagsPerPolicy', 'sensitive');
        state.savePolicy(policy);
      });
      return {};
    },

    UntagPolicy(input: UntagPolicyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const policy = ownPolicy(ctx, input.PolicyArn, 'UntagPolicy');
        policy.tags = removeTags(policy.tags, input.TagKeys, 'sensitive');
        state.savePolicy(policy);
      });
      return {};
    },

    ListPolicyTags(input: ListPolicyTagsRequest, ctx: RequestContext): ListPolicyTagsResponse {
      const managed = iam.policy(ctx.accountId, input.PolicyArn as string, IamErrors.noSuchPolicy);
      // ListPolicyTags answers by key (code point order), GetPolicy in the order tags were added.
      const tags = managed.kind === 'customer' ? managed.policy.tags : [];
      const byKey = [...tags].sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : 1));
      const page = paginate(byKey, (tag) => tag.Key ?? '', input);
      return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    ListEntitiesForPolicy(input: ListEntitiesForPolicyRequest, ctx: RequestContext): ListEntitiesForPolicyResponse {
      const managed = iam.policy(ctx.accountId, input.PolicyArn as string, IamErrors.noSuchPolicy);
      const wanted = (type: EntityType) =>
        input.EntityFilter === undefined ||
        input.EntityFilter === 'LocalManagedPolicy' ||
        input.EntityFilter === 'AWSManagedPolicy' ||
        input.EntityFilter.toLowerCase() === type;
      const prefix = input.PathPrefix ?? '/';
      const uses = entitiesUsing(ctx.accountId, managed.arn, input.PolicyUsageFilter).filter(
        (use) => wanted(use.type) && use.record.path.startsWith(prefix),
      );
      const page = paginate(uses, (use) => `${use.type} ${use.record.name.toLowerCase()}`, input);
      const out: ListEntitiesForPolicyResponse = {
        PolicyGroups: [],
        PolicyUsers: [],
        PolicyRoles: [],
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
      for (const use of page.items) {
        if (use.type === 'group') out.PolicyGroups?.push({ GroupName: use.record.name, GroupId: use.record.groupId });
        if (use.type === 'user') out.PolicyUsers?.push({ UserName: use.record.name, UserId: use.record.userId });
        if (use.type === 'role') out.PolicyRoles?.push({ RoleName: use.record.name, RoleId: use.record.roleId });
      }
      return out;
    },
  };
}
