/** `lambda-tasks cloud`: run the local cloud in the foreground until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, startCloud } from '../cloud/cloud.js';
import { parseCredentialList, readCredentialFile, type StaticCredential } from '../cloud/credentials.js';
import { UsageError } from './usage-error.js';

export const cloudUsage = `Usage: lambda-tasks cloud [options]

Runs an AWS-compatible endpoint (S3, STS, IAM, Lambda, CloudWatch Logs, CloudFormation) for the
AWS SDKs, the AWS CLI and boto3. Lambda functions run as local processes (Node.js, Python, provided).

Options:
  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          port to listen on, 0 for any free port (default ${DEFAULT_PORT})
  --data-dir DIR       where state is kept (default ${DEFAULT_DATA_DIR})
  --ephemeral          keep state in a temporary directory removed at exit
  --region REGION      default region (default us-east-1)
  --credentials FILE   JSON list of extra key pairs [{accessKeyId, secretAccessKey, accountId}]
  --quiet              do not log requests on stderr
  --no-console         do not serve the web console (/_console/)
  --lambda-pending-ms MS   how long a new function stays Pending and an update InProgress (default 200)
  --lambda-idle-ms MS      how long an idle function process is kept warm (default 300000)
  --lambda-concurrency N   concurrent executions per account and region (default 1000)
  --no-lambda-pool         start each function process on its cold start instead of taking a
                           pre-started one from the pool

Credentials: access key "test", secret "test" (account 000000000000) always work; more pairs
come from --credentials or LAMBDA_TASKS_CREDENTIALS=AKID:SECRET[:ACCOUNT],...
Prints "ready http://HOST:PORT" on stdout once listening, then "console URL": the web console,
with its access token in the URL when HOST is not a loopback address.`;

export async function runCloudCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      ephemeral: { type: 'boolean' },
      region: { type: 'string' },
      credentials: { type: 'string' },
      quiet: { type: 'boolean' },
      'no-console': { type: 'boolean' },
      'lambda-pending-ms': { type: 'string' },
      'lambda-idle-ms': { type: 'string' },
      'lambda-concurrency': { type: 'string' },
      'no-lambda-pool': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${cloudUsage}\n`);
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, got "${values.port}"`);
  const lambda = {
    ...numberOption(values['lambda-pending-ms'], '--lambda-pending-ms', 'transitionMs'),
    ...numberOption(values['lambda-idle-ms'], '--lambda-idle-ms', 'idleTimeoutMs'),
    ...numberOption(values['lambda-concurrency'], '--lambda-concurrency', 'concurrencyLimit'),
    ...(values['no-lambda-pool'] ? { runtimePool: false } : {}),
  };
  const credentials: StaticCredential[] = [];
  if (process.env['LAMBDA_TASKS_CREDENTIALS'])
    credentials.push(...parseCredentialList(process.env['LAMBDA_TASKS_CREDENTIALS']));
  if (values.credentials) credentials.push(...readCredentialFile(values.credentials));

  // Signal handlers go in before anything is printed: a script may send SIGTERM the instant it
  // reads the ready line, and an unhandled SIGTERM would skip the cleanup.
  let stopRequested!: () => void;
  const stopSignal = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  process.once('SIGINT', stopRequested);
  process.once('SIGTERM', stopRequested);

  const cloud = await startCloud({
    ...(values.host !== undefined ? { host: values.host } : {}),
    port,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ephemeral: values.ephemeral ?? false,
    ...(values.region !== undefined ? { region: values.region } : {}),
    credentials,
    lambda,
    console: !values['no-console'],
    // Ready as soon as the port takes connections: requests that come before the services have
    // loaded wait for them.
    onListening: (url) => process.stdout.write(`ready ${url}\n`),
    log: (line) => process.stderr.write(`${line}\n`),
    ...(values.quiet
      ? {}
      : {
          onRequest: (e) => process.stderr.write(`${e.method} ${e.service} ${e.operation} ${e.status} ${e.ms}ms\n`),
        }),
  });
  if (cloud.consoleUrl) process.stdout.write(`console ${cloud.consoleUrl}\n`);
  // The HTTPS CA, made once per data dir so it is there to trust before the first TLS connection
  // (an ephemeral dir makes it on first use instead: it goes away with the process).
  if (!values.ephemeral) setImmediate(() => cloud.caFile());

  await stopSignal;
  // Stop within a second even if a client holds a connection open.
  await Promise.race([cloud.close(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  return 0;
}

/** A non-negative integer flag, as the `lambda` setting it maps to (nothing when absent). */
function numberOption<K extends string>(value: string | undefined, flag: string, key: K): { [P in K]?: number } {
  if (value === undefined) return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return { [key]: n } as { [P in K]?: number };
}
