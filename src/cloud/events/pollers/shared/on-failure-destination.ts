/**
 * Sending the record of a discarded batch to a mapping's OnFailure destination, as AWS does for
 * stream sources: an SQS queue gets the invocation record as the message body; an S3 bucket gets an
 * object under `aws/lambda/<mapping UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>`
 * holding the record plus the `payload` the function was invoked with; an SNS topic gets it as the
 * message of a notification, published as the topic's account.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ServiceCall } from '../../../service-caller.js';

export interface DiscardedBatch {
  /** The mapping's UUID and the shard (for the S3 key). */
  mappingUuid: string;
  shardId: string;
  /** The invocation record (requestContext, responseContext, version, timestamp, batch info). */
  record: Record<string, unknown> & { timestamp: string };
  /** The event the function was last invoked with (S3 destinations carry it). */
  payload: unknown;
}

/** The in-process caller for an account and region. */
export type CallAs = (accountId: string, region: string) => ServiceCall;

const ARN = /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** The S3 key AWS writes a discarded batch's record under. */
export function onFailureObjectKey(mappingUuid: string, shardId: string, timestamp: string): string {
  const at = new Date(timestamp).toISOString();
  const day = at.slice(0, 10);
  const time = at.slice(11, 19).replaceAll(':', '.');
  return `aws/lambda/${mappingUuid}/${shardId}/${day.replaceAll('-', '/')}/${day}T${time}-${randomUUID()}`;
}

/**
 * Delivers `batch` to `destinationArn` as the account and region the mapping lives in (queues and
 * topics in their own). Throws when the destination refuses it (a missing queue or bucket).
 */
export async function deliverOnFailure(
  callAs: CallAs,
  scope: { accountId: string; region: string },
  destinationArn: string,
  batch: DiscardedBatch,
): Promise<'delivered' | 'unsupported'> {
  const arn = ARN.exec(destinationArn);
  const [, service, region = '', account = '', resource = ''] = arn ?? [];
  if (service === 'sqs') {
    const call = callAs(account || scope.accountId, region || scope.region);
    const { QueueUrl } = await call<{ QueueUrl: string }>('sqs', 'GetQueueUrl', {
      QueueName: resource,
      QueueOwnerAWSAccountId: account || scope.accountId,
    });
    await call('sqs', 'SendMessage', { QueueUrl, MessageBody: JSON.stringify(batch.record) });
    return 'delivered';
  }
  if (service === 's3') {
    const body = Buffer.from(JSON.stringify({ ...batch.record, payload: batch.payload }));
    await callAs(scope.accountId, scope.region)('s3', 'PutObject', {
      Bucket: resource,
      Key: onFailureObjectKey(batch.mappingUuid, batch.shardId, batch.record.timestamp),
      Body: Readable.from([body]),
      ContentLength: body.length,
      ContentType: 'application/json',
    });
    return 'delivered';
  }
  if (service === 'sns') {
    const call = callAs(account || scope.accountId, region || scope.region);
    await call('sns', 'Publish', { TopicArn: destinationArn, Message: JSON.stringify(batch.record) });
    return 'delivered';
  }
  return 'unsupported';
}
