/**
 * The one polling helper every wait uses: poll a check until it reports done, with a deadline,
 * telling the caller what it waits for (so progress can say "waiting for LastUpdateStatus
 * Successful (3 s)") and failing with a message naming what never happened.
 */
import { PipelineError } from '../pipeline/errors.js';

export interface WaitOptions {
  /** What is awaited, for progress and the timeout message: "LastUpdateStatus Successful". */
  what: string;
  /** @default 300000 (5 minutes) */
  timeoutMs?: number;
  /** First delay between polls; grows by half each time up to `maxDelayMs`. @default 100 */
  delayMs?: number;
  /** @default 2000 */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called before each poll after the first, with the time waited so far. */
  onWait?: (what: string, elapsedMs: number) => void;
}

/** `check` returns the result when done, undefined to keep waiting, or throws to fail at once. */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 300_000;
  let delay = options.delayMs ?? 100;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new PipelineError('Cancelled', `Cancelled while waiting for ${options.what}.`);
    const elapsed = Date.now() - started;
    if (attempt > 0) options.onWait?.(options.what, elapsed);
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() - started + delay > timeoutMs) {
      throw new PipelineError(
        'WaitTimedOut',
        `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${options.what}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(Math.round(delay * 1.5), options.maxDelayMs ?? 2000);
  }
}
