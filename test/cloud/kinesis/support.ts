/** Shared helpers for the Kinesis end-to-end tests. */
import {
  CreateStreamCommand,
  type CreateStreamInput,
  DescribeStreamCommand,
  KinesisClient,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { afterAll, expect } from 'vitest';
import { randomName, TEST_CREDENTIALS, type TestCloud } from '../../helpers/cloud.js';

export const ACCOUNT = '000000000000';

/**
 * Kinesis clients as users make them: the JavaScript SDK's KinesisClient speaks HTTP/2 (cleartext,
 * prior knowledge) for every operation, which the local cloud accepts beside HTTP/1.1 on the same
 * port. Clients are destroyed after the file's tests.
 */
export function kinesisClients(
  t: TestCloud,
): (config?: { region?: string; systemClockOffset?: number }) => KinesisClient {
  const made: KinesisClient[] = [];
  afterAll(() => {
    for (const client of made) client.destroy();
  });
  return (config = {}) => {
    const client = new KinesisClient({
      endpoint: t.url,
      region: config.region ?? 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      ...(config.systemClockOffset !== undefined ? { systemClockOffset: config.systemClockOffset } : {}),
    });
    made.push(client);
    return client;
  };
}

/** Short lifecycles so waiters and resharding finish quickly. */
export const FAST = { transitionMs: 50 };

/** Lifecycles long enough that a test can see CREATING / UPDATING right after the call, even on a busy machine. */
export const OBSERVABLE = { transitionMs: 400 };

/** Creates a provisioned stream with a random name and waits (with the SDK's own waiter) until it is ACTIVE. */
export async function activeStream(
  kinesis: KinesisClient,
  shardCount = 1,
  extra: Partial<CreateStreamInput> = {},
): Promise<string> {
  const StreamName = randomName('stream');
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: shardCount, ...extra }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 }, { StreamName });
  return StreamName;
}

export async function waitActive(kinesis: KinesisClient, StreamName: string): Promise<void> {
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 }, { StreamName });
}

export async function shardIds(kinesis: KinesisClient, StreamName: string): Promise<string[]> {
  const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName }));
  return (StreamDescription?.Shards ?? []).map((s) => s.ShardId as string);
}

export function arnOf(name: string, region = 'us-east-1'): string {
  return `arn:aws:kinesis:${region}:${ACCOUNT}:stream/${name}`;
}

export function expectNoInternalErrors(t: TestCloud): void {
  expect(t.logs.filter((line) => line.includes('internal error'))).toEqual([]);
}
