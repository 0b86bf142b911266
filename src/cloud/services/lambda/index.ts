/** AWS Lambda (restJson1, 2015-03-31): the control plane's handlers, the invoke path and the async queue. */

import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { CloudContext } from '../../context.js';
import { ExecutionEngine } from '../../lambda/engine.js';
import type { Handler, RequestContext, ServiceDefinition } from '../../service.js';
import type { LogStore } from '../logs/index.js';
import type { S3Service } from '../s3/s3-service.js';
import { AsyncInvokes } from './async-invokes.js';
import { AsyncQueueState } from './async-queue-state.js';
import { CodeStore } from './code.js';
import { guardCrossAccount } from './cross-account.js';
import { refineLambdaValidation } from './errors.js';
import { FunctionUrlState, functionUrlHandlers, functionUrlMigrations } from './function-urls.js';
import { functionHandlers } from './functions.js';
import { invokeHandlers } from './invoke.js';
import { Invoker } from './invoker.js';
import { LambdaService } from './lambda-service.js';
import { layerHandlers } from './layers.js';
import { LIMITS } from './limits.js';
import { BatchedLogSink } from './log-batches.js';
import {
  ARN_ONLY_LOOKUP,
  type EventSourceLookup,
  EventSourceMappings,
  MappingState,
  mappingHandlers,
  mappingMigrations,
  mappingTagHandlers,
} from './mappings/index.js';
import { policyHandlers } from './policy.js';
import { settingsHandlers } from './settings.js';
import { lambdaMigrations as functionMigrations, LambdaState } from './state.js';
import { versionHandlers } from './versions.js';

export {
  type EventSourceLookup,
  EventSourceMappings,
  type MappingChange,
  type PollingMapping,
  type SourceKind,
  sourceKindOf,
} from './mappings/index.js';

/** Operations after which the function's next invoke is a cold start. */
const COLD_AFTER = ['CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration'];

/** After each of them, the invoker gets the function ready for that cold start (Invoker.prepare). */
function prepareOnChange(handlers: Record<string, Handler>, invoker: Invoker): Record<string, Handler> {
  const wrapped: Record<string, Handler> = { ...handlers };
  for (const operation of COLD_AFTER) {
    const handler = handlers[operation];
    if (!handler) continue;
    wrapped[operation] = async (input: unknown, ctx: RequestContext): Promise<unknown> => {
      const changed = (await handler(input, ctx)) as FunctionConfiguration;
      if (changed.FunctionName) invoker.prepare(changed.FunctionName, ctx);
      return changed;
    };
  }
  return wrapped;
}

export const lambdaMigrations = [...functionMigrations, ...mappingMigrations, ...functionUrlMigrations];

export interface LambdaParts {
  definition: ServiceDefinition;
  service: LambdaService;
  /** Event source mappings, for the pollers: which to run, changes, results, checkpoints. */
  mappings: EventSourceMappings;
  start(): void;
  close(): Promise<void>;
}

/**
 * `sources` tells the mappings which event sources exist; without it every source ARN of a kind
 * the mappings read is taken as existing.
 */
export function createLambda(
  context: CloudContext,
  s3: S3Service,
  logStore: LogStore,
  sources: EventSourceLookup = ARN_ONLY_LOOKUP,
): LambdaParts {
  const logs = new BatchedLogSink(logStore, context.log, context.events);
  const state = new LambdaState(context.db);
  const service = new LambdaService(state, new CodeStore(context.blobs, s3, context.dataDir), context);
  const engine = new ExecutionEngine({
    endpoint: context.endpoint,
    dataDir: context.dataDir,
    logs,
    idleTimeoutMs: context.lambda.idleTimeoutMs,
    runtimePool: context.lambda.runtimePool !== false,
    now: context.now,
    log: context.log,
  });
  const invoker = new Invoker(service, engine);
  const queue = new AsyncInvokes(service, new AsyncQueueState(context.db), invoker);
  const retire = (version: Parameters<Invoker['retire']>[0]) => invoker.retire(version);
  const mappings = new EventSourceMappings(new MappingState(context.db), state, sources, context);
  const settings = settingsHandlers(service);
  return {
    service,
    mappings,
    start: () => queue.start(),
    async close() {
      await queue.stop();
      await engine.close();
      logs.flush();
    },
    definition: {
      model: 'lambda',
      signingNames: ['lambda'],
      maxBodyBytes: LIMITS.requestBodyBytes,
      refineValidation: refineLambdaValidation,
      handlers: {
        // Everything that names a function by FunctionName; layers and mappings are per account.
        ...guardCrossAccount(
          {
            ...prepareOnChange(functionHandlers(service, retire), invoker),
            ...versionHandlers(service),
            ...policyHandlers(service),
            ...functionUrlHandlers(service, new FunctionUrlState(context.db)),
            ...settings,
            ...invokeHandlers(service, invoker, queue),
          },
          service,
        ),
        ...layerHandlers(service),
        ...mappingHandlers(mappings),
        ...mappingTagHandlers(mappings, settings),
      },
    },
  };
}
