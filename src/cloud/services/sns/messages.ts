/**
 * A published message as SNS keeps it until every subscription has it, and the checks Publish
 * makes on message attributes (types, values, the 256 KiB budget they share with the body).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { invalidParameter, invalidParameterValue } from './errors.js';

/** A message attribute as stored: binary values in base64. */
export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface StoredMessage {
  type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  messageId: string;
  topicArn: string;
  /** ISO 8601 with milliseconds, as SNS writes it. */
  timestamp: string;
  message: string;
  subject?: string;
  /** MessageStructure json: the message per protocol (`default` for the others). */
  perProtocol?: Record<string, string>;
  attributes: Record<string, StoredAttribute>;
  /** FIFO topics. */
  sequenceNumber?: string;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  /**
   * UnsubscribeConfirmation: the subscription it goes to, deleted by the time it is delivered.
   */
  recipient?: UnsubscribedRecipient;
  /** Subscription and UnsubscribeConfirmation: the token ConfirmSubscription takes. */
  token?: string;
}

/** What an UnsubscribeConfirmation needs of the subscription it deactivated. */
export interface UnsubscribedRecipient {
  arn: string;
  protocol: string;
  endpoint: string;
  owner: string;
  attributes: Record<string, string>;
}

const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!aws\.|amazon\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/i;

/** Validates and stores Publish's MessageAttributes; returns them and their size in bytes. */
export function storeAttributes(attributes: Record<string, MessageAttributeValue> | undefined): {
  stored: Record<string, StoredAttribute>;
  bytes: number;
} {
  const stored: Record<string, StoredAttribute> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (!ATTRIBUTE_NAME.test(name)) {
      throw invalidParameterValue(
        `The message attribute name '${name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.`,
      );
    }
    const type = value.DataType ?? '';
    const base = type.split('.')[0] ?? '';
    if (!['String', 'Number', 'Binary'].includes(base)) {
      throw invalidParameterValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (base === 'Binary') {
      const binary = value.BinaryValue;
      if (!binary || binary.length === 0) {
        throw invalidParameterValue(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
        );
      }
      const base64 = Buffer.from(binary).toString('base64');
      stored[name] = { DataType: type, BinaryValue: base64 };
      bytes += Buffer.byteLength(name) + Buffer.byteLength(type) + binary.length;
      continue;
    }
    const text = value.StringValue;
    if (text === undefined || text === '') {
      throw invalidParameterValue(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (base === 'Number' && !Number.isFinite(Number(text))) {
      throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
    }
    if (type === 'String.Array' && !isJsonArray(text)) {
      throw invalidParameter(`Message attribute '${name}' value is not a valid JSON array`);
    }
    stored[name] = { DataType: type, StringValue: text };
    bytes += Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(text);
  }
  return { stored, bytes };
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

/** The message a protocol receives: its own entry of a `json` structure, else `default`. */
export function messageFor(message: StoredMessage, protocol: string): string {
  if (!message.perProtocol) return message.message;
  return message.perProtocol[protocol] ?? message.perProtocol['default'] ?? message.message;
}
