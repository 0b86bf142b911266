/**
 * The in-process API through which the push side (events/push/sns) makes SNS's deliveries: the
 * due rows with their message and subscription, the outcome of each attempt, and the signing of
 * what is sent. Deliveries whose subscription or topic is gone are dropped here, as SNS stops
 * delivering to a subscription once it is deleted; the UnsubscribeConfirmation, which goes to a
 * deleted subscription, carries its recipient.
 */
import type { StoredMessage } from './messages.js';
import { SIGNING_CERT_FILE, type SignedType } from './signing.js';
import { attributesOf, SNS_PATH_PREFIX, type SnsService } from './sns-service.js';
import type { SubscriptionRow } from './state.js';

export interface SnsDelivery {
  id: number;
  /** Attempts already made. */
  attempts: number;
  message: StoredMessage;
  subscription: {
    arn: string;
    protocol: string;
    endpoint: string;
    owner: string;
    attributes: Record<string, string>;
  };
  topic: { arn: string; accountId: string; region: string; attributes: Record<string, string> };
}

export interface SnsDeliveries {
  /** Up to `limit` deliveries due now, oldest first, leaving out those `busy` holds (in flight). */
  due(limit: number, busy: ReadonlySet<number>): SnsDelivery[];
  /** When the next delivery is due (epoch ms), or undefined when none is left. */
  nextDueAt(): number | undefined;
  /** The delivery was made, or given up for good (then the caller has logged why). */
  finish(id: number): void;
  /** The attempt failed; the next one is due at `dueAt`. */
  retry(id: number, attempts: number, dueAt: number): void;
  /** Base64 signature of a message's signed fields (SignatureVersion 1: SHA1, 2: SHA256). */
  sign(type: SignedType, fields: Record<string, string | undefined>, version: string): string;
  signingCertUrl(): string;
  unsubscribeUrl(subscriptionArn: string): string;
  subscribeUrl(topicArn: string, token: string): string;
  now(): number;
}

/** Who a message goes to: its own recipient (UnsubscribeConfirmation), else the subscription while it exists. */
function recipientOf(
  message: StoredMessage,
  row: SubscriptionRow | undefined,
): SnsDelivery['subscription'] | undefined {
  if (message.recipient) return message.recipient;
  if (!row) return undefined;
  return {
    arn: row.arn,
    protocol: row.protocol,
    endpoint: row.endpoint,
    owner: row.owner,
    attributes: attributesOf(row),
  };
}

export function snsDeliveries(service: SnsService): SnsDeliveries {
  const { state } = service;
  return {
    due: (limit, busy) => {
      const due: SnsDelivery[] = [];
      for (const row of state.dueDeliveries(service.now(), limit + busy.size)) {
        if (busy.has(row.id) || due.length >= limit) continue;
        const message = JSON.parse(row.message) as StoredMessage;
        const subscription = recipientOf(message, state.getSubscription(row.subscription_arn));
        const topic = subscription && state.getTopic(message.topicArn);
        if (!subscription || !topic) {
          state.finishDelivery(row.id);
          continue;
        }
        due.push({
          id: row.id,
          attempts: row.attempts,
          message,
          subscription,
          topic: {
            arn: topic.arn,
            accountId: topic.account_id,
            region: topic.region,
            attributes: attributesOf(topic),
          },
        });
      }
      return due;
    },
    nextDueAt: () => state.nextDueAt(),
    finish: (id) => state.finishDelivery(id),
    retry: (id, attempts, dueAt) => state.rescheduleDelivery(id, attempts, dueAt),
    sign: (type, fields, version) => service.signer.sign(type, fields, version),
    // https, as AWS's: validators (AWS's own among them) refuse a certificate URL on another
    // scheme. The cloud's port speaks TLS too, with a certificate from the data dir's CA (tls.ts).
    signingCertUrl: () =>
      `${service.context.endpoint().replace(/^http:/, 'https:')}${SNS_PATH_PREFIX}${SIGNING_CERT_FILE}`,
    unsubscribeUrl: (arn) => service.unsubscribeUrl(arn),
    subscribeUrl: (topicArn, token) => service.subscribeUrl(topicArn, token),
    now: () => service.now(),
  };
}
