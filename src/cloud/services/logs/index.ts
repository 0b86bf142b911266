/**
 * Amazon CloudWatch Logs (awsJson1_1, 2014-03-28): registration of the handlers with the server,
 * and the LogStore through which other services (Lambda) write their logs.
 */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import type { Migration } from '../../store/database.js';
import { eventHandlers } from './events.js';
import type { CallAs } from './export-destination.js';
import { ExportRunner } from './export-runner.js';
import { ExportTasksState, exportTaskMigrations } from './export-state.js';
import { exportHandlers } from './exports.js';
import { groupHandlers } from './groups.js';
import { LogsService } from './logs-service.js';
import { metricFilterHandlers } from './metric-filters.js';
import { baseMigrations, LogsState } from './state.js';
import { LogStore } from './store.js';
import { streamHandlers } from './streams.js';

export type { CallAs } from './export-destination.js';
export { LogStore, type NewLogEvent } from './store.js';

export const logsMigrations: Migration[] = [...baseMigrations, ...exportTaskMigrations];

/**
 * Needs only the database and the clock, so a LogStore can also be opened on a data dir directly;
 * export tasks also need `callAs` (S3 through the service caller) and start with `start()`.
 */
export function createLogs(
  context: Pick<CloudContext, 'db' | 'now'> & Partial<Pick<CloudContext, 'log'>>,
  callAs?: CallAs,
): {
  definition: ServiceDefinition;
  store: LogStore;
  /** Resumes the export tasks a restart interrupted. */
  start(): void;
  /** Waits for a running export to stop. */
  close(): Promise<void>;
} {
  const state = new LogsState(context.db);
  const service = new LogsService(state, () => context.now());
  const exportTasks = new ExportTasksState(context.db);
  const runner = new ExportRunner(exportTasks, service, callAs ?? noCalls, (line) => context.log?.(line));
  return {
    store: new LogStore(state, () => context.now()),
    start: () => runner.kick(),
    close: () => runner.close(),
    definition: {
      model: 'logs',
      signingNames: ['logs'],
      // CloudWatch Logs reports failed model constraints as InvalidParameterException, not the
      // awsJson protocols' usual ValidationException.
      validationErrorCode: 'InvalidParameterException',
      // AWS matches the model's patterns against whole values: a log group's `arn` (with its
      // trailing `:*`) fails logGroupIdentifier's `[\w#+=/:,.@-]*`, as AWS refuses it.
      wholeValuePatterns: true,
      handlers: {
        ...groupHandlers(service),
        ...streamHandlers(service),
        ...eventHandlers(service),
        ...metricFilterHandlers(),
        ...exportHandlers(service, exportTasks, runner, callAs),
      },
    },
  };
}

/** Without a service caller (a LogStore opened on its own) exports cannot reach S3. */
const noCalls: CallAs = () => () => Promise.reject(new Error('no service caller to reach S3'));
