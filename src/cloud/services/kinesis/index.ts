/**
 * Amazon Kinesis Data Streams (awsJson1_1 and CBOR, 2013-12-02).
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import type { Migration } from '../../store/database.js';

export const kinesisMigrations: Migration[] = [];

export function createKinesis(_context: CloudContext): {
  definition: ServiceDefinition;
  start(): void;
  close(): Promise<void>;
} {
  return {
    definition: { model: 'kinesis', signingNames: ['kinesis'], handlers: {} },
    start: () => {},
    close: async () => {},
  };
}
