/** S3's NotificationTargets, implemented over the other services for the composition root. */
import type { NotificationDestination, NotificationSource, NotificationTargets } from '../../../services/s3/index.js';
import { missingDestinationReason, refusedDestinationReason } from '../../../services/s3/index.js';
import type { PushDeps } from '../index.js';
import { destinationAccess } from './access.js';
import { sendToDestination } from './send.js';

/**
 * `deps()` is read on each call: the targets are made before the services they reach exist (S3 is
 * created first), and are only used once requests flow.
 */
export function s3NotificationTargets(deps: () => PushDeps): NotificationTargets {
  return {
    async validate(destinations: readonly NotificationDestination[], source: NotificationSource) {
      const reasons = new Map<string, string>();
      const results = await Promise.all(destinations.map((d) => destinationAccess(deps(), d, source)));
      destinations.forEach((destination, i) => {
        const access = results[i];
        if (access?.type === 'missing') reasons.set(destination.arn, missingDestinationReason(destination));
        if (access?.type === 'refused') reasons.set(destination.arn, refusedDestinationReason(destination));
      });
      return reasons;
    },
    testEvent(destination: NotificationDestination, message: string) {
      return sendToDestination(deps(), destination, message);
    },
  };
}
