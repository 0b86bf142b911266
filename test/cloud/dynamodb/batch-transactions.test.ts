/** BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems, Scan paging and segments. */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, FAST, newTable } from './support.js';

const t = useCloud(FAST);
afterAll(() => expectNoInternalErrors(t));

describe('BatchWriteItem and BatchGetItem', () => {
  it('writes and deletes in one call, reads back with empty Unprocessed shapes', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'gone' } } }));
    const written = await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TableName]: [
            { PutRequest: { Item: { pk: { S: 'a' }, v: { N: '1' } } } },
            { PutRequest: { Item: { pk: { S: 'b' } } } },
            { DeleteRequest: { Key: { pk: { S: 'gone' } } } },
          ],
        },
      }),
    );
    expect(written.UnprocessedItems).toEqual({});
    const read = await ddb.send(
      new BatchGetItemCommand({
        RequestItems: { [TableName]: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }, { pk: { S: 'gone' } }] } },
      }),
    );
    expect(read.UnprocessedKeys).toEqual({});
    expect(read.Responses?.[TableName]?.map((i) => i['pk']?.S).sort()).toEqual(['a', 'b']);
  });

  it('refuses duplicate keys and too many keys', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(
      await failure(
        ddb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [TableName]: [
                { PutRequest: { Item: { pk: { S: 'a' } } } },
                { DeleteRequest: { Key: { pk: { S: 'a' } } } },
              ],
            },
          }),
        ),
      ),
    ).toEqual({ name: 'ValidationException', message: 'Provided list of item keys contains duplicates', status: 400 });
    const Keys = Array.from({ length: 101 }, (_, i) => ({ pk: { S: `k${i}` } }));
    expect(await failure(ddb.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys } } })))).toMatchObject(
      {
        name: 'ValidationException',
      },
    );
  });
});

describe('TransactWriteItems', () => {
  it('writes nothing when one condition fails and lists a reason per action', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'exists' }, v: { N: '1' } } }));
    const error = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { pk: { S: 'exists' } },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName, Item: { pk: { S: 'new' } } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const cancelled = error as TransactionCanceledException;
    expect(cancelled.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
    );
    expect(cancelled.CancellationReasons).toEqual([
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { pk: { S: 'exists' }, v: { N: '1' } },
      },
      { Code: 'None' },
    ]);
    expect((await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'new' } } }))).Item).toBeUndefined();
  });

  it('applies all actions together and is idempotent per ClientRequestToken', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'del' } } }));
    const request = {
      ClientRequestToken: randomName('token'),
      TransactItems: [
        { Put: { TableName, Item: { pk: { S: 'p' } } } },
        { Delete: { TableName, Key: { pk: { S: 'del' } } } },
        { ConditionCheck: { TableName, Key: { pk: { S: 'p2' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    };
    await ddb.send(new TransactWriteItemsCommand(request));
    // Deleting p behind the transaction's back, then replaying it: the token makes the replay a no-op.
    await ddb.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName, Key: { pk: { S: 'p' } } } }] }),
    );
    await ddb.send(new TransactWriteItemsCommand(request));
    const got = await ddb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName, Key: { pk: { S: 'p' } } } },
          { Get: { TableName, Key: { pk: { S: 'del' } } } },
        ],
      }),
    );
    expect(got.Responses).toEqual([{}, {}]);
    expect(
      await failure(
        ddb.send(
          new TransactWriteItemsCommand({
            ClientRequestToken: request.ClientRequestToken,
            TransactItems: [{ Put: { TableName, Item: { pk: { S: 'other' } } } }],
          }),
        ),
      ),
    ).toMatchObject({ name: 'IdempotentParameterMismatchException' });
  });

  it('refuses two actions on one item', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(
      await failure(
        ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName, Item: { pk: { S: 'a' } } } },
              { Delete: { TableName, Key: { pk: { S: 'a' } } } },
            ],
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
      status: 400,
    });
  });
});

describe('Scan', () => {
  it('pages with Limit and ExclusiveStartKey, filters after the read, and splits into segments', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb, { range: 'N' });
    for (let i = 0; i < 12; i++) {
      await ddb.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: `p${i % 3}` }, sk: { N: String(i) }, odd: { BOOL: i % 2 === 1 } },
        }),
      );
    }
    const seen: string[] = [];
    let ExclusiveStartKey: Record<string, never> | undefined;
    let pages = 0;
    do {
      const page = await ddb.send(new ScanCommand({ TableName, Limit: 5, ExclusiveStartKey }));
      pages++;
      seen.push(...(page.Items ?? []).map((i) => `${i['pk']?.S}/${i['sk']?.N}`));
      ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
    } while (ExclusiveStartKey);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    const filtered = await ddb.send(
      new ScanCommand({ TableName, FilterExpression: 'odd = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } }),
    );
    expect(filtered).toMatchObject({ Count: 6, ScannedCount: 12 });
    const counts = await Promise.all(
      [0, 1, 2].map(
        async (Segment) =>
          (await ddb.send(new ScanCommand({ TableName, Segment, TotalSegments: 3, Select: 'COUNT' }))).Count ?? 0,
      ),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(await failure(ddb.send(new ScanCommand({ TableName, Segment: 3, TotalSegments: 3 })))).toMatchObject({
      message:
        'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3',
    });
  });
});
