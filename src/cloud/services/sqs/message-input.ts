/**
 * What SendMessage and each SendMessageBatch entry must satisfy before anything is stored: body
 * characters and size, message and system attributes, delays, and the FIFO ids. The checks and
 * their wording are AWS's; a failure is an AwsError (a batch reports it per entry).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MessageAttributeValue, MessageSystemAttributeValue } from '@aws-sdk/client-sqs';
import { intAttribute, type QueueAttributes } from './attributes.js';
import { invalidMessageContents, invalidParameter, invalidParameterValue, missingParameter } from './errors.js';
import { type AttributeValue, md5OfAttributes, md5OfBody } from './md5.js';

/** A message as the client sent it (SendMessageRequest or a batch entry). */
export interface MessageToSend {
  MessageBody?: string | undefined;
  DelaySeconds?: number | undefined;
  MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
  MessageSystemAttributes?: Record<string, MessageSystemAttributeValue> | undefined;
  MessageDeduplicationId?: string | undefined;
  MessageGroupId?: string | undefined;
}

/** A checked message, ready to store. */
export interface PreparedMessage {
  messageId: string;
  body: string;
  md5Body: string;
  /** JSON with binary values in base64, or null. */
  attributes: string | null;
  md5Attributes: string | undefined;
  traceHeader: string | undefined;
  md5System: string | undefined;
  delaySeconds: number;
  groupId: string | undefined;
  dedupId: string | undefined;
}

export interface QueueForSend {
  fifo: boolean;
  attributes: QueueAttributes;
}

const MAX_ATTRIBUTES = 10;
// Characters XML 1.0 allows (AWS keeps messages XML-safe for its query protocol).
// biome-ignore lint/suspicious/noControlCharactersInRegex: tab, LF and CR are the control characters AWS allows.
const VALID_CONTENT = /^[\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ATTRIBUTE_NAME = /^[\u00C0-\u017Fa-zA-Z0-9_.-]+$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;
const FIFO_ID = /^[0-9a-zA-Z!"#$%&'()*+,./:;<=>?@[\\\]^_`{|}~-]{1,128}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function prepareMessage(queue: QueueForSend, input: MessageToSend): PreparedMessage {
  const body = input.MessageBody;
  if (body === undefined || body === '') throw missingParameter('MessageBody');
  if (!VALID_CONTENT.test(body)) throw invalidMessageContents();
  const attributes = checkAttributes(input.MessageAttributes);
  const system = checkSystemAttributes(input.MessageSystemAttributes);
  const maxSize = intAttribute(queue.attributes, 'MaximumMessageSize');
  if (Buffer.byteLength(body) + attributesSize(attributes) > maxSize) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`,
    );
  }
  const delaySeconds = checkDelay(queue, input.DelaySeconds);
  const { groupId, dedupId } = checkFifoIds(queue, input, body);
  return {
    messageId: randomUUID(),
    body,
    md5Body: md5OfBody(body),
    attributes: attributes ? JSON.stringify(encodeAttributes(attributes)) : null,
    md5Attributes: md5OfAttributes(attributes),
    traceHeader: system?.['AWSTraceHeader']?.StringValue,
    md5System: md5OfAttributes(system),
    delaySeconds,
    groupId,
    dedupId,
  };
}

function checkAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const names = Object.keys(attributes);
  if (names.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  for (const name of names) {
    if (Buffer.byteLength(name) >= 256) {
      throw invalidParameterValue('Message (user) attribute names must be shorter than 256 Bytes');
    }
    if (!ATTRIBUTE_NAME.test(name)) {
      throw invalidParameterValue(
        'Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ',
      );
    }
    if (RESERVED_PREFIX.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameterValue(
        "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.'.",
      );
    }
    checkValue(`Message (user) attribute '${name}'`, attributes[name] as MessageAttributeValue);
  }
  return attributes;
}

function checkValue(what: string, value: AttributeValue): void {
  const type = value.DataType;
  if (!type) throw invalidParameterValue(`${what} must contain a non-empty attribute type.`);
  if (!DATA_TYPE.test(type)) {
    throw invalidParameterValue(
      `Type for parameter MessageAttributes.Attribute_name.DataType must be prefixed with "String", "Binary", or "Number", but was: ${type}`,
    );
  }
  if (type.startsWith('Binary')) {
    if (!value.BinaryValue || value.BinaryValue.length === 0) {
      throw invalidParameterValue(`${what} must contain a non-empty value of type 'Binary'.`);
    }
    return;
  }
  const text = value.StringValue;
  if (text === undefined || text === '') {
    throw invalidParameterValue(`${what} must contain a non-empty value of type '${type.split('.')[0]}'.`);
  }
  if (!VALID_CONTENT.test(text)) throw invalidMessageContents();
  if (type.startsWith('Number') && !NUMBER.test(text)) {
    throw invalidParameterValue(`Can't cast the value of ${what.toLowerCase()} to a number.`);
  }
}

