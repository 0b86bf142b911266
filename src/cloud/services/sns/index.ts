/**
 * Amazon SNS (awsQuery, 2010-03-31): registration of the handlers with the server, and the
 * in-process API (SnsDeliveries) through which events/push/sns makes the deliveries Publish stored.
 */
import { join } from 'node:path';
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { type SnsDeliveries, snsDeliveries } from './deliveries.js';
import { SNS_PATH_PREFIX, snsLink } from './links.js';
import { publishHandlers } from './publish.js';
import { SnsSigner } from './signing.js';
import { SnsService } from './sns-service.js';
import { SnsState } from './state.js';
import { subscriptionHandlers } from './subscriptions.js';
import { tagHandlers } from './tags.js';
import { topicHandlers } from './topics.js';

export type { SnsDeliveries, SnsDelivery } from './deliveries.js';
export type { StoredAttribute, StoredMessage } from './messages.js';
export { messageFor } from './messages.js';
export { SNS_PATH_PREFIX } from './sns-service.js';
export { snsMigrations } from './state.js';

export interface SnsParts {
  definition: ServiceDefinition;
  deliveries: SnsDeliveries;
  /** The signing certificate in PEM, served at SigningCertURL. */
  certificate(): string;
  start(): void;
  close(): Promise<void>;
}

export function createSns(context: CloudContext): SnsParts {
  const signer = new SnsSigner(join(context.dataDir, 'sns'));
  const service = new SnsService(new SnsState(context.db), context, signer);
  const definition: ServiceDefinition = {
    model: 'sns',
    signingNames: ['sns'],
    handlers: {
      ...topicHandlers(service),
      ...subscriptionHandlers(service),
      ...publishHandlers(service),
      ...tagHandlers(service),
    },
    unsignedLinks: {
      prefix: SNS_PATH_PREFIX,
      handle: (path, query) => snsLink(context, definition, path, query),
    },
  };
  return {
    definition,
    deliveries: snsDeliveries(service),
    certificate: () => signer.certificate(),
    // Deliveries left from before a restart are drained by the push side when it starts.
    start: () => {},
    close: async () => {},
  };
}
