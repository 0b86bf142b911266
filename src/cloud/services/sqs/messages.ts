/** Message handlers: send, receive (with long polling), delete, change visibility, and their batches. */
import type {
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  DeleteMessageRequest,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageBatchResultEntry,
  SendMessageRequest,
  SendMessageResult,
} from '@aws-sdk/client-sqs';
import type { Handler, RequestContext } from '../../service.js';
import { intAttribute } from './attributes.js';
import { checkEntries, failedEntry, perEntry } from './batches.js';
import { batchTooLong, invalidParameter } from './errors.js';
import { type PreparedMessage, prepareMessage } from './message-input.js';
import { queueAttributesOf, type SentMessage } from './message-store.js';
import { messageView } from './message-view.js';
import { required } from './required.js';
import { type SqsService, senderId } from './sqs-service.js';
import type { QueueRow } from './state.js';

/** A batch's messages together may not exceed this many bytes (AWS: 1 MiB, like one message). */
const MAX_BATCH_BYTES = 1_048_576;

function sendResult(prepared: PreparedMessage, sent: SentMessage): SendMessageResult {
  const result: SendMessageResult = { MD5OfMessageBody: prepared.md5Body, MessageId: sent.messageId };
  if (prepared.md5Attributes) result.MD5OfMessageAttributes = prepared.md5Attributes;
  if (prepared.md5System) result.MD5OfMessageSystemAttributes = prepared.md5System;
  if (sent.sequenceNumber) result.SequenceNumber = sent.sequenceNumber;
  return result;
}

export function messageHandlers(service: SqsService): Record<string, Handler> {
  const { messages } = service;
  const queueFor = (ctx: RequestContext, input: { QueueUrl?: string | undefined }): QueueRow =>
    service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
  const sendQueue = (queue: QueueRow) => ({ fifo: queue.fifo === 1, attributes: queueAttributesOf(queue) });

  function sendMessage(input: SendMessageRequest, ctx: RequestContext): SendMessageResult {
    const queue = queueFor(ctx, input);
    const prepared = prepareMessage(sendQueue(queue), input);
    const [sent] = messages.send(queue, [prepared], senderId(ctx));
    return sendResult(prepared, sent as SentMessage);
  }

  function sendMessageBatch(input: SendMessageBatchRequest, ctx: RequestContext): SendMessageBatchResult {
    const queue = queueFor(ctx, input);
    const entries = checkEntries(input.Entries, 'SendMessageBatchRequestEntry');
    const bytes = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''), 0);
    if (bytes > MAX_BATCH_BYTES) throw batchTooLong(MAX_BATCH_BYTES, bytes);
    const target = sendQueue(queue);
    const Failed: SendMessageBatchResult['Failed'] = [];
    const ready: { id: string; prepared: PreparedMessage }[] = [];
    for (const entry of entries) {
      try {
        ready.push({ id: entry.Id, prepared: prepareMessage(target, entry) });
      } catch (error) {
        Failed.push(failedEntry(entry.Id, error));
      }
    }
    const sent = messages.send(
      queue,
      ready.map((r) => r.prepared),
      senderId(ctx),
    );
    const Successful = ready.map(
      ({ id, prepared }, i): SendMessageBatchResultEntry =>
        ({ Id: id, ...sendResult(prepared, sent[i] as SentMessage) }) as SendMessageBatchResultEntry,
    );
    return { Successful, Failed };
  }

  async function receiveMessage(input: ReceiveMessageRequest, ctx: RequestContext): Promise<ReceiveMessageResult> {
    const queue = queueFor(ctx, input);
    const max = input.MaxNumberOfMessages ?? 1;
    if (max < 1 || max > 10) {
      throw invalidParameter('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.');
    }
    const waitSeconds =
      input.WaitTimeSeconds ?? intAttribute(queueAttributesOf(queue), 'ReceiveMessageWaitTimeSeconds');
    if (waitSeconds < 0 || waitSeconds > 20) {
      throw invalidParameter('WaitTimeSeconds', waitSeconds, 'Must be >= 0 and <= 20, if provided.');
    }
    const visibility = input.VisibilityTimeout;
    if (visibility !== undefined && (visibility < 0 || visibility > 43_200)) {
      throw invalidParameter('VisibilityTimeout', visibility, 'Must be between 0 and 43200, if provided.');
    }
    const options = { maxMessages: max, visibilityTimeout: visibility, attemptId: input.ReceiveRequestAttemptId };
    const signal = ctx.signal;
    const deadline = Date.now() + waitSeconds * 1000;
    let received = messages.receive(queue, options);
    while (received.length === 0 && Date.now() < deadline && !signal?.aborted && !service.waiters.closing) {
      await service.waiters.wait(queue.arn, deadline - Date.now(), signal);
      const current = service.state.getQueueById(queue.id);
      if (!current) break;
      received = messages.receive(current, options);
    }
    if (received.length === 0) return {};
    const selection = {
      system: [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])],
      message: input.MessageAttributeNames ?? [],
    };
    return { Messages: received.map((row) => messageView(row, selection)) };
  }

  function deleteMessage(input: DeleteMessageRequest, ctx: RequestContext): Record<string, never> {
    const queue = queueFor(ctx, input);
    messages.delete(queue, required(input.ReceiptHandle, 'ReceiptHandle'));
    return {};
  }

  function deleteMessageBatch(input: DeleteMessageBatchRequest, ctx: RequestContext): DeleteMessageBatchResult {
    const queue = queueFor(ctx, input);
    const entries = checkEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
    return perEntry(entries, (entry) => {
      messages.delete(queue, required(entry.ReceiptHandle, 'ReceiptHandle'));
      return { Id: entry.Id };
    });
  }

  function changeVisibility(input: ChangeMessageVisibilityRequest, ctx: RequestContext): Record<string, never> {
    const queue = queueFor(ctx, input);
    messages.changeVisibility(
      queue,
      required(input.ReceiptHandle, 'ReceiptHandle'),
      required(input.VisibilityTimeout, 'VisibilityTimeout'),
    );
    return {};
  }

  function changeVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    ctx: RequestContext,
  ): ChangeMessageVisibilityBatchResult {
    const queue = queueFor(ctx, input);
    const entries = checkEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
    return perEntry(entries, (entry) => {
      messages.changeVisibility(
        queue,
        required(entry.ReceiptHandle, 'ReceiptHandle'),
        required(entry.VisibilityTimeout, 'VisibilityTimeout'),
      );
      return { Id: entry.Id };
    });
  }

  return {
    SendMessage: sendMessage,
    SendMessageBatch: sendMessageBatch,
    ReceiveMessage: receiveMessage,
    DeleteMessage: deleteMessage,
    DeleteMessageBatch: deleteMessageBatch,
    ChangeMessageVisibility: changeVisibility,
    ChangeMessageVisibilityBatch: changeVisibilityBatch,
  };
}
