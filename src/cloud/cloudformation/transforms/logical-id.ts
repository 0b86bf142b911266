/**
 * SAM's generated logical ids: a prefix and the first 10 hex digits of the SHA-1 of the data the
 * id depends on, serialized as Python's `json.dumps(data, separators=(",", ":"), sort_keys=True)`
 * (ASCII only), so the ids are the ones aws-sam-translator generates (`FnVersion640c1a5e7c`).
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../template/types.js';

const HASH_LENGTH = 10;

/** `prefix` followed by the hash of `data`; a string is hashed as it is, empty data adds nothing. */
export function generatedLogicalId(prefix: string, data: unknown): string {
  return `${prefix}${dataHash(data)}`;
}

export function dataHash(data: unknown): string {
  if (data === undefined || data === null || data === '' || (isRecord(data) && Object.keys(data).length === 0)) {
    return '';
  }
  const text = typeof data === 'string' ? data : pythonJson(data);
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/** Python's compact, key-sorted, ASCII-escaped JSON. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort(comparePython);
    return `{${keys.map((key) => `${asciiJson(key)}:${pythonJson(value[key])}`).join(',')}}`;
  }
  if (typeof value === 'string') return asciiJson(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  return JSON.stringify(value ?? null);
}

/** Python sorts strings by code point; JavaScript's default sort compares UTF-16 units. */
function comparePython(a: string, b: string): number {
  const left = [...a].map((c) => c.codePointAt(0) ?? 0);
  const right = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `repr(float)`: 1.5 stays 1.5, 1e-07 keeps Python's exponent form. */
function pythonFloat(value: number): string {
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}
