/**
 * What S3 needs from the destinations of its notifications, without importing their services:
 * the composition root implements it (src/cloud/events/push/s3/targets.ts) and hands it to
 * createS3. Without it (S3 alone), every destination fails validation as not existing.
 */
import type { DestinationKind } from './notifications-rules.js';

export interface NotificationDestination {
  kind: DestinationKind;
  arn: string;
}

/** The bucket a notification comes from, as a destination's policy sees it. */
export interface NotificationSource {
  bucketArn: string;
  accountId: string;
  region: string;
}

export interface NotificationTargets {
  /**
   * Why each destination S3 could not deliver to is refused, worded as S3 reports it
   * ("Not authorized to invoke function [arn]", "The destination queue does not exist" ...);
   * destinations that may receive are left out.
   */
  validate(destinations: readonly NotificationDestination[], source: NotificationSource): Promise<Map<string, string>>;
  /** Sends S3's `s3:TestEvent` message to a queue or topic just validated. */
  testEvent(destination: NotificationDestination, message: string, source: NotificationSource): Promise<void>;
}

/** Targets of an S3 running without the other services: nothing exists. */
export const NO_TARGETS: NotificationTargets = {
  async validate(destinations) {
    const reasons = new Map<string, string>();
    for (const d of destinations) reasons.set(d.arn, missingDestinationReason(d));
    return reasons;
  },
  async testEvent() {},
};

/** S3's words for a destination that does not exist. */
export function missingDestinationReason(destination: NotificationDestination): string {
  switch (destination.kind) {
    case 'lambda':
      return `Not authorized to invoke function [${destination.arn}]`;
    case 'queue':
      return 'The destination queue does not exist';
    case 'topic':
      return 'The destination topic does not exist';
  }
}

/** S3's words for a destination whose policy does not let the bucket deliver. */
export function refusedDestinationReason(destination: NotificationDestination): string {
  switch (destination.kind) {
    case 'lambda':
      return `Not authorized to invoke function [${destination.arn}]`;
    case 'queue':
      return 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket';
    case 'topic':
      return 'Permissions on the destination topic do not allow S3 to publish notifications from this bucket';
  }
}
