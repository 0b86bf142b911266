/**
 * The 128-bit hash key space: a record's partition key is hashed with MD5 into it (or the caller
 * names an ExplicitHashKey), and each open shard owns a contiguous range. New streams split the
 * space evenly as AWS does: shard i starts at i * floor(2^128 / n), the last ends at 2^128 - 1.
 */
import { createHash } from 'node:crypto';

export const HASH_KEY_SPACE = 2n ** 128n;
export const MAX_HASH_KEY = HASH_KEY_SPACE - 1n;

export interface HashRange {
  start: bigint;
  end: bigint;
}

export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** `count` contiguous ranges covering [start, end], the last taking the remainder. */
export function evenRanges(count: number, within: HashRange = { start: 0n, end: MAX_HASH_KEY }): HashRange[] {
  const size = within.end - within.start + 1n;
  const step = size / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    start: within.start + step * BigInt(i),
    end: i === count - 1 ? within.end : within.start + step * BigInt(i + 1) - 1n,
  }));
}
