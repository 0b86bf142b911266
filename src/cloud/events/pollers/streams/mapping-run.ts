/** What a running stream mapping shares with its shard pollers. */
import type { ServiceCall } from '../../../service-caller.js';
import type { PollingMapping } from '../../../services/lambda/index.js';
import type { CompiledFilters } from '../../filters/index.js';
import type { PollerDeps } from '../../index.js';
import type { StreamSource } from './stream-source.js';

export interface MappingRun {
  readonly deps: PollerDeps;
  readonly mapping: PollingMapping;
  readonly source: StreamSource;
  /** Lambda, SQS and S3 as the mapping's account and region. */
  readonly call: ServiceCall;
  readonly filters: CompiledFilters | undefined;
  /** Aborted when the mapping is disabled, changed or deleted, or the cloud closes. */
  readonly signal: AbortSignal;
  now(): number;
  /** Sets LastProcessingResult (written only when it changes). */
  report(result: string): void;
  /** A line in the cloud's log, naming the mapping. */
  log(line: string): void;
  /** Looks the function's role up again (after the function was not found). */
  refreshIdentity(): Promise<void>;
}
