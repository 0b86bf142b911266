/**
 * How long a poller waits before retrying a batch that failed (a function error, a throttle, a
 * function that does not exist). AWS backs off exponentially without documenting the steps (it is
 * seconds to minutes); the local steps are scaled down so that retries are seen within a test, yet
 * a failing function is never called in a hot loop.
 */
export const RETRY_BACKOFF = {
  /** The wait before the first retry. */
  initialMs: 100,
  multiplier: 2,
  /** The longest wait between two attempts. */
  maxMs: 5_000,
} as const;

/** The wait before retry number `retry` (1 for the first retry). */
export function retryDelayMs(retry: number): number {
  const steps = Math.max(0, retry - 1);
  return Math.min(RETRY_BACKOFF.maxMs, RETRY_BACKOFF.initialMs * RETRY_BACKOFF.multiplier ** steps);
}
