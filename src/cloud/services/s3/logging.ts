/**
 * Server access logging configuration (Put/GetBucketLogging): stored, not delivered. As S3 does,
 * PutBucketLogging checks the target bucket: it exists, is in the source bucket's region, and its
 * bucket policy lets the logging service (`logging.s3.amazonaws.com`) put the log objects.
 */
import type { GetBucketLoggingRequest, PutBucketLoggingRequest } from '@aws-sdk/client-s3';
import { AwsError } from '../../errors.js';
import { allowsServicePush } from '../../policy/index.js';
import type { RequestContext } from '../../service.js';
import { S3Errors } from './errors.js';
import type { S3Service } from './s3-service.js';
import type { Bucket, LoggingEnabled } from './state.js';

const LOGGING_SERVICE = 'logging.s3.amazonaws.com';

/** The key of a log object S3 would write under `prefix` (the policy must allow it). */
function sampleLogKey(prefix: string): string {
  return `${prefix}2006-03-01-00-00-00-0000000000000000`;
}

function crossLocation(source: Bucket, target: Bucket): AwsError {
  return new AwsError('CrossLocationLoggingProhibitted', 'Cross S3 location logging not allowed. ', 403, {
    ...(source.region !== 'us-east-1' ? { SourceBucketLocation: source.region } : {}),
    TargetBucketLocation: target.region,
  });
}

export function loggingHandlers(s3: S3Service) {
  const { state } = s3;
  return {
    PutBucketLogging(input: PutBucketLoggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const enabled = input.BucketLoggingStatus?.LoggingEnabled;
      if (!enabled) {
        state.setLogging(bucket.name, undefined);
        return {};
      }
      if (!enabled.TargetBucket) throw S3Errors.malformedXml();
      const targetName = enabled.TargetBucket;
      const target = state.getBucket(targetName);
      if (!target)
        throw S3Errors.invalidTargetBucketForLogging(targetName, 'The target bucket for logging does not exist');
      if (target.accountId !== bucket.accountId) {
        throw S3Errors.invalidTargetBucketForLogging(
          targetName,
          'The owner for the bucket to be logged and the target bucket must be the same.',
        );
      }
      if (target.region !== bucket.region) throw crossLocation(bucket, target);
      const prefix = enabled.TargetPrefix ?? '';
      const allowed = allowsServicePush(target.policy, {
        service: LOGGING_SERVICE,
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${target.name}/${sampleLogKey(prefix)}`,
        sourceArn: `arn:aws:s3:::${bucket.name}`,
        sourceAccount: bucket.accountId,
      });
      if (!allowed) {
        throw S3Errors.invalidTargetBucketForLogging(
          targetName,
          'You must either provide the necessary permissions to the logging service using a bucket policy or give the log-delivery group WRITE and READ_ACP permissions to the target bucket',
        );
      }
      const logging: LoggingEnabled = {
        TargetBucket: targetName,
        TargetPrefix: prefix,
        ...(enabled.TargetGrants?.length ? { TargetGrants: enabled.TargetGrants } : {}),
        ...(enabled.TargetObjectKeyFormat ? { TargetObjectKeyFormat: enabled.TargetObjectKeyFormat } : {}),
      };
      state.setLogging(bucket.name, logging);
      return {};
    },

    GetBucketLogging(input: GetBucketLoggingRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      return bucket.logging ? { LoggingEnabled: bucket.logging } : {};
    },
  };
}
