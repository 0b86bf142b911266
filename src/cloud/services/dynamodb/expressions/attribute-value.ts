/**
 * DynamoDB's AttributeValue as the handlers receive it from the protocol layer (blobs already
 * decoded to Buffers): the SDK's own type, so items flow between the service and this library
 * without conversion. Its `$unknown` member never reaches a handler (the protocol layer only
 * produces modeled members); `typeOf` rejects it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type { AttributeValue };
export type Item = Record<string, AttributeValue>;

export type TypeCode = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';

export const TYPE_CODES: readonly TypeCode[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

/** The long type names AWS uses in update-expression operand errors (`operand type: STRING`). */
export const LONG_TYPE_NAMES: Record<TypeCode, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  SS: 'STRING_SET',
  NS: 'NUMBER_SET',
  BS: 'BINARY_SET',
  M: 'MAP',
  L: 'LIST',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
};

export function typeOf(value: AttributeValue): TypeCode {
  const members = value as unknown as Record<string, unknown>;
  for (const code of TYPE_CODES) {
    if (members[code] !== undefined) return code;
  }
  throw new Error('AttributeValue without a type');
}

export function isSetType(type: TypeCode): type is 'SS' | 'NS' | 'BS' {
  return type === 'SS' || type === 'NS' || type === 'BS';
}

/** A set type's member type (SS -> S ...). */
export function memberType(type: 'SS' | 'NS' | 'BS'): 'S' | 'N' | 'B' {
  return type === 'SS' ? 'S' : type === 'NS' ? 'N' : 'B';
}

/** The members of a set as scalar AttributeValues. */
export function setMembers(value: AttributeValue): AttributeValue[] | undefined {
  if (value.SS !== undefined) return value.SS.map((S) => ({ S }));
  if (value.NS !== undefined) return value.NS.map((N) => ({ N }));
  if (value.BS !== undefined) return value.BS.map((B) => ({ B }));
  return undefined;
}

/** Builds a set of `type` from scalar members (callers guarantee they have the member type). */
export function makeSet(type: 'SS' | 'NS' | 'BS', members: AttributeValue[]): AttributeValue {
  if (type === 'SS') return { SS: members.map((m) => m.S ?? '') };
  if (type === 'NS') return { NS: members.map((m) => m.N ?? '0') };
  return { BS: members.map((m) => m.B ?? new Uint8Array()) };
}

/** A deep copy, so updates never alias the caller's item. */
export function cloneValue(value: AttributeValue): AttributeValue {
  if (value.M !== undefined) return { M: cloneItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(cloneValue) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b)) };
  if (value.B !== undefined) return { B: Buffer.from(value.B) };
  return { ...value };
}

export function cloneItem(item: Item): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(item)) out[name] = cloneValue(value);
  return out;
}
