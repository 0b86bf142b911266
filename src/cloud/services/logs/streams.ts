/** Log streams: create, delete, describe (by name or by last event time, either direction). */
import type {
  CreateLogStreamRequest,
  DeleteLogStreamRequest,
  DescribeLogStreamsRequest,
  DescribeLogStreamsResponse,
  LogStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Handler, RequestContext } from '../../service.js';
import { checkStreamName, invalidParameter, invalidToken, streamExists } from './errors.js';
import { type LogsService, type Scope, streamArn } from './logs-service.js';
import type { LogGroupRow, LogStreamRow } from './state.js';
import { decodeToken, encodeToken, sequenceToken } from './tokens.js';

export function describeStream(scope: Scope, group: LogGroupRow, stream: LogStreamRow): LogStream {
  return {
    logStreamName: stream.name,
    creationTime: stream.created_at,
    ...(stream.first_event !== null ? { firstEventTimestamp: stream.first_event } : {}),
    ...(stream.last_event !== null ? { lastEventTimestamp: stream.last_event } : {}),
    ...(stream.last_ingestion !== null ? { lastIngestionTime: stream.last_ingestion } : {}),
    ...(stream.upload_seq > 0 ? { uploadSequenceToken: sequenceToken(stream.upload_seq) } : {}),
    arn: streamArn(scope, group.name, stream.name),
    // Deprecated for streams in 2019: AWS has reported 0 since (the group's storedBytes is real).
    storedBytes: 0,
  };
}

export function streamHandlers(service: LogsService): Record<string, Handler> {
  const { state } = service;

  return {
    CreateLogStream(input: CreateLogStreamRequest, ctx: RequestContext): Record<string, never> {
      const name = input.logStreamName as string;
      checkStreamName(name);
      const group = service.group(ctx, input.logGroupName as string);
      if (!state.createStream(group.id, name, service.now())) throw streamExists();
      return {};
    },

    DeleteLogStream(input: DeleteLogStreamRequest, ctx: RequestContext): Record<string, never> {
      const group = service.group(ctx, input.logGroupName as string);
      state.deleteStream(service.stream(group, input.logStreamName as string).id);
      return {};
    },

    DescribeLogStreams(input: DescribeLogStreamsRequest, ctx: RequestContext): DescribeLogStreamsResponse {
      const byLastEventTime = input.orderBy === 'LastEventTime';
      if (byLastEventTime && input.logStreamNamePrefix !== undefined) {
        throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      const group = service.groupFor(ctx, input);
      const descending = input.descending === true;
      // The token carries the listing it belongs to, so one from another group or order is refused.
      const order = `${group.id}/${byLastEventTime ? 'time' : 'name'}/${descending ? 'desc' : 'asc'}`;
      let after: { key: string | number; name: string } | undefined;
      if (input.nextToken) {
        const [tokenOrder, key, name] = decodeToken('streams', input.nextToken, [
          'string',
          byLastEventTime ? 'number' : 'string',
          'string',
        ]) as [string, string | number, string];
        if (tokenOrder !== order) throw invalidToken();
        after = { key, name };
      }
      const limit = input.limit ?? 50;
      const rows = state.listStreams({
        groupId: group.id,
        prefix: input.logStreamNamePrefix,
        byLastEventTime,
        descending,
        after,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const nextToken =
        rows.length > limit && last
          ? encodeToken('streams', [order, byLastEventTime ? (last.last_event ?? 0) : last.name, last.name])
          : undefined;
      return {
        logStreams: page.map((row) => describeStream(ctx, group, row)),
        ...(nextToken ? { nextToken } : {}),
      };
    },
  };
}
