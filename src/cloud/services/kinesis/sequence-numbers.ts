/**
 * Sequence numbers: 56 decimal digits like AWS's, `49` + the shard's creation time (14 digits of
 * epoch ms) + the shard's index (10) + a per-shard counter (30). Within a shard they increase with
 * the counter, so they compare the same as big integers and as strings of equal length; the
 * prefix lets a number from another shard, or from an earlier stream of the same name, be told
 * apart. Counter 0 is the shard's StartingSequenceNumber; its records are numbered from 1.
 */

export interface SequenceParts {
  shardCreatedAt: number;
  shardIndex: number;
  counter: number;
}

const PATTERN = /^49(\d{14})(\d{10})(\d{30})$/;

/** What every sequence number of one shard starts with (a read formats thousands: it is made once per shard). */
export function sequenceNumberPrefix(shardCreatedAt: number, shardIndex: number): string {
  return `49${String(shardCreatedAt).padStart(14, '0')}${String(shardIndex).padStart(10, '0')}`;
}

/** A sequence number from its shard's prefix and the record's counter. */
export function withCounter(prefix: string, counter: number): string {
  return prefix + String(counter).padStart(30, '0');
}

/** The parts of one of our sequence numbers; undefined for anything else. */
export function parseSequenceNumber(value: string): SequenceParts | undefined {
  const match = PATTERN.exec(value);
  if (!match) return undefined;
  const counter = Number(match[3]);
  if (!Number.isSafeInteger(counter)) return undefined;
  return { shardCreatedAt: Number(match[1]), shardIndex: Number(match[2]), counter };
}

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/** The index in `shardId-000000000007` (leading zeros optional, as AWS accepts); undefined otherwise. */
export function shardIndexOf(shardId: string): number | undefined {
  const match = /^(?:shardId-)?(\d{1,12})$/.exec(shardId);
  if (!match) return undefined;
  const index = Number(match[1]);
  return index <= 2_147_483_647 ? index : undefined;
}
