/** Test support: the preinstalled AWS CLI v1, pointed at a test cloud with the test keys and no user config. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const AWS_CLI_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

export interface AwsCli {
  /** Runs `aws --endpoint-url <url> ...args`; rejects when the command fails. */
  run(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Runs with `--output json` and parses what it printed (undefined when it printed nothing). */
  json(...args: string[]): Promise<unknown>;
  /** Runs a command that must fail; resolves its exit code and stderr. */
  failure(...args: string[]): Promise<{ code: number; stderr: string }>;
}

/** The CLI against `endpoint()` (read at each call: test clouds start after the file loads). */
export function awsCli(endpoint: () => string): AwsCli {
  const cli: AwsCli = {
    run: (...args) => run('aws', ['--endpoint-url', endpoint(), ...args], { env: AWS_CLI_ENV }),
    async json(...args) {
      const { stdout } = await cli.run('--output', 'json', ...args);
      return stdout.trim() ? JSON.parse(stdout) : undefined;
    },
    failure: (...args) =>
      cli.run(...args).then(
        () => {
          throw new Error(`expected "aws ${args.join(' ')}" to fail`);
        },
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      ),
  };
  return cli;
}
