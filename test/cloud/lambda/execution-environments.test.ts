/**
 * Which process serves an invoke. Warm execution environments serve every client alike: the JS
 * SDK, boto3 (one client, new clients, with a qualifier, a tail log or a client context) and the
 * AWS CLI all reach the same warm process. A created function's first invoke is served by the
 * runtime the pool pre-started during CreateFunction, unless the pool is turned off.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { AWS_CLI_ENV, awsCli } from '../../helpers/aws-cli.js';
import { useCloud, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from './support.js';

const run = promisify(execFile);
const t = useCloud({ lambda: { transitionMs: 50 } });
const withoutPool = useCloud({ lambda: { transitionMs: 50, runtimePool: false } });

/**
 * The handler: its process id, how many invokes this process has served so far, and when the
 * process started (epoch ms).
 */
const COUNTING = {
  'index.js':
    'let served = 0;\nexports.handler = async () => ({ pid: process.pid, served: ++served, startedAt: performance.timeOrigin });\n',
};

interface Served {
  pid: number;
  served: number;
  startedAt: number;
}

/**
 * Children of this process (the test's in-process cloud) that are pre-started runtimes still
 * waiting for a function, started with `arg` among their arguments.
 */
function waitingRuntimes(arg: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // Its working directory is its scratch directory until it gets a function.
      if (
        ppid === process.pid &&
        /\/lambda\/environments\/[0-9a-f]{32}$/.test(readlinkSync(`/proc/${entry}/cwd`)) &&
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(arg)
      ) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone in the meantime, or not ours to read.
    }
  }
  return pids;
}

async function invokeOnce(lambda: LambdaClient, name: string): Promise<Served> {
  const answer = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  expect(answer.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8')) as Served;
}

/** Invokes through boto3 in one python3 process: one client several times, then the variants. */
const BOTO3_INVOKES = `
import base64, json, sys, boto3
url, name = sys.argv[1], sys.argv[2]
client = boto3.client("lambda", endpoint_url=url, region_name="us-east-1")
calls = [{}, {}, {}, {"Qualifier": "$LATEST"}, {"LogType": "Tail"},
         {"ClientContext": base64.b64encode(b'{"custom": {"a": 1}}').decode()}]
served = []
for extra in calls:
    answer = client.invoke(FunctionName=name, Payload=b"{}", **extra)
    served.append(json.loads(answer["Payload"].read()))
# A second client, as a new script or the next CI step would have.
other = boto3.client("lambda", endpoint_url=url, region_name="us-east-1")
served.append(json.loads(other.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()))
print(json.dumps(served))
`;

describe('warm environments whatever the client', () => {
  it('serves the JS SDK, boto3 and the AWS CLI from one warm environment', async () => {
    const lambda = t.lambda();
    const name = await deployFunction(lambda, COUNTING);
    const invokeSdk = () => invokeOnce(lambda, name);
    const first = await invokeSdk();
    expect(first.served).toBe(1);

    const { stdout } = await run('python3', ['-c', BOTO3_INVOKES, t.url, name], { env: AWS_CLI_ENV });
    const viaBoto3 = JSON.parse(stdout) as Served[];
    expect(viaBoto3.map((s) => s.pid)).toEqual(viaBoto3.map(() => first.pid));
    expect(viaBoto3.map((s) => s.served)).toEqual([2, 3, 4, 5, 6, 7, 8]);

    const out = join(mkdtempSync(join(tmpdir(), 'lambda-tasks-warm-')), 'out.json');
    await awsCli(() => t.url).run('lambda', 'invoke', '--function-name', name, '--payload', '{}', out);
    const viaCli = JSON.parse(readFileSync(out, 'utf8')) as Served;
    rmSync(dirname(out), { recursive: true, force: true });
    expect(viaCli).toMatchObject({ pid: first.pid, served: 9 });
    expect(await invokeSdk()).toMatchObject({ pid: first.pid, served: 10 });
  });
});

describe('the pool of pre-started runtimes', () => {
  it('serves a created function’s first invoke with the runtime started during CreateFunction', async () => {
    const lambda = t.lambda();
    const name = await deployFunction(lambda, COUNTING, { MemorySize: 384 });
    // 384 MB: Node's old space is 90% of it, as the runtime sizes it.
    const waiting = await waitFor('the pre-started runtime', () => {
      const pids = waitingRuntimes('--max-old-space-size=346');
      return pids.length > 0 ? pids : undefined;
    });
    const first = await invokeOnce(lambda, name);
    expect(waiting).toContain(first.pid);
    expect(first.served).toBe(1);
  });

  it('is not used with lambda.runtimePool false: the first invoke spawns its process', async () => {
    const lambda = withoutPool.lambda();
    const name = await deployFunction(lambda, COUNTING, { MemorySize: 384 });
    const sentAt = Date.now();
    const first = await invokeOnce(lambda, name);
    expect(first.startedAt).toBeGreaterThanOrEqual(sentAt);
  });
});
