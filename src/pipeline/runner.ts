/**
 * Runs (or plans) a pipeline: steps in file order, each with its connection, region, timeout and
 * condition; stops at the first failure unless the step may fail (`continueOnError`). `plan` asks
 * each action what it would change (its `plan()`), with the outputs earlier steps' plans foresee
 * (the rest `<known after run>`) and what they foresee doing (a Foresight: the zip a package step
 * will rewrite, the object an upload will put), so no plan reads state an earlier step replaces.
 * A step left out by --only/--from whose outputs a selected step needs is planned read-only to
 * supply them; when its plan foresees a change, its outputs would not describe what exists, and
 * the steps that need them fail saying so.
 *
 * Everything it reports goes through `onEvent`, masked; it never prints.
 */
import { relative } from 'node:path';
import { type AwsClients, createClients } from '../aws/clients.js';
import { type Connection, Connections, defaultRegion } from '../aws/connections.js';
import { waitFor } from '../aws/wait.js';
import { Foresight } from '../tasks/foresight.js';
import type { ActionContext, OutputValue, PlanResult } from '../tasks/task.js';
import { evaluateCondition } from './condition.js';
import { formatDuration } from './duration.js';
import { formatProblem, PipelineError } from './errors.js';
import type { Mode, PipelineEvent, ShownOutputs, StepFailure, StepReport, StepResult } from './events.js';
import { describeFailure } from './failure.js';
import { interpolate, UNKNOWN, UNKNOWN_TEXT } from './interpolation.js';
import { stepsSupplyingOutputs } from './left-out.js';
import type { ConnectionSpec } from './schema.js';
import { type Environment, Scope } from './scope.js';
import { MASK, Secrets } from './secrets.js';
import { type LoadPipelineOptions, loadPipeline, type Pipeline, type PipelineStep } from './validate.js';
import { zodProblems } from './zod-problems.js';

/** Events without their timestamp (the runner adds it). */
type Untimed<E> = E extends unknown ? Omit<E, 'time'> : never;

export interface PipelineOptions extends Omit<LoadPipelineOptions, 'env'> {
  /** Receives every event, secrets masked. */
  onEvent?: (event: PipelineEvent) => void;
  /** Cancels the run: the current step fails with Cancelled and no further step runs. */
  signal?: AbortSignal;
  /** The environment for `${env.X}`, AWS_REGION, AWS_ENDPOINT_URL and key variables. @default process.env */
  env?: Environment;
  /** The local cloud's endpoint (`--endpoint`). @default AWS_ENDPOINT_URL, then http://127.0.0.1:4566 */
  endpoint?: string;
  /** Start the local cloud in-process when nothing listens at its endpoint. @default true */
  startLocalCloud?: boolean;
}

export interface StepOutputs {
  task: string;
  action: string;
  /** As the action returned them: secret ones as `{ value, secret: true }`. */
  outputs: Record<string, OutputValue>;
}

export interface PipelineResult {
  mode: Mode;
  name: string;
  file: string;
  result: 'succeeded' | 'failed';
  durationMs: number;
  steps: StepReport[];
  /** The failure that stopped the run (a run), or the first failed step (a plan). */
  failure?: StepFailure;
  /** Outputs by step id, unmasked, for writing outputs files (steps that ran, in order). */
  outputs: Record<string, StepOutputs>;
  /** Every secret seen, for masking what the caller writes. */
  secrets: Secrets;
}

export function runPipeline(options: PipelineOptions = {}): Promise<PipelineResult> {
  return execute('run', options);
}

export function planPipeline(options: PipelineOptions = {}): Promise<PipelineResult> {
  return execute('plan', options);
}

async function execute(mode: Mode, options: PipelineOptions): Promise<PipelineResult> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const pipeline = loadPipeline({ ...options, env, cwd });
  return new Execution(mode, pipeline, options, env, cwd).run();
}

