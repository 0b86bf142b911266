/**
 * What each protocol receives for an SNS message: the JSON envelope (SQS, HTTP/S, email-json),
 * the raw message (RawMessageDelivery), and the `Records[].Sns` event a function is invoked with,
 * each signed as SNS signs it.
 */
import type { SnsDeliveries, SnsDelivery } from '../../../services/sns/index.js';
import { messageFor } from '../../../services/sns/index.js';

type Envelope = Record<string, unknown>;

function signatureVersion(delivery: SnsDelivery): string {
  return delivery.topic.attributes['SignatureVersion'] === '2' ? '2' : '1';
}

/** `{ name: { Type, Value } }` as the envelope and the Lambda event carry message attributes. */
function envelopeAttributes(delivery: SnsDelivery): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, attribute] of Object.entries(delivery.message.attributes)) {
    out[name] = { Type: attribute.DataType, Value: attribute.StringValue ?? attribute.BinaryValue ?? '' };
  }
  return out;
}

/** The JSON envelope (Notification, Subscription- or UnsubscribeConfirmation) in AWS's member order. */
export function envelope(api: SnsDeliveries, delivery: SnsDelivery): Envelope {
  const { message, subscription } = delivery;
  const version = signatureVersion(delivery);
  const text = messageFor(message, subscription.protocol);
  if (message.type !== 'Notification') {
    const subscribeUrl = api.subscribeUrl(message.topicArn, message.token ?? '');
    const fields = {
      Message: text,
      MessageId: message.messageId,
      SubscribeURL: subscribeUrl,
      Timestamp: message.timestamp,
      Token: message.token,
      TopicArn: message.topicArn,
    };
    return {
      Type: message.type,
      MessageId: message.messageId,
      Token: message.token,
      TopicArn: message.topicArn,
      Message: text,
      SubscribeURL: subscribeUrl,
      Timestamp: message.timestamp,
      SignatureVersion: version,
      Signature: api.sign(message.type, fields, version),
      SigningCertURL: api.signingCertUrl(),
    };
  }
  const fields = {
    Message: text,
    MessageId: message.messageId,
    Subject: message.subject,
    Timestamp: message.timestamp,
    TopicArn: message.topicArn,
  };
  const attributes = envelopeAttributes(delivery);
  return {
    Type: 'Notification',
    MessageId: message.messageId,
    ...(message.sequenceNumber !== undefined ? { SequenceNumber: message.sequenceNumber } : {}),
    TopicArn: message.topicArn,
    ...(message.subject !== undefined ? { Subject: message.subject } : {}),
    Message: text,
    Timestamp: message.timestamp,
    SignatureVersion: version,
    Signature: api.sign('Notification', fields, version),
    SigningCertURL: api.signingCertUrl(),
    UnsubscribeURL: api.unsubscribeUrl(subscription.arn),
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
  };
}

export function isRaw(delivery: SnsDelivery): boolean {
  return delivery.subscription.attributes['RawMessageDelivery']?.toLowerCase() === 'true';
}

/** The body an SQS queue or an HTTP endpoint receives. */
export function deliveredBody(api: SnsDeliveries, delivery: SnsDelivery): string {
  if (isRaw(delivery) && delivery.message.type === 'Notification') {
    return messageFor(delivery.message, delivery.subscription.protocol);
  }
  return JSON.stringify(envelope(api, delivery));
}

/** The event a subscribed function is invoked with. */
export function lambdaEvent(api: SnsDeliveries, delivery: SnsDelivery): unknown {
  const env = envelope(api, delivery);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: delivery.subscription.arn,
        Sns: {
          Type: env['Type'],
          MessageId: env['MessageId'],
          TopicArn: env['TopicArn'],
          Subject: env['Subject'] ?? null,
          Message: env['Message'],
          Timestamp: env['Timestamp'],
          SignatureVersion: env['SignatureVersion'],
          Signature: env['Signature'],
          SigningCertUrl: env['SigningCertURL'],
          UnsubscribeUrl: env['UnsubscribeURL'],
          MessageAttributes: env['MessageAttributes'] ?? {},
        },
      },
    ],
  };
}

/** SQS message attributes for a raw delivery (the envelope carries them otherwise). */
export function sqsMessageAttributes(delivery: SnsDelivery): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, attribute] of Object.entries(delivery.message.attributes)) {
    out[name] =
      attribute.BinaryValue !== undefined
        ? { DataType: attribute.DataType, BinaryValue: Buffer.from(attribute.BinaryValue, 'base64') }
        : { DataType: attribute.DataType, StringValue: attribute.StringValue };
  }
  return out;
}
