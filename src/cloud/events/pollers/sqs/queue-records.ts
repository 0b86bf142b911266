/**
 * A received SQS message as the function receives it in `Records`, in AWS's shape: camel-cased
 * members, every system attribute SQS returns (FIFO ones included), message attributes with their
 * list members always present and binary values in base64, `md5OfMessageAttributes` only when the
 * message has attributes, then the source's ARN and region.
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';

export interface QueueRecord {
  messageId: string;
  receiptHandle: string;
  /** FIFO queues: the message group, whose order a failure must not break. */
  groupId: string | undefined;
  /** The record as the function receives it. */
  event: Record<string, unknown>;
  /** Bytes of `event` as JSON (for the payload limit). */
  size: number;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function attributeValue(value: MessageAttributeValue): Record<string, unknown> {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType,
  };
}

export function queueRecord(message: Message, queueArn: string, region: string): QueueRecord {
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = attributeValue(value);
  }
  const event: Record<string, unknown> = {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes,
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    groupId: message.Attributes?.['MessageGroupId'],
    event,
    size: Buffer.byteLength(JSON.stringify(event)),
  };
}
