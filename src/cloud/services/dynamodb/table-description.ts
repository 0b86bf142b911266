/** DescribeTable's TableDescription (also returned by CreateTable, UpdateTable and DeleteTable). */
import { randomUUID } from 'node:crypto';
import type {
  GlobalSecondaryIndexDescription,
  LocalSecondaryIndexDescription,
  ProvisionedThroughputDescription,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDbService, LoadedTable } from './dynamodb-service.js';
import { keySchemaOf, type Throughput } from './table-model.js';

export function throughputDescription(throughput: Throughput | undefined): ProvisionedThroughputDescription {
  return {
    ...(throughput?.lastIncrease !== undefined ? { LastIncreaseDateTime: new Date(throughput.lastIncrease) } : {}),
    ...(throughput?.lastDecrease !== undefined ? { LastDecreaseDateTime: new Date(throughput.lastDecrease) } : {}),
    NumberOfDecreasesToday: throughput?.decreasesToday ?? 0,
    ReadCapacityUnits: throughput?.read ?? 0,
    WriteCapacityUnits: throughput?.write ?? 0,
  };
}

/** The AWS managed key's ARN AWS reports for KMS encryption without a customer key. */
function managedKeyArn(table: LoadedTable): string {
  return `arn:aws:kms:${table.row.region}:${table.row.account_id}:key/${table.row.table_id}`;
}

export function describeTable(
  service: DynamoDbService,
  table: LoadedTable,
  status: TableDescription['TableStatus'] = table.status,
): TableDescription {
  const { row, definition, arn } = table;
  const creating = status === 'CREATING';
  const stats = creating ? { count: 0, bytes: 0 } : service.state.tableStatistics(row.id);
  const stream = row.stream_id !== null ? service.state.getStreamById(row.stream_id) : undefined;
  const now = service.now();
  const indexStats = (name: string) =>
    creating ? { count: 0, bytes: 0 } : service.state.indexStatistics(row.id, name);
  const lsis = definition.lsis.map((index): LocalSecondaryIndexDescription => {
    const s = indexStats(index.name);
    return {
      IndexName: index.name,
      KeySchema: keySchemaOf(index.key),
      Projection: index.projection,
      IndexSizeBytes: s.bytes,
      ItemCount: s.count,
      IndexArn: `${arn}/index/${index.name}`,
    };
  });
  const gsis = definition.gsis.map((index): GlobalSecondaryIndexDescription => {
    const s = indexStats(index.name);
    const indexCreating = creating || now < index.activeAt;
    return {
      IndexName: index.name,
      KeySchema: keySchemaOf(index.key),
      Projection: index.projection,
      IndexStatus: status === 'DELETING' ? 'DELETING' : indexCreating ? 'CREATING' : 'ACTIVE',
      ...(indexCreating && !creating ? { Backfilling: true } : {}),
      ProvisionedThroughput: throughputDescription(index.throughput),
      IndexSizeBytes: s.bytes,
      ItemCount: s.count,
      IndexArn: `${arn}/index/${index.name}`,
    };
  });
  const sse = definition.sse;
  return {
    AttributeDefinitions: definition.attributeDefinitions,
    TableName: row.name,
    KeySchema: keySchemaOf(definition.key),
    TableStatus: status,
    CreationDateTime: new Date(row.created_at),
    ProvisionedThroughput: throughputDescription(
      definition.billingMode === 'PROVISIONED' ? definition.throughput : undefined,
    ),
    TableSizeBytes: stats.bytes,
    ItemCount: stats.count,
    TableArn: arn,
    TableId: row.table_id,
    ...(definition.billingModeChangedAt !== undefined || definition.billingMode === 'PAY_PER_REQUEST'
      ? {
          BillingModeSummary: {
            BillingMode: definition.billingMode,
            ...(definition.billingModeChangedAt !== undefined
              ? { LastUpdateToPayPerRequestDateTime: new Date(definition.billingModeChangedAt) }
              : {}),
          },
        }
      : {}),
    ...(lsis.length > 0 ? { LocalSecondaryIndexes: lsis } : {}),
    ...(gsis.length > 0 ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(definition.stream?.enabled
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream.viewType } }
      : {}),
    ...(stream ? { LatestStreamLabel: stream.label, LatestStreamArn: stream.arn } : {}),
    ...(sse?.Enabled
      ? {
          SSEDescription: {
            Status: 'ENABLED',
            SSEType: 'KMS',
            KMSMasterKeyArn: sse.KMSMasterKeyId?.startsWith('arn:')
              ? sse.KMSMasterKeyId
              : sse.KMSMasterKeyId !== undefined
                ? `arn:aws:kms:${row.region}:${row.account_id}:key/${sse.KMSMasterKeyId}`
                : managedKeyArn(table),
          },
        }
      : {}),
    ...(definition.tableClass !== undefined
      ? { TableClassSummary: { TableClass: definition.tableClass as 'STANDARD' } }
      : {}),
    DeletionProtectionEnabled: definition.deletionProtection,
  };
}

export function newTableId(): string {
  return randomUUID();
}
