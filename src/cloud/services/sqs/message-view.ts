/**
 * A received message as ReceiveMessage returns it: the system attributes and message attributes the
 * caller asked for, and the digests. Shared by the API and the in-process API.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { md5OfAttributes } from './md5.js';
import { decodeAttributes } from './message-input.js';
import type { MessageRow } from './state.js';

/** Which attributes to return; `All` (or `.*` for message attributes) means every one. */
export interface AttributeSelection {
  /** AttributeNames and MessageSystemAttributeNames together. */
  system: readonly string[];
  /** MessageAttributeNames: names, `prefix.*`, `All` or `.*`. */
  message: readonly string[];
}

export const ALL_ATTRIBUTES: AttributeSelection = { system: ['All'], message: ['All'] };

/** Every system attribute a message can carry, in AWS's order, or undefined when it has none. */
export function systemAttributes(row: MessageRow): Record<string, string> {
  const attributes: Record<string, string> = {
    SenderId: row.sender_id,
    SentTimestamp: String(row.sent_at),
    ApproximateReceiveCount: String(row.receive_count),
  };
  if (row.first_received_at !== null) attributes['ApproximateFirstReceiveTimestamp'] = String(row.first_received_at);
  if (row.sequence_number !== null) attributes['SequenceNumber'] = row.sequence_number;
  if (row.dedup_id !== null) attributes['MessageDeduplicationId'] = row.dedup_id;
  if (row.group_id !== null) attributes['MessageGroupId'] = row.group_id;
  if (row.trace_header !== null) attributes['AWSTraceHeader'] = row.trace_header;
  if (row.dlq_source_arn !== null) attributes['DeadLetterQueueSourceArn'] = row.dlq_source_arn;
  return attributes;
}

function selectSystem(row: MessageRow, names: readonly string[]): Record<string, string> | undefined {
  if (names.length === 0) return undefined;
  const all = systemAttributes(row);
  if (names.includes('All')) return all;
  const selected: Record<string, string> = {};
  for (const name of names) {
    const value = all[name];
    if (value !== undefined) selected[name] = value;
  }
  return Object.keys(selected).length > 0 ? selected : undefined;
}

function selectMessageAttributes(
  row: MessageRow,
  names: readonly string[],
): Record<string, MessageAttributeValue> | undefined {
  if (row.attributes === null || names.length === 0) return undefined;
  const all = decodeAttributes(row.attributes);
  if (names.includes('All') || names.includes('.*')) return all;
  const selected: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(all)) {
    const wanted = names.some((pattern) =>
      pattern.endsWith('.*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name,
    );
    if (wanted) selected[name] = value;
  }
  return Object.keys(selected).length > 0 ? selected : undefined;
}

export function messageView(row: MessageRow, selection: AttributeSelection): Message {
  const message: Message = {
    MessageId: row.message_id,
    ReceiptHandle: row.receipt_handle ?? undefined,
    MD5OfBody: row.md5_body,
    Body: row.body,
  };
  const attributes = selectSystem(row, selection.system);
  if (attributes) message.Attributes = attributes;
  const messageAttributes = selectMessageAttributes(row, selection.message);
  if (messageAttributes) {
    // The digest of what is returned, so a client that checks it (the Java SDK) agrees.
    message.MD5OfMessageAttributes = md5OfAttributes(messageAttributes);
    message.MessageAttributes = messageAttributes;
  }
  return message;
}
