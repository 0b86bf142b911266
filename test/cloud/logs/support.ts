/** Shared helpers for the CloudWatch Logs end-to-end tests. */
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { expect } from 'vitest';
import { randomName, type TestCloud } from '../../helpers/cloud.js';

export const ACCOUNT = '000000000000';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Creates a log group (and, when given, streams in it) with a random name under `/test/`. */
export async function newGroup(logs: CloudWatchLogsClient, prefix = 'group', streams: string[] = []): Promise<string> {
  const logGroupName = `/test/${randomName(prefix)}`;
  await logs.send(new CreateLogGroupCommand({ logGroupName }));
  for (const logStreamName of streams) await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  return logGroupName;
}

/** Puts `messages` as events one millisecond apart, starting at `start`. */
export async function putMessages(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  logStreamName: string,
  messages: string[],
  start = Date.now() - MINUTE,
): Promise<InputLogEvent[]> {
  const logEvents = messages.map((message, i) => ({ timestamp: start + i, message }));
  await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));
  return logEvents;
}

export function expectNoInternalErrors(t: TestCloud): void {
  expect(t.logs.filter((line) => line.includes('internal error'))).toEqual([]);
}

export const notFoundGroup = {
  name: 'ResourceNotFoundException',
  message: 'The specified log group does not exist.',
  status: 400,
};
export const notFoundStream = {
  name: 'ResourceNotFoundException',
  message: 'The specified log stream does not exist.',
  status: 400,
};

export function invalidParameter(message: string) {
  return { name: 'InvalidParameterException', message, status: 400 };
}
