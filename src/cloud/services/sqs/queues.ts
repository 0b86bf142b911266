/** Queue handlers: create, find, list, delete, purge, attributes. */
import type {
  CreateQueueRequest,
  CreateQueueResult,
  DeleteQueueRequest,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ListQueuesRequest,
  ListQueuesResult,
  PurgeQueueRequest,
  SetQueueAttributesRequest,
} from '@aws-sdk/client-sqs';
import type { Handler, RequestContext } from '../../service.js';
import {
  applyAttributes,
  COMPUTED,
  defaultAttributes,
  firstDifference,
  intAttribute,
  type QueueLookup,
  SETTABLE,
} from './attributes.js';
import {
  invalidParameterValue,
  purgeInProgress,
  queueDeletedRecently,
  queueDoesNotExist,
  queueNameExists,
  unknownAttribute,
} from './errors.js';
import { queueAttributesOf } from './message-store.js';
import { checkQueueName, parseQueueArn, queueArn } from './queue-names.js';
import { required } from './required.js';
import type { SqsService } from './sqs-service.js';
import type { QueueRow } from './state.js';
import { checkTags } from './tags.js';

/** PurgeQueue may run once per 60 seconds per queue. */
const PURGE_INTERVAL_MS = 60_000;

/** Encodes a listing position (the last name returned) as an opaque token. */
export function pageToken(after: string): string {
  return Buffer.from(after, 'utf8').toString('base64');
}

export function readPageToken(token: string | undefined): string {
  if (token === undefined) return '';
  const after = Buffer.from(token, 'base64').toString('utf8');
  if (!after) throw invalidParameterValue('Invalid NextToken value.');
  return after;
}

export function queueLookup(service: SqsService): QueueLookup {
  return (arn) => {
    const queue = service.state.getQueueByArn(arn);
    return queue && { fifo: queue.fifo === 1 };
  };
}

