/** What the DynamoDB tests share: making ACTIVE tables with random names, and no internal errors. */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { randomName, type TestCloud } from '../../helpers/cloud.js';

export const ACCOUNT = '000000000000';

export const WAIT = { maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 };

/** Settings that keep lifecycles short so waiters finish quickly. */
export const FAST = { dynamodb: { transitionMs: 50, ttlSweepMs: 50 } };

/** Creates a table (hash key `pk` S, optional range key `sk`) and waits until it is ACTIVE. */
export async function newTable(
  client: DynamoDBClient,
  options: { range?: 'S' | 'N' | 'B'; hashType?: 'S' | 'N' | 'B' } & Partial<CreateTableCommandInput> = {},
): Promise<string> {
  const TableName = options.TableName ?? randomName('ddb');
  const { range, hashType, ...rest } = options;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: hashType ?? 'S' },
        ...(range ? [{ AttributeName: 'sk', AttributeType: range }] : []),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        ...(range ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : []),
      ],
      ...rest,
    }),
  );
  await waitUntilTableExists({ client, ...WAIT }, { TableName });
  return TableName;
}

export function expectNoInternalErrors(t: TestCloud): void {
  expect(t.logs.filter((line) => /internal|InternalFailure/i.test(line))).toEqual([]);
}
