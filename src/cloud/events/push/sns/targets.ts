/**
 * One attempt at one delivery, per protocol: an asynchronous invoke (Lambda), SendMessage (SQS) or
 * a POST with SNS's headers (HTTP/S). The outcome says whether to retry: AWS retries what failed on
 * the endpoint's side, not what the subscription's own setup refuses (a missing permission, a
 * deleted function or queue), which goes straight to the dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../../errors.js';
import type { ServiceCall } from '../../../service-caller.js';
import type { SnsDeliveries, SnsDelivery } from '../../../services/sns/index.js';
import { deliveredBody, isRaw, lambdaEvent, sqsMessageAttributes } from './messages.js';
import { functionAllows, queueAllows } from './permissions.js';

/**
 * `statusCode` and `providerResponse` are what delivery status logging reports: the endpoint's HTTP
 * status (or the service's), and its answer (the request and message ids AWS services return).
 */
export type Attempt =
  | { type: 'delivered'; statusCode: number; providerResponse: string }
  /** Worth trying again (throttled, endpoint down, 5xx). */
  | { type: 'retry'; reason: string; statusCode: number }
  /** Never worth retrying: refused by a policy, or the endpoint does not exist. */
  | { type: 'failed'; reason: string; code: string; statusCode: number };

/** How long an HTTP/S endpoint has to answer (AWS: 15 s). */
const HTTP_TIMEOUT_MS = 15_000;

function callFor(callAs: (accountId: string, region: string) => ServiceCall, arn: string): ServiceCall {
  const [, , , region = '', account = ''] = arn.split(':');
  return callAs(account, region);
}

function errorText(error: unknown): string {
  return error instanceof AwsError ? `${error.code}: ${error.message}` : String(error);
}

function errorStatus(error: unknown): number {
  return error instanceof AwsError ? error.status : 500;
}

/** A policy's refusal: never retried, reported as HTTP 403. */
function refused(reason: string): Attempt {
  return { type: 'failed', reason, code: 'AccessDenied', statusCode: 403 };
}

async function toLambda(
  api: SnsDeliveries,
  callAs: (accountId: string, region: string) => ServiceCall,
  delivery: SnsDelivery,
): Promise<Attempt> {
  const functionArn = delivery.subscription.endpoint;
  const call = callFor(callAs, functionArn);
  const source = { topicArn: delivery.topic.arn, accountId: delivery.topic.accountId };
  const check = await functionAllows(call, functionArn, source);
  if (!check.allowed) return refused(check.reason);
  // The asynchronous invocation keeps this id, so the delivery status log names the invocation
  // whose START/END/REPORT lines are in the function's log.
  const lambdaRequestId = randomUUID();
  try {
    const { StatusCode } = await call<{ StatusCode?: number }>(
      'lambda',
      'Invoke',
      {
        FunctionName: functionArn,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(lambdaEvent(api, delivery))),
      },
      { requestId: lambdaRequestId },
    );
    return {
      type: 'delivered',
      statusCode: StatusCode ?? 202,
      providerResponse: JSON.stringify({ lambdaRequestId }),
    };
  } catch (error) {
    const code = error instanceof AwsError ? error.code : '';
    if (code === 'ResourceNotFoundException') {
      return { type: 'failed', reason: errorText(error), code, statusCode: errorStatus(error) };
    }
    return { type: 'retry', reason: errorText(error), statusCode: errorStatus(error) };
  }
}

/** Sends `body` to an SQS queue ARN when its policy lets the topic; used for subscriptions and dead-letter queues. */
export async function sendToQueue(
  callAs: (accountId: string, region: string) => ServiceCall,
  queueArn: string,
  topic: { arn: string; accountId: string },
  message: {
    body: string;
    attributes?: Record<string, Record<string, unknown>>;
    groupId?: string;
    deduplicationId?: string;
  },
): Promise<Attempt> {
  const call = callFor(callAs, queueArn);
  const queue = await queueAllows(call, queueArn, { topicArn: topic.arn, accountId: topic.accountId });
  if (!queue) {
    return { type: 'failed', reason: `queue ${queueArn} does not exist`, code: 'QueueDoesNotExist', statusCode: 400 };
  }
  if (!queue.check.allowed) return refused(queue.check.reason);
  const fifo = queueArn.endsWith('.fifo');
  try {
    const sqsRequestId = randomUUID();
    const { MessageId } = await call<{ MessageId?: string }>(
      'sqs',
      'SendMessage',
      {
        QueueUrl: queue.queueUrl,
        MessageBody: message.body,
        ...(message.attributes && Object.keys(message.attributes).length > 0
          ? { MessageAttributes: message.attributes }
          : {}),
        ...(fifo ? { MessageGroupId: message.groupId ?? 'sns', MessageDeduplicationId: message.deduplicationId } : {}),
      },
      { requestId: sqsRequestId },
    );
    return {
      type: 'delivered',
      statusCode: 200,
      providerResponse: JSON.stringify({ sqsRequestId, sqsMessageId: MessageId }),
    };
  } catch (error) {
    return { type: 'retry', reason: errorText(error), statusCode: errorStatus(error) };
  }
}

async function toSqs(
  api: SnsDeliveries,
  callAs: (accountId: string, region: string) => ServiceCall,
  delivery: SnsDelivery,
): Promise<Attempt> {
  const { message } = delivery;
  return sendToQueue(callAs, delivery.subscription.endpoint, delivery.topic, {
    body: deliveredBody(api, delivery),
    ...(isRaw(delivery) ? { attributes: sqsMessageAttributes(delivery) } : {}),
    ...(message.messageGroupId !== undefined ? { groupId: message.messageGroupId } : {}),
    deduplicationId: message.messageDeduplicationId ?? message.messageId,
  });
}

async function toHttp(api: SnsDeliveries, delivery: SnsDelivery): Promise<Attempt> {
  const { message, subscription } = delivery;
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=UTF-8',
    'user-agent': 'Amazon Simple Notification Service Agent',
    'x-amz-sns-message-type': message.type,
    'x-amz-sns-message-id': message.messageId,
    'x-amz-sns-topic-arn': message.topicArn,
  };
  if (message.type === 'Notification') headers['x-amz-sns-subscription-arn'] = subscription.arn;
  if (message.type === 'Notification' && isRaw(delivery)) headers['x-amz-sns-rawdelivery'] = 'true';
  try {
    const response = await fetch(subscription.endpoint, {
      method: 'POST',
      headers,
      body: deliveredBody(api, delivery),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      redirect: 'manual',
    });
    const answer = await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) {
      return { type: 'delivered', statusCode: response.status, providerResponse: answer || response.statusText };
    }
    return { type: 'retry', reason: `the endpoint answered HTTP ${response.status}`, statusCode: response.status };
  } catch (error) {
    return {
      type: 'retry',
      reason: `the endpoint could not be reached: ${(error as Error).message}`,
      statusCode: 0,
    };
  }
}

export async function attemptDelivery(
  api: SnsDeliveries,
  callAs: (accountId: string, region: string) => ServiceCall,
  delivery: SnsDelivery,
): Promise<Attempt> {
  switch (delivery.subscription.protocol) {
    case 'lambda':
      return toLambda(api, callAs, delivery);
    case 'sqs':
      return toSqs(api, callAs, delivery);
    case 'http':
    case 'https':
      return toHttp(api, delivery);
    default:
      return {
        type: 'failed',
        reason: `the local cloud does not deliver to ${delivery.subscription.protocol} endpoints`,
        code: 'Unsupported',
        statusCode: 0,
      };
  }
}