class Execution {
  private readonly secrets = new Secrets();
  private readonly scope: Scope;
  private readonly connections: Connections;
  private readonly clients = new Map<string, AwsClients>();
  private readonly reports: StepReport[] = [];
  private readonly outputs: Record<string, StepOutputs> = {};
  /** What the plans of the steps so far foresee (plans only). */
  private readonly foresight = new Foresight();
  /** Left-out steps whose outputs selected steps need. */
  private readonly suppliers: ReadonlySet<string>;
  private pipelineRegion: string | undefined;

  constructor(
    private readonly mode: Mode,
    private readonly pipeline: Pipeline,
    private readonly options: PipelineOptions,
    private readonly env: Environment,
    cwd: string,
  ) {
    this.secrets.addFromEnvironment(env);
    this.scope = new Scope(pipeline, env, this.secrets, mode);
    this.suppliers = stepsSupplyingOutputs(pipeline.steps);
    const specs = interpolate(pipeline.connections, this.scope.resolve).value as Record<string, ConnectionSpec>;
    if (pipeline.region !== undefined)
      this.pipelineRegion = String(interpolate(pipeline.region, this.scope.resolve).value);
    this.connections = new Connections(specs, {
      env,
      cwd,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.startLocalCloud !== undefined ? { startLocalCloud: options.startLocalCloud } : {}),
      onLocalCloudStarted: ({ url, dataDir }) =>
        this.emit({
          type: 'pipeline-info',
          message: `started the local cloud at ${url} (state in ${relative(cwd, dataDir) || dataDir})`,
        }),
      onLocalCloudLog: (line) => this.emit({ type: 'pipeline-info', message: `local cloud: ${line}` }),
    });
  }

  private emit(event: Untimed<PipelineEvent>): void {
    if (!this.options.onEvent) return;
    this.options.onEvent(this.secrets.maskDeep({ ...event, time: Date.now() } as PipelineEvent));
  }

  async run(): Promise<PipelineResult> {
    const started = Date.now();
    const { pipeline } = this;
    this.emit({
      type: 'pipeline-start',
      mode: this.mode,
      name: pipeline.name,
      file: pipeline.file,
      steps: pipeline.steps.map((s) => ({ id: s.id, task: s.task, action: s.action, selected: s.selected })),
    });
    let stoppedBy: StepFailure | undefined;
    let firstFailure: StepFailure | undefined;
    try {
      for (const step of pipeline.steps) {
        if (stoppedBy) {
          this.reports.push(this.report(step, 'skipped', `not run: step "${stoppedBy.stepId}" failed`, 0));
          continue;
        }
        if (this.options.signal?.aborted) {
          stoppedBy = describeFailure(step.id, new PipelineError('Cancelled', 'The run was cancelled.'));
          firstFailure ??= stoppedBy;
          this.reports.push(this.report(step, 'skipped', 'not run: cancelled', 0));
          continue;
        }
        const report = await this.step(step);
        this.reports.push(report);
        if (report.failure) {
          firstFailure ??= report.failure;
          if (this.mode === 'run' && !step.continueOnError) stoppedBy = report.failure;
        }
      }
    } finally {
      for (const clients of this.clients.values()) clients.destroy();
      await Promise.race([this.connections.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
    const failure = this.mode === 'run' ? stoppedBy : firstFailure;
    const result: PipelineResult = {
      mode: this.mode,
      name: pipeline.name,
      file: pipeline.file,
      result: failure ? 'failed' : 'succeeded',
      durationMs: Date.now() - started,
      steps: this.secrets.maskDeep(this.reports),
      ...(failure ? { failure: this.secrets.maskDeep(failure) } : {}),
      outputs: this.outputs,
      secrets: this.secrets,
    };
    this.emit({
      type: 'pipeline-end',
      mode: this.mode,
      name: pipeline.name,
      result: result.result,
      durationMs: result.durationMs,
      steps: result.steps,
      ...(result.failure ? { failure: result.failure } : {}),
    });
    return result;
  }

  private report(
    step: PipelineStep,
    result: StepResult,
    summary: string,
    durationMs: number,
    extra: Partial<StepReport> = {},
  ): StepReport {
    return { id: step.id, task: step.task, action: step.action, result, summary, durationMs, outputs: {}, ...extra };
  }

  private finish(report: StepReport): StepReport {
    const { id, ...rest } = report;
    this.emit({ type: 'step-end', stepId: id, ...rest });
    return report;
  }

  private async step(step: PipelineStep): Promise<StepReport> {
    if (!step.selected) {
      const note = step.selectionNote ?? 'not selected';
      if (this.suppliers.has(step.id)) return this.finish(await this.supply(step, note));
      this.scope.setUnavailable(step.id, `it was not run (${note})`);
      return this.finish(this.report(step, 'skipped', `not selected (${note})`, 0));
    }
    const index = this.pipeline.steps.indexOf(step);
    this.emit({
      type: 'step-start',
      stepId: step.id,
      task: step.task,
      action: step.action,
      index,
      total: this.pipeline.steps.length,
    });
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    try {
      let conditionNote = '';
      if (step.if !== undefined) {
        const holds = this.conditionHolds(step);
        if (holds === false) {
          this.scope.setUnavailable(step.id, 'it was skipped (its condition was false)');
          return this.finish(this.report(step, 'skipped', `condition is false: ${String(step.if)}`, elapsed()));
        }
        if (holds === UNKNOWN) conditionNote = ` (runs only if ${String(step.if)}, which depends on earlier outputs)`;
      }
      const { value, unknown } = interpolate(step.with ?? {}, this.scope.resolve);
      if (this.mode === 'plan') return this.finish(await this.plan(step, value, unknown, conditionNote, elapsed));
      const params = await this.parameters(step, value);
      const result = await this.withDeadline(step, (ctx) => step.definition.run(params, ctx));
      this.scope.setOutputs(step.id, result.outputs);
      this.outputs[step.id] = { task: step.task, action: step.action, outputs: result.outputs };
      return this.finish(
        this.report(step, result.changed ? 'changed' : 'unchanged', result.summary, elapsed(), {
          outputs: shownOutputs(result.outputs),
        }),
      );
    } catch (error) {
      const failure = describeFailure(step.id, error);
      this.scope.setUnavailable(step.id, 'it failed');
      return this.finish(
        this.report(step, 'failed', failure.message, elapsed(), {
          failure,
          ...(step.continueOnError && this.mode === 'run' ? { continued: true } : {}),
        }),
      );
    }
  }

  /**
   * A step's plan. Values earlier steps' plans could not foresee are passed as `<known after
   * run>`: an action's plan may still say a lot (the function exists, its configuration differs)
   * and show them as such. When the parameters do not validate with them, or the plan fails on
   * them, the step is `unknown`, naming what it depends on.
   */
  private async plan(
    step: PipelineStep,
    value: unknown,
    unknown: string[],
    conditionNote: string,
    elapsed: () => number,
  ): Promise<StepReport> {
    const depends = unknown.length ? `depends on ${[...new Set(unknown)].join(', ')}` : '';
    const unknownReport = (why: string) =>
      this.report(step, 'unknown', `${why}${conditionNote}`, elapsed(), {
        ...(depends
          ? { changes: [{ action: 'none', resource: `${step.task} ${step.action}`, details: [depends] }] }
          : {}),
      });
    if (!step.definition.plan) {
      return unknownReport(`cannot be previewed (no plan for this action)${depends ? `; ${depends}` : ''}`);
    }
    let planned: PlanResult;
    try {
      planned = await this.planned(step, value, this.foresight);
    } catch (error) {
      if (!depends) throw error;
      return unknownReport(`known after run: ${depends}`);
    }
    const { changes } = planned;
    // What the plan foresees (outputs known before running) lets later steps plan precisely.
    if (planned.outputs) this.scope.setOutputs(step.id, planned.outputs, '');
    const changing = changes.filter((c) => c.action !== 'none');
    const summary = changing.length
      ? changing.map((c) => `${c.action} ${c.resource}`).join(', ')
      : changes.length
        ? changes.map((c) => `${c.resource}: no changes`).join(', ')
        : 'no changes';
    return this.report(
      step,
      changing.length ? 'changed' : 'unchanged',
      `${summary}${unknown.length ? ` (${[...new Set(unknown)].join(', ')} ${UNKNOWN_TEXT.slice(1, -1)})` : ''}${conditionNote}`,
      elapsed(),
      { changes },
    );
  }

  /** The action's plan with the parameters checked; `foresight` only for a step that will run. */
  private async planned(step: PipelineStep, value: unknown, foresight: Foresight | undefined): Promise<PlanResult> {
    const plan = step.definition.plan;
    if (!plan) throw new PipelineError('ActionFailed', `The ${step.task} ${step.action} action has no plan.`);
    const params = await this.parameters(step, value);
    const result = await this.withDeadline(step, (ctx) => plan(params, ctx), foresight);
    return Array.isArray(result) ? { changes: result } : result;
  }

  /**
   * A step left out by --only/--from whose outputs a selected step needs: planned read-only. When
   * it would change nothing, what it foresees is what exists, and its outputs are supplied; when
   * it would change something, or cannot be planned, the steps that need its outputs fail and say
   * why (running them on outputs that describe a future that did not happen would be wrong).
   */
  /** A step's `if:` as far as the outputs so far tell (UNKNOWN when it depends on one not known yet). */
  private conditionHolds(step: PipelineStep): boolean | typeof UNKNOWN {
    return typeof step.if === 'boolean' || !step.condition
      ? Boolean(step.if)
      : evaluateCondition(step.condition, this.scope.resolveForCondition);
  }

  private async supply(step: PipelineStep, note: string): Promise<StepReport> {
    const started = Date.now();
    const leftOut = `was left out (${note})`;
    const skipped = (why: string) => {
      this.scope.setUnavailable(step.id, `it ${leftOut} and ${why}: include it in the run`);
      return this.report(step, 'skipped', `not selected (${note}); its outputs are not available: ${why}`, 0);
    };
    try {
      if (step.if !== undefined) {
        const holds = this.conditionHolds(step);
        if (holds !== true) return skipped(`its condition ${holds === false ? 'is false' : 'cannot be evaluated'}`);
      }
      const { value, unknown } = interpolate(step.with ?? {}, this.scope.resolve);
      if (unknown.length) return skipped(`its parameters depend on ${[...new Set(unknown)].join(', ')}`);
      const planned = await this.planned(step, value, undefined);
      const changing = planned.changes.filter((c) => c.action !== 'none');
      if (changing.length) {
        return skipped(
          `running it would change ${changing.map((c) => `${c.action} ${c.resource}`).join(', ')}, so its outputs would not describe what exists`,
        );
      }
      this.scope.setOutputs(step.id, planned.outputs ?? {}, leftOut);
      return this.report(
        step,
        'skipped',
        `not selected (${note}); planned to supply its outputs: no changes`,
        Date.now() - started,
        { outputs: shownOutputs(planned.outputs ?? {}) },
      );
    } catch (error) {
      return skipped(`planning it failed: ${describeFailure(step.id, error).message}`);
    }
  }

  /** The parameters after placeholders, checked by the action's schema (defaults applied). */
  private async parameters(step: PipelineStep, value: unknown): Promise<unknown> {
    const parsed = await step.definition.params.safeParseAsync(value);
    if (parsed.success) return parsed.data;
    const problems = zodProblems(step.definition.params, value, this.pipeline.source, {
      basePath: ['steps', step.index, 'with'],
    });
    const lines = problems.length ? problems.map(formatProblem) : parsed.error.issues.map((i) => i.message);
    throw new PipelineError(
      'InvalidParameters',
      `The parameters of step "${step.id}" are invalid once placeholders are filled in:\n${lines.map((l) => `  ${l}`).join('\n')}`,
      { hint: 'check the values the placeholders stand for' },
    );
  }

  private async clientsFor(step: PipelineStep, connectionName: string, connection: Connection): Promise<AwsClients> {
    const stepRegion =
      step.region === undefined ? undefined : String(interpolate(step.region, this.scope.resolve).value);
    const region = stepRegion ?? connection.region ?? this.pipelineRegion ?? defaultRegion(this.env);
    const key = `${connectionName}\n${region}`;
    let clients = this.clients.get(key);
    if (!clients) {
      clients = createClients(connection.resolved, region);
      this.clients.set(key, clients);
    }
    return clients;
  }

  /** Runs `work` with the step's context, failing with StepTimedOut (or Cancelled) when it takes too long. */
  private async withDeadline<T>(
    step: PipelineStep,
    work: (ctx: ActionContext) => Promise<T>,
    foresight?: Foresight,
  ): Promise<T> {
    const controller = new AbortController();
    let waitingFor: string | undefined;
    let rejectAborted: (error: unknown) => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      rejectAborted = reject;
    });
    aborted.catch(() => {});
    const abort = (error: PipelineError) => {
      if (controller.signal.aborted) return;
      controller.abort(error);
      rejectAborted(error);
    };
    const timer = setTimeout(
      () =>
        abort(
          new PipelineError(
            'StepTimedOut',
            `Step "${step.id}" did not finish within ${formatDuration(step.timeoutMs)}${waitingFor ? ` (it was waiting for ${waitingFor})` : ''}.`,
            {
              hint: `raise the step's timeout (timeout: ${Math.ceil((step.timeoutMs * 2) / 60_000)}m), or find out why it takes this long`,
            },
          ),
        ),
      step.timeoutMs,
    );
    const outer = this.options.signal;
    const onCancel = () => abort(new PipelineError('Cancelled', `Step "${step.id}" was cancelled.`));
    outer?.addEventListener('abort', onCancel, { once: true });
    if (outer?.aborted) onCancel();
    const emit = (event: Parameters<ActionContext['emit']>[0]) => {
      if (!controller.signal.aborted) this.emit({ type: 'step-event', stepId: step.id, event });
    };
    try {
      const connectionName = step.connection ?? this.pipeline.connection;
      const connectionPromise = this.connections.resolve(connectionName);
      const connection = await Promise.race([connectionPromise, aborted]);
      for (const secret of connection.secrets) this.secrets.add(secret);
      const clients = await this.clientsFor(step, connectionName, connection);
      const ctx: ActionContext = {
        aws: clients,
        baseDir: this.pipeline.baseDir,
        stepId: step.id,
        emit,
        secret: (value) => this.secrets.add(value),
        signal: controller.signal,
        ...(foresight ? { foresight } : {}),
        waitFor: async (check, waitOptions) => {
          waitingFor = waitOptions.what;
          try {
            return await waitFor(check, {
              ...waitOptions,
              signal: waitOptions.signal ?? controller.signal,
              onWait: (what, elapsedMs) => {
                waitingFor = what;
                waitOptions.onWait?.(what, elapsedMs);
                emit({ type: 'wait', what, elapsedMs });
              },
            });
          } finally {
            waitingFor = undefined;
          }
        },
      };
      const running = work(ctx);
      running.catch(() => {});
      return await Promise.race([running, aborted]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onCancel);
    }
  }
}

function shownOutputs(outputs: Record<string, OutputValue>): ShownOutputs {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, value]) => [name, typeof value === 'object' ? MASK : value]),
  );
}
