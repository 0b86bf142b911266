/**
 * Topic policies for callers of another account: the owner account always passes (its identity
 * policies are stored, not enforced); another account's caller needs a statement of the topic's
 * policy (AWS's default policy, when none was set, lets only the owner in), decided by the one
 * policy evaluator every service uses.
 */
import { allowsAccount } from '../../policy/index.js';
import type { RequestContext } from '../../service.js';
import { authorizationError } from './errors.js';
import { attributesOf } from './sns-service.js';
import type { TopicRow } from './state.js';

/** Throws AuthorizationError unless the caller may perform `action` (`SNS:Publish` ...) on `topic`. */
export function checkTopicAccess(ctx: RequestContext, topic: TopicRow, action: string): void {
  if (ctx.accountId === topic.account_id) return;
  const callerArn = `arn:aws:iam::${ctx.accountId}:root`;
  const allowed = allowsAccount(attributesOf(topic)['Policy'], ctx.accountId, callerArn, action, topic.arn, {
    'aws:SourceAccount': ctx.accountId,
    'aws:PrincipalAccount': ctx.accountId,
  });
  if (!allowed) throw authorizationError(callerArn, action, topic.arn);
}
