/** Items: PutItem, GetItem, UpdateItem, DeleteItem; conditions, ReturnValues, key and size rules. */
import {
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, FAST, newTable } from './support.js';

const t = useCloud(FAST);
afterAll(() => expectNoInternalErrors(t));

describe('PutItem and GetItem', () => {
  it('stores every attribute type and reads it back, numbers normalised', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    const Item = {
      pk: { S: 'a' },
      n: { N: '1.50' },
      big: { N: '12345678901234567890123456789012345678' },
      b: { B: Buffer.from([0, 1, 255]) },
      ss: { SS: ['x', 'y'] },
      ns: { NS: ['1', '2'] },
      bs: { BS: [Buffer.from('q')] },
      m: { M: { inner: { L: [{ S: 'v' }, { NULL: true }, { BOOL: false }] } } },
    };
    await ddb.send(new PutItemCommand({ TableName, Item }));
    const { Item: read } = await ddb.send(
      new GetItemCommand({ TableName, Key: { pk: { S: 'a' } }, ConsistentRead: true }),
    );
    expect(read).toEqual({
      ...Item,
      n: { N: '1.5' },
      b: { B: new Uint8Array([0, 1, 255]) },
      bs: { BS: [new Uint8Array(Buffer.from('q'))] },
    });
    const { Item: missing } = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'none' } } }));
    expect(missing).toBeUndefined();
  });

  it('returns the old item with ReturnValues ALL_OLD and nothing with NONE', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    const first = await ddb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'k' }, v: { N: '1' } }, ReturnValues: 'ALL_OLD' }),
    );
    expect(first.Attributes).toBeUndefined();
    const second = await ddb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'k' }, v: { N: '2' } }, ReturnValues: 'ALL_OLD' }),
    );
    expect(second.Attributes).toEqual({ pk: { S: 'k' }, v: { N: '1' } });
    expect(
      await failure(ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'k' } }, ReturnValues: 'ALL_NEW' }))),
    ).toMatchObject({ name: 'ValidationException', message: 'ReturnValues can only be ALL_OLD or NONE' });
  });

  it('checks keys against the schema with AWS texts', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb, { range: 'N' });
    const invalid = (message: string) => ({ name: 'ValidationException', message, status: 400 });
    expect(await failure(ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } })))).toEqual(
      invalid('One or more parameter values were invalid: Missing the key sk in the item'),
    );
    expect(
      await failure(ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, sk: { S: '1' } } }))),
    ).toEqual(invalid('One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S'));
    expect(await failure(ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: '' }, sk: { N: '1' } } })))).toEqual(
      invalid(
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
      ),
    );
    expect(await failure(ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } })))).toEqual(
      invalid('The provided key element does not match the schema'),
    );
    expect(
      await failure(
        ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' }, sk: { N: '1' }, x: { S: 'y' } } })),
      ),
    ).toEqual(invalid('The provided key element does not match the schema'));
  });

  it('refuses items over 400 KB', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(
      await failure(
        ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { S: 'x'.repeat(400 * 1024) } } })),
      ),
    ).toEqual({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size', status: 400 });
  });

  it('answers ResourceNotFoundException for a missing table', async () => {
    const TableName = randomName('missing');
    expect(await failure(t.dynamodb().send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found',
      status: 400,
    });
  });

  it('counts items and bytes in DescribeTable', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { S: 'xyz' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'b' } } }));
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.ItemCount).toBe(2);
    // pk=a: 2 + 1, v: 1 + 3; pk=b: 2 + 1.
    expect(Table?.TableSizeBytes).toBe(10);
  });
});

describe('conditions', () => {
  it('fails a PutItem whose condition is false, returning the item when asked', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    const put = (extra: object) =>
      ddb.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: 'a' }, v: { N: '2' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ...extra,
        }),
      );
    expect(await failure(put({}))).toEqual({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      status: 400,
    });
    const error = (await put({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }).catch((e: unknown) => e)) as {
      Item?: unknown;
    };
    expect(error.Item).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
    await ddb.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: 'a' }, v: { N: '3' } },
        ConditionExpression: '#v = :one',
        ExpressionAttributeNames: { '#v': 'v' },
        ExpressionAttributeValues: { ':one': { N: '1.0' } },
      }),
    );
    const { Item } = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    expect(Item?.['v']).toEqual({ N: '3' });
  });

  it('refuses mixing expressions with legacy parameters and unused values', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(
      await failure(
        ddb.send(
          new PutItemCommand({
            TableName,
            Item: { pk: { S: 'a' } },
            ConditionExpression: 'attribute_exists(pk)',
            Expected: { pk: { Exists: false } },
          }),
        ),
      ),
    ).toMatchObject({
      message:
        'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    });
    expect(
      await failure(
        ddb.send(
          new PutItemCommand({ TableName, Item: { pk: { S: 'a' } }, ExpressionAttributeValues: { ':a': { S: 'x' } } }),
        ),
      ),
    ).toMatchObject({
      message: 'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
    });
  });

  it('deletes only when the condition holds, returning ALL_OLD', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    expect(
      await failure(
        ddb.send(
          new DeleteItemCommand({
            TableName,
            Key: { pk: { S: 'a' } },
            ConditionExpression: 'v > :n',
            ExpressionAttributeValues: { ':n': { N: '5' } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ConditionalCheckFailedException' });
    const deleted = await ddb.send(
      new DeleteItemCommand({ TableName, Key: { pk: { S: 'a' } }, ReturnValues: 'ALL_OLD' }),
    );
    expect(deleted.Attributes).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
    const again = await ddb.send(
      new DeleteItemCommand({ TableName, Key: { pk: { S: 'a' } }, ReturnValues: 'ALL_OLD' }),
    );
    expect(again.Attributes).toBeUndefined();
  });
});

describe('UpdateItem', () => {
  it('creates the item when absent and returns each kind of ReturnValues', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    const Key = { pk: { S: 'u' } };
    const created = await ddb.send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: 'SET a = :a, c = :c',
        ExpressionAttributeValues: { ':a': { N: '1' }, ':c': { S: 'keep' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(created.Attributes).toEqual({ pk: { S: 'u' }, a: { N: '1' }, c: { S: 'keep' } });
    const updated = await ddb.send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: 'ADD a :inc',
        ExpressionAttributeValues: { ':inc': { N: '2' } },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    expect(updated.Attributes).toEqual({ a: { N: '1' } });
    const fresh = await ddb.send(
      new UpdateItemCommand({ TableName, Key, UpdateExpression: 'REMOVE c', ReturnValues: 'UPDATED_NEW' }),
    );
    expect(fresh.Attributes).toBeUndefined();
    const { Item } = await ddb.send(new GetItemCommand({ TableName, Key }));
    expect(Item).toEqual({ pk: { S: 'u' }, a: { N: '3' } });
  });

  it('refuses to update a key attribute', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(
      await failure(
        ddb.send(
          new UpdateItemCommand({
            TableName,
            Key: { pk: { S: 'u' } },
            UpdateExpression: 'SET pk = :v',
            ExpressionAttributeValues: { ':v': { S: 'x' } },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message:
        'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
    });
  });
});
