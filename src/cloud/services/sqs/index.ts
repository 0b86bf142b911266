/**
 * Amazon SQS (awsJson1_0 with awsQuery compatibility, and awsQuery, 2012-11-05): registration of
 * the handlers with the server, and the in-process API by queue ARN that the Lambda event source
 * poller uses (the same message store as the handlers).
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { guardQueueAccess } from './access.js';
import { queueDoesNotExist, SQS_QUERY_ERROR_CODES } from './errors.js';
import { MessageStore, queueAttributesOf } from './message-store.js';
import { ALL_ATTRIBUTES, messageView } from './message-view.js';
import { messageHandlers } from './messages.js';
import { MoveTaskRunner } from './move-tasks.js';
import { permissionHandlers } from './permissions.js';
import { queueHandlers } from './queues.js';
import { redriveHandlers } from './redrive.js';
import { SqsService } from './sqs-service.js';
import { type QueueRow, SqsState } from './state.js';
import { tagHandlers } from './tags.js';
import { QueueWaiters, VisibilityTimers } from './wake-ups.js';

export { sqsMigrations } from './state.js';

/** SQS by queue ARN, in-process, for the Lambda event source poller. */
export interface SqsQueueApi {
  /** The queue's attributes as GetQueueAttributes stores them (VisibilityTimeout ...), or undefined when it does not exist. */
  attributes(queueArn: string): Record<string, string> | undefined;
  /**
   * Receives up to `maxMessages` (1-10) available messages, as ReceiveMessage with every system and
   * message attribute; [] when none is available. Throws QueueDoesNotExist.
   */
  receive(queueArn: string, options: { maxMessages: number; visibilityTimeoutSeconds?: number }): Message[];
  /** DeleteMessage. */
  delete(queueArn: string, receiptHandle: string): void;
  /** ChangeMessageVisibility. */
  changeVisibility(queueArn: string, receiptHandle: string, timeoutSeconds: number): void;
  /** Calls `listener` whenever the queue may have receivable messages; returns the unsubscribe. */
  onMessages(queueArn: string, listener: () => void): () => void;
}

export function createSqs(context: CloudContext): {
  definition: ServiceDefinition;
  /** The in-process API by queue ARN. */
  queues: SqsQueueApi;
  start(): void;
  close(): Promise<void>;
} {
  const now = () => context.now();
  const state = new SqsState(context.db);
  const timers = new VisibilityTimers(context.events, now, (arn, at) => {
    const queue = state.getQueueByArn(arn);
    return queue && state.nextVisibleAt(queue.id, at);
  });
  const waiters = new QueueWaiters(context.events);
  const messages = new MessageStore(state, context.events, timers, now);
  const service = new SqsService(state, messages, waiters, context);
  const runner = new MoveTaskRunner(state, messages, now);

  const queueByArn = (arn: string): QueueRow => {
    const queue = state.getQueueByArn(arn);
    if (!queue) throw queueDoesNotExist();
    return queue;
  };
  const queues: SqsQueueApi = {
    attributes: (arn) => {
      const queue = state.getQueueByArn(arn);
      return queue && queueAttributesOf(queue);
    },
    receive: (arn, options) =>
      messages
        .receive(queueByArn(arn), {
          maxMessages: options.maxMessages,
          visibilityTimeout: options.visibilityTimeoutSeconds,
        })
        .map((row) => messageView(row, ALL_ATTRIBUTES)),
    delete: (arn, handle) => messages.delete(queueByArn(arn), handle),
    changeVisibility: (arn, handle, seconds) => {
      messages.changeVisibility(queueByArn(arn), handle, seconds);
    },
    onMessages: (arn, listener) =>
      context.events.on('sqs.messages', ({ queueArn }) => {
        if (queueArn === arn) listener();
      }),
  };

  return {
    definition: {
      model: 'sqs',
      signingNames: ['sqs'],
      queryErrorCodes: SQS_QUERY_ERROR_CODES,
      // Model validation is off for SQS: AWS accepts message system attribute names in
      // ReceiveMessage's AttributeNames (typed as queue attribute names in the model) and reports
      // missing members as MissingParameter, unknown attribute names as InvalidAttributeName; the
      // handlers check these themselves.
      validateInput: false,
      handlers: guardQueueAccess(
        {
          ...queueHandlers(service),
          ...tagHandlers(service),
          ...permissionHandlers(service),
          ...messageHandlers(service),
          ...redriveHandlers(service, runner),
        },
        service,
      ),
    },
    queues,
    start: () => {
      // Wake-ups for messages that become visible later (delays, visibility timeouts), across restarts.
      for (const { arn, at } of state.pendingVisibility(now())) timers.schedule(arn, at);
      runner.start();
    },
    close: async () => {
      runner.close();
      timers.close();
      waiters.close();
    },
  };
}
