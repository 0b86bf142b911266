/**
 * Drains S3's notification outbox: wakes on `s3.notifications` (right after the commit that wrote
 * the rows) and at start (rows a restart left), checks each destination's policy at delivery time,
 * sends, and removes the row. A destination that is gone or refuses is logged and the message
 * dropped, as S3 drops it; other failures are retried with a backoff, then logged and dropped.
 */
import { type DeliveryActivity, withInvokeTrigger } from '../../../activity.js';
import type { PendingNotification } from '../../../services/s3/index.js';
import type { RunningPollers } from '../../index.js';
import type { PushDeps } from '../index.js';
import { destinationAccess } from './access.js';
import { sendToDestination } from './send.js';

/** Deliveries in flight at once (each is an in-process call: this bounds memory, not sockets). */
const MAX_IN_FLIGHT = 32;

/**
 * Delays before each retry of a delivery that failed for a reason other than the destination's
 * policy (a throttled function, an SQS error): S3 retries for a while and then gives up; scaled
 * down here to seconds.
 */
export const S3_DELIVERY_RETRY_DELAYS_MS = [100, 200, 400, 800, 1600, 3200];

function describe(row: PendingNotification): string {
  return `S3 notification from bucket ${row.bucket} (configuration ${row.configurationId}) to ${row.destination}`;
}

export function startS3Notifications(deps: PushDeps): RunningPollers {
  const outbox = deps.s3Notifications;
  const log = (line: string) => deps.context.log(line);
  const inFlight = new Set<number>();
  const deliveries = new Set<Promise<void>>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function deliver(row: PendingNotification): Promise<void> {
    const destination = { kind: row.kind, arn: row.destination };
    const source = { bucketArn: `arn:aws:s3:::${row.bucket}`, accountId: row.accountId, region: row.region };
    const report = (outcome: DeliveryActivity['outcome'], detail?: string) =>
      deps.events.emit('activity.delivery', {
        at: deps.context.now(),
        source: 's3',
        from: row.bucket,
        target: row.destination,
        outcome,
        ...(detail !== undefined ? { detail } : {}),
      });
    try {
      const access = await destinationAccess(deps, destination, source);
      if (access.type === 'missing') {
        log(`${describe(row)} dropped: the destination does not exist`);
        report('dropped', 'the destination does not exist');
      } else if (access.type === 'refused') {
        const why = `the destination's resource policy does not allow ${access.permission} to s3.amazonaws.com for ${source.bucketArn}`;
        log(`${describe(row)} refused: ${why}`);
        report('dropped', why);
      } else {
        await withInvokeTrigger('s3', () => sendToDestination(deps, destination, row.message));
        report('delivered');
      }
      outbox.done(row.id);
    } catch (error) {
      const delay = S3_DELIVERY_RETRY_DELAYS_MS[row.attempts];
      if (delay === undefined) {
        log(`${describe(row)} dropped after ${row.attempts + 1} attempts: ${String(error)}`);
        report('failed', String(error));
        outbox.done(row.id);
      } else {
        report('retry', String(error));
        outbox.retryAt(row.id, deps.context.now() + delay);
      }
    }
  }

  function drain(): void {
    if (closed) return;
    const room = MAX_IN_FLIGHT - inFlight.size;
    if (room > 0) {
      for (const row of outbox.due(deps.context.now(), room, inFlight)) {
        inFlight.add(row.id);
        const delivery: Promise<void> = deliver(row).finally(() => {
          inFlight.delete(row.id);
          deliveries.delete(delivery);
          drain();
        });
        deliveries.add(delivery);
      }
    }
    schedule();
  }

  /** Wakes for the next retry that is due, when nothing else will. */
  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || inFlight.size >= MAX_IN_FLIGHT) return;
    const dueAt = outbox.nextDueAt(inFlight);
    if (dueAt === undefined) return;
    timer = setTimeout(drain, Math.max(0, dueAt - deps.context.now()));
    timer.unref();
  }

  const unsubscribe = deps.events.on('s3.notifications', drain);
  // Rows a previous run left behind go first.
  queueMicrotask(drain);
  return {
    close: async () => {
      closed = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...deliveries]);
    },
  };
}
