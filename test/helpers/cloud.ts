/**
 * Test support: a real local cloud on port 0 with an ephemeral data dir, SDK clients pointed at
 * it, and random resource names. Every test file starts its own server (files run in parallel).
 */
import { randomBytes } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll } from 'vitest';
import { type CloudOptions, type RunningCloud, startCloud } from '../../src/cloud/cloud.js';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
type ClientSettings = { endpoint: string; region: string; credentials: Credentials; maxAttempts: number };

export function randomName(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface TestCloud {
  readonly cloud: RunningCloud;
  readonly url: string;
  s3(config?: Partial<S3ClientConfig>): S3Client;
  sts(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): STSClient;
  /** A CloudWatch Logs client (`logs` below is the server's own log lines). */
  cwLogs(config?: {
    region?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  }): CloudWatchLogsClient;
  lambda(config?: { region?: string }): LambdaClient;
  cloudFormation(config?: { region?: string }): CloudFormationClient;
  /** An IAM client (signed for us-east-1 like the real global endpoint, unless `region` says otherwise). */
  iam(config?: {
    region?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  }): IAMClient;
  kinesis(config?: { region?: string; credentials?: Credentials }): KinesisClient;
  dynamodb(config?: { region?: string; credentials?: Credentials }): DynamoDBClient;
  dynamodbStreams(config?: { region?: string; credentials?: Credentials }): DynamoDBStreamsClient;
  sqs(config?: { region?: string; credentials?: Credentials }): SQSClient;
  /** Server-side log lines (internal errors), to assert none happened. */
  readonly logs: string[];
}

/** Starts a cloud before the file's tests and closes it after; use the returned getter inside tests. */
export function useCloud(options: CloudOptions = {}): TestCloud {
  let cloud: RunningCloud | undefined;
  const logs: string[] = [];
  const clients: { destroy(): void }[] = [];
  beforeAll(async () => {
    cloud = await startCloud({ port: 0, ephemeral: true, log: (line) => logs.push(line), ...options });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await cloud?.close();
  });
  const current = () => {
    if (!cloud) throw new Error('the cloud is not started yet (use it inside a test)');
    return cloud;
  };
  /** An SDK client for the test cloud (test keys, one attempt), destroyed after the file's tests. */
  function client<C extends { destroy(): void }>(
    Client: new (config: ClientSettings) => C,
    config: { region?: string; credentials?: Credentials },
    extra: object = {},
  ): C {
    const made = new Client({
      endpoint: current().url,
      region: config.region ?? 'us-east-1',
      credentials: config.credentials ?? TEST_CREDENTIALS,
      maxAttempts: 1,
      ...extra,
    });
    clients.push(made);
    return made;
  }
  return {
    get cloud() {
      return current();
    },
    get url() {
      return current().url;
    },
    logs,
    s3: (config = {}) => client(S3Client, {}, { forcePathStyle: true, ...config }),
    sts: (credentials = TEST_CREDENTIALS) => client(STSClient, { credentials }),
    lambda: (config = {}) => client(LambdaClient, config),
    cloudFormation: (config = {}) => client(CloudFormationClient, config),
    iam: (config = {}) => client(IAMClient, config),
    cwLogs: (config = {}) => client(CloudWatchLogsClient, config),
    kinesis: (config = {}) => client(KinesisClient, config),
    dynamodb: (config = {}) => client(DynamoDBClient, config),
    dynamodbStreams: (config = {}) => client(DynamoDBStreamsClient, config),
    sqs: (config = {}) => client(SQSClient, config),
  };
}

export { waitFor } from './wait.js';

/** What an SDK call rejected with (fails the test if it resolved). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected the call to fail');
}

/** An SDK call's rejection as `{ name, message, status }`, for exact comparison. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined }> {
  const e = await rejection(promise);
  return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
}
