/**
 * `source.pipe(destination)` with pipeline()'s error handling, for the request hot path.
 * `stream.pipeline` makes an AbortController per call and aborts it when the pipeline ends, and
 * the abort builds a DOMException (with a stack trace): on every request body that was a
 * measurable share of a small PUT's CPU. end-of-stream (`finished`) does the same bookkeeping
 * without the controller.
 */
import { finished, type Readable, type Writable } from 'node:stream';

/**
 * Pipes `source` into `destination`. Either failing (including the source closing before its
 * end: ERR_STREAM_PREMATURE_CLOSE) destroys both, as pipeline() does, and rejects with the
 * error; resolves once `destination` has finished.
 */
export function pump(source: Readable, destination: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      source.unpipe(destination);
      source.destroy(error);
      destination.destroy(error);
      reject(error);
    };
    finished(source, (error) => {
      if (error) fail(error);
    });
    finished(destination, (error) => {
      if (error) fail(error);
      else if (!settled) {
        settled = true;
        resolve();
      }
    });
    source.pipe(destination);
  });
}

/** pump() for a stream that is consumed elsewhere: failures surface through `destination`. */
export function forward(source: Readable, destination: Writable): void {
  pump(source, destination).catch(() => {});
}
