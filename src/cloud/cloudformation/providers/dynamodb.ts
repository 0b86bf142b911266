/**
 * AWS::DynamoDB::Table through the local DynamoDB service. Like CloudFormation, create and update
 * wait until the table (and each index) is ACTIVE. Ref is the table name; GetAtt Arn and
 * StreamArn. TableName, KeySchema and LocalSecondaryIndexes replace the table (AWS's resource
 * reference); everything else updates in place, one GSI change per UpdateTable as AWS requires.
 */
import {
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ProvisionedResource,
  type ResourceProvider,
  stabilize,
} from './provider.js';

type Tag = { Key: string; Value: string };
type Gsi = Record<string, unknown> & { IndexName: string };
type TableDescription = {
  TableStatus?: string;
  TableArn?: string;
  LatestStreamArn?: string;
  StreamSpecification?: { StreamEnabled?: boolean };
  GlobalSecondaryIndexes?: { IndexStatus?: string }[];
};

/** CloudFormation templates may give numbers as strings; the API wants numbers. */
function throughput(value: unknown): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const t = value as Record<string, unknown>;
  return { ReadCapacityUnits: Number(t['ReadCapacityUnits']), WriteCapacityUnits: Number(t['WriteCapacityUnits']) };
}

function gsiInput(gsi: Gsi): Record<string, unknown> {
  const { ProvisionedThroughput, ContributorInsightsSpecification: _insights, ...rest } = gsi;
  return { ...rest, ...(ProvisionedThroughput ? { ProvisionedThroughput: throughput(ProvisionedThroughput) } : {}) };
}

function sseInput(sse: unknown): Record<string, unknown> | undefined {
  if (sse === undefined) return undefined;
  const s = sse as Record<string, unknown>;
  return {
    Enabled: s['SSEEnabled'] === true || s['SSEEnabled'] === 'true',
    ...(s['SSEType'] !== undefined ? { SSEType: s['SSEType'] } : {}),
    ...(s['KMSMasterKeyId'] !== undefined ? { KMSMasterKeyId: s['KMSMasterKeyId'] } : {}),
  };
}

function streamViewType(properties: Properties): string | undefined {
  return (properties['StreamSpecification'] as { StreamViewType?: string } | undefined)?.StreamViewType;
}

