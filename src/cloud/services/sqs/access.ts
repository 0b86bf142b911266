/**
 * Cross-account access to queues: a request whose QueueUrl (or GetQueueUrl's
 * QueueOwnerAWSAccountId) names another account's queue is allowed only when the queue's Policy
 * attribute (which AddPermission also writes) allows the caller the operation's IAM action;
 * otherwise SQS answers AccessDenied 403 "Access to the resource <queue URL> is denied." (sent as
 * `AccessDenied;Sender` in x-amzn-query-error, from which the SDKs take the code). The owner's
 * own requests need no grant (identity policies are not enforced) but an explicit Deny in the
 * queue policy stops them too, as on AWS; a queue without a policy costs them no parsing.
 */
import { AwsError } from '../../errors.js';
import { type AccessCheck, guardHandlers } from '../../policy/guard.js';
import { authorizeCaller, callerOf, requestKeys } from '../../policy/index.js';
import type { Handler } from '../../service.js';
import { queueAttributesOf } from './message-store.js';
import { parseQueueUrl } from './queue-names.js';
import type { SqsService } from './sqs-service.js';
import type { QueueRow } from './state.js';

/** Batch operations are authorized by their single-message action, as IAM defines them. */
const IAM_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** The queue's Policy attribute. */
function policyOf(queue: QueueRow): string | undefined {
  // Most queues have no policy: a substring test spares them the JSON parse.
  return queue.attributes.includes('"Policy"') ? queueAttributesOf(queue)['Policy'] : undefined;
}

export function guardQueueAccess(handlers: Record<string, Handler>, service: SqsService): Record<string, Handler> {
  const check: AccessCheck = (operation, input, ctx) => {
    const target = targetOf(input, ctx.accountId);
    if (!target) return;
    const queue = service.state.getQueue(target.accountId, ctx.region, target.name);
    // A queue that does not exist is the handler's QueueDoesNotExist.
    if (!queue) return;
    const policy = policyOf(queue);
    // The owner without a queue policy: nothing can deny.
    if (policy === undefined && target.accountId === ctx.accountId) return;
    const allowed = authorizeCaller({
      policy,
      owner: queue.account_id,
      caller: callerOf(ctx),
      action: `sqs:${IAM_ACTIONS[operation] ?? operation}`,
      resource: queue.arn,
      context: requestKeys(ctx),
    });
    if (!allowed) {
      throw new AwsError('AccessDenied', `Access to the resource ${service.url(ctx, queue)} is denied.`, 403);
    }
  };
  return guardHandlers(handlers, check);
}

function targetOf(
  input: Record<string, unknown>,
  callerAccount: string,
): { accountId: string; name: string } | undefined {
  const url = input['QueueUrl'];
  if (typeof url === 'string') return parseQueueUrl(url, callerAccount);
  const owner = input['QueueOwnerAWSAccountId'];
  const name = input['QueueName'];
  if (typeof owner === 'string' && typeof name === 'string') {
    return { accountId: owner, name };
  }
  return undefined;
}
