/**
 * Amazon Kinesis Data Streams (awsJson1_1 and CBOR, 2013-12-02): registration of the handlers with
 * the server, and KinesisStreams, the in-process reader event source pollers use. Enhanced fan-out
 * (RegisterStreamConsumer, SubscribeToShard ...) and resource policies are not implemented: the
 * server answers those operations as not implemented.
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { KinesisService } from './kinesis-service.js';
import { KinesisStreams } from './reader.js';
import { recordHandlers } from './records.js';
import { settingHandlers } from './settings.js';
import { shardHandlers } from './shards.js';
import { KinesisState } from './state.js';
import { streamHandlers } from './streams.js';
import { tagHandlers } from './tags.js';

export {
  KinesisStreams,
  type ReadFrom,
  type ShardBatch,
  type ShardInfo,
  type ShardRecord,
  type StreamInfo,
} from './reader.js';
export { kinesisMigrations } from './state.js';

export function createKinesis(context: CloudContext): {
  definition: ServiceDefinition;
  /** Reads streams in-process (for event source mappings). */
  streams: KinesisStreams;
  start(): void;
  close(): Promise<void>;
} {
  const service = new KinesisService(new KinesisState(context.db), context);
  return {
    definition: {
      model: 'kinesis',
      signingNames: ['kinesis'],
      // Kinesis matches its name, ARN and hash key patterns against whole values (`bad name!` is refused).
      wholeValuePatterns: true,
      handlers: {
        ...streamHandlers(service),
        ...shardHandlers(service),
        ...recordHandlers(service),
        ...settingHandlers(service),
        ...tagHandlers(service),
      },
    },
    streams: new KinesisStreams(service),
    // Lifecycles are timestamps settled when a stream is read, so there is no background work.
    start: () => {},
    close: async () => {},
  };
}
