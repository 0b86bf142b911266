/** Tables: create (CREATING -> ACTIVE), describe, list, update, delete, tags, limits, validation texts. */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { ACCOUNT, expectNoInternalErrors, FAST, newTable, WAIT } from './support.js';

const t = useCloud(FAST);
afterAll(() => expectNoInternalErrors(t));

describe('CreateTable', () => {
  it('answers CREATING, then the SDK waiter sees ACTIVE with every member AWS returns', async () => {
    const ddb = t.dynamodb();
    const TableName = randomName('ddb');
    const created = await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byG',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        SSESpecification: { Enabled: true },
        Tags: [{ Key: 'team', Value: 'data' }],
      }),
    );
    expect(created.TableDescription?.TableStatus).toBe('CREATING');
    expect(created.TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexStatus).toBe('CREATING');
    await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName });
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    const arn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TableName}`;
    expect(Table).toEqual({
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      TableName,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TableStatus: 'ACTIVE',
      CreationDateTime: expect.any(Date),
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
      TableSizeBytes: 0,
      ItemCount: 0,
      TableArn: arn,
      TableId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
          IndexStatus: 'ACTIVE',
          ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          IndexSizeBytes: 0,
          ItemCount: 0,
          IndexArn: `${arn}/index/byG`,
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      LatestStreamLabel: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/),
      LatestStreamArn: `${arn}/stream/${Table?.LatestStreamLabel}`,
      SSEDescription: {
        Status: 'ENABLED',
        SSEType: 'KMS',
        KMSMasterKeyArn: expect.stringMatching(/^arn:aws:kms:us-east-1:/),
      },
      DeletionProtectionEnabled: false,
    });
    const tags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'data' }]);
  });

  it('reports PAY_PER_REQUEST in BillingModeSummary with zero throughput', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.BillingModeSummary).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      LastUpdateToPayPerRequestDateTime: expect.any(Date),
    });
    expect(Table?.ProvisionedThroughput).toEqual({
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: 0,
      WriteCapacityUnits: 0,
    });
  });

  it('refuses an existing name and malformed definitions with AWS texts', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(await failure(newTable(ddb, { TableName }))).toEqual({
      name: 'ResourceInUseException',
      message: `Table already exists: ${TableName}`,
      status: 400,
    });
    const base = { TableName: randomName('ddb'), BillingMode: 'PAY_PER_REQUEST' as const };
    expect(
      await failure(
        ddb.send(
          new CreateTableCommand({
            ...base,
            AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }],
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [b], AttributeDefinitions: [a]',
      status: 400,
    });
    expect(
      await failure(
        ddb.send(
          new CreateTableCommand({
            ...base,
            AttributeDefinitions: [
              { AttributeName: 'a', AttributeType: 'S' },
              { AttributeName: 'x', AttributeType: 'S' },
            ],
            KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
          }),
        ),
      ),
    ).toMatchObject({
      message:
        'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    });
    expect(
      await failure(
        ddb.send(
          new CreateTableCommand({
            ...base,
            BillingMode: 'PROVISIONED',
            AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
          }),
        ),
      ),
    ).toMatchObject({
      message:
        'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    });
  });

  it('says which table is missing in DescribeTable', async () => {
    const TableName = randomName('missing');
    expect(await failure(t.dynamodb().send(new DescribeTableCommand({ TableName })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: Table: ${TableName} not found`,
      status: 400,
    });
  });
});

describe('ListTables', () => {
  it('pages in name order with ExclusiveStartTableName and Limit', async () => {
    const ddb = t.dynamodb();
    const prefix = randomName('list');
    const names = await Promise.all(
      [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`].map((TableName) => newTable(ddb, { TableName })),
    );
    const first = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: `${prefix}-`, Limit: 2 }));
    expect(first.TableNames).toEqual(names.slice(0, 2));
    expect(first.LastEvaluatedTableName).toBe(names[1]);
    const rest = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: first.LastEvaluatedTableName }));
    expect(rest.TableNames?.[0]).toBe(names[2]);
  });
});

describe('UpdateTable', () => {
  it('adds a GSI that is CREATING then ACTIVE, switches billing and enables a new stream', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    const updated = await ddb.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'byG',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    expect(updated.TableDescription?.TableStatus).toBe('UPDATING');
    expect(updated.TableDescription?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'byG',
      IndexStatus: 'CREATING',
    });
    await waitFor('the index to be ACTIVE', async () => {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
      return Table?.TableStatus === 'ACTIVE' && Table.GlobalSecondaryIndexes?.[0]?.IndexStatus === 'ACTIVE'
        ? true
        : undefined;
    });
    expect(
      await failure(ddb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }))),
    ).toMatchObject({ name: 'ValidationException' });
    const streamed = await ddb.send(
      new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
    );
    expect(streamed.TableDescription?.LatestStreamArn).toContain(`table/${TableName}/stream/`);
    await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName });
    const provisioned = await ddb.send(
      new UpdateTableCommand({
        TableName,
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 },
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }],
      }),
    );
    expect(provisioned.TableDescription?.ProvisionedThroughput).toMatchObject({
      ReadCapacityUnits: 2,
      WriteCapacityUnits: 2,
    });
    expect(provisioned.TableDescription?.GlobalSecondaryIndexes).toBeUndefined();
    expect(provisioned.TableDescription?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
  });

  it('rejects an update with nothing to change', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    expect(await failure(ddb.send(new UpdateTableCommand({ TableName })))).toMatchObject({
      name: 'ValidationException',
      message:
        'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
    });
  });
});

describe('DeleteTable', () => {
  it('answers DELETING and the SDK waiter sees the table gone; deletion protection blocks it', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb, { DeletionProtectionEnabled: true });
    expect(await failure(ddb.send(new DeleteTableCommand({ TableName })))).toMatchObject({
      name: 'ValidationException',
      message:
        'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    });
    await ddb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false }));
    await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName });
    const deleted = await ddb.send(new DeleteTableCommand({ TableName }));
    expect(deleted.TableDescription?.TableStatus).toBe('DELETING');
    await waitUntilTableNotExists({ client: ddb, ...WAIT }, { TableName });
  });

  it('refuses to delete a table still being created', async () => {
    const ddb = t.dynamodb();
    const TableName = randomName('ddb');
    await ddb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const result = await failure(ddb.send(new DeleteTableCommand({ TableName })));
    // The table may have become ACTIVE in between on a slow machine; then the delete succeeded.
    if (result.name !== 'Error') {
      expect(result).toMatchObject({
        name: 'ResourceInUseException',
        message: `Attempt to change a resource which is still in use: Table is being created: ${TableName}`,
      });
    }
  });
});

describe('tags and limits', () => {
  it('tags, untags and lists tags by table ARN', async () => {
    const ddb = t.dynamodb();
    const TableName = await newTable(ddb);
    const ResourceArn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TableName}`;
    await ddb.send(
      new TagResourceCommand({
        ResourceArn,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await ddb.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['a'] }));
    expect((await ddb.send(new ListTagsOfResourceCommand({ ResourceArn }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    const missing = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${randomName('nope')}`;
    expect(await failure(ddb.send(new ListTagsOfResourceCommand({ ResourceArn: missing })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('describes the account limits', async () => {
    expect(await t.dynamodb().send(new DescribeLimitsCommand({}))).toMatchObject({
      AccountMaxReadCapacityUnits: 80000,
      TableMaxWriteCapacityUnits: 40000,
    });
  });
});
