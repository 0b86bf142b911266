/**
 * Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic),
 * Get/SetSubscriptionAttributes. HTTP/S and email endpoints stay PendingConfirmation until
 * ConfirmSubscription gets the token; an HTTP/S endpoint is sent the SubscriptionConfirmation
 * message (a durable delivery, like any other), and the UnsubscribeConfirmation when a confirmed
 * subscription is deleted, whose SubscribeURL restores it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ConfirmSubscriptionInput,
  ConfirmSubscriptionResponse,
  GetSubscriptionAttributesInput,
  GetSubscriptionAttributesResponse,
  ListSubscriptionsByTopicInput,
  ListSubscriptionsInput,
  ListSubscriptionsResponse,
  SetSubscriptionAttributesInput,
  SubscribeInput,
  SubscribeResponse,
  UnsubscribeInput,
} from '@aws-sdk/client-sns';
import type { Handler, RequestContext } from '../../service.js';
import { checkTopicAccess } from './access.js';
import {
  CONFIRMED_PROTOCOLS,
  DEFAULT_HTTP_DELIVERY_POLICY,
  LIST_SUBSCRIPTIONS_PAGE,
  PROTOCOLS,
  RAW_PROTOCOLS,
  SUBSCRIPTION_ATTRIBUTES,
} from './constants.js';
import { invalidParameter } from './errors.js';
import { compileFilterPolicy, type FilterPolicyScope } from './filter-policy.js';
import type { StoredMessage } from './messages.js';
import { attributesOf, isFifo, type SnsService } from './sns-service.js';
import type { SubscriptionRow, TopicRow } from './state.js';
import { decodeToken, encodeToken } from './tokens.js';

const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;
const FIREHOSE_ARN = /^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/.+$/;

/** Attributes an empty value removes (CloudFormation clears them when a template drops them). */
const CLEARED_BY_EMPTY_VALUE = new Set([
  'FilterPolicy',
  'RedrivePolicy',
  'DeliveryPolicy',
  'ReplayPolicy',
  'SubscriptionRoleArn',
]);

function checkEndpoint(protocol: string, endpoint: string): void {
  switch (protocol) {
    case 'sqs':
      if (!SQS_ARN.test(endpoint)) throw invalidParameter('SQS endpoint ARN');
      return;
    case 'lambda':
      if (!LAMBDA_ARN.test(endpoint)) throw invalidParameter('Lambda endpoint ARN');
      return;
    case 'firehose':
      if (!FIREHOSE_ARN.test(endpoint)) throw invalidParameter('Firehose endpoint ARN');
      return;
    case 'http':
    case 'https':
      if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) {
        throw invalidParameter('Endpoint must match the specified protocol');
      }
      return;
    case 'email':
    case 'email-json':
      if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw invalidParameter('Email address');
      return;
    default:
      if (!endpoint) throw invalidParameter('Endpoint');
  }
}

/** Checks one subscription attribute for a subscription of `protocol`; FilterPolicyScope needs the policy's scope. */
function checkSubscriptionAttribute(protocol: string, name: string, value: string, all: Record<string, string>): void {
  if (!SUBSCRIPTION_ATTRIBUTES.has(name)) throw invalidParameter('AttributeName');
  switch (name) {
    case 'RawMessageDelivery':
      if (!['true', 'false'].includes(value.toLowerCase())) {
        throw invalidParameter(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      }
      if (!RAW_PROTOCOLS.has(protocol)) {
        throw invalidParameter(`Delivery protocol [${protocol}] does not support raw message delivery.`);
      }
      return;
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(
          'Attributes Reason: FilterPolicyScope: Invalid value [' +
            value +
            ']. Please use either MessageBody or MessageAttributes',
        );
      }
      return;
    case 'FilterPolicy':
      if (value !== '') compileFilterPolicy(value, scopeOf(all));
      return;
    case 'RedrivePolicy': {
      if (value === '') return;
      let target: unknown;
      try {
        target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
      } catch {
        throw invalidParameter('RedrivePolicy: failed to parse JSON.');
      }
      if (typeof target !== 'string' || !SQS_ARN.test(target)) {
        throw invalidParameter('RedrivePolicy: deadLetterTargetArn is an invalid arn');
      }
      return;
    }
    case 'DeliveryPolicy':
    case 'ReplayPolicy':
      if (value === '') return;
      try {
        JSON.parse(value);
      } catch {
        throw invalidParameter(`${name}: failed to parse JSON`);
      }
      return;
    default:
      return;
  }
}

