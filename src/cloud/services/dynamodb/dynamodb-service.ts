/**
 * What the DynamoDB handlers share: finding a table in the caller's account and region, its
 * lifecycle (CREATING -> ACTIVE and UPDATING as timestamps, so they are right after a restart),
 * reading items, and running writes in one transaction that announces stream records after it
 * commits.
 */
import type { CloudContext } from '../../context.js';
import type { RequestContext } from '../../service.js';
import { deepFreeze } from '../../store/database.js';
import { decodeItem, type Item } from './attribute-values.js';
import { resourceNotFound, tableNotFound } from './errors.js';
import { ItemWriter, type WritableTable } from './item-writer.js';
import type { EncodedKey } from './keys.js';
import type { DynamoDbState, TableRow } from './state.js';
import type { TableDefinition } from './table-model.js';

export interface Scope {
  accountId: string;
  region: string;
}

export type TableStatus = 'CREATING' | 'UPDATING' | 'ACTIVE';

/** A table with its parsed definition. */
export interface LoadedTable extends WritableTable {
  status: TableStatus;
}

export function tableArn(scope: Scope, name: string): string {
  return `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
}

const TABLE_ARN = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/;

/** TableName may also be the table's ARN (AWS accepts both); another account's or region's is not found. */
function tableKey(scope: Scope, name: string): Scope & { name: string } {
  const match = TABLE_ARN.exec(name);
  if (!match) return { accountId: scope.accountId, region: scope.region, name };
  const [, region, accountId, tableName] = match as unknown as [string, string, string, string];
  return { accountId, region, name: tableName };
}

/** What the service needs from the cloud (a narrow slice, so it can also run on a bare database). */
export type DynamoDbContext = Pick<CloudContext, 'db' | 'now' | 'events' | 'dynamodb' | 'log'>;

export class DynamoDbService {
  /** Parsed definitions by row: the state hands out the same row object until the table changes. */
  private readonly definitions = new WeakMap<TableRow, TableDefinition>();

  constructor(
    readonly state: DynamoDbState,
    readonly context: DynamoDbContext,
  ) {}

  now(): number {
    return this.context.now();
  }

  status(row: TableRow): TableStatus {
    const now = this.now();
    if (now < row.active_at) return 'CREATING';
    return now < row.updating_until ? 'UPDATING' : 'ACTIVE';
  }

  load(row: TableRow): LoadedTable {
    let definition = this.definitions.get(row);
    if (!definition) {
      definition = deepFreeze(JSON.parse(row.definition) as TableDefinition);
      this.definitions.set(row, definition);
    }
    return {
      row,
      definition,
      arn: tableArn({ accountId: row.account_id, region: row.region }, row.name),
      status: this.status(row),
    };
  }

  /** The table, in any state (DescribeTable and the control plane); TableNotFound names it. */
  describeTarget(scope: Scope, name: string): LoadedTable {
    const key = tableKey(scope, name);
    const row = this.state.getTable(key.accountId, key.region, key.name);
    if (!row || key.accountId !== scope.accountId) throw tableNotFound(name);
    return this.load(row);
  }

  /** The table for item operations: a table still being created is not found yet, as on AWS. */
  table(scope: Scope | RequestContext, name: string): LoadedTable {
    const key = tableKey(scope, name);
    const row = this.state.getTable(key.accountId, key.region, key.name);
    if (!row || key.accountId !== scope.accountId) throw resourceNotFound();
    const table = this.load(row);
    if (table.status === 'CREATING') throw resourceNotFound();
    return table;
  }

  readItem(table: WritableTable, key: EncodedKey): Item | undefined {
    const row = this.state.getItem(table.row.id, key.hk, key.rk);
    return row ? decodeItem(row.item) : undefined;
  }

  /** Runs `fn` in one transaction; streams that received records are announced after the commit. */
  write<T>(fn: (writer: ItemWriter) => T): T {
    const writer = new ItemWriter(this.state, () => this.now());
    const result = this.state.transaction(() => fn(writer));
    for (const touched of writer.touched.values()) this.context.events.emit('dynamodb.stream-records', touched);
    return result;
  }
}
