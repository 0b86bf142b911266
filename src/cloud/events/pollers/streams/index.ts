/** Kinesis and DynamoDB Streams pollers: one ordered batch in flight per shard. */
import type { PollerDeps, RunningPollers } from '../../index.js';

export function startStreamPollers(_deps: PollerDeps): RunningPollers {
  return { close: async () => {} };
}
