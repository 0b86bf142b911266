/**
 * Publish and PublishBatch: each message is checked, then stored with one durable delivery per
 * confirmed subscription whose filter policy matches (decided now, at publish time, as SNS does),
 * all in one transaction; the deliveries are told after the commit.
 */
import { createHash, randomUUID } from 'node:crypto';
import type {
  BatchResultErrorEntry,
  MessageAttributeValue,
  PublishBatchInput,
  PublishBatchResponse,
  PublishBatchResultEntry,
  PublishInput,
  PublishResponse,
} from '@aws-sdk/client-sns';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import { checkTopicAccess } from './access.js';
import { DEDUPLICATION_WINDOW_MS, MAX_BATCH_ENTRIES, MAX_MESSAGE_BYTES, MAX_SUBJECT_LENGTH } from './constants.js';
import { invalidParameter } from './errors.js';
import { compileFilterPolicy } from './filter-policy.js';
import { type StoredMessage, storeAttributes } from './messages.js';
import { attributesOf, isFifo, type SnsService } from './sns-service.js';
import type { TopicRow } from './state.js';
import { scopeOf } from './subscriptions.js';

interface MessageInput {
  Message?: string | undefined;
  Subject?: string | undefined;
  MessageStructure?: string | undefined;
  MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
  MessageGroupId?: string | undefined;
  MessageDeduplicationId?: string | undefined;
}

/** A message that passed the checks, ready to be stored. */
interface CheckedMessage {
  message: StoredMessage;
  deduplicationId: string | undefined;
}

const PHONE_NUMBER = /^\+?[0-9]{5,15}$/;
const SUBJECT = /^[\x20-\x7e]+$/;
const GROUP_ID = /^[\x21-\x7e]{1,128}$/;

