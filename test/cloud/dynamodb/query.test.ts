/** Query on the table, a GSI and an LSI: key order, direction, begins_with, COUNT, paging with index keys. */
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, FAST, newTable } from './support.js';

const t = useCloud(FAST);
afterAll(() => expectNoInternalErrors(t));

describe('Query', () => {
  it('reads a partition in number order both ways, with begins_with on strings and COUNT', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb, {
      range: 'N',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
        { AttributeName: 'l', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byL',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'l', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    for (const n of ['-5', '10', '2', '0.5', '100']) {
      await ddb.send(
        new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { N: n }, g: { S: 'G' }, l: { S: `item-${n}` } } }),
      );
    }
    const query = (extra: object) =>
      ddb.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'p' } },
          ...extra,
        }),
      );
    const ascending = await query({});
    expect(ascending.Items?.map((i) => i['sk']?.N)).toEqual(['-5', '0.5', '2', '10', '100']);
    const descending = await query({ ScanIndexForward: false, Limit: 2 });
    expect(descending.Items?.map((i) => i['sk']?.N)).toEqual(['100', '10']);
    expect(descending.LastEvaluatedKey).toEqual({ pk: { S: 'p' }, sk: { N: '10' } });
    const next = await query({ ScanIndexForward: false, Limit: 2, ExclusiveStartKey: descending.LastEvaluatedKey });
    expect(next.Items?.map((i) => i['sk']?.N)).toEqual(['2', '0.5']);
    expect(await query({ Select: 'COUNT' })).toMatchObject({ Count: 5, ScannedCount: 5 });
    expect((await query({ Select: 'COUNT' })).Items).toBeUndefined();

    const onLsi = await ddb.send(
      new QueryCommand({
        TableName,
        IndexName: 'byL',
        KeyConditionExpression: 'pk = :p AND begins_with(l, :prefix)',
        ExpressionAttributeValues: { ':p': { S: 'p' }, ':prefix': { S: 'item-1' } },
      }),
    );
    expect(onLsi.Items?.map((i) => i['l']?.S)).toEqual(['item-10', 'item-100']);

    const onGsi = await ddb.send(
      new QueryCommand({
        TableName,
        IndexName: 'byG',
        KeyConditionExpression: 'g = :g',
        ExpressionAttributeValues: { ':g': { S: 'G' } },
        Limit: 1,
      }),
    );
    expect(Object.keys(onGsi.Items?.[0] ?? {}).sort()).toEqual(['g', 'pk', 'sk']);
    expect(Object.keys(onGsi.LastEvaluatedKey ?? {}).sort()).toEqual(['g', 'pk', 'sk']);
    expect(
      await failure(
        ddb.send(
          new QueryCommand({
            TableName,
            IndexName: 'nope',
            KeyConditionExpression: 'g = :g',
            ExpressionAttributeValues: { ':g': { S: 'G' } },
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: 'The table does not have the specified index: nope',
      status: 400,
    });
    expect(
      await failure(
        ddb.send(
          new QueryCommand({
            TableName,
            IndexName: 'byG',
            ConsistentRead: true,
            KeyConditionExpression: 'g = :g',
            ExpressionAttributeValues: { ':g': { S: 'G' } },
          }),
        ),
      ),
    ).toMatchObject({ message: 'Consistent reads are not supported on global secondary indexes' });
  });
});
