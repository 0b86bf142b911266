/**
 * CloudFormation's persistent state: stacks (with the template and parameters of their current
 * deployment), their resources (physical ids, resolved properties, attributes), events, change
 * sets and exports. A stack's row is rewritten as an operation moves it through its statuses, so
 * a restart finds every stack in a known state (in-progress ones are ended by `interrupted()`).
 */
import { type Migration, SqlState } from '../../store/database.js';

export const cloudFormationMigrations: Migration[] = [
  {
    id: 'cloudformation-001-schema',
    sql: `
      CREATE TABLE cfn_stacks (
        stack_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER,
        deleted_at INTEGER
      );
      CREATE INDEX cfn_stacks_name ON cfn_stacks (account_id, region, name, deleted_at);
      CREATE TABLE cfn_resources (
        stack_id TEXT NOT NULL,
        logical_id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (stack_id, logical_id)
      );
      CREATE TABLE cfn_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        stack_id TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX cfn_events_stack ON cfn_events (stack_id, seq);
      CREATE TABLE cfn_change_sets (
        change_set_id TEXT PRIMARY KEY,
        stack_id TEXT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX cfn_change_sets_stack ON cfn_change_sets (stack_id, name);
      CREATE TABLE cfn_exports (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        stack_id TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
      );
    `,
  },
];

export interface StackParameter {
  ParameterKey: string;
  ParameterValue: string;
}

/** What a stack deploys; the previous deployment is kept during an update for rollback. */
export interface Deployment {
  templateBody: string;
  parameters: StackParameter[];
  /** Parameter keys declared NoEcho (their values are masked in every response). */
  noEcho: string[];
}

export interface StackData {
  deployment: Deployment;
  previous?: Deployment;
  description?: string;
  capabilities: string[];
  tags: { Key: string; Value: string }[];
  notificationArns: string[];
  disableRollback: boolean;
  terminationProtection: boolean;
  roleArn?: string;
  timeoutInMinutes?: number;
  outputs: { OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }[];
  /** The change set that created the stack (REVIEW_IN_PROGRESS) or was last executed. */
  changeSetId?: string;
  /** For a nested stack: the stack id of its parent, and of the root of its tree. */
  parentId?: string;
  rootId?: string;
  /** Export names the current deployment imports with Fn::ImportValue (for ListImports and delete checks). */
  imports: string[];
}

export interface StackRecord {
  stackId: string;
  accountId: string;
  region: string;
  name: string;
  status: string;
  statusReason: string | undefined;
  data: StackData;
  createdAt: number;
  updatedAt: number | undefined;
  deletedAt: number | undefined;
}

export interface ResourceRecord {
  logicalId: string;
  type: string;
  physicalId: string | undefined;
  status: string;
  statusReason?: string;
  /** Properties as resolved when the resource was last created or updated. */
  properties: Record<string, unknown>;
  attributes: Record<string, unknown>;
  updatedAt: number;
  metadata?: unknown;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
  description?: string;
}

export interface StackEventRecord {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Timestamp: number;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
  ClientRequestToken?: string;
}

export interface ChangeSetRecord {
  changeSetId: string;
  stackId: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  statusReason?: string;
  executionStatus: string;
  createdAt: number;
  description?: string;
  deployment: Deployment;
  capabilities: string[];
  tags: { Key: string; Value: string }[];
  changes: unknown[];
}

interface StackRow {
  stack_id: string;
  account_id: string;
  region: string;
  name: string;
  status: string;
  status_reason: string | null;
  data: string;
  created_at: number;
  updated_at: number | null;
  deleted_at: number | null;
}

function toStack(row: StackRow): StackRecord {
  return {
    stackId: row.stack_id,
    accountId: row.account_id,
    region: row.region,
    name: row.name,
    status: row.status,
    statusReason: row.status_reason ?? undefined,
    data: JSON.parse(row.data) as StackData,
    createdAt: row.created_at,
    updatedAt: row.updated_at ?? undefined,
    deletedAt: row.deleted_at ?? undefined,
  };
}

export class CloudFormationState extends SqlState {
  // Stacks

  /** The live (not deleted) stack with this name. */
  stackByName(accountId: string, region: string, name: string): StackRecord | undefined {
    const row = this.sql(
      'SELECT * FROM cfn_stacks WHERE account_id = ? AND region = ? AND name = ? AND deleted_at IS NULL',
    ).get(accountId, region, name) as StackRow | undefined;
    return row ? toStack(row) : undefined;
  }

  stackById(stackId: string): StackRecord | undefined {
    const row = this.sql('SELECT * FROM cfn_stacks WHERE stack_id = ?').get(stackId) as StackRow | undefined;
    return row ? toStack(row) : undefined;
  }

  /** Live stacks, and deleted ones too when `includeDeleted` (ListStacks shows them for 90 days). */
  listStacks(accountId: string, region: string, includeDeleted: boolean): StackRecord[] {
    const rows = this.sql(
      `SELECT * FROM cfn_stacks WHERE account_id = ? AND region = ? AND (deleted_at IS NULL OR ?) ORDER BY created_at DESC`,
    ).all(accountId, region, includeDeleted ? 1 : 0) as StackRow[];
    return rows.map(toStack);
  }