/** Polls until the table and its indexes are ACTIVE (CloudFormation's stabilization). */
function tableActive(name: string, ctx: ProviderContext): Promise<TableDescription> {
  return stabilize(`Table ${name}`, async () => {
    const { Table } = await ctx.call<{ Table: TableDescription }>('dynamodb', 'DescribeTable', { TableName: name });
    const indexesActive = (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    return Table.TableStatus === 'ACTIVE' && indexesActive ? Table : undefined;
  });
}

function resourceOf(name: string, table: TableDescription): ProvisionedResource {
  return {
    physicalId: name,
    attributes: { Arn: table.TableArn, ...(table.LatestStreamArn ? { StreamArn: table.LatestStreamArn } : {}) },
  };
}

async function setTimeToLive(name: string, next: unknown, previous: unknown, ctx: ProviderContext): Promise<void> {
  const wanted = next as { AttributeName?: string; Enabled?: boolean | string } | undefined;
  const had = previous as { AttributeName?: string; Enabled?: boolean | string } | undefined;
  const enabled = (spec: typeof wanted) => spec?.Enabled === true || spec?.Enabled === 'true';
  if (enabled(had) && (!enabled(wanted) || had?.AttributeName !== wanted?.AttributeName)) {
    await ctx.call('dynamodb', 'UpdateTimeToLive', {
      TableName: name,
      TimeToLiveSpecification: { Enabled: false, AttributeName: had?.AttributeName },
    });
  }
  if (enabled(wanted) && (!enabled(had) || had?.AttributeName !== wanted?.AttributeName)) {
    await ctx.call('dynamodb', 'UpdateTimeToLive', {
      TableName: name,
      TimeToLiveSpecification: { Enabled: true, AttributeName: wanted?.AttributeName },
    });
  }
}

export const tableProvider: ResourceProvider = {
  type: 'AWS::DynamoDB::Table',
  attributes: ['Arn', 'StreamArn'],
  replaceOn: ['TableName', 'KeySchema', 'LocalSecondaryIndexes'],
  async create(properties, ctx) {
    const name = (properties['TableName'] as string | undefined) ?? ctx.generateName(255);
    const viewType = streamViewType(properties);
    const billingMode = (properties['BillingMode'] as string | undefined) ?? 'PROVISIONED';
    await ctx.call('dynamodb', 'CreateTable', {
      TableName: name,
      AttributeDefinitions: properties['AttributeDefinitions'],
      KeySchema: properties['KeySchema'],
      BillingMode: billingMode,
      ...(properties['ProvisionedThroughput']
        ? { ProvisionedThroughput: throughput(properties['ProvisionedThroughput']) }
        : {}),
      ...(properties['GlobalSecondaryIndexes']
        ? { GlobalSecondaryIndexes: (properties['GlobalSecondaryIndexes'] as Gsi[]).map(gsiInput) }
        : {}),
      ...(properties['LocalSecondaryIndexes'] ? { LocalSecondaryIndexes: properties['LocalSecondaryIndexes'] } : {}),
      ...(viewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } } : {}),
      ...(properties['SSESpecification'] ? { SSESpecification: sseInput(properties['SSESpecification']) } : {}),
      ...(properties['TableClass'] ? { TableClass: properties['TableClass'] } : {}),
      ...(properties['DeletionProtectionEnabled'] !== undefined
        ? { DeletionProtectionEnabled: String(properties['DeletionProtectionEnabled']) === 'true' }
        : {}),
      ...(properties['Tags'] ? { Tags: properties['Tags'] } : {}),
    });
    const table = await tableActive(name, ctx);
    await setTimeToLive(name, properties['TimeToLiveSpecification'], undefined, ctx);
    return resourceOf(name, table);
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    const changed = (key: string) => JSON.stringify(properties[key]) !== JSON.stringify(previous[key]);
    const update = async (input: Record<string, unknown>) => {
      await ctx.call('dynamodb', 'UpdateTable', { TableName: name, ...input });
      await tableActive(name, ctx);
    };
    if (changed('BillingMode') || changed('ProvisionedThroughput')) {
      const billingMode = (properties['BillingMode'] as string | undefined) ?? 'PROVISIONED';
      await update({
        BillingMode: billingMode,
        ...(billingMode === 'PROVISIONED'
          ? { ProvisionedThroughput: throughput(properties['ProvisionedThroughput']) }
          : {}),
      });
    }
    if (changed('GlobalSecondaryIndexes')) {
      const before = new Map(
        ((previous['GlobalSecondaryIndexes'] as Gsi[] | undefined) ?? []).map((g) => [g.IndexName, g]),
      );
      const after = new Map(
        ((properties['GlobalSecondaryIndexes'] as Gsi[] | undefined) ?? []).map((g) => [g.IndexName, g]),
      );
      for (const [indexName, gsi] of before) {
        const next = after.get(indexName);
        if (
          !next ||
          JSON.stringify(next['KeySchema']) !== JSON.stringify(gsi['KeySchema']) ||
          JSON.stringify(next['Projection']) !== JSON.stringify(gsi['Projection'])
        ) {
          await update({ GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: indexName } }] });
          before.delete(indexName);
        } else if (
          JSON.stringify(next['ProvisionedThroughput']) !== JSON.stringify(gsi['ProvisionedThroughput']) &&
          next['ProvisionedThroughput']
        ) {
          await update({
            GlobalSecondaryIndexUpdates: [
              { Update: { IndexName: indexName, ProvisionedThroughput: throughput(next['ProvisionedThroughput']) } },
            ],
          });
        }
      }
      for (const [indexName, gsi] of after) {
        if (before.has(indexName)) continue;
        await update({
          AttributeDefinitions: properties['AttributeDefinitions'],
          GlobalSecondaryIndexUpdates: [{ Create: gsiInput(gsi) }],
        });
      }
    }
    if (changed('StreamSpecification')) {
      const hadStream = streamViewType(previous) !== undefined;
      if (hadStream) await update({ StreamSpecification: { StreamEnabled: false } });
      const viewType = streamViewType(properties);
      if (viewType) await update({ StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } });
    }
    if (changed('SSESpecification') && properties['SSESpecification']) {
      await update({ SSESpecification: sseInput(properties['SSESpecification']) });
    }
    if (changed('TableClass') && properties['TableClass']) await update({ TableClass: properties['TableClass'] });
    if (changed('DeletionProtectionEnabled')) {
      await update({ DeletionProtectionEnabled: String(properties['DeletionProtectionEnabled']) === 'true' });
    }
    if (changed('TimeToLiveSpecification')) {
      await setTimeToLive(name, properties['TimeToLiveSpecification'], previous['TimeToLiveSpecification'], ctx);
    }
    if (changed('Tags')) {
      const arn = current.attributes['Arn'] as string;
      const wanted = (properties['Tags'] as Tag[] | undefined) ?? [];
      const removed = ((previous['Tags'] as Tag[] | undefined) ?? [])
        .map((t) => t.Key)
        .filter((k) => !wanted.some((t) => t.Key === k));
      if (removed.length > 0) await ctx.call('dynamodb', 'UntagResource', { ResourceArn: arn, TagKeys: removed });
      if (wanted.length > 0) await ctx.call('dynamodb', 'TagResource', { ResourceArn: arn, Tags: wanted });
    }
    return resourceOf(name, await tableActive(name, ctx));
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('dynamodb', 'DeleteTable', { TableName: current.physicalId }), [
      'ResourceNotFoundException',
    ]);
  },
};
