/** Export tasks: CreateExportTask (to S3), DescribeExportTasks, CancelExportTask. */
import { randomUUID } from 'node:crypto';
import type {
  CancelExportTaskRequest,
  CreateExportTaskRequest,
  CreateExportTaskResponse,
  DescribeExportTasksRequest,
  DescribeExportTasksResponse,
  ExportTask,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import { type CallAs, checkDestination, DEFAULT_PREFIX } from './export-destination.js';
import { type ExportRunner, STATUS_MESSAGES } from './export-runner.js';
import type { ExportTaskRow, ExportTasksState } from './export-state.js';
import { groupArn, type LogsService } from './logs-service.js';
import { decodeToken, encodeToken } from './tokens.js';

function limitExceeded(): AwsError {
  return new AwsError('LimitExceededException', 'Resource limit exceeded.');
}

function describeTask(task: ExportTaskRow): ExportTask {
  return {
    taskId: task.id,
    ...(task.name !== null ? { taskName: task.name } : {}),
    logGroupName: task.group_name,
    from: task.from_time,
    to: task.to_time,
    destination: task.destination,
    destinationPrefix: task.destination_prefix,
    status: { code: task.status, message: task.status_message },
    executionInfo: {
      creationTime: task.created_at,
      ...(task.completed_at !== null ? { completionTime: task.completed_at } : {}),
    },
  };
}

export function exportHandlers(
  service: LogsService,
  tasks: ExportTasksState,
  runner: ExportRunner,
  callAs: CallAs | undefined,
): Record<string, Handler> {
  return {
    async CreateExportTask(input: CreateExportTaskRequest, ctx: RequestContext): Promise<CreateExportTaskResponse> {
      const group = service.group(ctx, input.logGroupName as string);
      // One active (PENDING or RUNNING) task per account, as AWS allows.
      if (tasks.active(ctx.accountId, ctx.region)) throw limitExceeded();
      if (!callAs) throw new AwsError('ServiceUnavailableException', 'Export to S3 is not available here.', 500);
      const prefix = input.destinationPrefix ?? DEFAULT_PREFIX;
      await checkDestination(callAs, {
        accountId: ctx.accountId,
        region: ctx.region,
        bucket: input.destination as string,
        prefix,
        groupArn: groupArn(ctx, group.name),
      });
      const taskId = randomUUID();
      tasks.transaction(() => {
        // Checked again: another create may have passed the first check while S3 was asked.
        if (tasks.active(ctx.accountId, ctx.region)) throw limitExceeded();
        tasks.insert(
          {
            id: taskId,
            account_id: ctx.accountId,
            region: ctx.region,
            name: input.taskName ?? null,
            group_name: group.name,
            stream_prefix: input.logStreamNamePrefix ?? null,
            from_time: input.from as number,
            to_time: input.to as number,
            destination: input.destination as string,
            destination_prefix: prefix,
            created_at: service.now(),
          },
          'PENDING',
          STATUS_MESSAGES.PENDING,
        );
      });
      runner.kick();
      return { taskId };
    },

    DescribeExportTasks(input: DescribeExportTasksRequest, ctx: RequestContext): DescribeExportTasksResponse {
      const afterSeq = input.nextToken ? (decodeToken('exports', input.nextToken, ['number'])[0] as number) : 0;
      const limit = input.limit ?? 50;
      const rows = tasks.list({
        accountId: ctx.accountId,
        region: ctx.region,
        taskId: input.taskId,
        status: input.statusCode,
        afterSeq,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        exportTasks: page.map(describeTask),
        ...(rows.length > limit && last ? { nextToken: encodeToken('exports', [last.seq]) } : {}),
      };
    },

    CancelExportTask(input: CancelExportTaskRequest, ctx: RequestContext): Record<string, never> {
      const task = tasks.get(ctx.accountId, ctx.region, input.taskId as string);
      if (!task) throw new AwsError('ResourceNotFoundException', 'The specified export task does not exist.');
      if (!tasks.transition(task.id, ['PENDING', 'RUNNING'], 'CANCELLED', STATUS_MESSAGES.CANCELLED, service.now())) {
        throw new AwsError('InvalidOperationException', 'The specified export task has already finished');
      }
      return {};
    },
  };
}
