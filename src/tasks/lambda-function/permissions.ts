/**
 * The function's resource policy, for the push model (S3, SNS ... invoking the function):
 * `add-permission` is idempotent by StatementId (an identical statement is left alone; a
 * different one with the same id is replaced), `remove-permission` removes one statement.
 */
import {
  AddPermissionCommand,
  type AddPermissionRequest,
  GetPolicyCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { isAwsError } from '../aws-errors.js';
import { toAwsShape } from '../aws-names.js';
import type { ActionContext, ActionImplementation, PlannedChange } from '../task.js';
import { shortName } from './function-name.js';
import { CREATE_FIRST, client, lambdaCall, lambdaFailure } from './lifecycle.js';
import type { AddPermissionParams, RemovePermissionParams } from './params.js';

type Statement = Record<string, unknown>;

/** The statement Lambda stores for AddPermission's input (as GetPolicy returns it), without Resource. */
export function expectedStatement(params: AddPermissionParams): Statement {
  const p = params.principal;
  const principal =
    p === '*'
      ? '*'
      : /^\d{12}$/.test(p)
        ? { AWS: `arn:aws:iam::${p}:root` }
        : p.startsWith('arn:')
          ? { AWS: p }
          : { Service: p };
  const equals: Record<string, string> = {};
  if (params.sourceAccount) equals['AWS:SourceAccount'] = params.sourceAccount;
  if (params.principalOrgID) equals['aws:PrincipalOrgID'] = params.principalOrgID;
  if (params.functionUrlAuthType) equals['lambda:FunctionUrlAuthType'] = params.functionUrlAuthType;
  if (params.eventSourceToken) equals['lambda:EventSourceToken'] = params.eventSourceToken;
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length) condition['StringEquals'] = equals;
  if (params.sourceArn) condition['ArnLike'] = { 'AWS:SourceArn': params.sourceArn };
  return {
    Sid: params.statementId,
    Effect: 'Allow',
    Principal: principal,
    Action: params.action,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

/** JSON with sorted keys, for comparing statements whatever their member order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Members of two statements that differ (Resource is the function's ARN either way and not compared). */
export function statementDifferences(existing: Statement, wanted: Statement): string[] {
  return ['Effect', 'Principal', 'Action', 'Condition'].filter((k) => canonical(existing[k]) !== canonical(wanted[k]));
}

async function currentPolicy(
  ctx: ActionContext,
  name: string,
  qualifierValue: string | undefined,
): Promise<{ statements: Statement[]; revisionId?: string }> {
  try {
    const out = await client(ctx).send(new GetPolicyCommand({ FunctionName: name, Qualifier: qualifierValue }), {
      abortSignal: ctx.signal,
    });
    const policy = JSON.parse(out.Policy ?? '{}') as { Statement?: Statement[] };
    return { statements: policy.Statement ?? [], ...(out.RevisionId ? { revisionId: out.RevisionId } : {}) };
  } catch (error) {
    // No policy yet (or no function: AddPermission then reports that with its own message).
    if (isAwsError(error, 'ResourceNotFoundException')) return { statements: [] };
    throw lambdaFailure(error, `GetPolicy ${name}`);
  }
}

async function compare(ctx: ActionContext, params: AddPermissionParams) {
  const policy = await currentPolicy(ctx, params.functionName, params.qualifier);
  const existing = policy.statements.find((s) => s['Sid'] === params.statementId);
  const wanted = expectedStatement(params);
  return { policy, existing, wanted, differences: existing ? statementDifferences(existing, wanted) : [] };
}

export const addPermission: ActionImplementation<AddPermissionParams> = {
  async plan(params, ctx): Promise<PlannedChange[]> {
    const { existing, differences } = await compare(ctx, params);
    const resource = `function ${shortName(params.functionName)} statement ${params.statementId}`;
    if (!existing) return [{ action: 'create', resource, details: [`allow ${params.principal} to ${params.action}`] }];
    if (!differences.length) return [{ action: 'none', resource, details: ['identical statement present'] }];
    return [{ action: 'replace', resource, details: [`differs in ${differences.join(', ')}`] }];
  },
  async run(params, ctx) {
    const { policy, existing, wanted, differences } = await compare(ctx, params);
    const name = shortName(params.functionName);
    if (existing && !differences.length) {
      ctx.emit({ type: 'skip', message: `statement ${params.statementId} already present and identical` });
      return {
        outputs: { functionName: name, statementId: params.statementId, statement: JSON.stringify(existing) },
        changed: false,
        summary: `permission ${params.statementId} unchanged`,
      };
    }
    const lambda = client(ctx);
    if (existing) {
      await lambdaCall(`RemovePermission ${params.functionName} ${params.statementId}`, () =>
        lambda.send(
          new RemovePermissionCommand({
            FunctionName: params.functionName,
            StatementId: params.statementId,
            Qualifier: params.qualifier,
            RevisionId: policy.revisionId,
          }),
          { abortSignal: ctx.signal },
        ),
      );
    }
    const { functionName: _name, ...members } = params;
    const input = toAwsShape<Omit<AddPermissionRequest, 'FunctionName'>>(members);
    const out = await lambdaCall(
      `AddPermission ${params.functionName} ${params.statementId}`,
      () =>
        lambda.send(new AddPermissionCommand({ FunctionName: params.functionName, ...input }), {
          abortSignal: ctx.signal,
        }),
      CREATE_FIRST,
    );
    const verb = existing
      ? `replaced statement ${params.statementId} (${differences.join(', ')} differed)`
      : `added statement ${params.statementId}`;
    ctx.emit({ type: 'change', message: `${verb}: allow ${params.principal} to ${params.action}` });
    return {
      outputs: {
        functionName: name,
        statementId: params.statementId,
        statement: out.Statement ?? JSON.stringify(wanted),
      },
      changed: true,
      summary: `${existing ? 'replaced' : 'added'} permission ${params.statementId} on ${name}`,
    };
  },
};

export const removePermission: ActionImplementation<RemovePermissionParams> = {
  async plan(params, ctx): Promise<PlannedChange[]> {
    const { statements } = await currentPolicy(ctx, params.functionName, params.qualifier);
    const resource = `function ${shortName(params.functionName)} statement ${params.statementId}`;
    const found = statements.some((s) => s['Sid'] === params.statementId);
    return [{ action: found ? 'delete' : 'none', resource, details: found ? [] : ['not present'] }];
  },
  async run(params, ctx) {
    const name = shortName(params.functionName);
    const outputs = { functionName: name, statementId: params.statementId };
    try {
      await client(ctx).send(
        new RemovePermissionCommand({
          FunctionName: params.functionName,
          StatementId: params.statementId,
          Qualifier: params.qualifier,
        }),
        { abortSignal: ctx.signal },
      );
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException') && params.doNotFailIfNotExists) {
        ctx.emit({ type: 'skip', message: `statement ${params.statementId} not present (${error.message})` });
        return { outputs, changed: false, summary: `permission ${params.statementId} was not there` };
      }
      throw lambdaFailure(error, `RemovePermission ${params.functionName} ${params.statementId}`, {
        ResourceNotFoundException: 'check functionName, qualifier and statementId, or set doNotFailIfNotExists: true',
      });
    }
    ctx.emit({ type: 'change', message: `removed statement ${params.statementId}` });
    return { outputs, changed: true, summary: `removed permission ${params.statementId} from ${name}` };
  },
};
