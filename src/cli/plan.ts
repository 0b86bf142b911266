/** `lambda-tasks plan`: what each step would change, without changing anything. */
import { parseArgs } from 'node:util';
import { planPipeline } from '../pipeline/runner.js';
import { type CliIo, processIo } from './io.js';
import { executePipeline, onlyFile, PIPELINE_OPTIONS, PIPELINE_OPTIONS_HELP } from './pipeline-command.js';
import type { CommandOptions } from './run.js';

export const planUsage = `Usage: lambda-tasks plan [file] [options]

Shows what each step of a pipeline file (default lambda-tasks.yml) would change (function exists?
code changed? which configuration fields differ?) without changing anything. Values that earlier
steps produce are shown as <known after run>.

Options:
${PIPELINE_OPTIONS_HELP}

Exit status: 0 the plan was made, 1 a step could not be planned, 2 bad usage or an invalid
pipeline file.`;

export async function runPlanCommand(
  argv: string[],
  io: CliIo = processIo(),
  command: CommandOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: PIPELINE_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${planUsage}\n`);
    return 0;
  }
  const file = onlyFile(positionals);
  const result = await executePipeline(planPipeline, values, file, io, command.registry);
  if (typeof result === 'number') return result;
  return result.result === 'succeeded' ? 0 : 1;
}
