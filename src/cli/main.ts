#!/usr/bin/env node
/** The `lambda-tasks` command: picks a subcommand and reports its errors. */
import module from 'node:module';
import { UsageError } from './usage-error.js';

// Node 22.1+ keeps the compiled code of the modules Node loads after this line on disk and reuses
// it on the next start: the packages required from node_modules (the SDK clients), and every
// module when the CLI runs unbundled. The bundle's own chunks have a cache of their own
// (code-cache.ts), which also keeps the functions they ran. Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

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

// Each command is imported when used: the pipeline commands load the AWS SDK and the tasks, and
// `cloud` loads the services, so `--help` starts with none of them.
const commands: Record<string, (argv: string[]) => Promise<number>> = {
  run: async (argv) => (await import('./run.js')).runRunCommand(argv),
  plan: async (argv) => (await import('./plan.js')).runPlanCommand(argv),
  validate: async (argv) => (await import('./validate.js')).runValidateCommand(argv),
  schema: async (argv) => (await import('./schema.js')).runSchemaCommand(argv),
  logs: async (argv) => (await import('./logs.js')).runLogsCommand(argv),
  cloud: async (argv) => (await import('./cloud.js')).runCloudCommand(argv),
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
    // The command has finished its work (clouds closed, files written): exit as soon as stdout and
    // stderr are flushed instead of after Node's teardown, which took ~10 ms of every command.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
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
    // The bin is a bundle with source maps beside it; reading them at every start would cost
    // ~15% of the start-up time, so they are applied only when asked for.
    if (!process.sourceMapsEnabled) {
      process.stderr.write('lambda-tasks: (NODE_OPTIONS=--enable-source-maps shows source files and lines)\n');
    }
    process.exitCode = 1;
  },
);
