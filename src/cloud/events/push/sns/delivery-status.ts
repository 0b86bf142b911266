/**
 * SNS message delivery status logging, as AWS does it: a topic with `<Protocol>SuccessFeedbackRoleArn`
 * (and a `<Protocol>SuccessFeedbackSampleRate` above 0) or `<Protocol>FailureFeedbackRoleArn` gets one
 * JSON event per notification delivered (or finally not delivered) to a subscription of that
 * protocol, in CloudWatch Logs: `sns/<region>/<account>/<topic>` for successes and the same with
 * `/Failure` for failures. Written through the Logs service in-process as the topic's account (the
 * role is not assumed locally); the group and a stream are created when missing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from '../../../errors.js';
import type { ServiceCall } from '../../../service-caller.js';
import type { SnsDelivery } from '../../../services/sns/index.js';

/** The attribute prefix AWS uses per subscription protocol; protocols without one are not logged. */
const FEEDBACK_PREFIX: Record<string, string> = {
  http: 'HTTP',
  https: 'HTTP',
  lambda: 'Lambda',
  sqs: 'SQS',
  firehose: 'Firehose',
  application: 'Application',
};

/** What a delivery's last attempt came to, as the status event reports it. */
export interface DeliveryOutcome {
  status: 'SUCCESS' | 'FAILURE';
  statusCode: number;
  providerResponse: string;
}

export interface DeliveryStatusLog {
  /** Writes the outcome of `delivery` (after `attempts` attempts) when its topic asks for it. */
  record(delivery: SnsDelivery, attempts: number, outcome: DeliveryOutcome): Promise<void>;
}

/** Whether the topic's attributes ask for this outcome to be logged (the sample rate is a percentage, 0 by default). */
function wanted(delivery: SnsDelivery, status: DeliveryOutcome['status'], random: () => number): boolean {
  if (delivery.message.type !== 'Notification') return false;
  const prefix = FEEDBACK_PREFIX[delivery.subscription.protocol];
  if (!prefix) return false;
  const attributes = delivery.topic.attributes;
  if (status === 'FAILURE') return Boolean(attributes[`${prefix}FailureFeedbackRoleArn`]);
  if (!attributes[`${prefix}SuccessFeedbackRoleArn`]) return false;
  const rate = Number(attributes[`${prefix}SuccessFeedbackSampleRate`] ?? '0');
  return Number.isFinite(rate) && rate > 0 && random() * 100 < rate;
}

/** `2020-02-23 15:52:51.904`: the notification timestamp as the status event writes it. */
function statusTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

/** The event AWS writes, in its member order. */
export function statusEvent(delivery: SnsDelivery, attempts: number, outcome: DeliveryOutcome, now: number): string {
  const { message } = delivery;
  return JSON.stringify({
    notification: {
      messageMD5Sum: createHash('md5').update(message.message).digest('hex'),
      messageId: message.messageId,
      topicArn: message.topicArn,
      timestamp: statusTimestamp(message.timestamp),
    },
    delivery: {
      deliveryId: randomUUID(),
      destination: delivery.subscription.endpoint,
      providerResponse: outcome.providerResponse,
      dwellTimeMs: Math.max(0, now - Date.parse(message.timestamp)),
      attempts,
      statusCode: outcome.statusCode,
    },
    status: outcome.status,
  });
}

function logGroupName(delivery: SnsDelivery, status: DeliveryOutcome['status']): string {
  const topicName = delivery.topic.arn.split(':').pop() ?? '';
  const base = `sns/${delivery.topic.region}/${delivery.topic.accountId}/${topicName}`;
  return status === 'FAILURE' ? `${base}/Failure` : base;
}

function alreadyExists(error: unknown): boolean {
  return error instanceof AwsError && error.code === 'ResourceAlreadyExistsException';
}

export function deliveryStatusLog(
  callAs: (accountId: string, region: string) => ServiceCall,
  now: () => number,
  random: () => number = Math.random,
): DeliveryStatusLog {
  /** The stream this process writes to, per log group, once the group and stream exist. */
  const streams = new Map<string, Promise<string>>();

  function streamOf(call: ServiceCall, group: string): Promise<string> {
    let stream = streams.get(group);
    if (!stream) {
      stream = (async () => {
        const name = randomUUID();
        await call('logs', 'CreateLogGroup', { logGroupName: group }).catch((error: unknown) => {
          if (!alreadyExists(error)) throw error;
        });
        await call('logs', 'CreateLogStream', { logGroupName: group, logStreamName: name });
        return name;
      })();
      streams.set(group, stream);
      // A failed creation is tried again with the next event.
      stream.catch(() => streams.delete(group));
    }
    return stream;
  }

  async function put(call: ServiceCall, group: string, message: string): Promise<void> {
    const logStreamName = await streamOf(call, group);
    await call('logs', 'PutLogEvents', {
      logGroupName: group,
      logStreamName,
      logEvents: [{ timestamp: now(), message }],
    });
  }

  return {
    async record(delivery, attempts, outcome) {
      if (!wanted(delivery, outcome.status, random)) return;
      const call = callAs(delivery.topic.accountId, delivery.topic.region);
      const group = logGroupName(delivery, outcome.status);
      const message = statusEvent(delivery, attempts, outcome, now());
      try {
        await put(call, group, message);
      } catch (error) {
        // The group or stream was deleted since: create them again, once.
        if (!(error instanceof AwsError) || error.code !== 'ResourceNotFoundException') throw error;
        streams.delete(group);
        await put(call, group, message);
      }
    },
  };
}
