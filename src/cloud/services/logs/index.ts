/**
 * Amazon CloudWatch Logs (awsJson1_1, 2014-03-28): registration of the handlers with the server,
 * and the LogStore through which other services (Lambda) write their logs.
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { eventHandlers } from './events.js';
import { groupHandlers } from './groups.js';
import { LogsService } from './logs-service.js';
import { LogsState } from './state.js';
import { LogStore } from './store.js';
import { streamHandlers } from './streams.js';

export { logsMigrations } from './state.js';
export { LogStore, type NewLogEvent } from './store.js';

/** Needs only the database and the clock, so a LogStore can also be opened on a data dir directly. */
export function createLogs(context: Pick<CloudContext, 'db' | 'now'>): {
  definition: ServiceDefinition;
  store: LogStore;
} {
  const state = new LogsState(context.db);
  const service = new LogsService(state, () => context.now());
  return {
    store: new LogStore(state, () => context.now()),
    definition: {
      model: 'logs',
      signingNames: ['logs'],
      // CloudWatch Logs reports failed model constraints as InvalidParameterException, not the
      // awsJson protocols' usual ValidationException.
      validationErrorCode: 'InvalidParameterException',
      handlers: {
        ...groupHandlers(service),
        ...streamHandlers(service),
        ...eventHandlers(service),
      },
    },
  };
}
