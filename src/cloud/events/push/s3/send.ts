/** Sending one S3 message to its destination, through the destination service's own handlers. */
import type { NotificationDestination } from '../../../services/s3/index.js';
import type { PushDeps } from '../index.js';
import { arnParts, callFor } from './access.js';

/** The Subject S3 gives the messages it publishes to SNS topics. */
const SNS_SUBJECT = 'Amazon S3 Notification';

export async function sendToDestination(
  deps: PushDeps,
  destination: NotificationDestination,
  message: string,
): Promise<void> {
  const call = callFor(deps, destination.arn);
  switch (destination.kind) {
    case 'lambda':
      // The async path: Lambda's own queue, retries and destinations take over from here.
      await call('lambda', 'Invoke', {
        FunctionName: destination.arn,
        InvocationType: 'Event',
        Payload: Buffer.from(message),
      });
      return;
    case 'queue': {
      const { accountId, resource } = arnParts(destination.arn);
      const { QueueUrl } = await call<{ QueueUrl: string }>('sqs', 'GetQueueUrl', {
        QueueName: resource,
        QueueOwnerAWSAccountId: accountId,
      });
      await call('sqs', 'SendMessage', { QueueUrl, MessageBody: message });
      return;
    }
    case 'topic':
      await call('sns', 'Publish', { TopicArn: destination.arn, Message: message, Subject: SNS_SUBJECT });
      return;
  }
}
