/**
 * The push model: deliveries a source makes on its own (S3 event notifications, SNS messages),
 * each allowed only where the target's resource policy lets the source's service principal in.
 * Like the pollers, they run here, call services in-process, and are started by the composition
 * root; the sources keep what is still to deliver durably, so a restart loses nothing.
 */
import type { S3NotificationOutbox } from '../../services/s3/index.js';
import type { SnsDeliveries } from '../../services/sns/index.js';
import type { PollerDeps, RunningPollers } from '../index.js';
import { startS3Notifications } from './s3/index.js';
import { startSnsDeliveries } from './sns/index.js';

export type PushDeps = PollerDeps & {
  /** S3's notification outbox, drained by the S3 deliverer. */
  s3Notifications: S3NotificationOutbox;
  /** SNS's stored deliveries, made by the SNS deliverer. */
  sns: SnsDeliveries;
};

export function startPushDeliveries(deps: PushDeps): RunningPollers {
  const sns = startSnsDeliveries(deps);
  const s3 = startS3Notifications(deps);
  return {
    close: async () => {
      await Promise.all([sns.close(), s3.close()]);
    },
  };
}
