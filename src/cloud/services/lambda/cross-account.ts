/**
 * Cross-account access to functions: a request that names a function of another account (a full
 * or partial ARN with another account id) is allowed only when the function's resource policy (or
 * the version's or alias's it names) allows the caller's account or identity; otherwise Lambda
 * answers AccessDeniedException 403, whether or not the function exists (as AWS does, so that
 * another account cannot probe for names). Requests by name are the caller's own account and
 * skip all of this, which keeps the warm invoke path free of policy work.
 */
import { AwsError } from '../../errors.js';
import { type AccessCheck, guardHandlers } from '../../policy/guard.js';
import { callerOf, evaluatePolicies, type PolicyDocument } from '../../policy/index.js';
import type { Handler } from '../../service.js';
import { functionArn, parseFunctionName } from './arns.js';
import { LATEST, type LambdaService } from './lambda-service.js';

/** IAM action names where they differ from the operation's (both invoke APIs are InvokeFunction). */
const IAM_ACTIONS: Record<string, string> = {
  Invoke: 'InvokeFunction',
  InvokeWithResponseStream: 'InvokeFunction',
};

/** A name that can only be this account's: no ARN, no `account:function:` prefix. */
const OWN_NAME = /^(?!arn:)(?!\d{12}:)/;

export function guardCrossAccount(handlers: Record<string, Handler>, service: LambdaService): Record<string, Handler> {
  const check: AccessCheck = (operation, input, ctx) => {
    const name = functionNameOf(input);
    if (name === undefined || OWN_NAME.test(name)) return;
    const qualifierInput = typeof input['Qualifier'] === 'string' ? input['Qualifier'] : undefined;
    const ref = parseFunctionName(name, qualifierInput, ctx);
    if (ref.accountId === ctx.accountId) return;
    const caller = callerOf(ctx);
    const action = `lambda:${IAM_ACTIONS[operation] ?? operation}`;
    // $LATEST has no policy of its own: AddPermission refuses it, the unqualified policy governs.
    const qualifier = ref.qualifier === LATEST ? undefined : ref.qualifier;
    const resource = functionArn(ref, qualifier);
    const documents: PolicyDocument[] = [{ Statement: service.state.statements(ref, '') }];
    if (qualifier) documents.push({ Statement: service.state.statements(ref, qualifier) });
    const decision = evaluatePolicies(documents, {
      principal: { type: 'AWS', accountId: caller.accountId, arn: caller.arn },
      action,
      resource,
    });
    if (decision === 'Allow') return;
    const reason =
      decision === 'ExplicitDeny'
        ? 'with an explicit deny in a resource-based policy'
        : `because no resource-based policy allows the ${action} action`;
    throw new AwsError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`,
      403,
    );
  };
  return guardHandlers(handlers, check);
}

/** FunctionName, or the tagging APIs' Resource when it is a function's ARN. */
function functionNameOf(input: Record<string, unknown>): string | undefined {
  const name = input['FunctionName'];
  if (typeof name === 'string') return name;
  const resource = input['Resource'];
  return typeof resource === 'string' && resource.includes(':function:') ? resource : undefined;
}
