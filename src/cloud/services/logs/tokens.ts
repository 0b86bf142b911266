/**
 * The opaque strings CloudWatch Logs hands out: pagination tokens, GetLogEvents' `f/…`/`b/…`
 * positions, event ids and sequence tokens. AWS's event positions and ids are 56 decimal digits;
 * ours are too, so clients that parse or compare them (rare, but seen) keep working.
 */
import { invalidToken } from './errors.js';
import type { Cursor } from './state.js';

/** A listing token: the kind of listing and where it stopped, base64url-encoded. */
export function encodeToken(kind: string, values: (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...values])).toString('base64url');
}

/** The values of a token of `kind`, checked against `types`; anything else is an invalid token. */
export function decodeToken(kind: string, token: string, types: ('string' | 'number')[]): (string | number)[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!Array.isArray(decoded) || decoded[0] !== kind || decoded.length !== types.length + 1) throw invalidToken();
  const values = decoded.slice(1) as unknown[];
  if (values.some((value, i) => typeof value !== types[i])) throw invalidToken();
  return values as (string | number)[];
}

const TIMESTAMP_DIGITS = 20;
const ID_DIGITS = 36;

/** (timestamp, id) as 56 digits; ordered the same way as the pair, so ids also sort like events. */
export function positionDigits(cursor: Cursor): string {
  return `${String(cursor.timestamp).padStart(TIMESTAMP_DIGITS, '0')}${String(cursor.id).padStart(ID_DIGITS, '0')}`;
}

function parsePositionDigits(digits: string): Cursor {
  return {
    timestamp: Number(digits.slice(0, TIMESTAMP_DIGITS)),
    id: Number(digits.slice(TIMESTAMP_DIGITS)),
  };
}

/** GetLogEvents' tokens, shaped like AWS's: `f/<56 digits>/s` reads forward from there, `b/…` backward. */
export function eventsToken(direction: 'f' | 'b', cursor: Cursor): string {
  return `${direction}/${positionDigits(cursor)}/s`;
}

export function parseEventsToken(token: string): { backward: boolean; cursor: Cursor } {
  const match = /^([fb])\/(\d{56})(?:\/s)?$/.exec(token);
  if (!match) throw invalidToken();
  const cursor = parsePositionDigits(match[2] as string);
  if (!Number.isSafeInteger(cursor.timestamp) || !Number.isSafeInteger(cursor.id)) throw invalidToken();
  return { backward: match[1] === 'b', cursor };
}

/** A stream's upload sequence token (ignored on input since 2023, still returned by AWS). */
export function sequenceToken(sequence: number): string {
  return `49${String(sequence).padStart(54, '0')}`;
}