export function scopeOf(attributes: Record<string, string>): FilterPolicyScope {
  return attributes['FilterPolicyScope'] === 'MessageBody' ? 'MessageBody' : 'MessageAttributes';
}

function subscriptionAttributesView(row: SubscriptionRow): Record<string, string> {
  const stored = attributesOf(row);
  const http = row.protocol === 'http' || row.protocol === 'https';
  return {
    ConfirmationWasAuthenticated: row.pending ? 'false' : 'true',
    Endpoint: row.endpoint,
    Owner: row.owner,
    PendingConfirmation: row.pending ? 'true' : 'false',
    Protocol: row.protocol,
    RawMessageDelivery: 'false',
    SubscriptionArn: row.arn,
    TopicArn: row.topic_arn,
    ...(http
      ? { EffectiveDeliveryPolicy: stored['DeliveryPolicy'] ?? JSON.stringify(DEFAULT_HTTP_DELIVERY_POLICY) }
      : {}),
    ...stored,
    ...(stored['FilterPolicy'] ? { FilterPolicyScope: scopeOf(stored) } : {}),
  };
}

/** The SubscriptionConfirmation message an HTTP/S endpoint is sent. */
function confirmationMessage(service: SnsService, topic: TopicRow, token: string): StoredMessage {
  return {
    type: 'SubscriptionConfirmation',
    messageId: randomUUID(),
    topicArn: topic.arn,
    timestamp: new Date(service.now()).toISOString(),
    message: `You have chosen to subscribe to the topic ${topic.arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    attributes: {},
    token,
  };
}

/** The UnsubscribeConfirmation a deleted, confirmed HTTP/S subscription is sent. */
function unsubscribeMessage(service: SnsService, row: SubscriptionRow, token: string): StoredMessage {
  return {
    type: 'UnsubscribeConfirmation',
    messageId: randomUUID(),
    topicArn: row.topic_arn,
    timestamp: new Date(service.now()).toISOString(),
    message: `You have chosen to deactivate subscription ${row.arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    attributes: {},
    token,
    recipient: {
      arn: row.arn,
      protocol: row.protocol,
      endpoint: row.endpoint,
      owner: row.owner,
      attributes: attributesOf(row),
    },
  };
}

/** Deletes a subscription; a confirmed HTTP/S one is sent the UnsubscribeConfirmation. Returns whether it was. */
function unsubscribe(service: SnsService, row: SubscriptionRow): boolean {
  const notify = !row.pending && (row.protocol === 'http' || row.protocol === 'https');
  service.state.transaction(() => {
    service.state.deleteSubscription(row);
    if (!notify) return;
    const token = randomBytes(64).toString('hex');
    service.state.rememberUnsubscribed(row, token);
    const messageId = service.state.insertMessage(JSON.stringify(unsubscribeMessage(service, row, token)));
    service.state.insertDelivery(messageId, row.arn, service.now());
  });
  return notify;
}

/** Confirms a pending subscription by its token, or restores one an UnsubscribeConfirmation's token names. */
function confirmSubscription(service: SnsService, input: ConfirmSubscriptionInput): ConfirmSubscriptionResponse {
  const topic = service.topic(input.TopicArn);
  const token = input.Token ?? '';
  return service.state.transaction(() => {
    const row = service.state.subscriptionsOfTopic(topic.arn).find((s) => s.token && s.token === token);
    if (row) {
      if (row.pending) service.state.confirmSubscription(row.arn);
      return { SubscriptionArn: row.arn };
    }
    const gone = token ? service.state.takeUnsubscribed(topic.arn, token) : undefined;
    if (!gone) throw invalidParameter('Token');
    // Subscribed again since: that subscription stands.
    const current = service.state.findSubscription(topic.arn, gone.protocol, gone.endpoint);
    if (current) return { SubscriptionArn: current.arn };
    service.state.insertSubscription({ ...gone, pending: 0, token, created_at: service.now() });
    return { SubscriptionArn: gone.arn };
  });
}

function listView(rows: SubscriptionRow[], limit: number): ListSubscriptionsResponse {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    Subscriptions: page.map((row) => ({
      SubscriptionArn: row.pending ? 'PendingConfirmation' : row.arn,
      Owner: row.owner,
      Protocol: row.protocol,
      Endpoint: row.endpoint,
      TopicArn: row.topic_arn,
    })),
    ...(rows.length > limit && last ? { NextToken: encodeToken(last.arn) } : {}),
  };
}

