/** S3 event notifications delivered to Lambda, SQS and SNS, and the destination checks S3 asks for. */
export { startS3Notifications } from './deliverer.js';
export { s3NotificationTargets } from './targets.js';
