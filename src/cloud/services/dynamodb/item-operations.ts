/**
 * The four item writes (Put, Update, Delete, ConditionCheck) as two steps: prepare (validate the
 * request against the table, parse its expressions; no storage touched) and apply (inside a write
 * transaction: read the current item, check the condition, write). PutItem/UpdateItem/DeleteItem,
 * BatchWriteItem and TransactWriteItems all use them, so they agree on every rule and message.
 */
import type { ReturnValue, ReturnValuesOnConditionCheckFailure } from '@aws-sdk/client-dynamodb';
import type { RequestContext } from '../../service.js';
import { type Item, pick } from './attribute-values.js';
import type { DynamoDbService, LoadedTable } from './dynamodb-service.js';
import { itemTooLarge, validation } from './errors.js';
import {
  applyUpdate,
  type Condition,
  evaluateCondition,
  itemSize,
  type Update,
  updatedPaths,
  validateItem,
} from './expressions/index.js';
import type { ItemWriter } from './item-writer.js';
import { checkItemKeys, checkKey, type EncodedKey } from './keys.js';
import { keyList } from './table-model.js';

const MAX_ITEM_BYTES = 400 * 1024;

interface PreparedBase {
  table: LoadedTable;
  key: EncodedKey;
  condition: Condition | undefined;
  returnOnFailure: boolean;
}

export type PreparedWrite =
  | (PreparedBase & { kind: 'put'; item: Item })
  | (PreparedBase & { kind: 'update'; keyItem: Item; update: Update | undefined })
  | (PreparedBase & { kind: 'delete' })
  | (PreparedBase & { kind: 'check' });

export type WriteOutcome =
  | { ok: true; old: Item | undefined; item: Item | undefined; changed: boolean }
  | { ok: false; old: Item | undefined };

function checkItemSize(item: Item): number {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) throw itemTooLarge();
  return size;
}

export function returnsOldOnFailure(value: ReturnValuesOnConditionCheckFailure | undefined): boolean {
  return value === 'ALL_OLD';
}

export function preparePut(
  service: DynamoDbService,
  ctx: RequestContext,
  tableName: string,
  rawItem: Record<string, unknown>,
  condition: Condition | undefined,
  returnOnFailure: boolean,
): PreparedWrite {
  const item = validateItem(rawItem);
  checkItemSize(item);
  const table = service.table(ctx, tableName);
  const key = checkItemKeys(table.definition, item);
  return { kind: 'put', table, key, item, condition, returnOnFailure };
}

export function prepareKeyed(
  kind: 'update' | 'delete' | 'check',
  service: DynamoDbService,
  ctx: RequestContext,
  tableName: string,
  rawKey: Record<string, unknown> | undefined,
  condition: Condition | undefined,
  returnOnFailure: boolean,
  update?: Update,
): PreparedWrite {
  const keyItem = validateItem(rawKey ?? {});
  const table = service.table(ctx, tableName);
  const key = checkKey(table.definition, keyItem);
  const base = { table, key, condition, returnOnFailure };
  if (kind === 'update') return { ...base, kind, keyItem, update };
  return { ...base, kind };
}

/**
 * Applies one prepared write in the caller's transaction, against `old`, the item at its key as read
 * in that transaction; a failed condition writes nothing.
 */
export function applyWrite(writer: ItemWriter, op: PreparedWrite, old: Item | undefined): WriteOutcome {
  if (op.condition && !evaluateCondition(op.condition, old)) return { ok: false, old };
  switch (op.kind) {
    case 'check':
      return { ok: true, old, item: old, changed: false };
    case 'put':
      return { ok: true, old, item: op.item, changed: writer.put(op.table, op.key, old, op.item) };
    case 'delete':
      if (old !== undefined) writer.remove(op.table, op.key, old);
      return { ok: true, old, item: undefined, changed: old !== undefined };
    case 'update': {
      const keyNames = keyList(op.table.definition.key);
      const base = old ?? op.keyItem;
      const item = op.update ? applyUpdate(op.update, base, keyNames) : base;
      checkItemKeys(op.table.definition, item);
      checkItemSize(item);
      return { ok: true, old, item, changed: writer.put(op.table, op.key, old, item) };
    }
  }
}

/** The attributes an update touched (UPDATED_OLD / UPDATED_NEW), by their top-level names. */
function updatedAttributes(update: Update | undefined, item: Item | undefined): Item | undefined {
  if (!update || !item) return undefined;
  const names = [...new Set(updatedPaths(update).map((path) => path[0] as string))];
  const picked = pick(item, names);
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/** The `Attributes` a write returns for its ReturnValues. */
export function returnedAttributes(
  returnValues: ReturnValue | undefined,
  outcome: { old: Item | undefined; item: Item | undefined },
  update?: Update,
): Item | undefined {
  switch (returnValues) {
    case 'ALL_OLD':
      return outcome.old;
    case 'ALL_NEW':
      return outcome.item;
    case 'UPDATED_OLD':
      return updatedAttributes(update, outcome.old);
    case 'UPDATED_NEW':
      return updatedAttributes(update, outcome.item);
    default:
      return undefined;
  }
}

export function checkReturnValues(returnValues: ReturnValue | undefined, allowed: ReturnValue[]): void {
  if (returnValues !== undefined && !allowed.includes(returnValues)) {
    throw validation(`ReturnValues can only be ${allowed.filter((v) => v !== 'NONE').join(' or ')} or NONE`);
  }
}
