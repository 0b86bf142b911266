/**
 * A bucket's notification configuration as S3 keeps it: one rule per destination configuration
 * (Lambda function, SQS queue, SNS topic), each with its event types and key filter. Parsing checks
 * what S3 checks before it looks at any destination: ARNs, event names, filter rules and overlaps.
 */
import { randomUUID } from 'node:crypto';
import type { NotificationConfiguration } from '@aws-sdk/client-s3';
import { S3Errors } from './errors.js';

export type DestinationKind = 'lambda' | 'queue' | 'topic';

export interface NotificationRule {
  id: string;
  kind: DestinationKind;
  arn: string;
  events: string[];
  prefix?: string | undefined;
  suffix?: string | undefined;
}

/** The event types S3 accepts in a configuration (the model's `Event` enum). */
export const SUPPORTED_EVENTS = new Set([
  's3:ReducedRedundancyLostObject',
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectAcl:Put',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
]);

/** How each destination kind is named in the configuration and in its ARN. */
export const DESTINATIONS: Record<DestinationKind, { member: string; arnMember: string; service: string }> = {
  lambda: { member: 'LambdaFunctionConfigurations', arnMember: 'LambdaFunctionArn', service: 'lambda' },
  queue: { member: 'QueueConfigurations', arnMember: 'QueueArn', service: 'sqs' },
  topic: { member: 'TopicConfigurations', arnMember: 'TopicArn', service: 'sns' },
};

const ARN_PATTERNS: Record<DestinationKind, RegExp> = {
  lambda: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,140}(:[A-Za-z0-9$_-]{1,128})?$/,
  queue: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
  topic: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
};

/** Most configurations S3 keeps on one bucket. */
const MAX_CONFIGURATIONS = 1000;

interface InputRule {
  Id?: string | undefined;
  Events?: string[] | undefined;
  Filter?:
    | { Key?: { FilterRules?: { Name?: string | undefined; Value?: string | undefined }[] | undefined } }
    | undefined;
  [arnMember: string]: unknown;
}

/** A configuration Id as S3 generates one when the request leaves it out. */
function generatedId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

function parseFilter(rule: InputRule): { prefix?: string; suffix?: string } {
  const out: { prefix?: string; suffix?: string } = {};
  for (const filterRule of rule.Filter?.Key?.FilterRules ?? []) {
    const name = (filterRule.Name ?? '').toLowerCase();
    const value = filterRule.Value ?? '';
    if (name !== 'prefix' && name !== 'suffix')
      throw S3Errors.invalidArgument(
        'filter rule name must be either prefix or suffix',
        'FilterRule.Name',
        filterRule.Name ?? '',
      );
    if (out[name] !== undefined)
      throw S3Errors.invalidArgument(
        `Cannot specify more than one ${name} rule in a filter.`,
        'FilterRule.Name',
        filterRule.Name ?? '',
      );
    if (Buffer.byteLength(value, 'utf8') > 1024)
      throw S3Errors.invalidArgument(
        'Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation',
        'FilterRule.Value',
        value,
      );
    out[name] = value;
  }
  return out;
}

/** Parses and checks a PutBucketNotificationConfiguration body; destinations are checked afterwards. */
export function parseNotificationConfiguration(config: NotificationConfiguration | undefined): NotificationRule[] {
  const rules: NotificationRule[] = [];
  for (const kind of Object.keys(DESTINATIONS) as DestinationKind[]) {
    const { member, arnMember } = DESTINATIONS[kind];
    for (const input of ((config as Record<string, unknown> | undefined)?.[member] as InputRule[] | undefined) ?? []) {
      const arn = String(input[arnMember] ?? '');
      if (!ARN_PATTERNS[kind].test(arn)) throw S3Errors.invalidArgument('The ARN is not well formed', arnMember, arn);
      const events = input.Events ?? [];
      if (events.length === 0) throw S3Errors.malformedXml();
      for (const event of events) {
        if (!SUPPORTED_EVENTS.has(event))
          throw S3Errors.invalidArgument('The event is not supported for notifications', 'Event', event);
      }
      rules.push({ id: input.Id || generatedId(), kind, arn, events: [...new Set(events)], ...parseFilter(input) });
    }
  }
  if (rules.length > MAX_CONFIGURATIONS)
    throw S3Errors.invalidArgument('Too many configurations', 'NotificationConfiguration', String(rules.length));
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) throw S3Errors.invalidArgument('Duplicate ID', 'ID', rule.id);
    ids.add(rule.id);
  }
  checkOverlaps(rules);
  return rules;
}

/** `s3:ObjectCreated:*` covers `s3:ObjectCreated:Put`; equal names cover each other. */
function eventsShareAType(a: string, b: string): boolean {
  if (a === b) return true;
  const family = (event: string) => event.slice(0, event.lastIndexOf(':'));
  if (a.endsWith(':*') && b.startsWith(`${family(a)}:`)) return true;
  return b.endsWith(':*') && a.startsWith(`${family(b)}:`);
}

/**
 * S3 refuses two configurations that could both fire for one object: a common event type, and
 * key filters that some key satisfies together (one prefix starts the other and one suffix ends
 * the other; a missing rule matches everything).
 */
function checkOverlaps(rules: NotificationRule[]): void {
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = rules[i] as NotificationRule;
      const b = rules[j] as NotificationRule;
      const sharedEvent = a.events.some((x) => b.events.some((y) => eventsShareAType(x, y)));
      const prefixA = a.prefix ?? '';
      const prefixB = b.prefix ?? '';
      const suffixA = a.suffix ?? '';
      const suffixB = b.suffix ?? '';
      const prefixesOverlap = prefixA.startsWith(prefixB) || prefixB.startsWith(prefixA);
      const suffixesOverlap = suffixA.endsWith(suffixB) || suffixB.endsWith(suffixA);
      if (sharedEvent && prefixesOverlap && suffixesOverlap)
        throw S3Errors.invalidArgument(
          'Configurations overlap. Configurations on the same bucket cannot share a common event type.',
          'Event',
          a.events.find((x) => b.events.some((y) => eventsShareAType(x, y))) ?? '',
        );
    }
  }
}

/** Whether `rule` fires for `eventName` (`ObjectCreated:Put`, without `s3:`) on `key`. */
export function ruleMatches(rule: NotificationRule, eventName: string, key: string): boolean {
  const full = `s3:${eventName}`;
  const family = full.slice(0, full.lastIndexOf(':'));
  if (!rule.events.some((event) => event === full || event === `${family}:*`)) return false;
  if (rule.prefix !== undefined && !key.startsWith(rule.prefix)) return false;
  return rule.suffix === undefined || key.endsWith(rule.suffix);
}

/** The rules as GetBucketNotificationConfiguration answers them. */
export function configurationOutput(rules: readonly NotificationRule[]): Record<string, unknown> {
  const out: Record<string, unknown[]> = {};
  for (const rule of rules) {
    const { member, arnMember } = DESTINATIONS[rule.kind];
    const filterRules = [
      ...(rule.prefix !== undefined ? [{ Name: 'Prefix', Value: rule.prefix }] : []),
      ...(rule.suffix !== undefined ? [{ Name: 'Suffix', Value: rule.suffix }] : []),
    ];
    const list = out[member] ?? [];
    list.push({
      Id: rule.id,
      [arnMember]: rule.arn,
      Events: rule.events,
      ...(filterRules.length ? { Filter: { Key: { FilterRules: filterRules } } } : {}),
    });
    out[member] = list;
  }
  return out;
}
