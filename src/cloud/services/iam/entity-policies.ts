/**
 * The permissions of users, groups and roles alike: inline policies (documents the entity owns)
 * and attached managed policies. One set of handlers per entity type (PutUserPolicy,
 * PutGroupPolicy, PutRolePolicy ...), which differ only in the name member and their quotas.
 */
import type { AttachedPolicy } from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { indexKey, type PageInput, paginate, parsePolicyArn } from './common.js';
import { encodeDocument, policySize, validatePolicyDocument } from './documents.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { EntityRef, EntityType } from './state.js';

interface EntityKind {
  /** The operations' infix: `User` in PutUserPolicy. */
  api: 'User' | 'Group' | 'Role';
  /** All inline policies of one entity together, white space not counted (AWS's fixed quotas). */
  inlineMax: number;
}

const KINDS: Record<EntityType, EntityKind> = {
  user: { api: 'User', inlineMax: 2048 },
  group: { api: 'Group', inlineMax: 5120 },
  role: { api: 'Role', inlineMax: 10240 },
};

/** Managed policies attached to one entity (AWS's default quota; accounts may raise it to 20). */
const ATTACHED_POLICIES_MAX = 10;

type Input = PageInput & {
  UserName?: string;
  GroupName?: string;
  RoleName?: string;
  PolicyName?: string;
  PolicyDocument?: string;
  PolicyArn?: string;
  PathPrefix?: string;
};

export function entityPolicyHandlers(iam: IamService, type: EntityType) {
  const { state } = iam;
  const { api, inlineMax } = KINDS[type];
  const nameMember = `${api}Name` as const;

  /** The entity the request names, as it is stored (its name as created), or NoSuchEntity. */
  function entity(ctx: RequestContext, input: Input): EntityRef {
    const name = input[nameMember] as string;
    if (type === 'user') return { type, name: iam.user(ctx.accountId, name).name };
    if (type === 'group') return { type, name: iam.group(ctx.accountId, name).name };
    return { type, name: iam.role(ctx.accountId, name).name };
  }

  function checkArn(arn: string): void {
    if (!arn.startsWith('arn:')) throw IamErrors.arnNotValid(arn);
  }

  return {
    [`Put${api}Policy`](input: Input, ctx: RequestContext): Record<string, never> {
      const policyName = input.PolicyName as string;
      const document = input.PolicyDocument as string;
      validatePolicyDocument(document, 'inline');
      state.transaction(() => {
        const target = entity(ctx, input);
        const others = state.inlinePolicies(ctx.accountId, target).filter((p) => p.name !== policyName);
        const total = others.reduce((sum, p) => sum + policySize(p.document), policySize(document));
        if (total > inlineMax) {
          throw IamErrors.limitExceeded(
            `Maximum policy size of ${inlineMax} bytes exceeded for ${type} ${target.name}`,
          );
        }
        state.putInlinePolicy(ctx.accountId, target, policyName, document);
      });
      return {};
    },

    [`Get${api}Policy`](input: Input, ctx: RequestContext) {
      const target = entity(ctx, input);
      const policyName = input.PolicyName as string;
      const document = state.getInlinePolicy(ctx.accountId, target, policyName);
      if (document === undefined) throw IamErrors.noSuchInlinePolicy(type, policyName);
      return { [nameMember]: target.name, PolicyName: policyName, PolicyDocument: encodeDocument(document) };
    },

    [`Delete${api}Policy`](input: Input, ctx: RequestContext): Record<string, never> {
      const target = entity(ctx, input);
      const policyName = input.PolicyName as string;
      if (!state.deleteInlinePolicy(ctx.accountId, target, policyName)) {
        throw IamErrors.noSuchInlinePolicy(type, policyName);
      }
      return {};
    },

    [`List${api}Policies`](input: Input, ctx: RequestContext) {
      const names = state.inlinePolicies(ctx.accountId, entity(ctx, input)).map((p) => p.name);
      const page = paginate(names, (name) => name, input);
      return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    [`Attach${api}Policy`](input: Input, ctx: RequestContext): Record<string, never> {
      const arn = input.PolicyArn as string;
      checkArn(arn);
      state.transaction(() => {
        const target = entity(ctx, input);
        iam.policy(ctx.accountId, arn, IamErrors.notAttachable);
        const attached = state.attachedPolicies(ctx.accountId, target);
        if (!attached.includes(arn) && attached.length >= ATTACHED_POLICIES_MAX) {
          throw IamErrors.limitExceeded(`Cannot exceed quota for PoliciesPer${api}: ${ATTACHED_POLICIES_MAX}`);
        }
        state.attach(ctx.accountId, target, arn);
      });
      return {};
    },

    [`Detach${api}Policy`](input: Input, ctx: RequestContext): Record<string, never> {
      const arn = input.PolicyArn as string;
      checkArn(arn);
      if (!state.detach(ctx.accountId, entity(ctx, input), arn)) throw IamErrors.noSuchPolicy(arn);
      return {};
    },

    [`ListAttached${api}Policies`](input: Input, ctx: RequestContext) {
      const prefix = input.PathPrefix ?? '/';
      const attached = state
        .attachedPolicies(ctx.accountId, entity(ctx, input))
        .map((arn) => ({ arn, parsed: parsePolicyArn(arn) }))
        .filter(({ parsed }) => parsed?.path.startsWith(prefix));
      const page = paginate(attached, indexKey, input);
      const policies: AttachedPolicy[] = page.items.map(({ arn, parsed }) => ({
        PolicyName: parsed?.name,
        PolicyArn: arn,
      }));
      return { AttachedPolicies: policies, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
  };
}

/** Whether an entity still holds policies, as DeleteUser, DeleteGroup and DeleteRole check first. */
export function permissionsConflict(iam: IamService, accountId: string, entity: EntityRef): string | undefined {
  if (iam.state.attachedPolicies(accountId, entity).length) return IamMessages.hasAttachedPolicies;
  if (iam.state.inlinePolicies(accountId, entity).length) return IamMessages.hasInlinePolicies;
  return undefined;
}
