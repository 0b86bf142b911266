/**
 * Loading a pipeline file: parse (YAML with positions), check the shape (zod, strict), check each
 * step's `with` against its action's schema (placeholders taken into account), then the rules
 * across parts: unique step ids, known tasks and actions, placeholders naming known variables and
 * earlier steps' declared outputs, known connections, --only/--from naming steps. Every problem
 * is collected, so one run of `lambda-tasks validate` shows them all.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { ActionDefinition } from '../tasks/task.js';
import { ConditionSyntaxError, conditionReferences, type Expression, parseCondition } from './condition.js';
import { parseDuration } from './duration.js';
import { PipelineError, PipelineValidationError, type Problem } from './errors.js';
import type { Reference } from './interpolation.js';
import {
  BUILTIN_CONNECTIONS,
  DEFAULT_PIPELINE_FILE,
  DEFAULT_STEP_TIMEOUT_MS,
  type LoadPipelineOptions,
  type Pipeline,
  type PipelineStep,
  type PipelineVariable,
  type ValidationResult,
} from './model.js';
import { paramsProblems } from './params.js';
import { type CheckedStep, ReferenceChecker } from './references.js';
import { defaultRegistry, findAction, type TaskRegistry } from './registry.js';
import { pipelineSchema } from './schema.js';
import { type PathSegment, PipelineSource } from './source.js';
import { didYouMean, listOf } from './suggest.js';
import { zodProblems } from './zod-problems.js';

export {
  BUILTIN_CONNECTIONS,
  DEFAULT_PIPELINE_FILE,
  DEFAULT_STEP_TIMEOUT_MS,
  type LoadPipelineOptions,
  type Pipeline,
  type PipelineStep,
  type PipelineVariable,
  type ValidationResult,
} from './model.js';

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads the file (PipelineError PipelineNotFound when it is not there). */
export function readPipelineSource(options: LoadPipelineOptions): PipelineSource {
  const file = options.file ?? DEFAULT_PIPELINE_FILE;
  if (options.source !== undefined) return new PipelineSource(file, options.source);
  const path = resolve(options.cwd ?? process.cwd(), file);
  try {
    return new PipelineSource(file, readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PipelineError('PipelineNotFound', `No pipeline file at ${file}.`, {
        hint: `create ${DEFAULT_PIPELINE_FILE}, or name the file: lambda-tasks run path/to/pipeline.yml`,
      });
    }
    throw error;
  }
}

/** Loads and checks a pipeline; throws PipelineValidationError listing every problem. */
export function loadPipeline(options: LoadPipelineOptions = {}): Pipeline {
  const result = validatePipeline(options);
  if (!result.pipeline) throw new PipelineValidationError(options.file ?? DEFAULT_PIPELINE_FILE, result.problems);
  return result.pipeline;
}

export function validatePipeline(options: LoadPipelineOptions = {}): ValidationResult {
  const source = readPipelineSource(options);
  const syntax = source.syntaxProblems();
  if (syntax.length) return { problems: syntax };
  const data = source.data();
  if (!isRecord(data)) {
    return {
      problems: [
        source.problem(
          'InvalidValue',
          [],
          data === undefined ? 'the file is empty: a pipeline needs steps' : 'expected a mapping with steps',
        ),
      ],
    };
  }
  return new Validator(source, data, options).run();
}

class Validator {
  private readonly problems: Problem[] = [];
  private readonly registry: TaskRegistry;
  private readonly variableNames: Set<string>;
  private readonly connectionNames: Set<string>;
  /** Step ids in file order (the first of duplicates), with what they declare. */
  private readonly stepsById = new Map<string, CheckedStep>();
  private readonly references: ReferenceChecker;

  constructor(
    private readonly source: PipelineSource,
    private readonly data: Loose,
    private readonly options: LoadPipelineOptions,
  ) {
    this.registry = options.registry ?? defaultRegistry();
    const fileVariables = isRecord(data['variables']) ? Object.keys(data['variables']) : [];
    this.variableNames = new Set([...fileVariables, ...Object.keys(options.variables ?? {})]);
    const named = isRecord(data['connections']) ? Object.keys(data['connections']) : [];
    this.connectionNames = new Set([...BUILTIN_CONNECTIONS, ...named]);
    const stepIds = (Array.isArray(data['steps']) ? data['steps'] : []).map((s) =>
      isRecord(s) && typeof s['id'] === 'string' ? s['id'] : undefined,
    );
    this.references = new ReferenceChecker(source, stepIds, this.stepsById, this.variableNames, options.env);
  }

  run(): ValidationResult {
    this.problems.push(...zodProblems(pipelineSchema, this.data, this.source, { basePath: [] }));
    this.checkConnections();
    this.checkVariables();
    const steps = this.checkSteps();
    if (this.problems.length) return { problems: this.sorted() };
    const parsed = pipelineSchema.parse(this.data);
    const connection = this.options.connection ?? parsed.connection ?? 'local';
    const path = resolve(this.options.cwd ?? process.cwd(), this.source.file);
    return {
      problems: [],
      pipeline: {
        file: this.source.file,
        path,
        baseDir: dirname(path),
        name: parsed.name ?? basename(this.source.file, extname(this.source.file)),
        ...(parsed.region !== undefined ? { region: parsed.region } : {}),
        connection,
        connections: parsed.connections ?? {},
        variables: this.variables(parsed.variables ?? {}),
        steps,
        source: this.source,
      },
    };
  }

