/**
 * What the SQS handlers share: the state, the message store, and finding the caller's queue from
 * the QueueUrl it gave.
 */
import type { CloudContext } from '../../context.js';
import type { RequestContext } from '../../service.js';
import { queueDoesNotExist } from './errors.js';
import type { MessageStore } from './message-store.js';
import { parseQueueUrl, queueUrl } from './queue-names.js';
import type { QueueRow, SqsState } from './state.js';
import type { QueueWaiters } from './wake-ups.js';

export class SqsService {
  constructor(
    readonly state: SqsState,
    readonly messages: MessageStore,
    readonly waiters: QueueWaiters,
    readonly cloud: CloudContext,
  ) {}

  now(): number {
    return this.cloud.now();
  }

  /**
   * The queue a QueueUrl names, in the request's region. Another account's queue is found too
   * (access.ts has already checked its policy allows this caller).
   */
  queue(ctx: RequestContext, url: string): QueueRow {
    const parsed = parseQueueUrl(url, ctx.accountId);
    const queue = parsed && this.state.getQueue(parsed.accountId, ctx.region, parsed.name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  url(ctx: RequestContext, queue: QueueRow): string {
    return queueUrl(ctx.endpoint, queue.account_id, queue.name);
  }
}

/** Who sent a message, as SenderId shows it: the caller's access key id (AWS shows the principal's id). */
export function senderId(ctx: RequestContext): string {
  return ctx.credentials?.accessKeyId ?? ctx.accountId;
}
