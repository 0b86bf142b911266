/** SQS pollers: receive, invoke, delete what succeeded. */
import type { PollerDeps, RunningPollers } from '../../index.js';

export function startQueuePollers(_deps: PollerDeps): RunningPollers {
  return { close: async () => {} };
}
