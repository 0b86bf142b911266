/** `lambda-tasks logs FUNCTION`: a function's CloudWatch Logs, one summary line per invocation. */
import { parseArgs } from 'node:util';
import { createClients } from '../aws/clients.js';
import { Connections, defaultRegion } from '../aws/connections.js';
import { formatItem, jsonItem, useColor } from '../logs/format.js';
import { InvocationCondenser, type LogItem } from '../logs/invocations.js';
import { readLogEvents } from '../logs/reader.js';
import { parseDuration } from '../pipeline/duration.js';
import { PipelineError } from '../pipeline/errors.js';
import type { ConnectionSpec } from '../pipeline/schema.js';
import { awsFailure } from '../tasks/aws-errors.js';
import { shortName } from '../tasks/lambda-function/function-name.js';
import { type CliIo, processIo } from './io.js';
import { reportPipelineError } from './pipeline-command.js';
import { UsageError } from './usage-error.js';

export const logsUsage = `Usage: lambda-tasks logs FUNCTION [options]

Prints the log of a Lambda function (its log group /aws/lambda/FUNCTION), from the local cloud or
from AWS alike. The platform's START, END and REPORT lines of each invocation become one line:
request id, duration, billed duration, memory used/size and, on a cold start, init duration.
Errors are shown in red on a terminal (never with NO_COLOR set). Times are UTC.

Options:
  --since WHEN           from how long ago: 30s, 10m, 1h, 1500ms, or a date (default 10m)
  --filter PATTERN       CloudWatch Logs filter syntax, applied by the service (lines that do not
                         match are left out, START/END/REPORT included)
  --follow, -f           keep printing new events until interrupted (Ctrl+C); waits for the
                         log group of a function that has not run yet
  --connection NAME      local (default), aws, or a connection named in the pipeline file
  --file FILE            the pipeline file naming connections (default lambda-tasks.yml)
  --endpoint URL         the local cloud's endpoint (default AWS_ENDPOINT_URL, then http://127.0.0.1:4566)
  --region REGION        default AWS_REGION, AWS_DEFAULT_REGION, the connection's, then us-east-1
  --json                 one JSON object per invocation (and per line outside any invocation)

Exit status: 0 printed, 1 the function has no log group or the call failed, 2 bad usage.`;

/** How often --follow asks for new events (FilterLogEvents allows 5 calls a second per account). */
const FOLLOW_INTERVAL_MS = 1000;
const DEFAULT_SINCE = '10m';

/** `--since` as epoch ms: a duration back from now, or a date. */
function sinceTime(value: string, now: number): number {
  const back = parseDuration(value);
  if (back !== undefined) return now - back;
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return date;
  throw new UsageError(`--since expects a duration such as 10m or 1h, or a date; got "${value}"`);
}

/** The named connections of the pipeline file, when a named connection is asked for. */
async function connectionSpecs(
  name: string,
  file: string | undefined,
  io: CliIo,
): Promise<Record<string, ConnectionSpec>> {
  if (name === 'local' || name === 'aws') return {};
  // Loaded only here: the pipeline library brings the tasks with it.
  const { loadPipeline } = await import('../pipeline/validate.js');
  const pipeline = loadPipeline({ cwd: io.cwd, env: io.env, ...(file !== undefined ? { file } : {}) });
  const specs = (pipeline.connections ?? {}) as Record<string, ConnectionSpec>;
  if (JSON.stringify(specs[name] ?? {}).includes('${')) {
    throw new UsageError(`connection "${name}" uses \${...} placeholders, which \`logs\` does not resolve`);
  }
  return specs;
}

export async function runLogsCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' },
      filter: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      connection: { type: 'string' },
      file: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${logsUsage}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one function name\n\n${logsUsage}`);
  // A log group belongs to the function, whatever version or alias the name carries.
  const functionName = shortName(positionals[0] as string);
  const startTime = sinceTime(values.since ?? DEFAULT_SINCE, Date.now());
  const name = values.connection ?? 'local';
  const json = values.json ?? false;
  let connections: Connections | undefined;
  try {
    connections = new Connections(await connectionSpecs(name, values.file, io), {
      env: io.env,
      cwd: io.cwd,
      ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
      onLocalCloudStarted: ({ url }) => io.stderr.write(`lambda-tasks: started the local cloud at ${url}\n`),
    });
    const connection = await connections.resolve(name);
    const clients = createClients(connection.resolved, values.region ?? connection.region ?? defaultRegion(io.env));
    try {
      const print = printer(io, json);
      const condenser = new InvocationCondenser();
      const batches = readLogEvents(clients.logs(), {
        logGroupName: `/aws/lambda/${functionName}`,
        startTime,
        ...(values.filter !== undefined ? { filterPattern: values.filter } : {}),
        follow: values.follow ?? false,
        intervalMs: FOLLOW_INTERVAL_MS,
        ...(io.signal ? { signal: io.signal } : {}),
        onMissingGroup: () =>
          io.stderr.write(`lambda-tasks: waiting for /aws/lambda/${functionName} (the function has not run yet)\n`),
      });
      for await (const batch of batches) for (const event of batch) print(condenser.push(event));
      print(condenser.flush());
      return 0;
    } finally {
      clients.destroy();
    }
  } catch (error) {
    const { name: code } = error as Error;
    if (code === 'AbortError') return 0;
    return reportPipelineError(
      code === 'ResourceNotFoundException'
        ? new PipelineError('AwsError', `No log group /aws/lambda/${functionName} (connection ${name}).`, {
            hint: 'check the function name and region; a function gets its log group when it first runs',
          })
        : // The service's own errors (access denied, throttling) are the user's to fix, not bugs.
          awsFailure(error, `reading /aws/lambda/${functionName}`),
      io,
      json,
    );
  } finally {
    await connections?.close();
  }
}

/** Writes items as text lines or JSON objects. */
function printer(io: CliIo, json: boolean): (items: LogItem[]) => void {
  const color = useColor(io.stdout, io.env);
  return (items) => {
    for (const item of items) {
      const text = json ? jsonItem(item) : formatItem(item, { color });
      if (text !== undefined) io.stdout.write(`${text}\n`);
    }
  };
}
