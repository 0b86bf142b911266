/**
 * Event source mappings in SQLite, with what the pollers keep per mapping: checkpoints per shard
 * and tumbling-window state. A state of its own (not LambdaState) so that mapping writes, which
 * the pollers make for every batch, leave the invoke path's read cache alone. Mappings do not
 * reference the function row: deleting a function leaves its mappings, as on AWS.
 */
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { type Migration, SqlState } from '../../../store/database.js';
import type { SourceKind } from './sources.js';

export const mappingMigrations: Migration[] = [
  {
    id: 'lambda-esm-001-schema',
    sql: `
      CREATE TABLE lambda_esm (
        uuid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        seq INTEGER NOT NULL,
        function_name TEXT NOT NULL,
        qualifier TEXT,
        event_source_arn TEXT NOT NULL,
        kind TEXT NOT NULL,
        settings TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        transition TEXT,
        transition_until INTEGER NOT NULL,
        last_modified INTEGER NOT NULL,
        last_processing_result TEXT,
        tags TEXT NOT NULL
      );
      CREATE INDEX lambda_esm_by_scope ON lambda_esm (account_id, region, seq);
      CREATE TABLE lambda_esm_checkpoints (
        uuid TEXT NOT NULL REFERENCES lambda_esm ON DELETE CASCADE,
        shard_id TEXT NOT NULL,
        sequence_number TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (uuid, shard_id)
      );
      CREATE TABLE lambda_esm_windows (
        uuid TEXT NOT NULL REFERENCES lambda_esm ON DELETE CASCADE,
        shard_id TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (uuid, shard_id)
      );
    `,
  },
];

/** The states a mapping passes through on its way to Enabled, Disabled or gone. */
export type Transition = 'Creating' | 'Updating' | 'Enabling' | 'Disabling' | 'Deleting';

/**
 * A mapping's configuration as it answers (defaults applied per source kind), without the members
 * that identify it or say where it is (UUID, ARNs, State, LastModified ...).
 */
export type MappingSettings = Omit<
  EventSourceMappingConfiguration,
  | 'UUID'
  | 'EventSourceArn'
  | 'EventSourceMappingArn'
  | 'FunctionArn'
  | 'LastModified'
  | 'LastProcessingResult'
  | 'State'
  | 'StateTransitionReason'
  | 'StartingPositionTimestamp'
> & {
  /** Epoch ms (AT_TIMESTAMP only). */
  StartingPositionTimestamp?: number;
};

export interface MappingRecord {
  uuid: string;
  accountId: string;
  region: string;
  /** The function's name, without qualifier. */
  functionName: string;
  /** The version or alias the mapping names (`$LATEST` when named so), undefined when unqualified. */
  qualifier: string | undefined;
  eventSourceArn: string;
  kind: SourceKind;
  settings: MappingSettings;
  /** What the user asked for: the state a transition settles in. */
  enabled: boolean;
  transition: Transition | undefined;
  /** When the transition ends (epoch ms). */
  transitionUntil: number;
  lastModified: number;
  lastProcessingResult: string | undefined;
  tags: Record<string, string>;
}

interface MappingRow {
  uuid: string;
  account_id: string;
  region: string;
  function_name: string;
  qualifier: string | null;
  event_source_arn: string;
  kind: string;
  settings: string;
  enabled: number;
  transition: string | null;
  transition_until: number;
  last_modified: number;
  last_processing_result: string | null;
  tags: string;
}

function toRecord(row: MappingRow): MappingRecord {
  return {
    uuid: row.uuid,
    accountId: row.account_id,
    region: row.region,
    functionName: row.function_name,
    qualifier: row.qualifier ?? undefined,
    eventSourceArn: row.event_source_arn,
    kind: row.kind as SourceKind,
    settings: JSON.parse(row.settings) as MappingSettings,
    enabled: row.enabled === 1,
    transition: (row.transition ?? undefined) as Transition | undefined,
    transitionUntil: row.transition_until,
    lastModified: row.last_modified,
    lastProcessingResult: row.last_processing_result ?? undefined,
    tags: JSON.parse(row.tags) as Record<string, string>,
  };
}

/** Tumbling-window state a poller carries between invocations of one shard. */
export interface WindowState {
  /** When the current window began (epoch ms). */
  windowStart: number;
  /** The `state` the function returned last in this window. */
  state: Record<string, unknown>;
}

