/**
 * The one evaluator of resource-based policies for every service: Lambda function policies (for S3
 * and SNS pushes and cross-account invokes), SQS queue policies, SNS topic policies and S3 bucket
 * policies. Pure: a request and the policy documents in, a decision out. Identity policies stay
 * stored, not enforced (every identity is treated as allowed by its own account).
 *
 * Three ways in:
 * - `evaluatePolicies(documents, request)`: the raw decision.
 * - `allowsServicePush(policy, {...})`: may S3/SNS deliver to this function, queue or topic?
 * - `allowsAccount(policy, callerAccountId, callerArn, action, resourceArn, context?)`: may this
 *   caller act on a resource, with AWS's account rule (the owner's own identities need no grant
 *   but an explicit Deny stops them; another account needs an Allow). SNS's Publish and Subscribe
 *   checks call it with the topic's Policy attribute (AWS's default policy when the attribute is
 *   unset lets only the owner account act, which is what `undefined` gives here):
 *
 *   ```ts
 *   const caller = callerOf(ctx);
 *   if (!allowsAccount(topic.attributes.Policy, caller.accountId, caller.arn, 'sns:Publish', topicArn)) {
 *     throw new AwsError('AuthorizationError', `User: ${caller.arn} is not authorized to perform: SNS:Publish on resource: ${topicArn} ...`, 403);
 *   }
 *   ```
 */
import type { RequestContext } from '../service.js';
import { evaluate } from './evaluate.js';

export { MalformedPolicyError, parsePolicy } from './document.js';

/** Who asks: a service principal (S3 pushing to a function) or an account's identity. */
export type Principal =
  | { type: 'Service'; service: string }
  | { type: 'AWS'; accountId: string; arn: string }
  | { type: 'Anonymous' };

export interface AccessRequest {
  principal: Principal;
  /** `lambda:InvokeFunction`, `sqs:SendMessage`, `sns:Publish`, `s3:GetObject` ... */
  action: string;
  /** The resource's ARN (for a function: the ARN the caller named, qualified or not). */
  resource: string;
  /** Condition keys and their values: `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalAccount` ... */
  context?: Record<string, string | string[] | undefined>;
}

/** Allow when a statement allows and none denies; an explicit Deny wins; otherwise implicit. */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** A policy document as JSON text or parsed. */
export type PolicyDocument = string | Record<string, unknown>;

export function evaluatePolicies(documents: readonly PolicyDocument[], request: AccessRequest): Decision {
  return evaluate(documents, request);
}

/** An authenticated caller: its account and its ARN (`arn:aws:iam::<account>:root` for plain keys). */
export interface Caller {
  accountId: string;
  arn: string;
}

/** The caller of a request as IAM names it (the STS session's ARN, or the account's root). */
export function callerOf(ctx: Pick<RequestContext, 'accountId' | 'credentials'>): Caller {
  return { accountId: ctx.accountId, arn: ctx.credentials?.principalArn ?? `arn:aws:iam::${ctx.accountId}:root` };
}

/**
 * Condition keys every request carries: `aws:SecureTransport` says whether it came over TLS (the
 * local cloud's endpoint decides), which bucket and queue policies often deny on.
 */
export function requestKeys(ctx: Pick<RequestContext, 'endpoint'>): Record<string, string> {
  return { 'aws:SecureTransport': ctx.endpoint.startsWith('https:') ? 'true' : 'false' };
}

/**
 * May `caller` perform `action` on a resource owned by `owner`? The owner's identities are
 * allowed unless the resource policy explicitly denies; another account's only when the policy
 * allows (identity policies are not enforced, so they count as allowing).
 */
export function authorizeCaller(request: {
  policy: PolicyDocument | undefined;
  owner: string;
  caller: Caller;
  action: string;
  resource: string;
  context?: AccessRequest['context'];
}): boolean {
  const sameAccount = request.caller.accountId === request.owner;
  if (request.policy === undefined || request.policy === '') return sameAccount;
  const decision = evaluate([request.policy], {
    principal: { type: 'AWS', accountId: request.caller.accountId, arn: request.caller.arn },
    action: request.action,
    resource: request.resource,
    // SNS's default topic policy grants `AWS:SourceOwner` = the owner: for a direct call the
    // source is the caller's own account, which is how that policy keeps other accounts out.
    context: { 'aws:SourceOwner': request.caller.accountId, ...request.context },
  });
  return sameAccount ? decision !== 'ExplicitDeny' : decision === 'Allow';
}

/**
 * The one-call check for services whose resources are named by an ARN with an account field
 * (SNS topics, SQS queues, Lambda functions): the owner is the ARN's account.
 */
export function allowsAccount(
  policy: PolicyDocument | undefined,
  callerAccountId: string,
  callerArn: string,
  action: string,
  resourceArn: string,
  context?: AccessRequest['context'],
): boolean {
  return authorizeCaller({
    policy,
    owner: resourceArn.split(':')[4] ?? '',
    caller: { accountId: callerAccountId, arn: callerArn },
    action,
    resource: resourceArn,
    ...(context ? { context } : {}),
  });
}

/** A service (`s3.amazonaws.com`, `sns.amazonaws.com`) acting on a resource for a source. */
export interface ServicePush {
  service: string;
  action: string;
  resource: string;
  sourceArn: string;
  sourceAccount: string;
  /** Further condition keys the service sends (`s3:x-amz-acl`). */
  context?: Record<string, string>;
}

/** What a resource policy says of a service push (callers that word the refusal need the kind). */
export function servicePushDecision(policy: PolicyDocument, push: ServicePush): Decision {
  return evaluate([policy], {
    principal: { type: 'Service', service: push.service },
    action: push.action,
    resource: push.resource,
    context: { 'aws:SourceArn': push.sourceArn, 'aws:SourceAccount': push.sourceAccount, ...push.context },
  });
}

/** May a service push to a resource? Only an Allow counts: with no policy, nothing is delivered. */
export function allowsServicePush(policy: PolicyDocument | undefined, push: ServicePush): boolean {
  if (policy === undefined || policy === '') return false;
  return servicePushDecision(policy, push) === 'Allow';
}
