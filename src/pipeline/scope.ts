// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The values placeholders stand for while a pipeline runs (or is planned): variables, the
 * environment, files next to the pipeline, and the outputs of the steps that ran so far.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OutputValue } from '../tasks/task.js';
import { PipelineError } from './errors.js';
import { interpolate, isKnownAfterRun, type Reference, UNKNOWN } from './interpolation.js';
import type { Secrets } from './secrets.js';
import type { Pipeline } from './validate.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export class Scope {
  private readonly variables = new Map<string, unknown>();
  private readonly outputs = new Map<string, Record<string, OutputValue>>();
  /** Steps that did not produce outputs, with why (skipped, failed). */
  private readonly unavailable = new Map<string, string>();
  /**
   * Steps whose outputs come from their plan, not from running, with why (a step left out by
   * --only/--from): an output a plan left out, or gave as KNOWN_AFTER_RUN, is not known.
   */
  private readonly planned = new Map<string, string>();

  constructor(
    private readonly pipeline: Pipeline,
    private readonly env: Environment,
    private readonly secrets: Secrets,
    private readonly mode: 'run' | 'plan',
  ) {
    // Variables may read the environment and files, not each other or step outputs.
    for (const [name, variable] of pipeline.variables) {
      const value = variable.fromCommandLine ? variable.value : interpolate(variable.value, this.resolve).value;
      this.variables.set(name, value);
      if (variable.secret) this.addSecret(value);
    }
  }

  /** A step's outputs; `plannedBecause` when they come from its plan (see `planned`). */
  setOutputs(stepId: string, outputs: Record<string, OutputValue>, plannedBecause?: string): void {
    this.outputs.set(stepId, outputs);
    if (plannedBecause !== undefined) this.planned.set(stepId, plannedBecause);
    for (const value of Object.values(outputs)) {
      if (typeof value === 'object') this.secrets.add(value.value);
    }
  }

  setUnavailable(stepId: string, reason: string): void {
    this.unavailable.set(stepId, reason);
  }

  /** Resolves a placeholder for a step's parameters; throws InterpolationFailed when it has no value. */
  readonly resolve = (ref: Reference, source: string): unknown => {
    switch (ref.kind) {
      case 'vars': {
        if (!this.variables.has(ref.name) && !this.pipeline.variables.has(ref.name)) {
          throw fail(source, `variable "${ref.name}" is not defined`);
        }
        let value = this.variables.get(ref.name);
        for (const key of ref.path) {
          if (value === null || typeof value !== 'object' || !(key in value)) {
            throw fail(source, `variable "${ref.name}" has no key "${ref.path.join('.')}"`);
          }
          value = (value as Record<string, unknown>)[key];
        }
        return value;
      }
      case 'env': {
        const value = this.env[ref.name];
        if (value === undefined) throw fail(source, `environment variable ${ref.name} is not set`);
        return value;
      }
      case 'file': {
        const path = resolve(this.pipeline.baseDir, ref.path);
        try {
          return readFileSync(path, 'utf8');
        } catch (error) {
          throw fail(source, `cannot read ${ref.path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
            cause: error,
            hint: 'paths in ${file:...} are relative to the pipeline file',
          });
        }
      }
      case 'steps': {
        const outputs = this.outputs.get(ref.stepId);
        if (!outputs) {
          if (this.mode === 'plan') return UNKNOWN;
          const why = this.unavailable.get(ref.stepId) ?? 'it has not run';
          throw fail(source, `step "${ref.stepId}" has no outputs: ${why}`);
        }
        const value = outputs[ref.output];
        const plannedBecause = this.mode === 'plan' ? '' : this.planned.get(ref.stepId);
        if (plannedBecause !== undefined && (value === undefined || isKnownAfterRun(plainValue(value)))) {
          if (this.mode === 'plan') return UNKNOWN;
          throw fail(
            source,
            `step "${ref.stepId}" ${plannedBecause}, and its output "${ref.output}" is known only once it runs`,
            { hint: `include step "${ref.stepId}" in the run` },
          );
        }
        if (value === undefined) throw fail(source, `step "${ref.stepId}" did not set output "${ref.output}"`);
        return plainValue(value);
      }
    }
  };

  /**
   * For `if:`: an output of a step that was skipped or failed reads as empty (false), as in
   * GitHub Actions, so a condition can test whether an optional step produced something.
   */
  readonly resolveForCondition = (ref: Reference, source: string): unknown => {
    if (ref.kind === 'steps' && !this.outputs.has(ref.stepId)) {
      if (this.mode === 'plan') return UNKNOWN;
      return '';
    }
    if (ref.kind === 'steps') {
      const value = this.outputs.get(ref.stepId)?.[ref.output];
      if (this.mode === 'plan' || this.planned.has(ref.stepId)) return this.resolve(ref, source);
      if (value === undefined) return '';
      return plainValue(value);
    }
    return this.resolve(ref, source);
  };

  private addSecret(value: unknown): void {
    if (typeof value === 'string') this.secrets.add(value);
    else if (typeof value === 'number' || typeof value === 'boolean') this.secrets.add(String(value));
    else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) this.addSecret(item);
      this.secrets.add(JSON.stringify(value));
    }
  }
}

function plainValue(value: OutputValue): string | number | boolean {
  return typeof value === 'object' ? value.value : value;
}

function fail(source: string, message: string, options: { cause?: unknown; hint?: string } = {}): PipelineError {
  return new PipelineError('InterpolationFailed', `${source}: ${message}`, options);
}
