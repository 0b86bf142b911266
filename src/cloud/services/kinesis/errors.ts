/**
 * Kinesis' errors, worded as the service words them (all 400s). Most name the stream and the
 * account: `Stream orders under account 123456789012 not found.`
 */
import { AwsError, validationMessage } from '../../errors.js';

export function invalidArgument(message: string): AwsError {
  return new AwsError('InvalidArgumentException', message);
}

export function streamNotFound(name: string, accountId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Stream ${name} under account ${accountId} not found.`);
}

export function streamExists(name: string, accountId: string): AwsError {
  return new AwsError('ResourceInUseException', `Stream ${name} under account ${accountId} already exists.`);
}

export function streamNotActive(name: string, accountId: string, status: string): AwsError {
  return new AwsError(
    'ResourceInUseException',
    `Stream ${name} under account ${accountId} not ACTIVE, instead in state ${status}`,
  );
}

/** GetShardIterator and GetRecords on a shard the stream does not have. */
export function shardDoesNotExist(shardId: string, name: string, accountId: string): AwsError {
  return new AwsError(
    'ResourceNotFoundException',
    `Shard ${shardId} in stream ${name} under account ${accountId} does not exist`,
  );
}

/** SplitShard and MergeShards on a shard the stream does not have. */
export function shardNotFound(shardId: string, name: string, accountId: string): AwsError {
  return new AwsError(
    'ResourceNotFoundException',
    `Could not find shard ${shardId} in stream ${name} under account ${accountId}.`,
  );
}

export function shardLimitExceeded(
  accountId: string,
  region: string,
  current: number,
  limit: number,
  additional: number,
): AwsError {
  return new AwsError(
    'LimitExceededException',
    `This request would exceed the shard limit for the account ${accountId} in ${region}. ` +
      `Current shard count for the account: ${current}. Limit: ${limit}. ` +
      `Number of additional shards that would have resulted from this request: ${additional}. ` +
      'Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
      'for current limits and how to request higher limits.',
  );
}

export function tooManyStreamsInTransition(accountId: string, limit: number): AwsError {
  return new AwsError(
    'LimitExceededException',
    'This request would have exceed the limit on the number of streams that can simultaneously be in ' +
      `CREATING or DELETING for the account ${accountId}. Limit: ${limit}.`,
  );
}

export function onDemandStreamLimitExceeded(accountId: string, region: string, limit: number): AwsError {
  return new AwsError(
    'LimitExceededException',
    `This request would exceed the limit on the number of on-demand streams for the account ${accountId} in ${region}. Limit: ${limit}.`,
  );
}

export function onDemandStream(name: string, accountId: string): AwsError {
  return new AwsError(
    'ValidationException',
    `Request is invalid. Stream ${name} under account ${accountId} is in On-Demand mode.`,
  );
}

export function invalidShardIterator(): AwsError {
  return invalidArgument('Invalid ShardIterator.');
}

export function expiredIterator(issuedAt: number, now: number, ttlMs: number): AwsError {
  return new AwsError(
    'ExpiredIteratorException',
    `Iterator expired. The iterator was created at time ${amzUtc(issuedAt)} while right now it is ${amzUtc(now)} ` +
      `which is further in the future than the tolerated delay of ${ttlMs} milliseconds.`,
  );
}

export function expiredNextToken(): AwsError {
  return new AwsError('ExpiredNextTokenException', 'The timestamp of the NextToken has expired.');
}

/** `1 validation error detected: Value at 'data' failed to satisfy constraint: ...` (AWS leaves the bytes out). */
export function dataTooLarge(path: string, maxBytes: number): AwsError {
  return new AwsError(
    'ValidationException',
    validationMessage([
      `Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${maxBytes}`,
    ]),
  );
}

/** `Thu Jan 22 01:22:02 UTC 2015`, as the Java service prints dates. */
function amzUtc(ms: number): string {
  const match = /^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/.exec(new Date(ms).toUTCString());
  if (!match) return new Date(ms).toISOString();
  const [, weekday, day, month, year, time] = match;
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

/** A shard's write limit reached: AWS's wording, for PutRecord's error and PutRecords' entries. */
export function shardRateExceededMessage(shardId: string, streamName: string, accountId: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${accountId}.`;
}

export function provisionedThroughputExceeded(shardId: string, streamName: string, accountId: string): AwsError {
  return new AwsError(
    'ProvisionedThroughputExceededException',
    shardRateExceededMessage(shardId, streamName, accountId),
  );
}
