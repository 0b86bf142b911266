/** SNS's limits and fixed texts, as AWS documents them. */

/** Message body plus attributes, in bytes (256 KiB). */
export const MAX_MESSAGE_BYTES = 262_144;
/** Subjects: up to 100 printable ASCII characters, no line breaks. */
export const MAX_SUBJECT_LENGTH = 100;
/** Message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
/** Entries per PublishBatch. */
export const MAX_BATCH_ENTRIES = 10;
/** Page size of ListTopics and ListSubscriptions(ByTopic). */
export const LIST_TOPICS_PAGE = 100;
export const LIST_SUBSCRIPTIONS_PAGE = 100;
/** Tags per topic. */
export const MAX_TAGS = 50;
/** FIFO topics remember a deduplication id for five minutes. */
export const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;
/** A filter policy's JSON, in bytes, and its combinations (the product of its values). */
export const MAX_FILTER_POLICY_BYTES = 256 * 1024;
export const MAX_FILTER_COMBINATIONS = 150;
/** Nesting levels of a filter policy on the message body. */
export const MAX_FILTER_DEPTH = 5;

export const PROTOCOLS = [
  'http',
  'https',
  'email',
  'email-json',
  'sms',
  'sqs',
  'application',
  'lambda',
  'firehose',
] as const;

/** Protocols whose endpoint must confirm before it receives messages. */
export const CONFIRMED_PROTOCOLS = new Set(['http', 'https', 'email', 'email-json']);

/** Attributes CreateTopic and SetTopicAttributes accept. */
export const TOPIC_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
  'KmsMasterKeyId',
  'FifoTopic',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
  'DataProtectionPolicy',
  'HTTPSuccessFeedbackRoleArn',
  'HTTPSuccessFeedbackSampleRate',
  'HTTPFailureFeedbackRoleArn',
  'LambdaSuccessFeedbackRoleArn',
  'LambdaSuccessFeedbackSampleRate',
  'LambdaFailureFeedbackRoleArn',
  'SQSSuccessFeedbackRoleArn',
  'SQSSuccessFeedbackSampleRate',
  'SQSFailureFeedbackRoleArn',
  'ApplicationSuccessFeedbackRoleArn',
  'ApplicationSuccessFeedbackSampleRate',
  'ApplicationFailureFeedbackRoleArn',
  'FirehoseSuccessFeedbackRoleArn',
  'FirehoseSuccessFeedbackSampleRate',
  'FirehoseFailureFeedbackRoleArn',
]);

/** Attributes Subscribe and SetSubscriptionAttributes accept. */
export const SUBSCRIPTION_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

/** Protocols that accept RawMessageDelivery. */
export const RAW_PROTOCOLS = new Set(['sqs', 'http', 'https', 'firehose']);

/** The default HTTP/S delivery policy SNS reports as EffectiveDeliveryPolicy. */
export const DEFAULT_HTTP_DELIVERY_POLICY = {
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
};

/** The policy AWS gives a topic created without one: only the owner account may use it. */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}