function checkMessage(service: SnsService, topic: TopicRow, input: MessageInput): CheckedMessage {
  const text = input.Message ?? '';
  if (text === '') throw invalidParameter('Empty message');
  if (input.Subject !== undefined) {
    if (input.Subject === '' || input.Subject.length > MAX_SUBJECT_LENGTH || !SUBJECT.test(input.Subject)) {
      throw invalidParameter('Subject');
    }
  }
  let perProtocol: Record<string, string> | undefined;
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    const entries = parsed as Record<string, unknown>;
    if (typeof entries['default'] !== 'string') {
      throw invalidParameter('Message Structure - No default entry in JSON message body');
    }
    perProtocol = Object.fromEntries(
      Object.entries(entries).map(([protocol, value]) => [
        protocol,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );
  }
  const { stored, bytes } = storeAttributes(input.MessageAttributes);
  if (Buffer.byteLength(text) + bytes > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  const fifo = isFifo(topic);
  let deduplicationId: string | undefined;
  if (fifo) {
    if (!input.MessageGroupId) {
      throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    }
    if (!GROUP_ID.test(input.MessageGroupId)) throw invalidParameter('MessageGroupId');
    deduplicationId = input.MessageDeduplicationId;
    if (deduplicationId === undefined) {
      if (attributesOf(topic)['ContentBasedDeduplication'] !== 'true') {
        throw invalidParameter(
          'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      deduplicationId = createHash('sha256').update(text).digest('hex');
    } else if (!GROUP_ID.test(deduplicationId)) {
      throw invalidParameter('MessageDeduplicationId');
    }
  } else if (input.MessageDeduplicationId !== undefined) {
    throw invalidParameter(
      'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  }
  return {
    deduplicationId,
    message: {
      type: 'Notification',
      messageId: randomUUID(),
      topicArn: topic.arn,
      timestamp: new Date(service.now()).toISOString(),
      message: text,
      ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
      ...(perProtocol ? { perProtocol } : {}),
      attributes: stored,
      ...(fifo && input.MessageGroupId ? { messageGroupId: input.MessageGroupId } : {}),
      ...(deduplicationId !== undefined && input.MessageDeduplicationId !== undefined
        ? { messageDeduplicationId: deduplicationId }
        : {}),
    },
  };
}

/** Stores a checked message and its deliveries (inside the caller's transaction). */
function storeMessage(service: SnsService, topic: TopicRow, checked: CheckedMessage): PublishResponse {
  const { state } = service;
  const now = service.now();
  const { message } = checked;
  if (checked.deduplicationId !== undefined) {
    const duplicate = state.findDuplicate(topic.arn, checked.deduplicationId, now);
    if (duplicate) return { MessageId: duplicate.message_id, SequenceNumber: duplicate.sequence_number };
    message.sequenceNumber = String(state.nextSequence(topic.arn)).padStart(20, '0');
    state.rememberDeduplication(
      topic.arn,
      checked.deduplicationId,
      message.messageId,
      message.sequenceNumber,
      now + DEDUPLICATION_WINDOW_MS,
    );
  }
  const targets = state.subscriptionsOfTopic(topic.arn).filter((subscription) => {
    if (subscription.pending) return false;
    const attributes = attributesOf(subscription);
    const policy = attributes['FilterPolicy'];
    return !policy || compileFilterPolicy(policy, scopeOf(attributes)).matches(message);
  });
  if (targets.length > 0) {
    const id = state.insertMessage(JSON.stringify(message));
    for (const target of targets) state.insertDelivery(id, target.arn, now);
  }
  return {
    MessageId: message.messageId,
    ...(message.sequenceNumber !== undefined ? { SequenceNumber: message.sequenceNumber } : {}),
  };
}

function publish(service: SnsService, input: PublishInput, ctx: RequestContext): PublishResponse {
  const arn = input.TopicArn ?? input.TargetArn;
  if (arn === undefined && input.PhoneNumber !== undefined) {
    // SMS is not delivered by the local cloud; the number is checked and the message accepted.
    if (!PHONE_NUMBER.test(input.PhoneNumber))
      throw invalidParameter('PhoneNumber Reason: input incorrectly formatted');
    if (!input.Message) throw invalidParameter('Empty message');
    service.context.log(`sns: SMS to ${input.PhoneNumber} accepted, not sent (the local cloud sends no SMS)`);
    return { MessageId: randomUUID() };
  }
  if (arn === undefined) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  const topic = service.topic(arn, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
  checkTopicAccess(ctx, topic, 'SNS:Publish');
  const checked = checkMessage(service, topic, input);
  const result = service.state.transaction(() => storeMessage(service, topic, checked));
  service.deliveriesAdded();
  return result;
}

const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

function publishBatch(service: SnsService, input: PublishBatchInput, ctx: RequestContext): PublishBatchResponse {
  const topic = service.topic(input.TopicArn);
  checkTopicAccess(ctx, topic, 'SNS:Publish');
  const entries = input.PublishBatchRequestEntries ?? [];
  if (entries.length === 0) {
    throw new AwsError('EmptyBatchRequest', "The batch request doesn't contain any entries.", 400);
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new AwsError(
      'TooManyEntriesInBatchRequest',
      'The batch request contains more entries than permissible.',
      400,
    );
  }
  const ids = new Set<string>();
  for (const entry of entries) {
    if (!entry.Id || !BATCH_ENTRY_ID.test(entry.Id)) {
      throw new AwsError(
        'InvalidBatchEntryId',
        "The Id of a batch entry in a batch request doesn't abide by the specification.",
        400,
      );
    }
    if (ids.has(entry.Id)) {
      throw new AwsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.', 400);
    }
    ids.add(entry.Id);
  }
  const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.Message ?? ''), 0);
  if (total > MAX_MESSAGE_BYTES) {
    throw new AwsError(
      'BatchRequestTooLong',
      'The length of all the messages put together is more than the limit.',
      400,
    );
  }
  const Successful: PublishBatchResultEntry[] = [];
  const Failed: BatchResultErrorEntry[] = [];
  const checked: { id: string; message: CheckedMessage }[] = [];
  for (const entry of entries) {
    try {
      checked.push({ id: entry.Id as string, message: checkMessage(service, topic, entry) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push({ Id: entry.Id, Code: error.code, Message: error.message, SenderFault: error.senderFault });
    }
  }
  service.state.transaction(() => {
    for (const { id, message } of checked) Successful.push({ Id: id, ...storeMessage(service, topic, message) });
  });
  if (checked.length > 0) service.deliveriesAdded();
  return { Successful, Failed };
}

export function publishHandlers(service: SnsService): Record<string, Handler> {
  return {
    Publish: (input: PublishInput, ctx: RequestContext) => publish(service, input, ctx),
    PublishBatch: (input: PublishBatchInput, ctx: RequestContext) => publishBatch(service, input, ctx),
  };
}
