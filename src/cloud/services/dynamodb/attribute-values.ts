/**
 * Items as stored: JSON of AttributeValues with binary as base64 (the JSON wire form), so a row
 * reads back into the Buffers the handlers work with.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type { AttributeValue };
export type Item = Record<string, AttributeValue>;

type JsonValue = Record<string, unknown>;

function toJson(value: AttributeValue): JsonValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: itemToJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toJson) };
  return value as unknown as JsonValue;
}

/** Revives a parsed value in place: only binary needs converting, the rest is already an AttributeValue. */
function fromJson(value: JsonValue): AttributeValue {
  const binary = value['B'];
  if (typeof binary === 'string') value['B'] = Buffer.from(binary, 'base64');
  else if (Array.isArray(value['BS'])) value['BS'] = (value['BS'] as string[]).map((b) => Buffer.from(b, 'base64'));
  else if (value['M'] !== undefined) itemFromJson(value['M'] as Record<string, JsonValue>);
  else if (Array.isArray(value['L'])) for (const element of value['L'] as JsonValue[]) fromJson(element);
  return value as unknown as AttributeValue;
}

/** The item in its JSON wire form (binary as base64), for storage and for error members. */
export function itemToJson(item: Item): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = toJson(value);
  return out;
}

/**
 * The item a JSON wire form holds, converted in place (no copy of every attribute on the read
 * paths): pass a value just parsed, which nothing else holds.
 */
export function itemFromJson(json: Record<string, JsonValue>): Item {
  for (const name in json) fromJson(json[name] as JsonValue);
  return json as unknown as Item;
}

export function encodeItem(item: Item): string {
  return JSON.stringify(itemToJson(item));
}

export function decodeItem(text: string): Item {
  return itemFromJson(JSON.parse(text) as Record<string, JsonValue>);
}

/** The scalar type letter of a value (S, N, B, ...). */
export function typeOf(value: AttributeValue): string {
  for (const key of Object.keys(value)) {
    if ((value as unknown as Record<string, unknown>)[key] !== undefined && key !== '$unknown') return key;
  }
  return '';
}

/** The attributes of `item` named in `names` (a key, from a full item). */
export function pick(item: Item, names: readonly string[]): Item {
  const out: Item = {};
  for (const name of names) {
    const value = item[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
