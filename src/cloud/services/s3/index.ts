/** Amazon S3 (restXml, 2006-03-01): registration of the handlers with the server. */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { guardBucketAccess } from './access.js';
import { bucketHandlers } from './buckets.js';
import { copyHandlers } from './copy.js';
import { CorsStore, corsHandlers, corsMigrations, preflight, requestCorsHeaders } from './cors.js';
import { listingHandlers } from './listing.js';
import { loggingHandlers } from './logging.js';
import { multipartHandlers } from './multipart.js';
import { notificationHandlers } from './notifications.js';
import { notificationMigrations, type S3NotificationOutbox, S3NotificationStore } from './notifications-outbox.js';
import { NO_TARGETS, type NotificationTargets } from './notifications-targets.js';
import { objectAttributesHandlers } from './object-attributes.js';
import { objectLockHandlers } from './object-lock.js';
import { objectHandlers } from './objects.js';
import { postObjectHandler } from './post-object.js';
import { RestoreStore, RestoreSweeper, restoreHandlers, restoreMigrations } from './restore.js';
import { S3Service } from './s3-service.js';
import { S3State, s3Migrations as stateMigrations } from './state.js';

export type { PendingNotification, S3NotificationOutbox } from './notifications-outbox.js';
export type {
  NotificationDestination,
  NotificationSource,
  NotificationTargets,
} from './notifications-targets.js';
export { missingDestinationReason, refusedDestinationReason } from './notifications-targets.js';

export const s3Migrations = [...stateMigrations, ...notificationMigrations, ...corsMigrations, ...restoreMigrations];

/** Root elements of S3 responses whose output shape has no payload member, as S3 names them. */
const XML_ROOT_NAMES: Record<string, string> = {
  ListBucketsOutput: 'ListAllMyBucketsResult',
  ListObjectsOutput: 'ListBucketResult',
  ListObjectsV2Output: 'ListBucketResult',
  ListObjectVersionsOutput: 'ListVersionsResult',
  GetBucketLocationOutput: 'LocationConstraint',
  GetBucketVersioningOutput: 'VersioningConfiguration',
  GetBucketTaggingOutput: 'Tagging',
  GetObjectTaggingOutput: 'Tagging',
  CreateMultipartUploadOutput: 'InitiateMultipartUploadResult',
  CompleteMultipartUploadOutput: 'CompleteMultipartUploadResult',
  ListMultipartUploadsOutput: 'ListMultipartUploadsResult',
  ListPartsOutput: 'ListPartsResult',
  DeleteObjectsOutput: 'DeleteResult',
  NotificationConfiguration: 'NotificationConfiguration',
  GetObjectAttributesOutput: 'GetObjectAttributesResponse',
  GetBucketLoggingOutput: 'BucketLoggingStatus',
  GetBucketCorsOutput: 'CORSConfiguration',
};

/**
 * `targets` checks and reaches the destinations of bucket notifications (the composition root's
 * implementation calls Lambda, SQS and SNS); `notifications` is the outbox their deliverer drains.
 */
export function createS3(
  context: CloudContext,
  targets: NotificationTargets = NO_TARGETS,
): {
  definition: ServiceDefinition;
  service: S3Service;
  notifications: S3NotificationOutbox;
  /** Stops background work (the restore sweeper). */
  close(): void;
} {
  const notifications = new S3NotificationStore(context.db, context.events);
  const service = new S3Service(new S3State(context.db), context.blobs, notifications);
  const cors = new CorsStore(context.db);
  const postObject = postObjectHandler(service, context);
  const restores = new RestoreStore(context.db);
  const restoreSweeper = new RestoreSweeper(service, restores, context);
  // Restores pending at a restart are notified when due.
  restoreSweeper.wake();
  const restoreDelayMs = context.s3.restoreDelayMs;
  return {
    service,
    notifications,
    close: () => restoreSweeper.close(),
    definition: {
      model: 's3',
      signingNames: ['s3'],
      xmlRootNames: XML_ROOT_NAMES,
      handlers: guardBucketAccess({
        ...bucketHandlers(service),
        ...objectHandlers(service, restores),
        ...copyHandlers(service),
        ...objectLockHandlers(service),
        ...objectAttributesHandlers(service),
        ...loggingHandlers(service),
        ...listingHandlers(service),
        ...multipartHandlers(service),
        ...notificationHandlers(service, notifications, targets),
        ...corsHandlers(service, cors),
        ...restoreHandlers(service, restores, restoreSweeper, restoreDelayMs),
      }),
      // Browsers' requests: CORS preflights and form uploads (neither signed as API calls are),
      // and the CORS headers on answers.
      http: {
        async intercept(request) {
          if (request.method === 'OPTIONS')
            return { operation: 'PreflightRequest', response: preflight(cors, request) };
          const posted = await postObject(request);
          return posted && { operation: 'PostObject', response: posted };
        },
        responseHeaders: (request) => requestCorsHeaders(cors, request),
      },
    },
  };
}
