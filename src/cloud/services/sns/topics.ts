/** Topics: CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, Add/RemovePermission. */
import type {
  AddPermissionInput,
  CreateTopicInput,
  CreateTopicResponse,
  DeleteTopicInput,
  GetTopicAttributesInput,
  GetTopicAttributesResponse,
  ListTopicsInput,
  ListTopicsResponse,
  RemovePermissionInput,
  SetTopicAttributesInput,
} from '@aws-sdk/client-sns';
import type { Handler, RequestContext } from '../../service.js';
import { checkTopicAccess } from './access.js';
import { DEFAULT_HTTP_DELIVERY_POLICY, defaultTopicPolicy, LIST_TOPICS_PAGE, TOPIC_ATTRIBUTES } from './constants.js';
import { invalidParameter } from './errors.js';
import { attributesOf, isFifo, parseTopicArn, type SnsService, topicArn } from './sns-service.js';
import type { TopicRow } from './state.js';
import { checkTagCount, tagMapOf, tagsOf } from './tags.js';
import { decodeToken, encodeToken } from './tokens.js';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const BOOLEAN_ATTRIBUTES = new Set(['FifoTopic', 'ContentBasedDeduplication']);
const JSON_ATTRIBUTES = new Set(['Policy', 'DeliveryPolicy', 'ArchivePolicy', 'DataProtectionPolicy']);

/** Checks one topic attribute's name and value; `creating` allows FifoTopic. */
function checkTopicAttribute(name: string, value: string, fifo: boolean, creating: boolean): void {
  if (!TOPIC_ATTRIBUTES.has(name) || (name === 'FifoTopic' && !creating)) throw invalidParameter('AttributeName');
  if (BOOLEAN_ATTRIBUTES.has(name) && value !== 'true' && value !== 'false') {
    throw invalidParameter(`Attributes Reason: ${name} must be true or false`);
  }
  if (name === 'ContentBasedDeduplication' && value === 'true' && !fifo) {
    throw invalidParameter(
      'ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics',
    );
  }
  if (name === 'SignatureVersion' && value !== '1' && value !== '2') {
    throw invalidParameter(`Attributes Reason: SignatureVersion: Invalid value [${value}]. Must be 1 or 2.`);
  }
  if (name === 'TracingConfig' && value !== 'Active' && value !== 'PassThrough') {
    throw invalidParameter(
      `Attributes Reason: TracingConfig: Invalid value [${value}]. Must be Active or PassThrough.`,
    );
  }
  if (JSON_ATTRIBUTES.has(name) && value !== '') {
    try {
      JSON.parse(value);
    } catch {
      throw invalidParameter(`${name}: failed to parse JSON`);
    }
  }
  if (name === 'DisplayName' && value.length > 100) throw invalidParameter('DisplayName');
}

export function topicAttributesView(service: SnsService, topic: TopicRow): Record<string, string> {
  const stored = attributesOf(topic);
  const subscriptions = service.state.subscriptionsOfTopic(topic.arn);
  const pending = subscriptions.filter((s) => s.pending).length;
  return {
    Policy: stored['Policy'] ?? defaultTopicPolicy(topic.arn, topic.account_id),
    Owner: topic.account_id,
    SubscriptionsPending: String(pending),
    TopicArn: topic.arn,
    EffectiveDeliveryPolicy: stored['DeliveryPolicy'] || JSON.stringify(DEFAULT_HTTP_DELIVERY_POLICY),
    SubscriptionsConfirmed: String(subscriptions.length - pending),
    DisplayName: stored['DisplayName'] ?? '',
    SubscriptionsDeleted: String(topic.subscriptions_deleted),
    ...Object.fromEntries(Object.entries(stored).filter(([name]) => name !== 'Policy' && name !== 'DisplayName')),
    ...(isFifo(topic) ? { ContentBasedDeduplication: stored['ContentBasedDeduplication'] ?? 'false' } : {}),
  };
}

/** Creates a topic (or returns the existing one when its attributes agree); used by CloudFormation too. */
function createTopic(service: SnsService, input: CreateTopicInput, ctx: RequestContext): CreateTopicResponse {
  const name = input.Name ?? '';
  const attributes = { ...input.Attributes };
  if (input.DataProtectionPolicy !== undefined) attributes['DataProtectionPolicy'] = input.DataProtectionPolicy;
  const fifo = attributes['FifoTopic'] === 'true';
  if (fifo ? !FIFO_TOPIC_NAME.test(name) : !TOPIC_NAME.test(name)) {
    throw invalidParameter(
      fifo
        ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
        : 'Topic Name',
    );
  }
  for (const [key, value] of Object.entries(attributes)) checkTopicAttribute(key, value, fifo, true);
  if (attributes['FifoTopic'] === 'false') delete attributes['FifoTopic'];
  const tags = tagMapOf(input.Tags);
  checkTagCount(tags);
  const arn = topicArn(ctx, name);
  return service.state.transaction(() => {
    const existing = service.state.getTopic(arn);
    if (existing) {
      const stored = attributesOf(existing);
      if (Object.entries(attributes).some(([key, value]) => (stored[key] ?? '') !== value)) {
        throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      }
      const storedTags = tagsOf(existing);
      if (input.Tags && Object.entries(tags).some(([key, value]) => storedTags[key] !== value)) {
        throw invalidParameter('Tags Reason: Topic already exists with different tags');
      }
      return { TopicArn: arn };
    }
    service.state.insertTopic({
      arn,
      account_id: ctx.accountId,
      region: ctx.region,
      name,
      attributes: JSON.stringify(attributes),
      tags: JSON.stringify(tags),
      created_at: service.now(),
    });
    return { TopicArn: arn };
  });
}

