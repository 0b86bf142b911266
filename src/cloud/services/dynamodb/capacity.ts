/**
 * ConsumedCapacity as AWS reports it when asked (ReturnConsumedCapacity): a write costs one unit
 * per started KB of the larger of the old and new item, a read one unit per started 4 KB (half for
 * eventually consistent reads), transactions twice that.
 */
import type { ConsumedCapacity, ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';

const KB = 1024;

export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / KB));
}

export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / (4 * KB)));
  return consistent ? units : units / 2;
}

export function consumedCapacity(
  mode: ReturnConsumedCapacity | undefined,
  tableName: string,
  units: number,
  kind: 'read' | 'write' | 'both',
): ConsumedCapacity | undefined {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  const split = kind === 'read' ? { ReadCapacityUnits: units } : kind === 'write' ? { WriteCapacityUnits: units } : {};
  return {
    TableName: tableName,
    CapacityUnits: units,
    ...split,
    ...(mode === 'INDEXES' ? { Table: { CapacityUnits: units, ...split } } : {}),
  };
}
