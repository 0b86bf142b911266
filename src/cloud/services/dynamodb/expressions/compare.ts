/** Ordering and equality of AttributeValues as DynamoDB defines them. */
import { type AttributeValue, setMembers, typeOf } from './attribute-value.js';
import { compareNumbers } from './numbers.js';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/** S compares by UTF-8 bytes (not UTF-16 code units), as DynamoDB sorts strings. */
function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Compares two scalars of the same type (S, N, B); undefined when the types differ or are not scalar. */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  if (a.S !== undefined && b.S !== undefined) return compareStrings(a.S, b.S);
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(a.N, b.N);
  if (a.B !== undefined && b.B !== undefined) return compareBytes(a.B, b.B);
  return undefined;
}

/** Deep equality: sets are unordered, numbers compare numerically, binaries by bytes. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  switch (type) {
    case 'S':
    case 'N':
    case 'B':
      return compareValues(a, b) === 0;
    case 'BOOL':
      return a.BOOL === b.BOOL;
    case 'NULL':
      return true;
    case 'L': {
      const x = a.L ?? [];
      const y = b.L ?? [];
      return (
        x.length === y.length &&
        x.every((v, i) => {
          const w = y[i];
          return w !== undefined && valuesEqual(v, w);
        })
      );
    }
    case 'M':
      return mapsEqual(a.M ?? {}, b.M ?? {});
    default: {
      const x = setMembers(a) ?? [];
      const y = setMembers(b) ?? [];
      return x.length === y.length && x.every((v) => y.some((w) => valuesEqual(v, w)));
    }
  }
}

export function mapsEqual(a: Record<string, AttributeValue>, b: Record<string, AttributeValue>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    return x !== undefined && y !== undefined && valuesEqual(x, y);
  });
}

/** Whether `set` (SS/NS/BS) holds `member` (a scalar of the set's member type). */
export function setHas(set: AttributeValue, member: AttributeValue): boolean {
  return (setMembers(set) ?? []).some((m) => valuesEqual(m, member));
}
