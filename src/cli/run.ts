/** `lambda-tasks run`: run a pipeline, render its events, write its outputs for CI. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LOCAL_ENDPOINT } from '../aws/connections.js';
import { reachableConsole } from '../console/console-probe.js';
import {
  formatOutputs,
  githubMaskCommands,
  OUTPUTS_FORMATS,
  type OutputsFormat,
  revealedSecrets,
} from '../pipeline/outputs.js';
import type { TaskRegistry } from '../pipeline/registry.js';
import { isInteractive } from '../pipeline/reporters/index.js';
import { type PipelineResult, runPipeline } from '../pipeline/runner.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';
import { executePipeline, onlyFile, PIPELINE_OPTIONS, PIPELINE_OPTIONS_HELP } from './pipeline-command.js';
import { UsageError } from './usage-error.js';

export const runUsage = `Usage: lambda-tasks run [file] [options]

Runs the steps of a pipeline file (default lambda-tasks.yml) in order and stops at the first
failure. The file is checked first; when it has problems, all are listed and no step runs.

Options:
${PIPELINE_OPTIONS_HELP}
  --outputs FILE         write the steps' outputs to FILE
  --outputs-format F     json, dotenv, github or bamboo (default: from FILE's extension
                         .env/.properties/.json, else json)
  --include-secrets      write secret outputs as they are instead of ****

In GitHub Actions (GITHUB_OUTPUT set) outputs are also appended to $GITHUB_OUTPUT as
<step>_<output>. Secret values are masked as **** in every line printed and every file written,
unless --include-secrets: then each secret written is first announced to GitHub with
::add-mask:: (when running in GitHub Actions), so its logs mask it too.

Exit status: 0 all steps succeeded, 1 a step failed, 2 bad usage or an invalid pipeline file.`;

export interface CommandOptions {
  /** The tasks steps can use. @default TASK_REGISTRY */
  registry?: TaskRegistry;
}

export async function runRunCommand(
  argv: string[],
  io: CliIo = processIo(),
  command: CommandOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...PIPELINE_OPTIONS,
      outputs: { type: 'string' },
      'outputs-format': { type: 'string' },
      'include-secrets': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${runUsage}\n`);
    return 0;
  }
  const file = onlyFile(positionals);
  const format = outputsFormat(values.outputs, values['outputs-format']);
  const result = await executePipeline(runPipeline, values, file, io, command.registry);
  if (typeof result === 'number') return result;
  // People at a terminal get the local console's link; CI logs and --json output stay as they were.
  if (!values.json && isInteractive(io.stdout, io.env)) {
    const endpoint = values.endpoint ?? io.env['AWS_ENDPOINT_URL'] ?? DEFAULT_LOCAL_ENDPOINT;
    const consoleUrl = await reachableConsole(endpoint);
    if (consoleUrl) io.stdout.write(`console ${consoleUrl}\n`);
  }
  writeOutputs(result, io, {
    includeSecrets: values['include-secrets'] ?? false,
    ...(values.outputs !== undefined ? { file: values.outputs } : {}),
    format,
  });
  return result.result === 'succeeded' ? 0 : 1;
}

function outputsFormat(file: string | undefined, format: string | undefined): OutputsFormat {
  if (format !== undefined) {
    if (!(OUTPUTS_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--outputs-format must be one of ${OUTPUTS_FORMATS.join(', ')}, got "${format}"`);
    }
    if (file === undefined) throw new UsageError('--outputs-format needs --outputs FILE');
    return format as OutputsFormat;
  }
  const ext = file === undefined ? '' : extname(file).toLowerCase();
  return ext === '.env' ? 'dotenv' : ext === '.properties' ? 'bamboo' : 'json';
}

/** Writes --outputs FILE and appends to $GITHUB_OUTPUT, announcing written secrets to GitHub first. */
function writeOutputs(
  result: PipelineResult,
  io: CliIo,
  options: { file?: string; format: OutputsFormat; includeSecrets: boolean },
): void {
  const outputsOptions = { includeSecrets: options.includeSecrets, secrets: result.secrets };
  const githubOutput = io.env['GITHUB_OUTPUT'];
  const inGitHub = Boolean(githubOutput) || io.env['GITHUB_ACTIONS'] === 'true';
  const secrets = revealedSecrets(result.outputs, outputsOptions);
  if (secrets.length && (inGitHub || options.format === 'github')) io.stdout.write(githubMaskCommands(secrets));
  const target = options.file === undefined ? undefined : resolve(io.cwd, options.file);
  if (target) {
    const text = formatOutputs(options.format, result.outputs, outputsOptions);
    // GitHub's file is appended to (as the runner expects); the others are written whole.
    if (options.format === 'github') appendFileSync(target, text);
    else writeFileSync(target, text);
  }
  if (githubOutput) {
    const path = resolve(io.cwd, githubOutput);
    if (!(target === path && options.format === 'github')) {
      appendFileSync(path, formatOutputs('github', result.outputs, outputsOptions));
    }
  }
}
