/**
 * Tumbling windows (TumblingWindowInSeconds): each record belongs to the window its arrival time
 * falls in (windows are aligned to the epoch), a batch never spans two windows, and every invoke
 * carries the window, the `state` the function returned last in it, the shard and the stream. When
 * a window is over (its end has passed, a later window's records arrive, or the shard ends) the
 * function gets a final invoke with `isFinalInvokeForWindow: true`; then the state is dropped. The
 * state is kept durably per shard (and lane) through the mappings' window store.
 */
import type { WindowState } from '../../../services/lambda/mappings/state.js';
import { isoSeconds } from './stream-source.js';

export interface WindowFields {
  window: { start: string; end: string };
  state: Record<string, unknown>;
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
}

export function windowStartOf(arrivalMs: number, windowMs: number): number {
  return Math.floor(arrivalMs / windowMs) * windowMs;
}

export function windowFields(
  start: number,
  windowMs: number,
  state: Record<string, unknown>,
  where: { shardId: string; eventSourceARN: string },
  final: boolean,
): WindowFields {
  return {
    window: { start: isoSeconds(start), end: isoSeconds(start + windowMs) },
    state,
    shardId: where.shardId,
    eventSourceARN: where.eventSourceARN,
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: false,
  };
}

/** The stored window of a shard (or lane), read and written through the mappings. */
export interface WindowStore {
  get(): WindowState | undefined;
  set(window: WindowState): void;
  clear(): void;
}
