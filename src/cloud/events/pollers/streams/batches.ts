/**
 * Cutting a shard's records into the batches a function receives: at most BatchSize records, an
 * event within Lambda's synchronous payload limit (6 MB), and, with tumbling windows, records of one
 * window only. Under ParallelizationFactor the records are first dealt to lanes by a hash of their
 * partition key, so one key's records always take the same lane and keep their order.
 */
import { createHash } from 'node:crypto';
import { LIMITS } from '../../../services/lambda/limits.js';
import type { SourceRecord } from './stream-source.js';

/** Room kept in the payload for the event's envelope (`Records`, window fields, state). */
const ENVELOPE_BYTES = 1024;

/** The largest `Records` content (bytes of JSON) a batch may carry beside `reservedBytes` of other members. */
export function payloadBudget(reservedBytes = 0): number {
  return LIMITS.syncPayloadBytes - ENVELOPE_BYTES - reservedBytes;
}

/** Which of `lanes` lanes a partition key's records go to. */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}

/** Records dealt to lanes, each lane keeping the shard's order. */
export function dealToLanes(records: readonly SourceRecord[], lanes: number): SourceRecord[][] {
  const dealt: SourceRecord[][] = Array.from({ length: Math.max(1, lanes) }, () => []);
  for (const record of records) dealt[laneOf(record.partitionKey, lanes)]?.push(record);
  return dealt;
}

export interface BatchLimits {
  batchSize: number;
  /** Bytes of record JSON a batch may hold. */
  budget: number;
  /** Records of different windows never share a batch (tumbling windows); undefined when none. */
  windowOf?: (record: SourceRecord) => number;
}

/** Splits `records` (in order) into batches within the limits. */
export function cutBatches(records: readonly SourceRecord[], limits: BatchLimits): SourceRecord[][] {
  const batches: SourceRecord[][] = [];
  let current: SourceRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const full =
      current.length >= limits.batchSize ||
      (current.length > 0 && bytes + record.size + 1 > limits.budget) ||
      (current.length > 0 &&
        limits.windowOf !== undefined &&
        limits.windowOf(record) !== limits.windowOf(current[0] as SourceRecord));
    if (full) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.size + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Bytes of the records' JSON in a payload (with separators). */
export function recordsBytes(records: readonly SourceRecord[]): number {
  let bytes = 0;
  for (const record of records) bytes += record.size + 1;
  return bytes;
}
