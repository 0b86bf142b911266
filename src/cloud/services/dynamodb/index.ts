/**
 * Amazon DynamoDB (awsJson1_0, 2012-08-10) and DynamoDB Streams (its own API, signed as `dynamodb`).
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import type { Migration } from '../../store/database.js';

export const dynamoDbMigrations: Migration[] = [];

export function createDynamoDb(_context: CloudContext): {
  definition: ServiceDefinition;
  streamsDefinition: ServiceDefinition;
  start(): void;
  close(): Promise<void>;
} {
  return {
    definition: { model: 'dynamodb', signingNames: ['dynamodb'], handlers: {} },
    streamsDefinition: { model: 'dynamodbstreams', signingNames: ['dynamodb'], handlers: {} },
    start: () => {},
    close: async () => {},
  };
}
