/**
 * A poller's way to sleep until something happens: a change event (records appended, a mapping
 * changed), a deadline (a batching window, a retry delay), or the poller being stopped. A wake that
 * comes while nobody waits is kept, so a record appended between a read and the wait is never missed.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  /** Ends the current wait, or the next one if nobody waits now. */
  wake(): void {
    this.pending = true;
    this.release?.();
  }

  /**
   * Resolves at the first of: a wake (including one since the last wait), `ms` elapsed (when
   * given), or `signal` aborted.
   */
  wait(ms: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.release = undefined;
        this.pending = false;
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.release = done;
    });
  }
}

/** Sleeps `ms`, or less when `signal` aborts first (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Wakeup().wait(ms, signal);
}