export class MappingState extends SqlState {
  insert(record: MappingRecord): void {
    this.sql(
      `INSERT INTO lambda_esm (uuid, account_id, region, seq, function_name, qualifier, event_source_arn, kind, settings,
         enabled, transition, transition_until, last_modified, last_processing_result, tags)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM lambda_esm), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.uuid,
      record.accountId,
      record.region,
      record.functionName,
      record.qualifier ?? null,
      record.eventSourceArn,
      record.kind,
      JSON.stringify(record.settings),
      record.enabled ? 1 : 0,
      record.transition ?? null,
      record.transitionUntil,
      record.lastModified,
      record.lastProcessingResult ?? null,
      JSON.stringify(record.tags),
    );
  }

  /** Replaces what an update may change (function, settings, enabled, transition, LastModified). */
  replace(record: MappingRecord): void {
    this.sql(
      `UPDATE lambda_esm SET function_name = ?, qualifier = ?, settings = ?, enabled = ?, transition = ?,
         transition_until = ?, last_modified = ? WHERE uuid = ?`,
    ).run(
      record.functionName,
      record.qualifier ?? null,
      JSON.stringify(record.settings),
      record.enabled ? 1 : 0,
      record.transition ?? null,
      record.transitionUntil,
      record.lastModified,
      record.uuid,
    );
  }

  get(uuid: string): MappingRecord | undefined {
    const row = this.sql('SELECT * FROM lambda_esm WHERE uuid = ?').get(uuid) as MappingRow | undefined;
    return row && toRecord(row);
  }

  /** The mappings of one account and region, oldest first. */
  list(accountId: string, region: string): MappingRecord[] {
    const rows = this.sql('SELECT * FROM lambda_esm WHERE account_id = ? AND region = ? ORDER BY seq').all(
      accountId,
      region,
    ) as MappingRow[];
    return rows.map(toRecord);
  }

  /** Every mapping of every account, oldest first (the pollers' view). */
  listAll(): MappingRecord[] {
    return (this.sql('SELECT * FROM lambda_esm ORDER BY seq').all() as MappingRow[]).map(toRecord);
  }

  /** Removes the mappings whose Deleting period ended by `now` (with their checkpoints and windows). */
  purgeDeleted(now: number): void {
    this.sql("DELETE FROM lambda_esm WHERE transition = 'Deleting' AND transition_until <= ?").run(now);
  }

  setLastProcessingResult(uuid: string, result: string): boolean {
    return this.sql('UPDATE lambda_esm SET last_processing_result = ? WHERE uuid = ?').run(result, uuid).changes > 0;
  }

  setTags(uuid: string, tags: Record<string, string>): void {
    this.sql('UPDATE lambda_esm SET tags = ? WHERE uuid = ?').run(JSON.stringify(tags), uuid);
  }

  // Checkpoints: the last sequence number processed per shard.

  getCheckpoint(uuid: string, shardId: string): string | undefined {
    const row = this.sql('SELECT sequence_number FROM lambda_esm_checkpoints WHERE uuid = ? AND shard_id = ?').get(
      uuid,
      shardId,
    ) as { sequence_number: string } | undefined;
    return row?.sequence_number;
  }

  checkpoints(uuid: string): Map<string, string> {
    const rows = this.sql('SELECT shard_id, sequence_number FROM lambda_esm_checkpoints WHERE uuid = ?').all(uuid) as {
      shard_id: string;
      sequence_number: string;
    }[];
    return new Map(rows.map((r) => [r.shard_id, r.sequence_number]));
  }

  /** Stores the checkpoint; false (nothing stored) when the mapping is gone. */
  setCheckpoint(uuid: string, shardId: string, sequenceNumber: string, now: number): boolean {
    const result = this.sql(
      `INSERT INTO lambda_esm_checkpoints (uuid, shard_id, sequence_number, updated_at)
       SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM lambda_esm WHERE uuid = ?)
       ON CONFLICT (uuid, shard_id) DO UPDATE SET sequence_number = excluded.sequence_number, updated_at = excluded.updated_at`,
    ).run(uuid, shardId, sequenceNumber, now, uuid);
    return result.changes > 0;
  }

  // Tumbling windows.

  getWindow(uuid: string, shardId: string): WindowState | undefined {
    const row = this.sql('SELECT window_start, state FROM lambda_esm_windows WHERE uuid = ? AND shard_id = ?').get(
      uuid,
      shardId,
    ) as { window_start: number; state: string } | undefined;
    return row && { windowStart: row.window_start, state: JSON.parse(row.state) as Record<string, unknown> };
  }

  /** Stores the window; false (nothing stored) when the mapping is gone. */
  setWindow(uuid: string, shardId: string, window: WindowState): boolean {
    const result = this.sql(
      `INSERT INTO lambda_esm_windows (uuid, shard_id, window_start, state)
       SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM lambda_esm WHERE uuid = ?)
       ON CONFLICT (uuid, shard_id) DO UPDATE SET window_start = excluded.window_start, state = excluded.state`,
    ).run(uuid, shardId, window.windowStart, JSON.stringify(window.state), uuid);
    return result.changes > 0;
  }

  clearWindow(uuid: string, shardId: string): void {
    this.sql('DELETE FROM lambda_esm_windows WHERE uuid = ? AND shard_id = ?').run(uuid, shardId);
  }
}
