/**
 * What moves events between services. Pollers (the pull model) run the event source mappings the
 * Lambda API stores: they read Kinesis shards, DynamoDB table streams and SQS queues through the
 * services' in-process readers, wake on the services' change events, and invoke functions through
 * Lambda's own Invoke handler (concurrency, throttling and logs as for any invoke). Services never
 * import this folder; the composition root (services/index.ts) starts it.
 */
import type { ChangeEvents } from '../change-events.js';
import type { CloudContext } from '../context.js';
import type { ServiceCall } from '../service-caller.js';
import type { StreamReader } from '../services/dynamodb/streams/stream-reader.js';
import type { KinesisStreams } from '../services/kinesis/reader.js';
import type { EventSourceMappings } from '../services/lambda/index.js';
import type { SqsQueueApi } from '../services/sqs/index.js';
import { startQueuePollers } from './pollers/sqs/index.js';
import { startStreamPollers } from './pollers/streams/index.js';

export interface PollerDeps {
  context: CloudContext;
  events: ChangeEvents;
  mappings: EventSourceMappings;
  kinesis: KinesisStreams;
  dynamodbStreams: StreamReader;
  sqs: SqsQueueApi;
  /**
   * A local service's operation in-process as `accountId` in `region`: Lambda's Invoke for
   * batches, and SQS SendMessage / S3 PutObject for on-failure destinations.
   */
  call(accountId: string, region: string): ServiceCall;
}

export interface RunningPollers {
  /** Stops polling; batches in flight finish or are left for the source to redeliver. */
  close(): Promise<void>;
}

export function startEventPollers(deps: PollerDeps): RunningPollers {
  const streams = startStreamPollers(deps);
  const queues = startQueuePollers(deps);
  return {
    close: async () => {
      await Promise.all([streams.close(), queues.close()]);
    },
  };
}
