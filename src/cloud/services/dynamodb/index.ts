/**
 * Amazon DynamoDB (awsJson1_0, 2012-08-10) and DynamoDB Streams (its own API, signed as
 * `dynamodb`): registration of the handlers, the TTL sweep, and the in-process stream reader that
 * event source mapping pollers use.
 */
import type { ServiceDefinition } from '../../service.js';
import type { Migration } from '../../store/database.js';
import { batchHandlers } from './batch.js';
import { type DynamoDbContext, DynamoDbService } from './dynamodb-service.js';
import { itemHandlers } from './items.js';
import { queryScanHandlers } from './query-scan.js';
import { DynamoDbState, dynamoDbStateMigrations } from './state.js';
import { streamHandlers } from './streams/handlers.js';
import { StreamReader } from './streams/stream-reader.js';
import { tableHandlers } from './tables.js';
import { tagHandlers } from './tags.js';
import { transactionHandlers } from './transactions.js';
import { sweep, ttlHandlers } from './ttl.js';

export const dynamoDbMigrations: Migration[] = dynamoDbStateMigrations;

export { type DynamoDbContext, DynamoDbService, tableArn } from './dynamodb-service.js';
export { formatSequence, parseSequence, type ShardRead, StreamReader } from './streams/stream-reader.js';

export function createDynamoDb(context: DynamoDbContext): {
  definition: ServiceDefinition;
  streamsDefinition: ServiceDefinition;
  /** Reads stream shards by stream ARN, in process (for the DynamoDB Streams pollers). */
  streams: StreamReader;
  /** The service, for CloudFormation's provider and tests in process. */
  service: DynamoDbService;
  start(): void;
  close(): Promise<void>;
} {
  const state = new DynamoDbState(context.db);
  const service = new DynamoDbService(state, context);
  const reader = new StreamReader(state, () => context.now());
  let timer: NodeJS.Timeout | undefined;
  return {
    service,
    streams: reader,
    definition: {
      model: 'dynamodb',
      signingNames: ['dynamodb'],
      handlers: {
        ...tableHandlers(service),
        ...itemHandlers(service),
        ...queryScanHandlers(service),
        ...batchHandlers(service),
        ...transactionHandlers(service),
        ...ttlHandlers(service),
        ...tagHandlers(service),
      },
    },
    streamsDefinition: {
      model: 'dynamodbstreams',
      signingNames: ['dynamodb'],
      handlers: streamHandlers(state, reader, () => context.now()),
    },
    start: () => {
      timer = setInterval(() => {
        try {
          sweep(service);
        } catch (error) {
          context.log(`dynamodb: TTL sweep failed: ${(error as Error).stack ?? String(error)}`);
        }
      }, context.dynamodb.ttlSweepMs);
      timer.unref();
    },
    close: async () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
