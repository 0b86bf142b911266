/**
 * Put/GetBucketNotificationConfiguration. A configuration is checked as S3 checks it (ARNs, event
 * names, filters, overlaps), then every destination must exist and let this bucket deliver;
 * otherwise the whole call fails with S3's per-destination reasons. Once stored, S3 sends
 * `s3:TestEvent` to each queue and topic.
 */
import type {
  GetBucketNotificationConfigurationRequest,
  PutBucketNotificationConfigurationRequest,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../errors.js';
import type { RequestContext } from '../../service.js';
import type { S3NotificationStore } from './notifications-outbox.js';
import { configurationOutput, type NotificationRule, parseNotificationConfiguration } from './notifications-rules.js';
import type { NotificationDestination, NotificationSource, NotificationTargets } from './notifications-targets.js';
import type { S3Service } from './s3-service.js';
import type { Bucket } from './state.js';

/** S3's error for destinations it could not validate, one ArgumentName/Value pair per destination. */
function unableToValidate(reasons: Map<string, string>): AwsError {
  const fields: Record<string, string> = {};
  let n = 0;
  for (const [arn, reason] of reasons) {
    n++;
    fields[`ArgumentName${n}`] = `${arn}, null`;
    fields[`ArgumentValue${n}`] = reason;
  }
  return new AwsError('InvalidArgument', 'Unable to validate the following destination configurations', 400, fields);
}

function sourceOf(bucket: Bucket): NotificationSource {
  return { bucketArn: `arn:aws:s3:::${bucket.name}`, accountId: bucket.accountId, region: bucket.region };
}

/** The test message S3 sends to a queue or topic when a configuration names it. */
function testEventMessage(bucket: Bucket, ctx: RequestContext, now: number): string {
  return JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date(now).toISOString(),
    Bucket: bucket.name,
    RequestId: ctx.requestId.replace(/-/g, '').slice(0, 16).toUpperCase(),
    HostId: Buffer.from(ctx.requestId).toString('base64'),
  });
}

function destinationsOf(rules: readonly NotificationRule[]): NotificationDestination[] {
  const byArn = new Map<string, NotificationDestination>();
  for (const rule of rules) byArn.set(rule.arn, { kind: rule.kind, arn: rule.arn });
  return [...byArn.values()];
}

export function notificationHandlers(s3: S3Service, store: S3NotificationStore, targets: NotificationTargets) {
  return {
    async PutBucketNotificationConfiguration(input: PutBucketNotificationConfigurationRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const rules = parseNotificationConfiguration(input.NotificationConfiguration);
      const destinations = destinationsOf(rules);
      const source = sourceOf(bucket);
      if (!input.SkipDestinationValidation && destinations.length) {
        const reasons = await targets.validate(destinations, source);
        if (reasons.size) throw unableToValidate(reasons);
      }
      store.setConfiguration(bucket.name, rules);
      const message = testEventMessage(bucket, ctx, ctx.cloud.now());
      await Promise.all(
        destinations
          .filter((d) => d.kind !== 'lambda')
          .map((d) =>
            targets.testEvent(d, message, source).catch((error: unknown) => {
              ctx.cloud.log(
                `s3: the test event for bucket ${bucket.name} was not delivered to ${d.arn}: ${String(error)}`,
              );
            }),
          ),
      );
      return {};
    },

    GetBucketNotificationConfiguration(input: GetBucketNotificationConfigurationRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      return configurationOutput(store.configuration(bucket.name));
    },
  };
}
