/**
 * How the SQS poller scales and cuts batches, as data. AWS starts five pollers per queue mapping
 * and adds more while messages wait (up to 1,250 concurrent invokes, or the mapping's
 * ScalingConfig.MaximumConcurrency); locally the ceiling without ScalingConfig is kept small so a
 * backlog does not start dozens of function processes on a laptop, and new pollers are added at
 * a scaled-down pace.
 */
import { LIMITS } from '../../../services/lambda/limits.js';

export const QUEUE_POLLING = {
  /** Concurrent batches a mapping starts with (AWS: five). */
  initialConcurrency: 5,
  /** The ceiling when the mapping has no ScalingConfig.MaximumConcurrency (AWS: 1,250; locally small). */
  defaultMaxConcurrency: 10,
  /** At most one more concurrent batch per this interval while a backlog remains. */
  scaleUpIntervalMs: 100,
  /** ReceiveMessage returns at most this many messages per call. */
  receiveMax: 10,
  /** A batch's event must fit a synchronous invoke's payload (6 MB). */
  payloadLimitBytes: LIMITS.syncPayloadBytes,
} as const;
