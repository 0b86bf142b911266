/**
 * SNS delivery status logging: a topic's <Protocol>Success/FailureFeedback attributes send one JSON
 * event per delivery to CloudWatch Logs, successes to sns/<region>/<account>/<topic> and failures
 * (refusals by the target's policy included) to the same group with /Failure, in AWS's format.
 */
import { createHash } from 'node:crypto';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { useCloud, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';
import { ACCOUNT, LOGGING_HANDLER, lambdaEvents, newQueue, newTopic, subscribe, useSns } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const client = useSns(t);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/SNSFeedback`;

interface StatusEvent {
  notification: { messageMD5Sum: string; messageId: string; topicArn: string; timestamp: string };
  delivery: {
    deliveryId: string;
    destination: string;
    providerResponse: string;
    dwellTimeMs: number;
    attempts: number;
    statusCode: number;
  };
  status: string;
}

function groupOf(topicArn: string, failure = false): string {
  return `sns/us-east-1/${ACCOUNT}/${topicArn.split(':').pop()}${failure ? '/Failure' : ''}`;
}

/** Waits for `count` status events in a log group, read with FilterLogEvents. */
async function statusEvents(group: string, count: number): Promise<StatusEvent[]> {
  return waitFor(`${count} status events in ${group}`, async () => {
    try {
      const { events = [] } = await t.cwLogs().send(new FilterLogEventsCommand({ logGroupName: group }));
      return events.length >= count ? events.map((e) => JSON.parse(e.message ?? '{}') as StatusEvent) : undefined;
    } catch {
      return undefined; // The group appears with the first event.
    }
  });
}

function feedback(prefix: string): Record<string, string> {
  return {
    [`${prefix}SuccessFeedbackRoleArn`]: ROLE,
    [`${prefix}SuccessFeedbackSampleRate`]: '100',
    [`${prefix}FailureFeedbackRoleArn`]: ROLE,
  };
}

describe('delivery status logging', () => {
  it('logs SQS successes and refused deliveries in AWS format', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns, feedback('SQS'));
    const allowed = await newQueue(sqs, topicArn);
    const refused = await newQueue(sqs, undefined);
    await subscribe(sns, topicArn, 'sqs', allowed.arn);
    await subscribe(sns, topicArn, 'sqs', refused.arn);
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'status please' }));

    const [success] = await statusEvents(groupOf(topicArn), 1);
    const notification = {
      messageMD5Sum: createHash('md5').update('status please').digest('hex'),
      messageId: MessageId,
      topicArn,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/),
    };
    expect(success).toEqual({
      notification,
      delivery: {
        deliveryId: expect.any(String),
        destination: allowed.arn,
        providerResponse: expect.any(String),
        dwellTimeMs: expect.any(Number),
        attempts: 1,
        statusCode: 200,
      },
      status: 'SUCCESS',
    });
    expect(Object.keys(success ?? {})).toEqual(['notification', 'delivery', 'status']);
    expect(JSON.parse(success?.delivery.providerResponse ?? '{}')).toEqual({
      sqsRequestId: expect.any(String),
      sqsMessageId: expect.any(String),
    });

    const [failed] = await statusEvents(groupOf(topicArn, true), 1);
    expect(failed).toMatchObject({
      notification,
      delivery: { destination: refused.arn, attempts: 1, statusCode: 403 },
      status: 'FAILURE',
    });
    expect(failed?.delivery.providerResponse).toContain('sqs:SendMessage');
  });

  it('logs Lambda successes, and failures of a topic without a success sample rate', async () => {
    const sns = client();
    const lambda = t.lambda();
    const name = await deployFunction(lambda, { 'index.js': LOGGING_HANDLER });
    const functionArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
    const topicArn = await newTopic(sns, feedback('Lambda'));
    // No success sample rate (AWS's default is 0): failures are logged all the same.
    const quietArn = await newTopic(sns, { LambdaSuccessFeedbackRoleArn: ROLE, LambdaFailureFeedbackRoleArn: ROLE });
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: 'sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: topicArn,
      }),
    );
    await subscribe(sns, topicArn, 'lambda', functionArn);
    await subscribe(sns, quietArn, 'lambda', functionArn);

    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'to lambda' }));
    const [event] = await statusEvents(groupOf(topicArn), 1);
    expect(event).toMatchObject({
      notification: { messageId: MessageId, topicArn },
      delivery: { destination: functionArn, attempts: 1, statusCode: 202 },
      status: 'SUCCESS',
    });
    const { lambdaRequestId } = JSON.parse(event?.delivery.providerResponse ?? '{}') as { lambdaRequestId: string };
    await lambdaEvents(t, name, 1);
    // The id names the invocation that ran: its START line is in the function's log.
    const starts = await waitFor('the START line of the invocation', async () => {
      const { events = [] } = await t.cwLogs().send(
        new FilterLogEventsCommand({
          logGroupName: `/aws/lambda/${name}`,
          filterPattern: `"START RequestId: ${lambdaRequestId}"`,
        }),
      );
      return events.length > 0 ? events : undefined;
    });
    expect(starts).toHaveLength(1);

    // The quiet topic is not allowed by the function's policy: a failure, logged.
    const quiet = await sns.send(new PublishCommand({ TopicArn: quietArn, Message: 'not allowed' }));
    const [failure] = await statusEvents(groupOf(quietArn, true), 1);
    expect(failure).toMatchObject({
      notification: { messageId: quiet.MessageId, topicArn: quietArn },
      delivery: { destination: functionArn, statusCode: 403 },
      status: 'FAILURE',
    });
    expect(failure?.delivery.providerResponse).toContain('lambda:InvokeFunction');
  });
});
