/**
 * Amazon SQS (awsJson1_0 with awsQuery compatibility, and awsQuery, 2012-11-05).
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import type { Migration } from '../../store/database.js';

export const sqsMigrations: Migration[] = [];

export function createSqs(_context: CloudContext): {
  definition: ServiceDefinition;
  start(): void;
  close(): Promise<void>;
} {
  return {
    definition: { model: 'sqs', signingNames: ['sqs'], handlers: {} },
    start: () => {},
    close: async () => {},
  };
}
