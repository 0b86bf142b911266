/** What SNS's handlers share: ARNs, lookups, attribute views, the clock and the change events. */
import type { CloudContext } from '../../context.js';
import type { RequestContext } from '../../service.js';
import { invalidParameter, subscriptionNotFound, topicNotFound } from './errors.js';
import type { SnsSigner } from './signing.js';
import type { SnsState, SubscriptionRow, TopicRow } from './state.js';

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(\.fifo)?)$/;

export interface ParsedTopicArn {
  region: string;
  accountId: string;
  name: string;
}

export function parseTopicArn(arn: string): ParsedTopicArn | undefined {
  const match = TOPIC_ARN.exec(arn);
  if (!match) return undefined;
  return { region: match[1] as string, accountId: match[2] as string, name: match[3] as string };
}

export function topicArn(ctx: Pick<RequestContext, 'region' | 'accountId'>, name: string): string {
  return `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`;
}

export function attributesOf(row: { attributes: string }): Record<string, string> {
  return JSON.parse(row.attributes) as Record<string, string>;
}

export function isFifo(topic: TopicRow): boolean {
  return attributesOf(topic)['FifoTopic'] === 'true';
}

export class SnsService {
  constructor(
    readonly state: SnsState,
    readonly context: CloudContext,
    readonly signer: SnsSigner,
  ) {}

  now(): number {
    return this.context.now();
  }

  /** The topic an ARN names; NotFound when it does not exist, InvalidParameter when it is no topic ARN. */
  topic(arn: string | undefined, member = 'TopicArn'): TopicRow {
    if (!arn || !parseTopicArn(arn)) throw invalidParameter(member);
    const topic = this.state.getTopic(arn);
    if (!topic) throw topicNotFound();
    return topic;
  }

  subscription(arn: string | undefined): SubscriptionRow {
    if (!arn || !parseTopicArn(arn.slice(0, arn.lastIndexOf(':')))) throw invalidParameter('SubscriptionArn');
    const row = this.state.getSubscription(arn);
    if (!row) throw subscriptionNotFound();
    return row;
  }

  /** Tells the deliveries that rows are due. */
  deliveriesAdded(): void {
    this.context.events.emit('sns.deliveries', {});
  }

  /** The local cloud's URLs a message carries (served under `/_sns/`). */
  unsubscribeUrl(subscriptionArn: string): string {
    return `${this.context.endpoint()}${SNS_PATH_PREFIX}unsubscribe?SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
  }

  subscribeUrl(topicArn: string, token: string): string {
    return `${this.context.endpoint()}${SNS_PATH_PREFIX}confirm?TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
  }
}

/** The path the local cloud serves SNS's links under (bucket names cannot start with `_`). */
export const SNS_PATH_PREFIX = '/_sns/';
