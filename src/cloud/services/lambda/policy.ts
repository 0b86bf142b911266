/**
 * Resource-based policies: AddPermission, RemovePermission, GetPolicy, per function, version or
 * alias. Statements are stored as the IAM JSON AWS returns.
 */
import type {
  AddPermissionRequest,
  AddPermissionResponse,
  GetPolicyRequest,
  GetPolicyResponse,
  RemovePermissionRequest,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../service.js';
import { functionArn } from './arns.js';
import { LambdaErrors } from './errors.js';
import { LATEST, type LambdaService } from './lambda-service.js';
import { LIMITS } from './limits.js';
import type { FunctionKey } from './state.js';

type Statement = Record<string, unknown>;

export function policyHandlers(service: LambdaService): Record<string, Handler> {
  const { state } = service;

  /** The stored qualifier ('' for the unqualified function) after checking it exists. */
  function policyQualifier(key: FunctionKey, qualifier: string | undefined): string {
    service.function(key);
    if (qualifier === undefined) return '';
    service.resolve({ ...key, qualifier });
    return qualifier;
  }

  /** The revision a policy change checks and bumps: the alias's, or the version's. */
  function revisionOf(key: FunctionKey, qualifier: string): { id: string; bump(): void } {
    const alias =
      qualifier && qualifier !== LATEST && !/^\d+$/.test(qualifier) ? state.getAlias(key, qualifier) : undefined;
    if (alias) {
      return { id: alias.revisionId, bump: () => state.putAlias({ ...alias, revisionId: service.newRevision() }) };
    }
    const version = qualifier || LATEST;
    const record = state.getVersion(key, version);
    return {
      id: record?.revisionId ?? '',
      bump: () => state.setRevision(key, version, service.newRevision()),
    };
  }

  return {
    AddPermission(input: AddPermissionRequest, ctx: RequestContext): AddPermissionResponse {
      const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
      const qualifier = policyQualifier(ref, ref.qualifier);
      const sid = input.StatementId ?? '';
      if (qualifier === LATEST) {
        throw LambdaErrors.invalidParameter('We currently do not support adding policies for $LATEST.');
      }
      const revision = revisionOf(ref, qualifier);
      if (input.RevisionId !== undefined && input.RevisionId !== revision.id) {
        throw LambdaErrors.revisionMismatch('GetPolicy');
      }
      if (state.hasStatement(ref, qualifier, sid)) {
        throw LambdaErrors.conflict(
          `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
        );
      }
      const statement = buildStatement(input, functionArn(ref, qualifier || undefined));
      const size = JSON.stringify(state.statements(ref, qualifier)).length + JSON.stringify(statement).length;
      if (size > LIMITS.policyBytes) {
        throw LambdaErrors.policyTooLarge(size, LIMITS.policyBytes);
      }
      state.transaction(() => {
        state.addStatement(ref, qualifier, sid, statement);
        revision.bump();
      });
      return { Statement: JSON.stringify(statement) };
    },

    RemovePermission(input: RemovePermissionRequest, ctx: RequestContext): Record<string, never> {
      const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
      const qualifier = policyQualifier(ref, ref.qualifier);
      const revision = revisionOf(ref, qualifier);
      if (input.RevisionId !== undefined && input.RevisionId !== revision.id) {
        throw LambdaErrors.revisionMismatch('GetPolicy');
      }
      const sid = input.StatementId ?? '';
      if (!state.statements(ref, qualifier).length) {
        throw LambdaErrors.notFound('No policy is associated with the given resource.');
      }
      state.transaction(() => {
        if (!state.removeStatement(ref, qualifier, sid)) {
          throw LambdaErrors.notFound(`Statement ${sid} is not found in resource policy.`);
        }
        revision.bump();
      });
      return {};
    },

    GetPolicy(input: GetPolicyRequest, ctx: RequestContext): GetPolicyResponse {
      const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
      const qualifier = policyQualifier(ref, ref.qualifier);
      const statements = state.statements(ref, qualifier);
      if (!statements.length) throw LambdaErrors.notFound('The resource you requested does not exist.');
      return {
        Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
        RevisionId: revisionOf(ref, qualifier).id,
      };
    },
  };
}

function principalOf(principal: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

function buildStatement(input: AddPermissionRequest, resource: string): Statement {
  const statement: Statement = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principalOf(input.Principal ?? ''),
    Action: input.Action,
    Resource: resource,
  };
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceAccount) condition['StringEquals'] = { 'AWS:SourceAccount': input.SourceAccount };
  if (input.SourceArn) condition['ArnLike'] = { 'AWS:SourceArn': input.SourceArn };
  if (input.PrincipalOrgID) {
    condition['StringEquals'] = { ...condition['StringEquals'], 'aws:PrincipalOrgID': input.PrincipalOrgID };
  }
  if (input.FunctionUrlAuthType) {
    condition['StringEquals'] = {
      ...condition['StringEquals'],
      'lambda:FunctionUrlAuthType': input.FunctionUrlAuthType,
    };
  }
  if (input.EventSourceToken) {
    condition['StringEquals'] = { ...condition['StringEquals'], 'lambda:EventSourceToken': input.EventSourceToken };
  }
  if (Object.keys(condition).length) statement['Condition'] = condition;
  return statement;
}
