/** S3 event notifications delivered to Lambda, SQS and SNS. */
import type { RunningPollers } from '../../index.js';
import type { PushDeps } from '../index.js';

export function startS3Notifications(_deps: PushDeps): RunningPollers {
  return { close: async () => {} };
}
