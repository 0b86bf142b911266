/** `lambda-tasks validate`: check a pipeline file and list every problem, running nothing. */
import { parseArgs } from 'node:util';
import { PipelineValidationError } from '../pipeline/errors.js';
import { validatePipeline } from '../pipeline/validate.js';
import { type CliIo, processIo } from './io.js';
import { loadOptions, onlyFile, reportPipelineError } from './pipeline-command.js';
import type { CommandOptions } from './run.js';

export const validateUsage = `Usage: lambda-tasks validate [file] [options]

Checks a pipeline file (default lambda-tasks.yml): its YAML, unknown keys and wrong types, each
step's parameters, tasks and actions, step ids, placeholders (variables, earlier steps' outputs)
and connections. Lists every problem with file:line:column and path. Environment variables are
checked when the pipeline runs, not here.

Options:
  --var NAME=VALUE       a variable the pipeline is given when it runs (repeatable)
  --json                 print { valid, problems } as JSON

Exit status: 0 valid, 2 problems found (or bad usage).`;

export async function runValidateCommand(
  argv: string[],
  io: CliIo = processIo(),
  command: CommandOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      var: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${validateUsage}\n`);
    return 0;
  }
  const file = onlyFile(positionals);
  const json = values.json ?? false;
  try {
    const options = loadOptions(values, file, io);
    const result = validatePipeline({ ...options, ...(command.registry ? { registry: command.registry } : {}) });
    if (json) {
      io.stdout.write(
        `${JSON.stringify({ valid: result.problems.length === 0, problems: result.problems }, null, 2)}\n`,
      );
      return result.problems.length ? 2 : 0;
    }
    if (!result.pipeline) {
      return reportPipelineError(
        new PipelineValidationError(options.file ?? 'lambda-tasks.yml', result.problems),
        io,
        false,
      );
    }
    const { pipeline } = result;
    io.stdout.write(
      `${pipeline.file} is valid: ${pipeline.steps.length} step${pipeline.steps.length === 1 ? '' : 's'}\n${pipeline.steps
        .map((s) => `  ${s.id}: ${s.task} ${s.action}\n`)
        .join('')}`,
    );
    return 0;
  } catch (error) {
    return reportPipelineError(error, io, json);
  }
}