export function queueHandlers(service: SqsService): Record<string, Handler> {
  const { state } = service;

  function createQueue(input: CreateQueueRequest, ctx: RequestContext): CreateQueueResult {
    const name = required(input.QueueName, 'QueueName');
    const given = input.Attributes ?? {};
    const fifo = given['FifoQueue']?.toLowerCase() === 'true';
    checkQueueName(name, fifo);
    const now = service.now();
    const key = { accountId: ctx.accountId, region: ctx.region, name };
    const arn = queueArn(key);
    const existing = state.getQueue(ctx.accountId, ctx.region, name);
    if (existing) {
      const current = queueAttributesOf(existing);
      const wanted = applyAttributes(current, given, existing.fifo === 1, false, queueLookup(service));
      const differs = firstDifference(current, wanted) ?? (fifo !== (existing.fifo === 1) ? 'FifoQueue' : undefined);
      if (differs) throw queueNameExists(differs);
      return { QueueUrl: service.url(ctx, existing) };
    }
    const attributes = applyAttributes(defaultAttributes(fifo), given, fifo, true, queueLookup(service));
    const tags = input.tags ?? {};
    checkTags(tags);
    const cooldown = ctx.cloud.sqs.deletedQueueCooldownMs;
    const deletedAt = cooldown > 0 ? state.deletedAt(arn) : undefined;
    if (deletedAt !== undefined && now - deletedAt < cooldown) throw queueDeletedRecently();
    state.insertQueue({
      account_id: ctx.accountId,
      region: ctx.region,
      name,
      arn,
      fifo: fifo ? 1 : 0,
      attributes: JSON.stringify(attributes),
      tags: JSON.stringify(tags),
      created_at: now,
      modified_at: now,
    });
    return { QueueUrl: service.url(ctx, state.getQueue(ctx.accountId, ctx.region, name) as QueueRow) };
  }

  function getQueueUrl(input: GetQueueUrlRequest, ctx: RequestContext): GetQueueUrlResult {
    const accountId = input.QueueOwnerAWSAccountId ?? ctx.accountId;
    const queue = state.getQueue(accountId, ctx.region, required(input.QueueName, 'QueueName'));
    if (!queue) throw queueDoesNotExist();
    return { QueueUrl: service.url(ctx, queue) };
  }

  function listQueues(input: ListQueuesRequest, ctx: RequestContext): ListQueuesResult {
    const after = readPageToken(input.NextToken);
    // Without MaxResults AWS returns up to 1000 queues and no token.
    const limit = input.MaxResults ?? 1000;
    if (limit < 1 || limit > 1000) {
      throw invalidParameterValue(
        'Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.',
      );
    }
    const rows = state.listQueues(ctx.accountId, ctx.region, input.QueueNamePrefix ?? '', after, limit + 1);
    const page = rows.slice(0, limit);
    const result: ListQueuesResult = {};
    if (page.length > 0) result.QueueUrls = page.map((queue) => service.url(ctx, queue));
    if (input.MaxResults !== undefined && rows.length > limit) {
      result.NextToken = pageToken((page[page.length - 1] as QueueRow).name);
    }
    return result;
  }

  function deleteQueue(input: DeleteQueueRequest, ctx: RequestContext): Record<string, never> {
    const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
    state.deleteQueue(queue.id, queue.arn, service.now());
    // Long polls on it end now instead of at their deadline.
    ctx.cloud.events.emit('sqs.messages', { queueArn: queue.arn });
    return {};
  }

  function purgeQueue(input: PurgeQueueRequest, ctx: RequestContext): Record<string, never> {
    const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
    const now = service.now();
    if (queue.purged_at !== null && now - queue.purged_at < PURGE_INTERVAL_MS) throw purgeInProgress(queue.name);
    state.purge(queue.id, now);
    return {};
  }

  function getQueueAttributes(input: GetQueueAttributesRequest, ctx: RequestContext): GetQueueAttributesResult {
    const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
    const names = (input.AttributeNames ?? []) as string[];
    if (names.length === 0) return {};
    const all = computedAttributes(service, queue);
    if (names.includes('All')) return { Attributes: all };
    const selected: Record<string, string> = {};
    for (const name of names) {
      if (!SETTABLE.has(name) && !(COMPUTED as readonly string[]).includes(name)) throw unknownAttribute(name);
      const value = all[name];
      if (value !== undefined) selected[name] = value;
    }
    return Object.keys(selected).length > 0 ? { Attributes: selected } : {};
  }

  function setQueueAttributes(input: SetQueueAttributesRequest, ctx: RequestContext): Record<string, never> {
    const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
    const current = queueAttributesOf(queue);
    const next = applyAttributes(
      current,
      required(input.Attributes, 'Attributes'),
      queue.fifo === 1,
      false,
      queueLookup(service),
    );
    state.setAttributes(queue.id, JSON.stringify(next), service.now());
    return {};
  }

  return {
    CreateQueue: createQueue,
    GetQueueUrl: getQueueUrl,
    ListQueues: listQueues,
    DeleteQueue: deleteQueue,
    PurgeQueue: purgeQueue,
    GetQueueAttributes: getQueueAttributes,
    SetQueueAttributes: setQueueAttributes,
  };
}

/** Every attribute GetQueueAttributes reports for `All`: the stored ones plus the computed ones. */
export function computedAttributes(service: SqsService, queue: QueueRow): Record<string, string> {
  const now = service.now();
  const attributes = queueAttributesOf(queue);
  service.state.expire(queue.id, now - intAttribute(attributes, 'MessageRetentionPeriod') * 1000);
  const counts = service.state.counts(queue.id, now);
  return {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.created_at / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.modified_at / 1000)),
    ...attributes,
  };
}

/** The queue an ARN names in the caller's account and region (ARNs of elsewhere are not found). */
export function queueByArn(service: SqsService, arn: string): QueueRow | undefined {
  return parseQueueArn(arn) ? service.state.getQueueByArn(arn) : undefined;
}