  private sorted(): Problem[] {
    return this.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  }

  private variables(declared: Record<string, unknown>): Map<string, PipelineVariable> {
    const out = new Map<string, PipelineVariable>();
    for (const [name, spec] of Object.entries(declared)) {
      const secretForm = isRecord(spec) && 'value' in spec;
      out.set(name, {
        value: secretForm ? spec['value'] : spec,
        secret: secretForm && spec['secret'] === true,
        fromCommandLine: false,
      });
    }
    for (const [name, text] of Object.entries(this.options.variables ?? {})) {
      const declaredVar = out.get(name);
      out.set(name, {
        value: convertLike(text, declaredVar?.value),
        secret: declaredVar?.secret ?? false,
        fromCommandLine: true,
      });
    }
    return out;
  }

  private checkConnections(): void {
    const connections = this.data['connections'];
    if (isRecord(connections)) {
      for (const [name, spec] of Object.entries(connections)) {
        if ((BUILTIN_CONNECTIONS as readonly string[]).includes(name)) {
          this.problems.push(
            this.source.problem(
              'InvalidValue',
              ['connections', name],
              `"${name}" is a built-in connection and cannot be redefined: name yours differently (type: ${name})`,
              'key',
            ),
          );
        }
        this.problems.push(
          ...this.references.inTemplates(spec, ['connections', name], new Set(['vars', 'env', 'file']), undefined),
        );
        if (this.options.env && isRecord(spec)) {
          for (const key of ['accessKeyIdEnv', 'secretAccessKeyEnv', 'sessionTokenEnv']) {
            const envName = spec[key];
            if (typeof envName === 'string' && this.options.env[envName] === undefined && this.connectionUsed(name)) {
              this.problems.push(
                this.source.problem(
                  'UnsetEnvironmentVariable',
                  ['connections', name, key],
                  `environment variable ${envName} is not set`,
                ),
              );
            }
          }
        }
      }
    }
    const top = this.data['connection'];
    if (typeof top === 'string') this.checkConnectionName(top, ['connection']);
    if (this.options.connection !== undefined && !this.connectionNames.has(this.options.connection)) {
      this.problems.push({
        code: 'UnknownConnection',
        file: this.source.file,
        path: '',
        message: `--connection ${this.options.connection}: no such connection${didYouMean(this.options.connection, this.connectionNames)} (known: ${listOf(this.connectionNames)})`,
      });
    }
    this.problems.push(
      ...this.references.inTemplates(this.data['region'], ['region'], new Set(['vars', 'env', 'file']), undefined),
    );
  }

  private connectionUsed(name: string): boolean {
    const steps = Array.isArray(this.data['steps']) ? this.data['steps'] : [];
    const defaultConnection = this.options.connection ?? this.data['connection'] ?? 'local';
    return steps.some((s) => isRecord(s) && (s['connection'] ?? defaultConnection) === name);
  }

  private checkConnectionName(name: string, path: PathSegment[]): void {
    if (this.connectionNames.has(name)) return;
    this.problems.push(
      this.source.problem(
        'UnknownConnection',
        path,
        `unknown connection "${name}"${didYouMean(name, this.connectionNames)} (known: ${listOf(this.connectionNames)})`,
      ),
    );
  }

  private checkVariables(): void {
    const variables = this.data['variables'];
    if (!isRecord(variables)) return;
    for (const [name, spec] of Object.entries(variables)) {
      this.problems.push(
        ...this.references.inTemplates(spec, ['variables', name], new Set(['env', 'file']), undefined),
      );
    }
  }

  private checkSteps(): PipelineStep[] {
    const raw = Array.isArray(this.data['steps']) ? this.data['steps'] : [];
    const selection = this.selection(raw);
    const steps: PipelineStep[] = [];
    raw.forEach((step, index) => {
      if (!isRecord(step)) return;
      const id = typeof step['id'] === 'string' ? step['id'] : undefined;
      const found = this.checkTaskAndAction(step, index);
      if (id !== undefined) {
        const first = this.stepsById.get(id);
        if (first) {
          this.problems.push(
            this.source.problem(
              'DuplicateStepId',
              ['steps', index, 'id'],
              `step id "${id}" is already used by steps[${first.index}]: step ids must be unique`,
            ),
          );
        }
      }
      const selected = selection.selected(index);
      this.checkStepReferences(step, index, selected);
      if (typeof step['connection'] === 'string')
        this.checkConnectionName(step['connection'], ['steps', index, 'connection']);
      if (found) this.checkParams(step, index, found.action);
      const condition = this.checkCondition(step, index, selected);
      if (id !== undefined && !this.stepsById.has(id)) {
        this.stepsById.set(id, {
          index,
          selected,
          ...(found ? { outputs: found.action.outputs, plannable: found.action.plan !== undefined } : {}),
        });
      }
      if (!found || id === undefined) return;
      const timeout = step['timeout'];
      const timeoutMs = typeof timeout === 'string' || typeof timeout === 'number' ? parseDuration(timeout) : undefined;
      const note = selection.note(index);
      steps.push({
        index,
        id,
        task: found.task.name,
        action: found.name,
        definition: found.action,
        with: step['with'],
        ...(typeof step['region'] === 'string' ? { region: step['region'] } : {}),
        ...(typeof step['connection'] === 'string' ? { connection: step['connection'] } : {}),
        ...(step['if'] !== undefined ? { if: step['if'] as string | boolean } : {}),
        ...(condition ? { condition } : {}),
        continueOnError: step['continueOnError'] === true,
        timeoutMs: timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
        selected,
        ...(note ? { selectionNote: note } : {}),
      });
    });
    return steps;
  }

