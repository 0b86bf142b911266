/**
 * A pipeline as loaded and checked: what validate.ts produces and the runner consumes.
 */
import type { ActionDefinition } from '../tasks/task.js';
import type { Expression } from './condition.js';
import type { Problem } from './errors.js';
import type { TaskRegistry } from './registry.js';
import type { ConnectionSpec } from './schema.js';
import type { PipelineSource } from './source.js';

export const DEFAULT_PIPELINE_FILE = 'lambda-tasks.yml';
export const DEFAULT_STEP_TIMEOUT_MS = 3_600_000;
export const BUILTIN_CONNECTIONS = ['local', 'aws'] as const;

export interface LoadPipelineOptions {
  /** The pipeline file, relative to `cwd`. @default 'lambda-tasks.yml' */
  file?: string;
  /** The file's text, when it is not to be read from disk (tests, editors). */
  source?: string;
  /** @default process.cwd() */
  cwd?: string;
  /** @default TASK_REGISTRY */
  registry?: TaskRegistry;
  /** `--var name=value`: added to (and overriding) the file's variables. */
  variables?: Readonly<Record<string, string>>;
  /**
   * The environment placeholders read. When given, `${env.X}` naming an unset variable is a
   * problem; `validate` leaves it out, since CI variables are often not set where one validates.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Run only these steps (`--only`). */
  only?: readonly string[];
  /** Skip the steps before this one (`--from`). */
  from?: string;
  /** Overrides the pipeline's default connection (`--connection`). */
  connection?: string;
}

export interface PipelineVariable {
  /** As written (placeholders `${env.X}`/`${file:...}` are filled in when the pipeline starts). */
  value: unknown;
  secret: boolean;
  /** Given with --var (a string, converted to the file's type for the name when it has one). */
  fromCommandLine: boolean;
}

export interface PipelineStep {
  index: number;
  id: string;
  task: string;
  action: string;
  definition: ActionDefinition;
  /** The parameters as written (placeholders unresolved). */
  with: unknown;
  region?: string;
  connection?: string;
  /** The `if:` as written, and parsed. */
  if?: string | boolean;
  condition?: Expression;
  continueOnError: boolean;
  timeoutMs: number;
  /** False when --only/--from leaves the step out. */
  selected: boolean;
  /** Why it is left out. */
  selectionNote?: string;
}

export interface Pipeline {
  /** The file as given, for messages. */
  file: string;
  path: string;
  baseDir: string;
  name: string;
  region?: string;
  /** The default connection (after --connection). */
  connection: string;
  connections: Readonly<Record<string, ConnectionSpec>>;
  variables: ReadonlyMap<string, PipelineVariable>;
  steps: PipelineStep[];
  source: PipelineSource;
}

export interface ValidationResult {
  /** Present when there are no problems. */
  pipeline?: Pipeline;
  problems: Problem[];
}