function checkSystemAttributes(
  attributes: Record<string, MessageSystemAttributeValue> | undefined,
): Record<string, MessageSystemAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader') {
      throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    if (value.DataType !== 'String') {
      throw invalidParameterValue(`Message system attribute '${name}' must be of type 'String'.`);
    }
    checkValue(`Message system attribute '${name}'`, value);
  }
  return attributes;
}

/** The bytes AWS counts toward the size limit: names, types and values. */
function attributesSize(attributes: Record<string, MessageAttributeValue> | undefined): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    size += value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

function checkDelay(queue: QueueForSend, delay: number | undefined): number {
  if (delay === undefined) return intAttribute(queue.attributes, 'DelaySeconds');
  if (queue.fifo && delay !== 0) {
    throw invalidParameter(
      'DelaySeconds',
      delay,
      'The request include parameter that is not valid for this queue type.',
    );
  }
  if (delay < 0 || delay > 900) {
    throw invalidParameter('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.');
  }
  // A FIFO queue's messages take the queue's delay; 0 on a FIFO message means "the default".
  return queue.fifo ? intAttribute(queue.attributes, 'DelaySeconds') : delay;
}

function checkFifoIds(
  queue: QueueForSend,
  input: MessageToSend,
  body: string,
): { groupId: string | undefined; dedupId: string | undefined } {
  const { MessageGroupId: groupId, MessageDeduplicationId: dedupId } = input;
  for (const [name, value] of [
    ['MessageGroupId', groupId],
    ['MessageDeduplicationId', dedupId],
  ] as const) {
    if (value !== undefined && !FIFO_ID.test(value)) {
      throw invalidParameter(
        name,
        value,
        `${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
    }
  }
  if (!queue.fifo) {
    if (dedupId !== undefined) {
      throw invalidParameter(
        'MessageDeduplicationId',
        dedupId,
        'The request includes a parameter that is not valid for this queue type.',
      );
    }
    // Standard queues accept a group id since fair queues (2025); it is returned, not enforced.
    return { groupId, dedupId: undefined };
  }
  if (groupId === undefined) throw missingParameter('MessageGroupId');
  if (dedupId !== undefined) return { groupId, dedupId };
  if (queue.attributes['ContentBasedDeduplication'] !== 'true') {
    throw invalidParameterValue(
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
  return { groupId, dedupId: createHash('sha256').update(body, 'utf8').digest('hex') };
}

interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  /** base64 */
  BinaryValue?: string;
}

function encodeAttributes(attributes: Record<string, MessageAttributeValue>): Record<string, StoredAttribute> {
  const out: Record<string, StoredAttribute> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = { DataType: value.DataType as string };
    if (value.StringValue !== undefined) (out[name] as StoredAttribute).StringValue = value.StringValue;
    if (value.BinaryValue !== undefined) {
      (out[name] as StoredAttribute).BinaryValue = Buffer.from(value.BinaryValue).toString('base64');
    }
  }
  return out;
}

export function decodeAttributes(json: string): Record<string, MessageAttributeValue> {
  const stored = JSON.parse(json) as Record<string, StoredAttribute>;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(stored)) {
    out[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: Buffer.from(value.BinaryValue, 'base64') } : {}),
    };
  }
  return out;
}
