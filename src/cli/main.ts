#!/usr/bin/env node
/** The `lambda-tasks` command: picks a subcommand and reports its errors. */
import { cloudUsage, runCloudCommand } from './cloud.js';
import { UsageError } from './usage-error.js';

const usage = `Usage: lambda-tasks <command> [options]

Commands:
  run       run a pipeline file (default lambda-tasks.yml)
  plan      show what a pipeline would change, changing nothing
  validate  check a pipeline file and list every problem
  schema    print the pipeline file's JSON Schema (for editors)
  logs      print a function's CloudWatch Logs, one line per invocation (--follow to keep going)
  cloud     run the local AWS-compatible cloud (S3, STS, IAM, Lambda, CloudWatch Logs, CloudFormation)

Run "lambda-tasks <command> --help" for a command's options.`;

// The SDK warns on every start that its 2027 releases will need Node 22; this release supports
// Node 20 (see package.json engines), so the warning is noise in every CI log. Set the variable
// to "false" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// The pipeline commands load the AWS SDK and the tasks: imported when used, so `--help` and
// `cloud` start without them.
const commands: Record<string, (argv: string[]) => Promise<number>> = {
  run: async (argv) => (await import('./run.js')).runRunCommand(argv),
  plan: async (argv) => (await import('./plan.js')).runPlanCommand(argv),
  validate: async (argv) => (await import('./validate.js')).runValidateCommand(argv),
  schema: async (argv) => (await import('./schema.js')).runSchemaCommand(argv),
  logs: async (argv) => (await import('./logs.js')).runLogsCommand(argv),
  cloud: runCloudCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"\n\n${usage}`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const err = error as Error & { code?: string };
    if (
      err instanceof UsageError ||
      err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      err?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
    ) {
      process.stderr.write(`lambda-tasks: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err?.code === 'DataDirLocked' || err?.code === 'EADDRINUSE') {
      process.stderr.write(`lambda-tasks: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`lambda-tasks: ${err?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
void cloudUsage;
