/**
 * Item size as DynamoDB computes it (the 400 KB limit and capacity units): per attribute, the
 * UTF-8 length of its name plus its value's size. From the developer guide ("Item sizes and
 * formats"): strings are UTF-8 bytes; binaries their bytes; numbers about one byte per two
 * significant digits plus one; NULL and BOOL one byte; lists and maps 3 bytes of overhead plus
 * one byte per element (map keys count their UTF-8 length); sets the sum of their members.
 */
import type { AttributeValue, Item } from './attribute-value.js';
import { significantDigits } from './numbers.js';

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Digits pack two per byte with one byte of exponent; an extra byte when the digits do not
 * align with the exponent's parity, and one for the sign of negatives (the layout dynalite
 * measured against DynamoDB's consumed capacity).
 */
export function numberSize(n: string): number {
  const { digits, magnitude, negative } = significantDigits(n);
  if (digits === 0) return 1;
  const unaligned = digits % 2 === 0 && magnitude % 2 === 0 ? 1 : 0;
  return 1 + Math.ceil(digits / 2) + unaligned + (negative ? 1 : 0);
}

export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Length(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8Length(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L !== undefined) return value.L.reduce((sum, v) => sum + 1 + valueSize(v), 3);
  if (value.M !== undefined) return Object.keys(value.M).length + 3 + itemSize(value.M);
  return 1; // NULL, BOOL
}

/** Bytes an item counts for against the 400 KB item limit. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8Length(name) + valueSize(value);
  return size;
}