function subscribe(service: SnsService, input: SubscribeInput, ctx: RequestContext): SubscribeResponse {
  const topic = service.topic(input.TopicArn);
  checkTopicAccess(ctx, topic, 'SNS:Subscribe');
  const protocol = input.Protocol ?? '';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  }
  const endpoint = input.Endpoint ?? '';
  checkEndpoint(protocol, endpoint);
  if (isFifo(topic) && protocol !== 'sqs' && protocol !== 'lambda') {
    throw invalidParameter(`Invalid protocol type: ${protocol}`);
  }
  const attributes = { ...input.Attributes };
  for (const [name, value] of Object.entries(attributes)) checkSubscriptionAttribute(protocol, name, value, attributes);
  const pending = CONFIRMED_PROTOCOLS.has(protocol);
  const result = service.state.transaction(() => {
    const existing = service.state.findSubscription(topic.arn, protocol, endpoint);
    if (existing) {
      const stored = attributesOf(existing);
      if (Object.entries(attributes).some(([name, value]) => (stored[name] ?? '') !== value)) {
        throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      }
      return { row: existing, created: false };
    }
    const token = pending ? randomBytes(64).toString('hex') : null;
    const row: SubscriptionRow = {
      arn: `${topic.arn}:${randomUUID()}`,
      topic_arn: topic.arn,
      owner: ctx.accountId,
      protocol,
      endpoint,
      attributes: JSON.stringify(attributes),
      pending: pending ? 1 : 0,
      token,
      created_at: service.now(),
    };
    service.state.insertSubscription(row);
    if (token && (protocol === 'http' || protocol === 'https')) {
      const messageId = service.state.insertMessage(JSON.stringify(confirmationMessage(service, topic, token)));
      service.state.insertDelivery(messageId, row.arn, service.now());
    }
    return { row, created: true };
  });
  if (result.created && pending) service.deliveriesAdded();
  if (result.row.pending && !input.ReturnSubscriptionArn) return { SubscriptionArn: 'pending confirmation' };
  return { SubscriptionArn: result.row.arn };
}

export function subscriptionHandlers(service: SnsService): Record<string, Handler> {
  return {
    Subscribe: (input: SubscribeInput, ctx: RequestContext) => subscribe(service, input, ctx),
    ConfirmSubscription: (input: ConfirmSubscriptionInput) => confirmSubscription(service, input),
    Unsubscribe: (input: UnsubscribeInput) => {
      const row = service.state.getSubscription(input.SubscriptionArn ?? '');
      if (!row) {
        // Unsubscribing twice succeeds; an ARN that is no subscription ARN does not.
        service.subscription(input.SubscriptionArn);
        return {};
      }
      if (unsubscribe(service, row)) service.deliveriesAdded();
      return {};
    },
    ListSubscriptions: (input: ListSubscriptionsInput, ctx: RequestContext) => {
      const rows = service.state.listSubscriptions(
        { owner: ctx.accountId, region: ctx.region },
        decodeToken(input.NextToken),
        LIST_SUBSCRIPTIONS_PAGE + 1,
      );
      return listView(rows, LIST_SUBSCRIPTIONS_PAGE);
    },
    ListSubscriptionsByTopic: (input: ListSubscriptionsByTopicInput, ctx: RequestContext) => {
      const topic = service.topic(input.TopicArn);
      checkTopicAccess(ctx, topic, 'SNS:ListSubscriptionsByTopic');
      const rows = service.state.listSubscriptions(
        { topicArn: topic.arn },
        decodeToken(input.NextToken),
        LIST_SUBSCRIPTIONS_PAGE + 1,
      );
      return listView(rows, LIST_SUBSCRIPTIONS_PAGE);
    },
    GetSubscriptionAttributes: (input: GetSubscriptionAttributesInput): GetSubscriptionAttributesResponse => {
      return { Attributes: subscriptionAttributesView(service.subscription(input.SubscriptionArn)) };
    },
    SetSubscriptionAttributes: (input: SetSubscriptionAttributesInput) => {
      const row = service.subscription(input.SubscriptionArn);
      const name = input.AttributeName ?? '';
      const value = input.AttributeValue ?? '';
      const attributes = attributesOf(row);
      const next = { ...attributes, [name]: value };
      checkSubscriptionAttribute(row.protocol, name, value, next);
      if (name === 'FilterPolicyScope' && next['FilterPolicy'])
        compileFilterPolicy(next['FilterPolicy'], scopeOf(next));
      if (value === '' && CLEARED_BY_EMPTY_VALUE.has(name)) delete next[name];
      if (name === 'FilterPolicy' && value === '') delete next['FilterPolicyScope'];
      service.state.setSubscriptionAttributes(row.arn, JSON.stringify(next));
      return {};
    },
  };
}
