/**
 * SNS deliveries to Lambda, SQS and HTTP/S endpoints. Publish stores one delivery row per matching
 * subscription and emits `sns.deliveries`; this drains the due rows at once (and at the time the
 * next retry falls due), attempts each, and records the outcome: made, retried after the
 * protocol's delivery-policy delay, or given up (then sent to the subscription's dead-letter queue
 * when it has one). Every refusal is logged with topic, target and the permission missing, and the
 * final outcome goes to the topic's delivery status log when it has one. Rows left by a restart are
 * drained when this starts.
 */

import { withInvokeTrigger } from '../../../activity.js';
import type { SnsDelivery } from '../../../services/sns/index.js';
import type { RunningPollers } from '../../index.js';
import type { PushDeps } from '../index.js';
import { type DeliveryOutcome, deliveryStatusLog } from './delivery-status.js';
import { deliveredBody, isRaw, sqsMessageAttributes } from './messages.js';
import { retryDelayMs } from './retry-policy.js';
import { type Attempt, attemptDelivery, sendToQueue } from './targets.js';

/** Deliveries in flight at once. */
const MAX_IN_FLIGHT = 64;

export function startSnsDeliveries(deps: PushDeps): RunningPollers {
  const api = deps.sns;
  const log = (line: string) => deps.context.log(line);
  const inFlight = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const statusLog = deliveryStatusLog(deps.call, () => api.now());

  const describe = (delivery: SnsDelivery) =>
    `message ${delivery.message.messageId} from ${delivery.topic.arn} to ${delivery.subscription.protocol} ${delivery.subscription.endpoint}`;

  async function deadLetter(delivery: SnsDelivery, attempt: Exclude<Attempt, { type: 'delivered' }>): Promise<void> {
    const redrive = delivery.subscription.attributes['RedrivePolicy'];
    if (!redrive || delivery.message.type !== 'Notification') return;
    const target = (JSON.parse(redrive) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    if (!target) return;
    const code = attempt.type === 'failed' ? attempt.code : 'DeliveryFailed';
    const outcome = await sendToQueue(deps.call, target, delivery.topic, {
      body: deliveredBody(deps.sns, delivery),
      attributes: {
        ...(isRaw(delivery) ? sqsMessageAttributes(delivery) : {}),
        ErrorCode: { DataType: 'String', StringValue: code },
        ErrorMessage: { DataType: 'String', StringValue: attempt.reason.slice(0, 1000) },
      },
      deduplicationId: delivery.message.messageId,
    });
    if (outcome.type === 'delivered') log(`sns: ${describe(delivery)} moved to dead-letter queue ${target}`);
    else log(`sns: ${describe(delivery)} could not be moved to dead-letter queue ${target}: ${outcome.reason}`);
  }

  /** Writes the delivery's final outcome to the topic's status log; a failure to write is only reported. */
  async function recordStatus(delivery: SnsDelivery, outcome: DeliveryOutcome): Promise<void> {
    try {
      await statusLog.record(delivery, delivery.attempts + 1, outcome);
    } catch (error) {
      log(`sns: delivery status of ${describe(delivery)} could not be logged: ${String(error)}`);
    }
  }

  async function deliver(delivery: SnsDelivery): Promise<void> {
    let attempt: Attempt;
    try {
      attempt = await withInvokeTrigger('sns', () => attemptDelivery(api, deps.call, delivery));
    } catch (error) {
      attempt = { type: 'retry', reason: String(error), statusCode: 500 };
    }
    deps.events.emit('activity.delivery', {
      at: api.now(),
      source: 'sns',
      from: delivery.topic.arn,
      target: delivery.subscription.endpoint,
      outcome: attempt.type === 'delivered' ? 'delivered' : attempt.type === 'retry' ? 'retry' : 'failed',
      ...(attempt.type === 'delivered' ? {} : { detail: attempt.reason }),
    });
    if (attempt.type === 'delivered') {
      await recordStatus(delivery, {
        status: 'SUCCESS',
        statusCode: attempt.statusCode,
        providerResponse: attempt.providerResponse,
      });
      api.finish(delivery.id);
      return;
    }
    if (attempt.type === 'retry') {
      const retry = delivery.attempts + 1;
      const delay = retryDelayMs(
        delivery.subscription.protocol,
        retry,
        {
          subscription: delivery.subscription.attributes['DeliveryPolicy'],
          topic: delivery.topic.attributes['DeliveryPolicy'],
        },
        deps.context.sns.deliveryDelayMsPerSecond,
      );
      if (delay !== undefined) {
        api.retry(delivery.id, retry, api.now() + delay);
        return;
      }
      log(`sns: delivery of ${describe(delivery)} failed after ${retry} attempts: ${attempt.reason}`);
    } else {
      log(`sns: delivery of ${describe(delivery)} refused: ${attempt.reason}`);
    }
    await recordStatus(delivery, {
      status: 'FAILURE',
      statusCode: attempt.statusCode,
      providerResponse: attempt.reason,
    });
    try {
      await deadLetter(delivery, attempt);
    } finally {
      api.finish(delivery.id);
    }
  }

  /**
   * Deliveries finish in bursts (a publish to 50 subscriptions finishes 50 at once): one drain per
   * turn of the event loop takes all the room they left, instead of a query of the due rows per
   * finished delivery.
   */
  let drainQueued = false;
  function drainSoon(): void {
    if (drainQueued) return;
    drainQueued = true;
    setImmediate(() => {
      drainQueued = false;
      drain();
    });
  }

  function drain(): void {
    if (closed) return;
    clearTimeout(timer);
    timer = undefined;
    const room = MAX_IN_FLIGHT - inFlight.size;
    if (room > 0) {
      for (const delivery of api.due(room, new Set(inFlight.keys()))) {
        const run = deliver(delivery)
          .catch((error: unknown) => log(`sns: delivery of ${describe(delivery)} stopped: ${String(error)}`))
          .finally(() => {
            inFlight.delete(delivery.id);
            drainSoon();
          });
        inFlight.set(delivery.id, run);
      }
    }
    const next = api.nextDueAt();
    if (next !== undefined && inFlight.size < MAX_IN_FLIGHT) {
      const wait = Math.max(0, next - api.now());
      // Rows in flight are due too; their completion drains again, so no timer spins on them.
      if (wait > 0 || inFlight.size === 0) timer = setTimeout(drain, Math.max(wait, 1));
    }
  }

  const unsubscribe = deps.events.on('sns.deliveries', () => queueMicrotask(drain));
  drain();
  return {
    close: async () => {
      closed = true;
      unsubscribe();
      clearTimeout(timer);
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
