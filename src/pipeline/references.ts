/**
 * Placeholders checked before anything runs: each names a declared variable, a set environment
 * variable (when the environment is known), or an earlier step's declared output; a step's
 * outputs are used only where they can exist (a step's `with` and `if`, from a step that runs).
 */
import type { Problem } from './errors.js';
import { collectTemplates, type Reference } from './interpolation.js';
import { formatPath, type PathSegment, type PipelineSource } from './source.js';
import { didYouMean, listOf } from './suggest.js';

/** A step the checks have passed (earlier in the file than the one being checked). */
export interface CheckedStep {
  index: number;
  /** What its action declares; `*` among them allows any name (a stack's Outputs). */
  outputs?: readonly string[];
  /** Run in this invocation (not left out by --only/--from). */
  selected: boolean;
  /** Its action can be planned, so left out it can still supply its outputs. */
  plannable?: boolean;
}

/** Where a placeholder is: in a step (its index and selection), or elsewhere. */
export type ReferenceSite = { index: number; selected: boolean } | undefined;

export class ReferenceChecker {
  constructor(
    private readonly source: PipelineSource,
    /** The ids of all steps, in file order (for "runs after this one"). */
    private readonly stepIds: readonly (string | undefined)[],
    /** Steps checked so far, by id. */
    private readonly stepsById: ReadonlyMap<string, CheckedStep>,
    private readonly variableNames: ReadonlySet<string>,
    private readonly env: Readonly<Record<string, string | undefined>> | undefined,
  ) {}

  /** Problems of every placeholder in `value` (deeply). */
  inTemplates(
    value: unknown,
    path: PathSegment[],
    allowed: ReadonlySet<Reference['kind']>,
    step: ReferenceSite,
  ): Problem[] {
    const problems: Problem[] = [];
    for (const template of collectTemplates(value, path)) {
      if (!template.parsed.ok) {
        problems.push(this.source.problem('InvalidReference', template.path, template.parsed.error));
        continue;
      }
      for (const part of template.parsed.parts) {
        if (part.type === 'ref') problems.push(...this.reference(part.ref, part.source, template.path, allowed, step));
      }
    }
    return problems;
  }

  reference(
    ref: Reference,
    source: string,
    path: PathSegment[],
    allowed: ReadonlySet<Reference['kind']>,
    step: ReferenceSite,
  ): Problem[] {
    const problem = (code: Problem['code'], message: string) => [
      this.source.problem(code, path, `${source}: ${message}`),
    ];
    if (!allowed.has(ref.kind)) {
      return problem(
        'InvalidReference',
        ref.kind === 'steps'
          ? `step outputs can be used only in a step's "with" and "if"`
          : `${ref.kind} placeholders cannot be used in ${formatPath(path.slice(0, 1))} (allowed: ${[...allowed].join(', ')})`,
      );
    }
    switch (ref.kind) {
      case 'vars':
        if (this.variableNames.has(ref.name)) return [];
        return problem(
          'UnknownVariable',
          `unknown variable "${ref.name}"${didYouMean(ref.name, this.variableNames)} (defined: ${listOf(this.variableNames)}): declare it under variables or pass --var ${ref.name}=...`,
        );
      case 'env':
        if (!this.env || this.env[ref.name] !== undefined) return [];
        return problem('UnsetEnvironmentVariable', `environment variable ${ref.name} is not set`);
      case 'file':
        return [];
      case 'steps':
        return step ? this.stepOutput(ref, step, problem) : [];
    }
  }

  private stepOutput(
    ref: Extract<Reference, { kind: 'steps' }>,
    step: { index: number; selected: boolean },
    problem: (code: Problem['code'], message: string) => Problem[],
  ): Problem[] {
    const target = this.stepsById.get(ref.stepId);
    if (!target) {
      const laterIndex = this.stepIds.findIndex((id, i) => i >= step.index && id === ref.stepId);
      if (laterIndex === step.index) return problem('ForwardReference', 'a step cannot use its own outputs');
      if (laterIndex > step.index) {
        return problem('ForwardReference', `step "${ref.stepId}" runs after this one: move it earlier`);
      }
      return problem('UnknownStep', `no step "${ref.stepId}"${didYouMean(ref.stepId, this.stepsById.keys())}`);
    }
    if (target.outputs && !target.outputs.includes(ref.output) && !target.outputs.includes('*')) {
      return problem(
        'UnknownOutput',
        `step "${ref.stepId}" has no output "${ref.output}"${didYouMean(ref.output, target.outputs)} (outputs: ${listOf(target.outputs)})`,
      );
    }
    if (step.selected && !target.selected && !target.plannable) {
      return problem(
        'UnavailableStep',
        `step "${ref.stepId}" is not run (left out by --only/--from) and its action cannot be planned to supply its outputs: include it`,
      );
    }
    return [];
  }
}