interface PolicyStatement {
  Sid?: string;
  [key: string]: unknown;
}

function policyOf(topic: TopicRow): { Statement: PolicyStatement[]; [key: string]: unknown } {
  const text = attributesOf(topic)['Policy'] ?? defaultTopicPolicy(topic.arn, topic.account_id);
  const policy = JSON.parse(text) as { Statement?: PolicyStatement | PolicyStatement[] };
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  return { ...policy, Statement: statements };
}

function setAttribute(service: SnsService, topic: TopicRow, name: string, value: string): void {
  const attributes = attributesOf(topic);
  attributes[name] = value;
  service.state.setTopicAttributes(topic.arn, JSON.stringify(attributes));
}

export function topicHandlers(service: SnsService): Record<string, Handler> {
  return {
    CreateTopic: (input: CreateTopicInput, ctx: RequestContext) => createTopic(service, input, ctx),
    DeleteTopic: (input: DeleteTopicInput, ctx: RequestContext) => {
      const arn = input.TopicArn;
      // Deleting a topic that does not exist succeeds, as on AWS.
      if (!arn || !parseTopicArn(arn)) throw invalidParameter('TopicArn');
      const topic = service.state.getTopic(arn);
      if (!topic) return {};
      checkTopicAccess(ctx, topic, 'SNS:DeleteTopic');
      service.state.transaction(() => service.state.deleteTopic(topic.arn));
      return {};
    },
    ListTopics: (input: ListTopicsInput, ctx: RequestContext): ListTopicsResponse => {
      const rows = service.state.listTopics(
        ctx.accountId,
        ctx.region,
        decodeToken(input.NextToken),
        LIST_TOPICS_PAGE + 1,
      );
      const page = rows.slice(0, LIST_TOPICS_PAGE);
      const last = page[page.length - 1];
      return {
        Topics: page.map((topic) => ({ TopicArn: topic.arn })),
        ...(rows.length > LIST_TOPICS_PAGE && last ? { NextToken: encodeToken(last.arn) } : {}),
      };
    },
    GetTopicAttributes: (input: GetTopicAttributesInput, ctx: RequestContext): GetTopicAttributesResponse => {
      const topic = service.topic(input.TopicArn);
      checkTopicAccess(ctx, topic, 'SNS:GetTopicAttributes');
      return { Attributes: topicAttributesView(service, topic) };
    },
    SetTopicAttributes: (input: SetTopicAttributesInput, ctx: RequestContext) => {
      const topic = service.topic(input.TopicArn);
      checkTopicAccess(ctx, topic, 'SNS:SetTopicAttributes');
      const name = input.AttributeName ?? '';
      const value = input.AttributeValue ?? '';
      checkTopicAttribute(name, value, isFifo(topic), false);
      setAttribute(service, topic, name, value);
      return {};
    },
    AddPermission: (input: AddPermissionInput, ctx: RequestContext) => {
      const topic = service.topic(input.TopicArn);
      checkTopicAccess(ctx, topic, 'SNS:AddPermission');
      const policy = policyOf(topic);
      if (policy.Statement.some((s) => s.Sid === input.Label)) throw invalidParameter('Statement already exists');
      const accounts = (input.AWSAccountId ?? []).map((id) => `arn:aws:iam::${id}:root`);
      const actions = (input.ActionName ?? []).map((action) => `SNS:${action}`);
      policy.Statement.push({
        Sid: input.Label,
        Effect: 'Allow',
        Principal: { AWS: accounts.length === 1 ? accounts[0] : accounts },
        Action: actions.length === 1 ? actions[0] : actions,
        Resource: topic.arn,
      });
      setAttribute(service, topic, 'Policy', JSON.stringify(policy));
      return {};
    },
    RemovePermission: (input: RemovePermissionInput, ctx: RequestContext) => {
      const topic = service.topic(input.TopicArn);
      checkTopicAccess(ctx, topic, 'SNS:RemovePermission');
      const policy = policyOf(topic);
      policy.Statement = policy.Statement.filter((s) => s.Sid !== input.Label);
      setAttribute(service, topic, 'Policy', JSON.stringify(policy));
      return {};
    },
  };
}
