/** What `run`, `plan` and `validate` share: the file, variables, step selection, connection, and how a bad pipeline is reported. */
import type { parseArgs } from 'node:util';
import { formatProblem, PipelineError, PipelineValidationError } from '../pipeline/errors.js';
import type { TaskRegistry } from '../pipeline/registry.js';
import { chooseReporter } from '../pipeline/reporters/index.js';
import type { PipelineResult, planPipeline, runPipeline } from '../pipeline/runner.js';
import type { LoadPipelineOptions } from '../pipeline/validate.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';

export const PIPELINE_OPTIONS_HELP = `  --var NAME=VALUE       set a variable (repeatable; overrides the file's variables)
  --only ID,...          run only these steps
  --from ID              skip the steps before this one
  --connection NAME      the default connection instead of the file's (local, aws, or a named one)
  --endpoint URL         the local cloud's endpoint (default AWS_ENDPOINT_URL, then http://127.0.0.1:4566)
  --json                 one JSON event per line instead of progress`;

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export const PIPELINE_OPTIONS = {
  var: { type: 'string', multiple: true },
  only: { type: 'string' },
  from: { type: 'string' },
  connection: { type: 'string' },
  endpoint: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseOptions;

/** `k=v` pairs -> a record; a pair without `=` is a usage error. */
export function parseVariables(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var expects NAME=VALUE, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function onlyFile(positionals: readonly string[]): string | undefined {
  if (positionals.length > 1) throw new UsageError(`expected at most one pipeline file, got ${positionals.join(' ')}`);
  return positionals[0];
}

/** The library options the shared flags give. */
export function loadOptions(
  values: {
    var?: string[] | undefined;
    only?: string | undefined;
    from?: string | undefined;
    connection?: string | undefined;
  },
  file: string | undefined,
  io: CliIo,
): LoadPipelineOptions {
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    ...(file !== undefined ? { file } : {}),
    cwd: io.cwd,
    variables: parseVariables(values.var),
    ...(only ? { only } : {}),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.connection !== undefined ? { connection: values.connection } : {}),
  };
}

/** LAMBDA_TASKS_FIXED_TIMES=1 prints fixed times and durations (comparable output for tests). */
export function fixedTimes(io: CliIo): boolean {
  return io.env['LAMBDA_TASKS_FIXED_TIMES'] === '1';
}

/**
 * Reports an error of loading or running a pipeline and gives the exit code: 2 for an invalid or
 * missing pipeline file (nothing ran), 1 for anything else the user can fix. Errors that are not
 * the deploy tool's (bugs) are rethrown for main.ts to print with their stack.
 */
export function reportPipelineError(error: unknown, io: CliIo, json: boolean): number {
  if (error instanceof PipelineValidationError) {
    if (json)
      io.stdout.write(`${JSON.stringify({ type: 'pipeline-invalid', file: error.file, problems: error.problems })}\n`);
    const count = error.problems.length;
    io.stderr.write(`lambda-tasks: ${error.file} has ${count} problem${count === 1 ? '' : 's'}:\n`);
    for (const problem of error.problems) io.stderr.write(`  ${formatProblem(problem)}\n`);
    io.stderr.write('No step was run.\n');
    return 2;
  }
  if (error instanceof PipelineError) {
    if (json)
      io.stdout.write(
        `${JSON.stringify({ type: 'pipeline-error', code: error.code, message: error.message, hint: error.hint })}\n`,
      );
    io.stderr.write(`lambda-tasks: ${error.message}\n${error.hint ? `  what to do: ${error.hint}\n` : ''}`);
    return error.code === 'PipelineNotFound' ? 2 : 1;
  }
  throw error;
}

/**
 * Runs or plans the pipeline with the shared flags, rendering its events with the reporter the
 * output calls for. Resolves the result, or the exit code when the pipeline could not be loaded.
 */
export async function executePipeline(
  execute: typeof runPipeline | typeof planPipeline,
  values: Parameters<typeof loadOptions>[0] & { json?: boolean | undefined; endpoint?: string | undefined },
  file: string | undefined,
  io: CliIo,
  registry: TaskRegistry | undefined,
): Promise<PipelineResult | number> {
  const json = values.json ?? false;
  const reporter = chooseReporter({ out: io.stdout, env: io.env, json, fixedTimes: fixedTimes(io) });
  try {
    return await execute({
      ...loadOptions(values, file, io),
      env: io.env,
      ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
      ...(registry ? { registry } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onEvent: (event) => reporter.onEvent(event),
    });
  } catch (error) {
    return reportPipelineError(error, io, json);
  } finally {
    reporter.close();
  }
}