  private selection(raw: unknown[]): { selected(index: number): boolean; note(index: number): string | undefined } {
    const ids = raw.map((s) => (isRecord(s) && typeof s['id'] === 'string' ? s['id'] : undefined));
    const known = ids.filter((id): id is string => id !== undefined);
    const unknownId = (flag: string, id: string) =>
      this.problems.push({
        code: 'UnknownStep',
        file: this.source.file,
        path: '',
        message: `${flag} ${id}: no step has this id${didYouMean(id, known)} (steps: ${listOf(known)})`,
      });
    const only = this.options.only;
    if (only) for (const id of only) if (!known.includes(id)) unknownId('--only', id);
    let fromIndex = 0;
    if (this.options.from !== undefined) {
      fromIndex = ids.indexOf(this.options.from);
      if (fromIndex < 0) {
        unknownId('--from', this.options.from);
        fromIndex = 0;
      }
    }
    return {
      selected: (index) => index >= fromIndex && (!only || only.includes(ids[index] ?? '')),
      note: (index) =>
        index < fromIndex
          ? `before --from ${this.options.from}`
          : only && !only.includes(ids[index] ?? '')
            ? 'not in --only'
            : undefined,
    };
  }

  private checkTaskAndAction(step: Loose, index: number) {
    const task = step['task'];
    const action = step['action'];
    if (typeof task !== 'string') return undefined;
    const definition = this.registry.get(task);
    if (!definition) {
      const known = [...this.registry.keys()];
      this.problems.push(
        this.source.problem(
          'UnknownTask',
          ['steps', index, 'task'],
          `unknown task "${task}"${didYouMean(task, known)} (known tasks: ${listOf(known)})`,
        ),
      );
      return undefined;
    }
    const actions = Object.keys(definition.actions);
    if (action === undefined && !definition.defaultAction) {
      this.problems.push(
        this.source.problem(
          'UnknownAction',
          ['steps', index],
          `task "${task}" needs an action (one of: ${listOf(actions)})`,
        ),
      );
      return undefined;
    }
    if (action !== undefined && typeof action !== 'string') return undefined;
    const found = findAction(this.registry, task, action);
    if (!found) {
      const name = action ?? definition.defaultAction ?? '';
      this.problems.push(
        this.source.problem(
          'UnknownAction',
          ['steps', index, 'action'],
          `task "${task}" has no action "${name}"${didYouMean(name, actions)} (actions: ${listOf(actions)})`,
        ),
      );
      return undefined;
    }
    return found;
  }

  private checkParams(step: Loose, index: number, action: ActionDefinition): void {
    this.problems.push(...paramsProblems(action, step['with'] ?? {}, this.source, ['steps', index, 'with']));
  }

  private checkStepReferences(step: Loose, index: number, selected: boolean): void {
    const all = new Set<Reference['kind']>(['vars', 'env', 'file', 'steps']);
    this.problems.push(
      ...this.references.inTemplates(step['with'], ['steps', index, 'with'], all, { index, selected }),
    );
    this.problems.push(
      ...this.references.inTemplates(
        step['region'],
        ['steps', index, 'region'],
        new Set(['vars', 'env', 'file']),
        undefined,
      ),
    );
  }

  private checkCondition(step: Loose, index: number, selected: boolean): Expression | undefined {
    const condition = step['if'];
    if (typeof condition !== 'string') return undefined;
    const path: PathSegment[] = ['steps', index, 'if'];
    try {
      const expression = parseCondition(condition);
      for (const { ref, source } of conditionReferences(expression)) {
        this.problems.push(
          ...this.references.reference(ref, source, path, new Set(['vars', 'env', 'file', 'steps']), {
            index,
            selected,
          }),
        );
      }
      return expression;
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      this.problems.push(this.source.problem('InvalidCondition', path, `invalid condition: ${error.message}`));
      return undefined;
    }
  }
}

/** A --var value takes the type of the file's value for the same name (number, boolean). */
function convertLike(text: string, declared: unknown): unknown {
  if (typeof declared === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof declared === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
