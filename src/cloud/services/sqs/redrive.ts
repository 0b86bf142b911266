/**
 * Dead-letter queue handlers: ListDeadLetterSourceQueues, and the message move tasks
 * (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask) that redrive a DLQ.
 */
import { randomUUID } from 'node:crypto';
import type {
  CancelMessageMoveTaskRequest,
  CancelMessageMoveTaskResult,
  ListDeadLetterSourceQueuesRequest,
  ListDeadLetterSourceQueuesResult,
  ListMessageMoveTasksRequest,
  ListMessageMoveTasksResult,
  ListMessageMoveTasksResultEntry,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResult,
} from '@aws-sdk/client-sqs';
import type { Handler, RequestContext } from '../../service.js';
import { invalidParameter, invalidParameterValue, resourceNotFound } from './errors.js';
import type { MoveTaskRunner } from './move-tasks.js';
import { parseQueueArn } from './queue-names.js';
import { pageToken, queueByArn, readPageToken } from './queues.js';
import { required } from './required.js';
import type { SqsService } from './sqs-service.js';
import type { MoveTaskRow, QueueRow } from './state.js';

const ACTIVE = new Set(['RUNNING', 'CANCELLING']);

/** A task handle names the task and its source queue (AWS's are opaque base64 too). */
function taskHandle(sourceArn: string): string {
  return Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64');
}

function handleSource(handle: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as { sourceArn?: unknown };
    return typeof parsed.sourceArn === 'string' ? parsed.sourceArn : undefined;
  } catch {
    return undefined;
  }
}

function taskEntry(task: MoveTaskRow): ListMessageMoveTasksResultEntry {
  const entry: ListMessageMoveTasksResultEntry = {};
  if (task.status === 'RUNNING') entry.TaskHandle = task.task_handle;
  entry.Status = task.status;
  entry.SourceArn = task.source_arn;
  if (task.destination_arn !== null) entry.DestinationArn = task.destination_arn;
  if (task.max_per_second !== null) entry.MaxNumberOfMessagesPerSecond = task.max_per_second;
  entry.ApproximateNumberOfMessagesMoved = task.moved;
  entry.ApproximateNumberOfMessagesToMove = task.to_move;
  if (task.failure_reason !== null) entry.FailureReason = task.failure_reason;
  entry.StartedTimestamp = task.started_at;
  return entry;
}

export function redriveHandlers(service: SqsService, runner: MoveTaskRunner): Record<string, Handler> {
  const { state } = service;

  const sourceQueue = (arn: string): QueueRow => {
    if (!parseQueueArn(arn)) {
      throw invalidParameterValue(
        'You must use this format to specify the SourceArn: arn:<partition>:<service>:<region>:<account-id>:<resource-id>',
      );
    }
    const queue = queueByArn(service, arn);
    if (!queue) throw resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    return queue;
  };

  function listDeadLetterSourceQueues(
    input: ListDeadLetterSourceQueuesRequest,
    ctx: RequestContext,
  ): ListDeadLetterSourceQueuesResult {
    const dlq = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
    const limit = input.MaxResults ?? 1000;
    if (limit < 1 || limit > 1000)
      throw invalidParameter('MaxResults', limit, 'MaxResults must be an integer between 1 and 1000.');
    const rows = state.deadLetterSources(dlq.arn, readPageToken(input.NextToken), limit + 1);
    const page = rows.slice(0, limit);
    const result: ListDeadLetterSourceQueuesResult = { queueUrls: page.map((queue) => service.url(ctx, queue)) };
    if (input.MaxResults !== undefined && rows.length > limit) {
      result.NextToken = pageToken((page[page.length - 1] as QueueRow).arn);
    }
    return result;
  }

  function startMessageMoveTask(input: StartMessageMoveTaskRequest): StartMessageMoveTaskResult {
    const source = sourceQueue(required(input.SourceArn, 'SourceArn'));
    if (state.deadLetterSources(source.arn, '', 1).length === 0) {
      throw invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    }
    if (input.DestinationArn !== undefined && !queueByArn(service, input.DestinationArn)) {
      throw resourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
    }
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && (rate < 1 || rate > 500)) {
      throw invalidParameter('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500, if provided.');
    }
    if (state.moveTasks(source.arn, 10).some((task) => ACTIVE.has(task.status))) {
      throw invalidParameterValue(
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const now = service.now();
    const counts = state.counts(source.id, now);
    const handle = taskHandle(source.arn);
    state.insertMoveTask({
      task_handle: handle,
      source_arn: source.arn,
      destination_arn: input.DestinationArn ?? null,
      max_per_second: rate ?? null,
      status: 'RUNNING',
      moved: 0,
      to_move: counts.visible + counts.inFlight + counts.delayed,
      started_at: now,
      failure_reason: null,
    });
    runner.run(handle);
    return { TaskHandle: handle };
  }

  function listMessageMoveTasks(input: ListMessageMoveTasksRequest): ListMessageMoveTasksResult {
    const source = sourceQueue(required(input.SourceArn, 'SourceArn'));
    const limit = input.MaxResults ?? 1;
    if (limit < 1 || limit > 10) throw invalidParameter('MaxResults', limit, 'Must be between 1 and 10, if provided.');
    return { Results: state.moveTasks(source.arn, limit).map(taskEntry) };
  }

  function cancelMessageMoveTask(input: CancelMessageMoveTaskRequest): CancelMessageMoveTaskResult {
    const handle = required(input.TaskHandle, 'TaskHandle');
    const sourceArn = handleSource(handle);
    if (sourceArn === undefined) throw invalidParameterValue('Value for parameter TaskHandle is invalid.');
    sourceQueue(sourceArn);
    const task = state.getMoveTask(handle);
    if (!task) throw resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') {
      throw invalidParameterValue('Only active tasks can be cancelled.');
    }
    runner.stop(handle);
    state.updateMoveTask(handle, { status: 'CANCELLED' });
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  return {
    ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
    StartMessageMoveTask: startMessageMoveTask,
    ListMessageMoveTasks: listMessageMoveTasks,
    CancelMessageMoveTask: cancelMessageMoveTask,
  };
}
