/**
 * What the benches that run functions share: a one-file function zip, a collector on loopback that
 * functions report to (same machine, same clock, so their timestamps compare with the bench's),
 * and polling with a deadline.
 */
import { createServer } from 'node:http';
import yazl from 'yazl';
import { sleep } from './stats.mjs';

/**
 * A reproducible zip holding `source` as index.js.
 * @param {string} source
 * @returns {Promise<Buffer>}
 */
export function zipOf(source) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(source), 'index.js', { mtime: new Date(0), mode: 0o100644 });
    zip.end();
    /** @type {Buffer[]} */
    const chunks = [];
    zip.outputStream.on('data', (chunk) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/**
 * A collector on loopback: every POST body (JSON) is handed to `onReport`.
 * @param {(report: any) => void} onReport
 */
export async function startCollector(onReport) {
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      onReport(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * Polls `check` every 5 ms until it returns a value, failing after `timeoutMs`.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined> | T | undefined} check
 * @returns {Promise<T>}
 */
export async function until(what, check, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
