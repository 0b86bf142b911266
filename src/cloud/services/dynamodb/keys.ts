/**
 * Primary and index keys: checking them against the table's schema with AWS's messages, and
 * encoding them as bytes whose order is DynamoDB's (numbers by value, strings by UTF-8 bytes,
 * binary by unsigned bytes), so a Query is a range scan on SQLite's memcmp order of BLOBs.
 */
import type { AttributeValue, Item } from './attribute-values.js';
import { typeOf } from './attribute-values.js';
import { invalidParameter, keySchemaMismatch, validation } from './errors.js';
import { numberSortKey } from './expressions/index.js';
import { allIndexes, attributeType, type IndexDefinition, type KeyNames, type TableDefinition } from './table-model.js';

const MAX_HASH_KEY_BYTES = 2048;
const MAX_RANGE_KEY_BYTES = 1024;

/** A primary key as stored: the hash and range key bytes (range empty for hash-only tables). */
export interface EncodedKey {
  hk: Buffer;
  rk: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function encodeKeyValue(value: AttributeValue): Buffer {
  if (value.S !== undefined) return Buffer.from(value.S, 'utf8');
  if (value.N !== undefined) return numberSortKey(value.N);
  if (value.B !== undefined) return Buffer.from(value.B);
  throw validation('Invalid key value type');
}

function rawSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.B !== undefined) return value.B.length;
  return value.N?.length ?? 0;
}

function emptyKeyValue(name: string, value: AttributeValue): string | undefined {
  if (value.S === '')
    return `The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`;
  if (value.B !== undefined && value.B.length === 0) {
    return `The AttributeValue for a key attribute cannot contain an empty binary value. Key: ${name}`;
  }
  return undefined;
}

function checkKeyLimits(key: KeyNames, item: Item): void {
  for (const name of [key.hash, key.range]) {
    if (name === undefined) continue;
    const value = item[name] as AttributeValue;
    const empty = emptyKeyValue(name, value);
    if (empty) throw validation(`One or more parameter values are not valid. ${empty}`);
  }
  if (rawSize(item[key.hash] as AttributeValue) > MAX_HASH_KEY_BYTES) {
    // (AWS's text has no space before the number.)
    throw invalidParameter(`Size of hashkey has exceeded the maximum size limit of${MAX_HASH_KEY_BYTES} bytes`);
  }
  if (key.range !== undefined && rawSize(item[key.range] as AttributeValue) > MAX_RANGE_KEY_BYTES) {
    throw invalidParameter(
      `Aggregated size of all range keys has exceeded the size limit of ${MAX_RANGE_KEY_BYTES} bytes`,
    );
  }
}

export function encodeKey(key: KeyNames, item: Item): EncodedKey {
  return {
    hk: encodeKeyValue(item[key.hash] as AttributeValue),
    rk: key.range !== undefined ? encodeKeyValue(item[key.range] as AttributeValue) : EMPTY,
  };
}

/** Checks a full item's table and index keys (PutItem, and the result of UpdateItem). */
export function checkItemKeys(definition: TableDefinition, item: Item): EncodedKey {
  const { key } = definition;
  for (const name of [key.hash, key.range]) {
    if (name === undefined) continue;
    const value = item[name];
    if (value === undefined) throw invalidParameter(`Missing the key ${name} in the item`);
    const expected = attributeType(definition, name);
    const actual = typeOf(value);
    if (actual !== expected) {
      throw invalidParameter(`Type mismatch for key ${name} expected: ${expected} actual: ${actual}`);
    }
  }
  checkKeyLimits(key, item);
  checkIndexKeys(definition, item);
  return encodeKey(key, item);
}

/** Index key attributes may be absent; when present they must have the declared type and not be empty. */
export function checkIndexKeys(definition: TableDefinition, item: Item): void {
  for (const index of allIndexes(definition)) {
    for (const name of [index.key.hash, index.key.range]) {
      if (name === undefined) continue;
      const value = item[name];
      if (value === undefined) continue;
      const expected = attributeType(definition, name);
      const actual = typeOf(value);
      if (actual !== expected) {
        throw invalidParameter(
          `Type mismatch for Index Key ${name} Expected: ${expected} Actual: ${actual} IndexName: ${index.name}`,
        );
      }
      if (emptyKeyValue(name, value)) {
        throw validation(
          `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${actual === 'S' ? 'string' : 'binary'} value. IndexName: ${index.name}, IndexKey: ${name}`,
        );
      }
    }
  }
}

/** Checks a `Key` parameter: exactly the key attributes, of the declared types. */
export function checkKey(
  definition: TableDefinition,
  key: Item | undefined,
  schema: KeyNames = definition.key,
): EncodedKey {
  if (key === undefined) throw keySchemaMismatch();
  const names = Object.keys(key);
  const expected = schema.range !== undefined ? 2 : 1;
  if (names.length !== expected) throw keySchemaMismatch();
  for (const name of [schema.hash, schema.range]) {
    if (name === undefined) continue;
    const value = key[name];
    if (value === undefined || typeOf(value) !== attributeType(definition, name)) throw keySchemaMismatch();
  }
  checkKeyLimits(schema, key);
  return encodeKey(schema, key);
}

/** The index entry an item has in an index, or undefined when it lacks one of the index's key attributes. */
export function indexEntryKey(definition: TableDefinition, index: IndexDefinition, item: Item): EncodedKey | undefined {
  const hash = item[index.key.hash];
  if (hash === undefined || typeOf(hash) !== attributeType(definition, index.key.hash)) return undefined;
  if (index.key.range === undefined) return { hk: encodeKeyValue(hash), rk: EMPTY };
  const range = item[index.key.range];
  if (range === undefined || typeOf(range) !== attributeType(definition, index.key.range)) return undefined;
  return { hk: encodeKeyValue(hash), rk: encodeKeyValue(range) };
}

/** The smallest byte string greater than every string that starts with `prefix` (undefined: none). */
export function prefixEnd(prefix: Buffer): Buffer | undefined {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
