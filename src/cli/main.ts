#!/usr/bin/env node
/** The `lambda-tasks` command: picks a subcommand and reports its errors. */
import { cloudUsage, runCloudCommand } from './cloud.js';
import { UsageError } from './usage-error.js';

const usage = `Usage: lambda-tasks <command> [options]

Commands:
  cloud     run the local AWS-compatible cloud (S3, STS)

Run "lambda-tasks <command> --help" for a command's options.`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
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
