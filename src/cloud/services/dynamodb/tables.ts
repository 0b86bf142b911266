/** Tables: CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable, DescribeLimits, DescribeEndpoints. */
import type {
  AttributeDefinition,
  CreateTableInput,
  CreateTableOutput,
  DeleteTableInput,
  DeleteTableOutput,
  DescribeEndpointsResponse,
  DescribeLimitsOutput,
  DescribeTableInput,
  DescribeTableOutput,
  GlobalSecondaryIndex,
  ListTablesInput,
  ListTablesOutput,
  ProvisionedThroughput,
  UpdateTableInput,
  UpdateTableOutput,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import { decodeItem } from './attribute-values.js';
import { type DynamoDbService, type LoadedTable, tableArn } from './dynamodb-service.js';
import { invalidParameter, resourceInUse, resourceNotFound, validation } from './errors.js';
import { indexEntryKey } from './keys.js';
import { openStream } from './streams/stream-lifecycle.js';
import { describeTable, newTableId } from './table-description.js';
import { type IndexDefinition, keyNamesOf, type TableDefinition, type Throughput } from './table-model.js';
import {
  checkCapacityBounds,
  checkCreateTable,
  checkGsi,
  checkKeySchema,
  checkThroughput,
  MAX_GSIS,
} from './table-validation.js';

const DEFAULT_LIST_LIMIT = 100;
/** AWS's default quota of tables per account and region. */
const MAX_TABLES = 2500;
const DAY_MS = 24 * 60 * 60 * 1000;

function throughputOf(throughput: ProvisionedThroughput | undefined): Throughput {
  return { read: throughput?.ReadCapacityUnits ?? 0, write: throughput?.WriteCapacityUnits ?? 0, decreasesToday: 0 };
}

function gsiDefinition(index: GlobalSecondaryIndex, billingMode: string, activeAt: number): IndexDefinition {
  return {
    name: index.IndexName as string,
    key: keyNamesOf(index.KeySchema ?? []),
    projection: index.Projection ?? { ProjectionType: 'ALL' },
    ...(billingMode === 'PROVISIONED' ? { throughput: throughputOf(index.ProvisionedThroughput) } : {}),
    activeAt,
  };
}

/** A throughput change, counting decreases per UTC day as AWS does. */
function changedThroughput(current: Throughput, wanted: ProvisionedThroughput, now: number): Throughput {
  const read = wanted.ReadCapacityUnits ?? current.read;
  const write = wanted.WriteCapacityUnits ?? current.write;
  const sameDay =
    current.lastDecrease !== undefined && Math.floor(current.lastDecrease / DAY_MS) === Math.floor(now / DAY_MS);
  const next: Throughput = { ...current, read, write, decreasesToday: sameDay ? current.decreasesToday : 0 };
  if (read > current.read || write > current.write) next.lastIncrease = now;
  if (read < current.read || write < current.write) {
    next.lastDecrease = now;
    next.decreasesToday++;
  }
  return next;
}

export function tableHandlers(service: DynamoDbService): Record<string, Handler> {
  const { state } = service;
  const transitionMs = () => service.context.dynamodb.transitionMs;

  function mutableTable(ctx: RequestContext, name: string): LoadedTable {
    const table = service.describeTarget(ctx, name);
    if (table.status === 'CREATING') {
      throw resourceInUse(`Attempt to change a resource which is still in use: Table is being created: ${name}`);
    }
    if (table.status === 'UPDATING') {
      throw resourceInUse(`Attempt to change a resource which is still in use: Table is being updated: ${name}`);
    }
    return table;
  }

  /** Builds a new GSI's entries from the items already in the table. */
  function backfill(table: LoadedTable, index: IndexDefinition): void {
    for (const row of state.allItems(table.row.id)) {
      const entry = indexEntryKey(table.definition, index, decodeItem(row.item));
      if (entry) state.insertIndexEntry(table.row.id, index.name, entry.hk, entry.rk, row.hk, row.rk);
    }
  }

  return {
    CreateTable(input: CreateTableInput, ctx: RequestContext): CreateTableOutput {
      const name = input.TableName as string;
      const billingMode = input.BillingMode ?? 'PROVISIONED';
      const attributeDefinitions = input.AttributeDefinitions ?? [];
      checkCreateTable({
        AttributeDefinitions: attributeDefinitions,
        KeySchema: input.KeySchema ?? [],
        LocalSecondaryIndexes: input.LocalSecondaryIndexes,
        GlobalSecondaryIndexes: input.GlobalSecondaryIndexes,
        BillingMode: billingMode,
        ProvisionedThroughput: input.ProvisionedThroughput,
      });
      const stream = input.StreamSpecification;
      if (stream?.StreamEnabled && !stream.StreamViewType) {
        throw validation('StreamViewType is required when StreamEnabled is true');
      }
      const now = service.now();
      const activeAt = now + transitionMs();
      const definition: TableDefinition = {
        attributeDefinitions,
        key: keyNamesOf(input.KeySchema ?? []),
        gsis: (input.GlobalSecondaryIndexes ?? []).map((i) => gsiDefinition(i, billingMode, activeAt)),
        lsis: (input.LocalSecondaryIndexes ?? []).map((i) => ({
          name: i.IndexName as string,
          key: keyNamesOf(i.KeySchema ?? []),
          projection: i.Projection ?? { ProjectionType: 'ALL' },
          activeAt,
        })),
        billingMode,
        ...(billingMode === 'PAY_PER_REQUEST' ? { billingModeChangedAt: now } : {}),
        throughput: throughputOf(input.ProvisionedThroughput),
        ...(stream ? { stream: { enabled: stream.StreamEnabled === true, viewType: stream.StreamViewType } } : {}),
        ...(input.SSESpecification ? { sse: input.SSESpecification } : {}),
        deletionProtection: input.DeletionProtectionEnabled ?? false,
        ...(input.TableClass !== undefined ? { tableClass: input.TableClass } : {}),
      };
      const arn = tableArn(ctx, name);
      const created = state.transaction(() => {
        if (state.getTable(ctx.accountId, ctx.region, name)) throw resourceInUse(`Table already exists: ${name}`);
        if (state.countTables(ctx.accountId, ctx.region) >= MAX_TABLES) {
          throw new AwsError(
            'LimitExceededException',
            `Subscriber limit exceeded: Table count exceeds the limit of ${MAX_TABLES}`,
          );
        }
        const id = state.insertTable({
          account_id: ctx.accountId,
          region: ctx.region,
          name,
          table_id: newTableId(),
          created_at: now,
          active_at: activeAt,
          definition: JSON.stringify(definition),
          tags: JSON.stringify(Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value]))),
        });
        const row = state.getTable(ctx.accountId, ctx.region, name);
        if (row && definition.stream?.enabled && definition.stream.viewType) {
          const streamId = openStream(state, row, arn, definition, definition.stream.viewType, now, transitionMs());
          state.updateTable(id, { stream_id: streamId });
        }
        return state.getTable(ctx.accountId, ctx.region, name);
      });
      return { TableDescription: describeTable(service, service.load(created as NonNullable<typeof created>)) };
    },

    DescribeTable(input: DescribeTableInput, ctx: RequestContext): DescribeTableOutput {
      return { Table: describeTable(service, service.describeTarget(ctx, input.TableName as string)) };
    },

    ListTables(input: ListTablesInput, ctx: RequestContext): ListTablesOutput {
      const limit = input.Limit ?? DEFAULT_LIST_LIMIT;
      const names = state.listTableNames(ctx.accountId, ctx.region, input.ExclusiveStartTableName, limit + 1);
      const page = names.slice(0, limit);
      return {
        TableNames: page,
        ...(names.length > limit ? { LastEvaluatedTableName: page[page.length - 1] } : {}),
      };
    },

    UpdateTable(input: UpdateTableInput, ctx: RequestContext): UpdateTableOutput {
      const name = input.TableName as string;
      if (
        input.ProvisionedThroughput === undefined &&
        input.BillingMode === undefined &&
        input.StreamSpecification === undefined &&
        input.GlobalSecondaryIndexUpdates === undefined &&
        input.SSESpecification === undefined &&
        input.ReplicaUpdates === undefined &&
        input.DeletionProtectionEnabled === undefined &&
        input.TableClass === undefined &&
        input.OnDemandThroughput === undefined &&
        input.WarmThroughput === undefined
      ) {
        throw validation(
          'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
        );
      }
      const updated = state.transaction(() => {
        const table = mutableTable(ctx, name);
        const definition: TableDefinition = structuredClone(table.definition);
        const now = service.now();
        let transition = false;
        const billingMode = input.BillingMode ?? definition.billingMode;
        if (input.ProvisionedThroughput && billingMode === 'PAY_PER_REQUEST') {
          throw invalidParameter(
            'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
          );
        }
        if (input.BillingMode === 'PROVISIONED' && definition.billingMode !== 'PROVISIONED') {
          if (!input.ProvisionedThroughput) {
            throw invalidParameter('ProvisionedThroughput must be specified when BillingMode is PROVISIONED');
          }
          checkThroughput('PROVISIONED', input.ProvisionedThroughput);
        }
        if (input.BillingMode !== undefined && input.BillingMode !== definition.billingMode) {
          definition.billingMode = input.BillingMode;
          if (input.BillingMode === 'PAY_PER_REQUEST') {
            definition.billingModeChangedAt = now;
            definition.throughput = throughputOf(undefined);
            for (const gsi of definition.gsis) delete gsi.throughput;
          }
          transition = true;
        }
        if (input.ProvisionedThroughput) {
          checkCapacityBounds(input.ProvisionedThroughput);
          const current = definition.throughput;
          if (
            input.BillingMode === undefined &&
            input.ProvisionedThroughput.ReadCapacityUnits === current.read &&
            input.ProvisionedThroughput.WriteCapacityUnits === current.write &&
            input.GlobalSecondaryIndexUpdates === undefined &&
            input.StreamSpecification === undefined
          ) {
            throw validation(
              `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${current.read}. Requested ReadCapacityUnits: ${current.read}. Current WriteCapacityUnits provisioned for the table: ${current.write}. Requested WriteCapacityUnits: ${current.write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
            );
          }
          definition.throughput = changedThroughput(current, input.ProvisionedThroughput, now);
          transition = true;
        }
        const attributeDefinitions: AttributeDefinition[] = [...definition.attributeDefinitions];
        for (const added of input.AttributeDefinitions ?? []) {
          const existing = attributeDefinitions.find((a) => a.AttributeName === added.AttributeName);
          if (existing && existing.AttributeType !== added.AttributeType) {
            throw invalidParameter(
              `Cannot change the type of attribute ${added.AttributeName} from ${existing.AttributeType} to ${added.AttributeType}`,
            );
          }
          if (!existing) attributeDefinitions.push(added);
        }
        const updatedIndexes = new Set<string>();
        for (const update of input.GlobalSecondaryIndexUpdates ?? []) {
          const indexName = update.Create?.IndexName ?? update.Update?.IndexName ?? update.Delete?.IndexName;
          if ([update.Create, update.Update, update.Delete].filter((u) => u !== undefined).length !== 1) {
            throw invalidParameter(
              'One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null',
            );
          }
          if (updatedIndexes.has(indexName as string)) {
            throw invalidParameter(
              `Only one global secondary index update per index is allowed simultaneously. Index: ${indexName}`,
            );
          }
          updatedIndexes.add(indexName as string);
          if (update.Create) {
            const create = update.Create;
            if (
              definition.gsis.some((g) => g.name === create.IndexName) ||
              definition.lsis.some((l) => l.name === create.IndexName)
            ) {
              throw validation(
                `One or more parameter values were invalid: Index with name: ${create.IndexName} already exists`,
              );
            }
            if (definition.gsis.length >= MAX_GSIS) {
              throw invalidParameter(`GlobalSecondaryIndex count exceeds the per-table limit of ${MAX_GSIS}`);
            }
            checkGsi(create as GlobalSecondaryIndex, attributeDefinitions, definition.billingMode);
            checkKeySchema(create.KeySchema ?? [], attributeDefinitions);
            const index = gsiDefinition(create as GlobalSecondaryIndex, definition.billingMode, now + transitionMs());
            definition.gsis.push(index);
            backfill({ ...table, definition: { ...definition, attributeDefinitions } }, index);
          } else if (update.Delete) {
            if (!definition.gsis.some((g) => g.name === indexName)) throw resourceNotFound();
            definition.gsis = definition.gsis.filter((g) => g.name !== indexName);
            state.dropIndex(table.row.id, indexName as string);
          } else if (update.Update) {
            const gsi = definition.gsis.find((g) => g.name === indexName);
            if (!gsi) throw resourceNotFound();
            if (update.Update.ProvisionedThroughput) {
              if (definition.billingMode === 'PAY_PER_REQUEST') {
                throw invalidParameter(
                  `ProvisionedThroughput should not be specified for index: ${indexName} when BillingMode is PAY_PER_REQUEST`,
                );
              }
              gsi.throughput = changedThroughput(
                gsi.throughput ?? throughputOf(undefined),
                update.Update.ProvisionedThroughput,
                now,
              );
            }
          }
          transition = true;
        }
        // Only attributes some key schema uses are kept, as AWS does after an index is dropped.
        const used = new Set(
          [definition.key, ...definition.lsis.map((i) => i.key), ...definition.gsis.map((i) => i.key)].flatMap((k) =>
            k.range !== undefined ? [k.hash, k.range] : [k.hash],
          ),
        );
        definition.attributeDefinitions = attributeDefinitions.filter((a) => used.has(a.AttributeName as string));
        const changes: Parameters<typeof state.updateTable>[1] = {};
        const stream = input.StreamSpecification;
        if (stream) {
          const current = definition.stream?.enabled ? definition.stream : undefined;
          if (stream.StreamEnabled) {
            if (!stream.StreamViewType) throw validation('StreamViewType is required when StreamEnabled is true');
            if (current) throw validation(`Table already has an enabled stream: TableName: ${name}`);
            definition.stream = { enabled: true, viewType: stream.StreamViewType };
            changes.stream_id = openStream(
              state,
              table.row,
              table.arn,
              definition,
              stream.StreamViewType,
              now,
              transitionMs(),
            );
          } else {
            if (!current) throw validation(`Table already has no enabled stream: TableName: ${name}`);
            definition.stream = { enabled: false };
            if (table.row.stream_id !== null) state.closeStream(table.row.stream_id, now);
          }
          transition = true;
        }
        if (input.SSESpecification) {
          definition.sse = input.SSESpecification;
          transition = true;
        }
        if (input.DeletionProtectionEnabled !== undefined)
          definition.deletionProtection = input.DeletionProtectionEnabled;
        if (input.TableClass !== undefined) {
          definition.tableClass = input.TableClass;
          transition = true;
        }
        changes.definition = JSON.stringify(definition);
        if (transition) changes.updating_until = now + transitionMs();
        state.updateTable(table.row.id, changes);
        return service.load(
          state.getTable(ctx.accountId, ctx.region, name) as NonNullable<ReturnType<typeof state.getTable>>,
        );
      });
      return { TableDescription: describeTable(service, updated) };
    },

    DeleteTable(input: DeleteTableInput, ctx: RequestContext): DeleteTableOutput {
      const name = input.TableName as string;
      const description = state.transaction(() => {
        const table = service.describeTarget(ctx, name);
        if (table.status === 'CREATING') {
          throw resourceInUse(`Attempt to change a resource which is still in use: Table is being created: ${name}`);
        }
        if (table.definition.deletionProtection) {
          throw validation(
            'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
          );
        }
        const described = describeTable(service, table, 'DELETING');
        if (table.row.stream_id !== null) state.closeStream(table.row.stream_id, service.now());
        state.deleteTable(table.row.id);
        return described;
      });
      return { TableDescription: description };
    },

    DescribeLimits(): DescribeLimitsOutput {
      return {
        AccountMaxReadCapacityUnits: 80000,
        AccountMaxWriteCapacityUnits: 80000,
        TableMaxReadCapacityUnits: 40000,
        TableMaxWriteCapacityUnits: 40000,
      };
    },

    DescribeEndpoints(_input: unknown, ctx: RequestContext): DescribeEndpointsResponse {
      return { Endpoints: [{ Address: new URL(ctx.endpoint).host, CachePeriodInMinutes: 1440 }] };
    },
  };
}
