/**
 * The S3 measurements, run against any endpoint with the AWS SDK v3 (path style, test/test,
 * us-east-1): small-object PUT/GET latency and throughput, large-object MB/s, and the server's
 * memory while it receives a large streamed upload.
 */
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { rssBytes } from './servers.mjs';
import { MiB, median, percentile } from './stats.mjs';

/**
 * @param {string} endpoint
 * @param {number} [maxSockets]
 */
export function s3Client(endpoint, maxSockets = 32) {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1, // a failure is a result here, not something to hide with a retry
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets }) },
  });
}

/** @param {S3Client} client @param {string} bucket */
export async function createBucket(client, bucket) {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** @param {unknown} error */
export function describeError(error) {
  const e = /** @type {{ name?: string, message?: string, $metadata?: { httpStatusCode?: number } }} */ (error);
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`;
}

/**
 * Reads a GetObject body to the end, returning the byte count (nothing is kept).
 * @param {unknown} body
 */
async function drain(body) {
  let bytes = 0;
  for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (body)) bytes += chunk.length;
  return bytes;
}

/**
 * @typedef {object} OpsResult
 * @property {number} ops successful operations
 * @property {number} errors
 * @property {string} [firstError]
 * @property {number} opsPerSec
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 */

/**
 * Runs `op(i)` for i in 0..count-1 with `concurrency` requests in flight; per-op latency and overall rate.
 * After `maxErrors` failures nothing more is started (a broken server fails fast instead of slowly).
 * @param {number} count
 * @param {number} concurrency
 * @param {(i: number) => Promise<void>} op
 * @param {{ maxErrors?: number }} [options]
 * @returns {Promise<OpsResult>}
 */
export async function runOps(count, concurrency, op, { maxErrors = Number.POSITIVE_INFINITY } = {}) {
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  let errors = 0;
  /** @type {string | undefined} */
  let firstError;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors++;
        firstError ??= describeError(error);
        if (errors >= maxErrors) next = count;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    ops: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    opsPerSec: latencies.length / elapsedSec,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
  };
}

/**
 * PUT then GET of 1 KiB objects, sequentially and with `concurrency` in flight.
 * @param {S3Client} client
 * @param {string} bucket
 * @param {{ count: number, concurrency: number, warmup?: number }} options
 */
export async function smallObjects(client, bucket, { count, concurrency, warmup = 100 }) {
  const body = randomBytes(1024);
  /** @param {string} prefix */
  const put = (prefix) => async (/** @type {number} */ i) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${i}`, Body: body }));
  };
  /** @param {string} prefix */
  const get = (prefix) => async (/** @type {number} */ i) => {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}/${i}` }));
    const bytes = await drain(res.Body);
    if (bytes !== body.length) throw new Error(`GET ${prefix}/${i} returned ${bytes} bytes, expected ${body.length}`);
  };
  // Warm up connections, lazy loading and the JIT on both sides; not measured.
  await runOps(warmup, concurrency, put('warm'));
  await runOps(warmup, concurrency, get('warm'));
  return {
    putSequential: await runOps(count, 1, put('seq')),
    putConcurrent: await runOps(count, concurrency, put('conc')),
    getSequential: await runOps(count, 1, get('seq')),
    getConcurrent: await runOps(count, concurrency, get('conc')),
  };
}

/**
 * PUT and GET of one large in-memory object, `runs` times each; median MiB/s.
 * @param {S3Client} client
 * @param {string} bucket
 * @param {{ size: number, runs: number }} options
 */
export async function largeObject(client, bucket, { size, runs }) {
  const body = randomBytes(size);
  /** @type {number[]} */
  const put = [];
  /** @type {number[]} */
  const get = [];
  for (let run = 0; run < runs; run++) {
    const key = `large/${run}`;
    let t0 = performance.now();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    put.push(size / MiB / ((performance.now() - t0) / 1000));
    t0 = performance.now();
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await drain(res.Body);
    get.push(size / MiB / ((performance.now() - t0) / 1000));
    if (bytes !== size) throw new Error(`GET ${key} returned ${bytes} bytes, expected ${size}`);
  }
  return { putMiBps: median(put), getMiBps: median(get), putRuns: put, getRuns: get };
}

/**
 * A `size`-byte stream of 1 MiB chunks (one buffer, repeated), produced only as it is read.
 * @param {number} size
 */
function generatedBody(size, chunkSize = MiB) {
  const chunk = randomBytes(chunkSize);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < size; sent += chunkSize)
        yield sent + chunkSize <= size ? chunk : chunk.subarray(0, size - sent);
    })(),
    { objectMode: false },
  );
}

/**
 * Uploads a `size`-byte streamed body with PutObject (Readable + ContentLength) while sampling the
 * server's VmRSS every `intervalMs`; peak minus the baseline taken just before the upload.
 * @param {S3Client} client
 * @param {string} bucket
 * @param {number} pid
 * @param {{ size: number, intervalMs?: number }} options
 */
export async function streamedUploadRss(client, bucket, pid, { size, intervalMs = 50 }) {
  // Warm the server up (lazy model loading, first connection) so that the baseline excludes it.
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'warm', Body: randomBytes(64 * 1024) }));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baseline = rssBytes(pid) ?? Number.NaN;
  /** @type {number[]} */
  const samples = [];
  let lastAt = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - lastAt);
    lastAt = now;
    const rss = rssBytes(pid);
    if (rss !== undefined) samples.push(rss);
  }, intervalMs);
  const started = performance.now();
  /** @type {string | undefined} */
  let error;
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'streamed', Body: generatedBody(size), ContentLength: size }),
    );
  } catch (e) {
    error = describeError(e);
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const peak = Math.max(baseline, ...samples);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = rssBytes(pid) ?? Number.NaN;
  let storedSize;
  if (!error) {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'streamed' }));
    storedSize = head.ContentLength;
    if (storedSize !== size) error = `stored object has ${storedSize} bytes, expected ${size}`;
  }
  return {
    baselineBytes: baseline,
    peakBytes: peak,
    growthBytes: peak - baseline,
    afterBytes: after,
    samples: samples.length,
    maxSampleGapMs: maxGapMs,
    uploadSeconds: seconds,
    uploadMiBps: size / MiB / seconds,
    ...(error ? { error } : {}),
  };
}
