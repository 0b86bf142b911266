/**
 * The push model: deliveries a source makes on its own (S3 event notifications, SNS messages),
 * each allowed only where the target's resource policy lets the source's service principal in.
 * Like the pollers, they run here, call services in-process, and are started by the composition
 * root; the sources keep what is still to deliver durably, so a restart loses nothing.
 */
import type { PollerDeps, RunningPollers } from '../index.js';
import { startS3Notifications } from './s3/index.js';
import { startSnsDeliveries } from './sns/index.js';

export type PushDeps = PollerDeps;

export function startPushDeliveries(deps: PushDeps): RunningPollers {
  const sns = startSnsDeliveries(deps);
  const s3 = startS3Notifications(deps);
  return {
    close: async () => {
      await Promise.all([sns.close(), s3.close()]);
    },
  };
}
