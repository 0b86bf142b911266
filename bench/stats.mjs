/** Small helpers the benchmark sections share: statistics, a pause, the test credentials. */

/**
 * Nearest-rank percentile of unsorted numbers (p in 0..100); NaN for no values.
 * @param {number[]} values
 * @param {number} p
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** @param {number[]} values */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const MiB = 1024 * 1024;

/** p50, p90 and every run, for a list of timings. */
export const stats = (/** @type {number[]} */ values) => ({
  p50: median(values),
  p90: percentile(values, 90),
  runs: values,
});

export const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The key pair both lambda-tasks (`test`/`test`) and moto accept. */
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The trust policy of a Lambda execution role. */
export const ASSUME_LAMBDA = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
