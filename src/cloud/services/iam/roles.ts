/** Roles: create, read, list, update, delete, tags and permissions boundaries. */
import type {
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRolePermissionsBoundaryRequest,
  DeleteRoleRequest,
  GetRoleRequest,
  GetRoleResponse,
  ListRolesRequest,
  ListRolesResponse,
  ListRoleTagsRequest,
  ListRoleTagsResponse,
  PutRolePermissionsBoundaryRequest,
  TagRoleRequest,
  UntagRoleRequest,
  UpdateAssumeRolePolicyRequest,
  UpdateRoleDescriptionRequest,
  UpdateRoleDescriptionResponse,
  UpdateRoleRequest,
  UpdateRoleResponse,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { indexKey, mergeTags, paginate, removeTags, uniqueId } from './common.js';
import { policySize, validatePolicyDocument } from './documents.js';
import { permissionsConflict } from './entity-policies.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { RoleRecord } from './state.js';

/** A trust policy's quota (AWS's default; accounts may raise it to 4096). */
const TRUST_POLICY_MAX = 2048;
const DEFAULT_MAX_SESSION_DURATION = 3600;

function checkTrustPolicy(document: string): void {
  validatePolicyDocument(document, 'trust');
  if (policySize(document) > TRUST_POLICY_MAX) {
    throw IamErrors.limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX}`);
  }
}

/** An empty description clears it. */
const description = (value: string | undefined) => (value === '' ? undefined : value);

export function roleHandlers(iam: IamService) {
  const { state } = iam;

  /** Applies `change` to a role and stores it. */
  function update(ctx: RequestContext, name: string | undefined, change: (role: RoleRecord) => void): RoleRecord {
    return state.transaction(() => {
      const role = iam.role(ctx.accountId, name as string);
      change(role);
      state.saveRole(role);
      return role;
    });
  }

  return {
    CreateRole(input: CreateRoleRequest, ctx: RequestContext): CreateRoleResponse {
      const name = input.RoleName as string;
      const document = input.AssumeRolePolicyDocument as string;
      checkTrustPolicy(document);
      if (input.PermissionsBoundary) iam.checkBoundary(ctx.accountId, input.PermissionsBoundary);
      const tags = mergeTags([], input.Tags, 'TagsPerRole');
      return state.transaction(() => {
        if (state.getRole(ctx.accountId, name)) throw IamErrors.roleExists(name);
        const role: RoleRecord = {
          accountId: ctx.accountId,
          name,
          path: input.Path ?? '/',
          roleId: uniqueId('AROA'),
          trustPolicy: document,
          description: description(input.Description),
          maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
          permissionsBoundary: input.PermissionsBoundary,
          tags,
          createdAt: iam.now(),
        };
        state.insertRole(role);
        const out = iam.describeRole(role, 'create');
        if (input.MaxSessionDuration !== undefined) out.MaxSessionDuration = input.MaxSessionDuration;
        return { Role: out };
      });
    },

    GetRole(input: GetRoleRequest, ctx: RequestContext): GetRoleResponse {
      return { Role: iam.describeRole(iam.role(ctx.accountId, input.RoleName as string), 'get') };
    },

    ListRoles(input: ListRolesRequest, ctx: RequestContext): ListRolesResponse {
      const prefix = input.PathPrefix ?? '/';
      const roles = state.listRoles(ctx.accountId).filter((r) => r.path.startsWith(prefix));
      const page = paginate(roles, (r) => r.name.toLowerCase(), input);
      return {
        Roles: page.items.map((r) => iam.describeRole(r, 'list')),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    DeleteRole(input: DeleteRoleRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const role = iam.role(ctx.accountId, input.RoleName as string);
        if (iam.profiles.roleInProfile(ctx.accountId, role.name)) {
          throw IamErrors.deleteConflict(IamMessages.inInstanceProfile);
        }
        const conflict = permissionsConflict(iam, ctx.accountId, { type: 'role', name: role.name });
        if (conflict) throw IamErrors.deleteConflict(conflict);
        state.deleteRole(ctx.accountId, role.name);
      });
      return {};
    },

    UpdateRole(input: UpdateRoleRequest, ctx: RequestContext): UpdateRoleResponse {
      update(ctx, input.RoleName, (role) => {
        if (input.Description !== undefined) role.description = description(input.Description);
        if (input.MaxSessionDuration !== undefined) role.maxSessionDuration = input.MaxSessionDuration;
      });
      return {};
    },

    UpdateRoleDescription(input: UpdateRoleDescriptionRequest, ctx: RequestContext): UpdateRoleDescriptionResponse {
      const role = update(ctx, input.RoleName, (r) => {
        r.description = description(input.Description);
      });
      // AWS answers with CreateRole's members and the description: no MaxSessionDuration, no RoleLastUsed.
      return { Role: iam.describeRole(role, 'description') };
    },

    UpdateAssumeRolePolicy(input: UpdateAssumeRolePolicyRequest, ctx: RequestContext): Record<string, never> {
      const document = input.PolicyDocument as string;
      iam.role(ctx.accountId, input.RoleName as string);
      checkTrustPolicy(document);
      update(ctx, input.RoleName, (role) => {
        role.trustPolicy = document;
      });
      return {};
    },

    TagRole(input: TagRoleRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.RoleName, (role) => {
        role.tags = mergeTags(role.tags, input.Tags, 'TagsPerRole');
      });
      return {};
    },

    UntagRole(input: UntagRoleRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.RoleName, (role) => {
        role.tags = removeTags(role.tags, input.TagKeys);
      });
      return {};
    },

    ListRoleTags(input: ListRoleTagsRequest, ctx: RequestContext): ListRoleTagsResponse {
      const role = iam.role(ctx.accountId, input.RoleName as string);
      const page = paginate(role.tags, indexKey, input);
      return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    PutRolePermissionsBoundary(input: PutRolePermissionsBoundaryRequest, ctx: RequestContext): Record<string, never> {
      const arn = input.PermissionsBoundary as string;
      iam.role(ctx.accountId, input.RoleName as string);
      iam.checkBoundary(ctx.accountId, arn);
      update(ctx, input.RoleName, (role) => {
        role.permissionsBoundary = arn;
      });
      return {};
    },

    DeleteRolePermissionsBoundary(
      input: DeleteRolePermissionsBoundaryRequest,
      ctx: RequestContext,
    ): Record<string, never> {
      update(ctx, input.RoleName, (role) => {
        role.permissionsBoundary = undefined;
      });
      return {};
    },
  };
}
