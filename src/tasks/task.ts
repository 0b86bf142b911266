/**
 * The contract between the pipeline runner and the tasks. A task (`lambda-function`) is a set of
 * actions (`deploy`, `invoke` ...); an action declares its parameters as a strict zod schema
 * (AWS API member names in lowerCamelCase plus the task's own options), can plan (say what it
 * would change without changing anything) and run (make the calls, report outputs). Actions
 * never print: they emit structured events that the CLI renders.
 */
import type { AwsClients } from '../aws/clients.js';
import type { WaitOptions } from '../aws/wait.js';
import { UNKNOWN_TEXT } from '../pipeline/interpolation.js';
import type * as z from '../pipeline/zod.js';
import type { Foresight } from './foresight.js';

/** A value a step hands to later steps and to CI; secret ones are masked in every log and report. */
export type OutputValue = string | number | boolean | { value: string; secret: true };

/** What an action tells the runner while it works. */
export type ActionEvent =
  | { type: 'info'; message: string }
  /** A skipped change, with why: "code unchanged (CodeSha256 matches)". */
  | { type: 'skip'; message: string }
  /** A change made: "updated configuration: Timeout 3 -> 10". */
  | { type: 'change'; message: string }
  /** A wait in progress: "waiting for LastUpdateStatus Successful" (elapsed ms). */
  | { type: 'wait'; what: string; elapsedMs: number }
  /** A transient failure being retried: "ResourceConflictException, retrying in 400 ms". */
  | { type: 'retry'; message: string }
  /** Lines the step wants shown as-is (an invoke's log tail). */
  | { type: 'log'; lines: string[] };

export interface ActionContext {
  /** SDK clients for the step's connection and region. */
  aws: AwsClients;
  /** The directory of the pipeline file: relative paths in parameters are relative to it. */
  baseDir: string;
  /** The step's id, for names and messages. */
  stepId: string;
  emit(event: ActionEvent): void;
  /** Registers a value to be masked as `****` wherever it would be shown. */
  secret(value: string): void;
  /** The step's timeout and cancellation. */
  signal: AbortSignal;
  /** The one polling helper, with progress reported as `wait` events; it stops when `signal` aborts. */
  waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T>;
  /**
   * In a plan of a step that will run: what the earlier steps' plans foresee (a zip about to be
   * rewritten, an object about to be uploaded). Plans read through it before reading the world.
   */
  foresight?: Foresight;
}

export interface ActionResult {
  outputs: Record<string, OutputValue>;
  /** Whether anything changed (false for a skip: the summary says why). */
  changed: boolean;
  /** One line for the summary table: "created function hello (version 1)". */
  summary: string;
}

/** One change a plan foresees. */
export interface PlannedChange {
  action: 'create' | 'update' | 'replace' | 'delete' | 'invoke' | 'none';
  /** What it concerns: "function hello", "s3://bucket/key". */
  resource: string;
  /** Human-readable details: "Timeout: 3 -> 10", "code: sha256 abc... -> def...". */
  details: string[];
}

/**
 * A planned output whose value only running the step can tell (a version about to be published).
 * Any output string containing it reads as `<known after run>` in later steps' plans.
 */
export const KNOWN_AFTER_RUN = UNKNOWN_TEXT;

/**
 * A plan with the outputs the step will have, as far as they are known before running (a
 * package's file and hash, an existing function's ARN; KNOWN_AFTER_RUN for the others, and
 * outputs left out are unknown too), so later steps' plans can use them.
 */
export interface PlanResult {
  changes: PlannedChange[];
  outputs?: Record<string, OutputValue>;
}

export interface ActionDefinition<P = unknown> {
  description: string;
  /** The `with:` parameters, strict (unknown keys are errors). */
  params: z.ZodMiniType<P>;
  run(params: P, ctx: ActionContext): Promise<ActionResult>;
  /** What `run` would change; absent for actions whose effect cannot be previewed. */
  plan?(params: P, ctx: ActionContext): Promise<PlannedChange[] | PlanResult>;
  /**
   * Output names this action sets (for validating `${steps.x.outputs.y}` before running). `'*'`
   * means further names only known at run time may be set (a CloudFormation stack's Outputs).
   */
  outputs: readonly string[];
}

export interface TaskDefinition {
  name: string;
  description: string;
  // biome-ignore lint/suspicious/noExplicitAny: each action has its own parameter type; the registry is heterogeneous.
  actions: Record<string, ActionDefinition<any>>;
  /** The action used when a step names none (the `package` task has one). */
  defaultAction?: string;
}

/**
 * An action's parameter schema, or the function that builds it. Building zod schemas is most of
 * what loading the tasks costs (~20 ms for all of them), and a pipeline uses a few of their
 * actions: the tasks' params modules export builders, and each is called on first use.
 */
export type ParamsSchema<S extends z.ZodMiniType> = S | (() => S);

/** Declares an action with its parameter type inferred from the schema (built on first read when given as a builder). */
export function defineAction<S extends z.ZodMiniType>(
  definition: Omit<ActionDefinition<z.infer<S>>, 'params'> & { params: ParamsSchema<S> },
): ActionDefinition<z.infer<S>> {
  const { params } = definition;
  if (typeof params !== 'function') return definition as ActionDefinition<z.infer<S>>;
  let built: S | undefined;
  return Object.defineProperty({ ...definition }, 'params', {
    get: () => {
      built ??= params();
      return built;
    },
    enumerable: true,
  }) as unknown as ActionDefinition<z.infer<S>>;
}

/** What an action does, apart from what validation needs (its description, parameters, outputs). */
export interface ActionImplementation<P> {
  run(params: P, ctx: ActionContext): Promise<ActionResult>;
  plan?(params: P, ctx: ActionContext): Promise<PlannedChange[] | PlanResult>;
}

/**
 * Declares an action whose `run` and `plan` live in a module loaded on their first call.
 * Validating a pipeline needs only the parameters; the implementations bring the AWS SDK clients
 * and commands, which take most of a second to load, so `lambda-tasks validate` never loads them.
 */
const implementations = new WeakMap<ActionDefinition<never>, () => Promise<ActionImplementation<never>>>();

/** A lazy action's implementation, loaded (for checks that its declaration matches it); undefined for other actions. */
export function loadImplementation<P>(action: ActionDefinition<P>): Promise<ActionImplementation<P>> | undefined {
  return implementations.get(action as ActionDefinition<never>)?.() as Promise<ActionImplementation<P>> | undefined;
}

export function lazyAction<S extends z.ZodMiniType>(definition: {
  description: string;
  params: ParamsSchema<S>;
  outputs: readonly string[];
  /** Whether the implementation has a `plan` (validation reports it before anything is loaded). */
  plannable: boolean;
  load(): Promise<ActionImplementation<z.infer<S>>>;
}): ActionDefinition<z.infer<S>> {
  const { load, plannable, ...declared } = definition;
  const action = defineAction<S>({
    ...declared,
    run: async (params, ctx) => (await load()).run(params, ctx),
  });
  if (plannable) {
    action.plan = async (params, ctx) => {
      const implementation = await load();
      if (!implementation.plan) throw new Error(`${definition.description}: declared plannable but has no plan`);
      return implementation.plan(params, ctx);
    };
  }
  implementations.set(action as ActionDefinition<never>, load as () => Promise<ActionImplementation<never>>);
  return action;
}
