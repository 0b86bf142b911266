/**
 * Typed errors of the deploy tool. The code is stable data (tests and CI scripts match on it);
 * the message names the bad value and what to do. User errors (a bad pipeline file, an AWS
 * error caused by the inputs) are apart from system errors (a bug), which the CLI reports with
 * their stack.
 */
export type PipelineErrorCode =
  | 'InvalidPipeline'
  | 'PipelineNotFound'
  | 'UnknownStep'
  | 'InterpolationFailed'
  | 'InvalidParameters'
  | 'ActionFailed'
  | 'AwsError'
  | 'FunctionError'
  | 'StackFailed'
  | 'WaitTimedOut'
  | 'StepTimedOut'
  | 'Cancelled'
  | 'ConnectionFailed';

export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
  /** What the user can do about it, shown under the message. */
  readonly hint: string | undefined;
}

/** What kind of mistake a pipeline file has; stable, like the error codes. */
export type ProblemCode =
  | 'YamlSyntax'
  | 'InvalidValue'
  | 'UnknownKey'
  | 'DuplicateStepId'
  | 'UnknownTask'
  | 'UnknownAction'
  | 'InvalidReference'
  | 'UnknownStep'
  | 'ForwardReference'
  | 'UnavailableStep'
  | 'UnknownOutput'
  | 'UnknownVariable'
  | 'UnsetEnvironmentVariable'
  | 'UnknownConnection'
  | 'InvalidCondition';

/** One mistake in a pipeline file, where it is. */
export interface Problem {
  code: ProblemCode;
  message: string;
  /** The pipeline file as given (relative paths stay relative). */
  file: string;
  /** Where in the document: `steps[2].with.timeout`; empty for the document itself. */
  path: string;
  /** 1-based; absent when the problem is not tied to a place (a `--from` naming no step). */
  line?: number;
  column?: number;
}

/** `file:line:column: path: message` (the form editors and terminals turn into links). */
export function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** The pipeline file has problems; all of them are in `problems`, and no step has run. */
export class PipelineValidationError extends PipelineError {
  override readonly name = 'PipelineValidationError';
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      'InvalidPipeline',
      `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
      { hint: 'fix the problems above; no step was run' },
    );
  }
}
