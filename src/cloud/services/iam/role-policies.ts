/** A role's permissions: inline policies (documents owned by the role) and attached managed policies. */
import type {
  AttachRolePolicyRequest,
  DeleteRolePolicyRequest,
  DetachRolePolicyRequest,
  GetRolePolicyRequest,
  GetRolePolicyResponse,
  ListAttachedRolePoliciesRequest,
  ListAttachedRolePoliciesResponse,
  ListRolePoliciesRequest,
  ListRolePoliciesResponse,
  PutRolePolicyRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { indexKey, paginate, parsePolicyArn } from './common.js';
import { encodeDocument, policySize, validatePolicyDocument } from './documents.js';
import { IamErrors } from './errors.js';
import type { IamService } from './iam-service.js';

/** All inline policies of a role together (white space not counted), AWS's fixed quota. */
const INLINE_POLICIES_MAX = 10240;
/** Managed policies attached to one role (AWS's default quota; accounts may raise it to 25). */
const ATTACHED_POLICIES_MAX = 10;

export function rolePolicyHandlers(iam: IamService) {
  const { state } = iam;

  return {
    PutRolePolicy(input: PutRolePolicyRequest, ctx: RequestContext): Record<string, never> {
      const policyName = input.PolicyName as string;
      const document = input.PolicyDocument as string;
      validatePolicyDocument(document, 'inline');
      state.transaction(() => {
        const role = iam.role(ctx.accountId, input.RoleName as string);
        const others = state.listRolePolicies(ctx.accountId, role.name).filter((p) => p.name !== policyName);
        const total = others.reduce((sum, p) => sum + policySize(p.document), policySize(document));
        if (total > INLINE_POLICIES_MAX) {
          throw IamErrors.limitExceeded(
            `Maximum policy size of ${INLINE_POLICIES_MAX} bytes exceeded for role ${role.name}`,
          );
        }
        state.putRolePolicy(ctx.accountId, role.name, policyName, document);
      });
      return {};
    },

    GetRolePolicy(input: GetRolePolicyRequest, ctx: RequestContext): GetRolePolicyResponse {
      const role = iam.role(ctx.accountId, input.RoleName as string);
      const policyName = input.PolicyName as string;
      const document = state.getRolePolicy(ctx.accountId, role.name, policyName);
      if (document === undefined) throw IamErrors.noSuchRolePolicy(policyName);
      return { RoleName: role.name, PolicyName: policyName, PolicyDocument: encodeDocument(document) };
    },

    DeleteRolePolicy(input: DeleteRolePolicyRequest, ctx: RequestContext): Record<string, never> {
      const role = iam.role(ctx.accountId, input.RoleName as string);
      const policyName = input.PolicyName as string;
      if (!state.deleteRolePolicy(ctx.accountId, role.name, policyName)) throw IamErrors.noSuchRolePolicy(policyName);
      return {};
    },

    ListRolePolicies(input: ListRolePoliciesRequest, ctx: RequestContext): ListRolePoliciesResponse {
      const role = iam.role(ctx.accountId, input.RoleName as string);
      const names = state.listRolePolicies(ctx.accountId, role.name).map((p) => p.name);
      const page = paginate(names, (name) => name, input);
      return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    AttachRolePolicy(input: AttachRolePolicyRequest, ctx: RequestContext): Record<string, never> {
      const arn = input.PolicyArn as string;
      if (!arn.startsWith('arn:')) throw IamErrors.invalidArn();
      state.transaction(() => {
        const role = iam.role(ctx.accountId, input.RoleName as string);
        iam.policy(ctx.accountId, arn, IamErrors.notAttachable);
        const attached = state.attachedPolicies(ctx.accountId, role.name);
        if (!attached.includes(arn) && attached.length >= ATTACHED_POLICIES_MAX) {
          throw IamErrors.limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${ATTACHED_POLICIES_MAX}`);
        }
        state.attach(ctx.accountId, role.name, arn);
      });
      return {};
    },

    DetachRolePolicy(input: DetachRolePolicyRequest, ctx: RequestContext): Record<string, never> {
      const arn = input.PolicyArn as string;
      if (!arn.startsWith('arn:')) throw IamErrors.invalidArn();
      const role = iam.role(ctx.accountId, input.RoleName as string);
      if (!state.detach(ctx.accountId, role.name, arn)) throw IamErrors.noSuchPolicy(arn);
      return {};
    },

    ListAttachedRolePolicies(
      input: ListAttachedRolePoliciesRequest,
      ctx: RequestContext,
    ): ListAttachedRolePoliciesResponse {
      const role = iam.role(ctx.accountId, input.RoleName as string);
      const prefix = input.PathPrefix ?? '/';
      const attached = state
        .attachedPolicies(ctx.accountId, role.name)
        .map((arn) => ({ arn, parsed: parsePolicyArn(arn) }))
        .filter(({ parsed }) => parsed?.path.startsWith(prefix));
      const page = paginate(attached, indexKey, input);
      return {
        AttachedPolicies: page.items.map(({ arn, parsed }) => ({ PolicyName: parsed?.name, PolicyArn: arn })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  };
}
