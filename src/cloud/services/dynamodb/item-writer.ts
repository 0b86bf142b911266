/**
 * The one write path for items: the row, its secondary index entries and its stream record change
 * together (callers run it inside a transaction). PutItem, UpdateItem, DeleteItem, the batch and
 * transaction operations and the TTL sweep all write through here.
 */
import { randomBytes } from 'node:crypto';
import { encodeItem, type Item, itemToJson, pick } from './attribute-values.js';
import { itemSize, valuesEqual } from './expressions/index.js';
import { type EncodedKey, indexEntryKey } from './keys.js';
import type { DynamoDbState, StreamRow, TableRow } from './state.js';
import { allIndexes, keyList, type TableDefinition } from './table-model.js';

/** A table as the write path needs it. */
export interface WritableTable {
  row: TableRow;
  definition: TableDefinition;
  arn: string;
}

/** Who made a change, when it was not the caller (TTL deletes are the service's own). */
export interface UserIdentity {
  type: string;
  principalId: string;
}

export const TTL_IDENTITY: UserIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };

/** What a stream record holds, as stored (AttributeValues in their JSON form). */
export interface StoredStreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  Keys: Record<string, unknown>;
  NewImage?: Record<string, unknown>;
  OldImage?: Record<string, unknown>;
  SizeBytes: number;
  userIdentity?: UserIdentity;
}

/** A stream that received records in a transaction, announced once it commits. */
export interface TouchedStream {
  tableArn: string;
  streamArn: string;
  shardId: string;
}

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

export class ItemWriter {
  readonly touched = new Map<string, TouchedStream>();

  constructor(
    private readonly state: DynamoDbState,
    private readonly now: () => number,
  ) {}

  /** Writes `item` at `key` (replacing `old`, the item there now). False when nothing changed. */
  put(table: WritableTable, key: EncodedKey, old: Item | undefined, item: Item, identity?: UserIdentity): boolean {
    if (old !== undefined && valuesEqual({ M: old }, { M: item })) return false;
    const { row, definition } = table;
    this.state.putItem(row.id, key.hk, key.rk, encodeItem(item), itemSize(item), this.expiry(row, item));
    this.updateIndexes(table, key, old, item);
    this.record(
      table,
      old === undefined ? 'INSERT' : 'MODIFY',
      pick(item, keyList(definition.key)),
      old,
      item,
      identity,
    );
    return true;
  }

  /** Deletes the item `old` at `key`. */
  remove(table: WritableTable, key: EncodedKey, old: Item, identity?: UserIdentity): void {
    this.state.deleteItem(table.row.id, key.hk, key.rk);
    this.updateIndexes(table, key, old, undefined);
    this.record(table, 'REMOVE', pick(old, keyList(table.definition.key)), old, undefined, identity);
  }

  /** The epoch second the item expires at under the table's TTL setting, or null. */
  expiry(row: TableRow, item: Item): number | null {
    if (!row.ttl_enabled || row.ttl_attribute === null) return null;
    const n = item[row.ttl_attribute]?.N;
    if (n === undefined) return null;
    const seconds = Math.floor(Number(n));
    // AWS leaves items whose expiry is more than five years in the past alone.
    if (!Number.isFinite(seconds) || seconds < this.now() / 1000 - FIVE_YEARS_SECONDS) return null;
    return seconds;
  }

  private updateIndexes(table: WritableTable, key: EncodedKey, old: Item | undefined, item: Item | undefined): void {
    const { row, definition } = table;
    for (const index of allIndexes(definition)) {
      const before = old && indexEntryKey(definition, index, old);
      const after = item && indexEntryKey(definition, index, item);
      if (before && after && before.hk.equals(after.hk) && before.rk.equals(after.rk)) continue;
      if (before) this.state.deleteIndexEntry(row.id, index.name, before.hk, before.rk, key.hk, key.rk);
      if (after) this.state.insertIndexEntry(row.id, index.name, after.hk, after.rk, key.hk, key.rk);
    }
  }

  private record(
    table: WritableTable,
    eventName: StoredStreamRecord['eventName'],
    keys: Item,
    old: Item | undefined,
    item: Item | undefined,
    identity: UserIdentity | undefined,
  ): void {
    const stream = this.openStream(table.row);
    if (!stream) return;
    const viewType = stream.view_type;
    const newImage = item && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? item : undefined;
    const oldImage = old && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? old : undefined;
    const record: StoredStreamRecord = {
      eventID: randomBytes(16).toString('hex'),
      eventName,
      Keys: itemToJson(keys),
      ...(newImage ? { NewImage: itemToJson(newImage) } : {}),
      ...(oldImage ? { OldImage: itemToJson(oldImage) } : {}),
      SizeBytes: itemSize(keys) + (newImage ? itemSize(newImage) : 0) + (oldImage ? itemSize(oldImage) : 0),
      ...(identity ? { userIdentity: identity } : {}),
    };
    this.state.appendRecord(stream.id, this.now(), JSON.stringify(record));
    this.touched.set(stream.arn, { tableArn: table.arn, streamArn: stream.arn, shardId: stream.shard_id });
  }

  private openStream(row: TableRow): StreamRow | undefined {
    if (row.stream_id === null) return undefined;
    const stream = this.state.getStreamById(row.stream_id);
    return stream && stream.disabled_at === null ? stream : undefined;
  }
}