  putStack(stack: StackRecord): void {
    this.sql(
      `INSERT OR REPLACE INTO cfn_stacks (stack_id, account_id, region, name, status, status_reason, data, created_at, updated_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      stack.stackId,
      stack.accountId,
      stack.region,
      stack.name,
      stack.status,
      stack.statusReason ?? null,
      JSON.stringify(stack.data),
      stack.createdAt,
      stack.updatedAt ?? null,
      stack.deletedAt ?? null,
    );
  }

  /** Stacks an interrupted process left in an *_IN_PROGRESS status. */
  inProgressStacks(): StackRecord[] {
    const rows = this.sql(
      `SELECT * FROM cfn_stacks WHERE deleted_at IS NULL AND status LIKE '%_IN_PROGRESS' AND status != 'REVIEW_IN_PROGRESS'`,
    ).all() as StackRow[];
    return rows.map(toStack);
  }

  // Resources

  resources(stackId: string): ResourceRecord[] {
    const rows = this.sql('SELECT data FROM cfn_resources WHERE stack_id = ? ORDER BY rowid').all(stackId) as {
      data: string;
    }[];
    return rows.map((r) => JSON.parse(r.data) as ResourceRecord);
  }

  resource(stackId: string, logicalId: string): ResourceRecord | undefined {
    const row = this.sql('SELECT data FROM cfn_resources WHERE stack_id = ? AND logical_id = ?').get(
      stackId,
      logicalId,
    ) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ResourceRecord) : undefined;
  }

  putResource(stackId: string, resource: ResourceRecord): void {
    this.sql('INSERT OR REPLACE INTO cfn_resources (stack_id, logical_id, data) VALUES (?, ?, ?)').run(
      stackId,
      resource.logicalId,
      JSON.stringify(resource),
    );
  }

  deleteResource(stackId: string, logicalId: string): void {
    this.sql('DELETE FROM cfn_resources WHERE stack_id = ? AND logical_id = ?').run(stackId, logicalId);
  }

  // Events

  addEvent(event: StackEventRecord): void {
    this.sql('INSERT INTO cfn_events (stack_id, data) VALUES (?, ?)').run(event.StackId, JSON.stringify(event));
  }

  /** Newest first, as DescribeStackEvents lists them. */
  events(stackId: string): StackEventRecord[] {
    const rows = this.sql('SELECT data FROM cfn_events WHERE stack_id = ? ORDER BY seq DESC').all(stackId) as {
      data: string;
    }[];
    return rows.map((r) => JSON.parse(r.data) as StackEventRecord);
  }

  // Change sets

  putChangeSet(changeSet: ChangeSetRecord): void {
    this.sql('INSERT OR REPLACE INTO cfn_change_sets (change_set_id, stack_id, name, data) VALUES (?, ?, ?, ?)').run(
      changeSet.changeSetId,
      changeSet.stackId,
      changeSet.name,
      JSON.stringify(changeSet),
    );
  }

  changeSetById(id: string): ChangeSetRecord | undefined {
    const row = this.sql('SELECT data FROM cfn_change_sets WHERE change_set_id = ?').get(id) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as ChangeSetRecord) : undefined;
  }

  changeSetByName(stackId: string, name: string): ChangeSetRecord | undefined {
    const row = this.sql('SELECT data FROM cfn_change_sets WHERE stack_id = ? AND name = ?').get(stackId, name) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as ChangeSetRecord) : undefined;
  }

  changeSets(stackId: string): ChangeSetRecord[] {
    const rows = this.sql('SELECT data FROM cfn_change_sets WHERE stack_id = ? ORDER BY rowid').all(stackId) as {
      data: string;
    }[];
    return rows.map((r) => JSON.parse(r.data) as ChangeSetRecord);
  }

  deleteChangeSet(id: string): void {
    this.sql('DELETE FROM cfn_change_sets WHERE change_set_id = ?').run(id);
  }

  deleteChangeSets(stackId: string): void {
    this.sql('DELETE FROM cfn_change_sets WHERE stack_id = ?').run(stackId);
  }

  // Exports

  exportsOf(accountId: string, region: string): { name: string; value: string; stackId: string }[] {
    return this.sql(
      'SELECT name, value, stack_id AS stackId FROM cfn_exports WHERE account_id = ? AND region = ? ORDER BY name',
    ).all(accountId, region) as { name: string; value: string; stackId: string }[];
  }

  exportNamed(accountId: string, region: string, name: string): { value: string; stackId: string } | undefined {
    return this.sql(
      'SELECT value, stack_id AS stackId FROM cfn_exports WHERE account_id = ? AND region = ? AND name = ?',
    ).get(accountId, region, name) as { value: string; stackId: string } | undefined;
  }

  /** Replaces a stack's exports with `exports`. */
  setExports(accountId: string, region: string, stackId: string, exports: { name: string; value: string }[]): void {
    this.sql('DELETE FROM cfn_exports WHERE stack_id = ?').run(stackId);
    const insert = this.sql(
      'INSERT INTO cfn_exports (account_id, region, name, value, stack_id) VALUES (?, ?, ?, ?, ?)',
    );
    for (const e of exports) insert.run(accountId, region, e.name, e.value, stackId);
  }
}
