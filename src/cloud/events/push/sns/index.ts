/** SNS deliveries to Lambda, SQS and HTTP endpoints. */
import type { RunningPollers } from '../../index.js';
import type { PushDeps } from '../index.js';

export function startSnsDeliveries(_deps: PushDeps): RunningPollers {
  return { close: async () => {} };
}
