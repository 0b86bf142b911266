/** Checks an AttributeValue from a request, with DynamoDB's texts, and returns it normalised. */
import { AwsError } from '../../../errors.js';
import { type AttributeValue, TYPE_CODES } from './attribute-value.js';
import { compareNumbers, normalizeNumber } from './numbers.js';

const INVALID = 'One or more parameter values were invalid: ';

function invalid(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function duplicateIndex<T>(members: T[], same: (a: T, b: T) => boolean): number {
  for (let i = 1; i < members.length; i++) {
    const member = members[i] as T;
    if (members.slice(0, i).some((earlier) => same(earlier, member))) return i;
  }
  return -1;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  return value as string[];
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  throw invalid('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
}

/**
 * Validates one AttributeValue (exactly one type; non-empty, duplicate-free sets; numbers in
 * range) and returns it with numbers normalised. Maps and lists are checked member by member.
 */
export function validateValue(value: unknown): AttributeValue {
  if (typeof value !== 'object' || value === null) {
    throw invalid('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  const members = value as Record<string, unknown>;
  const present = TYPE_CODES.filter((code) => members[code] !== undefined && members[code] !== null);
  const type = present[0];
  if (type === undefined) {
    throw invalid('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  if (present.length > 1) {
    throw invalid(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  }
  const raw = members[type];
  switch (type) {
    case 'S':
      return { S: String(raw) };
    case 'N':
      return { N: normalizeNumber(String(raw)) };
    case 'B':
      return { B: bytes(raw) };
    case 'BOOL':
      return { BOOL: raw === true };
    case 'NULL':
      if (raw !== true) throw invalid(`${INVALID}Null attribute value types must have the value of true`);
      return { NULL: true };
    case 'SS': {
      const set = strings(raw);
      if (set.length === 0) throw invalid(`${INVALID}An string set  may not be empty`);
      if (duplicateIndex(set, (a, b) => a === b) >= 0) {
        throw invalid(`${INVALID}Input collection [${set.join(', ')}] contains duplicates.`);
      }
      return { SS: [...set] };
    }
    case 'NS': {
      const set = strings(raw).map(normalizeNumber);
      if (set.length === 0) throw invalid(`${INVALID}An number set  may not be empty`);
      if (duplicateIndex(set, (a, b) => compareNumbers(a, b) === 0) >= 0) {
        throw invalid('Input collection contains duplicates');
      }
      return { NS: set };
    }
    case 'BS': {
      if (!Array.isArray(raw))
        throw invalid('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
      const set = raw.map(bytes);
      if (set.length === 0) throw invalid(`${INVALID}Binary sets should not be empty`);
      if (duplicateIndex(set, (a, b) => Buffer.compare(a, b) === 0) >= 0) {
        const shown = set.map((b) => Buffer.from(b).toString('base64')).join(', ');
        throw invalid(`${INVALID}Input collection [${shown}]of type BS contains duplicates.`);
      }
      return { BS: set };
    }
    case 'L':
      if (!Array.isArray(raw))
        throw invalid('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
      return { L: raw.map((v) => validateValue(v)) };
    case 'M': {
      const out: Record<string, AttributeValue> = {};
      for (const [name, v] of Object.entries(raw as Record<string, unknown>)) out[name] = validateValue(v);
      return { M: out };
    }
  }
}

/** Validates every attribute of an item (Item, Key, ExpressionAttributeValues...). */
export function validateItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = validateValue(value);
  return out;
}
