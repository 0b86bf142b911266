/**
 * `lambda-tasks logs`: the condenser over log lines as AWS writes them, and the command against a
 * local cloud with a real function invoked a few times (called in-process, output compared).
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runLogsCommand } from '../../src/cli/logs.js';
import { formatItem, jsonItem, summaryText } from '../../src/logs/format.js';
import { condense, type Invocation, type LogItem } from '../../src/logs/invocations.js';
import { deployFunction } from '../cloud/lambda/support.js';
import { useCloud, waitFor } from '../helpers/cloud.js';
import { tempDir } from '../pipeline/helpers.js';

// Lines as AWS's documentation shows a Node.js function's log (a cold start), a Python error and a timeout.
const ID = '8f507cfc-xmpl-4697-b07a-ac58fc914c95';
const COLD_START = [
  'INIT_START Runtime Version: nodejs:20.v13\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:b41d1',
  `START RequestId: ${ID} Version: $LATEST`,
  `2019-06-07T19:11:20.562Z\t${ID}\tINFO\tENVIRONMENT VARIABLES`,
  `2019-06-07T19:11:20.563Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom"}`,
  `END RequestId: ${ID}`,
  `REPORT RequestId: ${ID}\tDuration: 3.22 ms\tBilled Duration: 170 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\t`,
];
const TIMEOUT_ID = 'b3c1a2d4-xmpl-4c1b-9a7e-2f1d3e4c5b6a';
const TIMEOUT = [
  `START RequestId: ${TIMEOUT_ID} Version: 3`,
  '[INFO]\t2024-05-01T10:00:00.000Z\tstarting',
  `2024-05-01T10:00:03.004Z ${TIMEOUT_ID} Task timed out after 3.00 seconds`,
  `END RequestId: ${TIMEOUT_ID}`,
  `REPORT RequestId: ${TIMEOUT_ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 256 MB\tMax Memory Used: 61 MB\tStatus: timeout\t`,
];

function events(lines: string[], stream?: string) {
  return lines.map((message, i) => ({
    timestamp: 1_717_000_000_000 + i,
    message,
    ...(stream ? { logStreamName: stream } : {}),
  }));
}

function invocations(items: LogItem[]): Invocation[] {
  return items.flatMap((item) => (item.type === 'invocation' ? [item.invocation] : []));
}

describe('the condenser', () => {
  it('turns START, END and REPORT into one invocation with its measures and its own lines', () => {
    const items = condense(events(COLD_START, 'stream-a'));
    expect(invocations(items)).toEqual([
      {
        requestId: ID,
        version: '$LATEST',
        logStreamName: 'stream-a',
        startTime: 1_717_000_000_001,
        endTime: 1_717_000_000_005,
        durationMs: 3.22,
        billedDurationMs: 170,
        memorySizeMb: 128,
        maxMemoryUsedMb: 74,
        initDurationMs: 166.62,
        outcome: 'error',
        lines: [
          { timestamp: 1_717_000_000_002, message: COLD_START[2], requestId: ID, error: false },
          { timestamp: 1_717_000_000_003, message: COLD_START[3], requestId: ID, error: true },
        ],
      },
    ]);
    expect(items.map((item) => formatItem(item, { times: false }))).toEqual([
      'INFO ENVIRONMENT VARIABLES',
      'ERROR Invoke Error \t{"errorType":"Error","errorMessage":"boom"}',
      `REPORT ${ID} duration 3.22 ms, billed 170 ms, memory 74/128 MB, init 166.62 ms FAILED`,
    ]);
  });

  it('reports a timeout, keeps interleaved streams apart, and flushes an invocation still running', () => {
    const interleaved = [...events(TIMEOUT, 'stream-b'), ...events(COLD_START.slice(1, 3), 'stream-a')].sort(
      (a, b) => a.timestamp - b.timestamp,
    );
    const found = invocations(condense(interleaved));
    expect(found.map((i) => [i.requestId, i.outcome, i.lines.length])).toEqual([
      [TIMEOUT_ID, 'timeout', 2],
      [ID, 'in progress', 1],
    ]);
    expect(summaryText(found[0] as Invocation)).toBe(
      `${TIMEOUT_ID} duration 3000 ms, billed 3000 ms, memory 61/256 MB TIMED OUT`,
    );
    expect(summaryText(found[1] as Invocation)).toBe(`${ID} in progress`);
  });

  it('colours errors only when asked, and gives JSON per invocation', () => {
    const items = condense(events(COLD_START));
    const coloured = items.map((item) => formatItem(item, { color: true }));
    expect(coloured[1]).toContain('\x1b[31m');
    expect(coloured[0]).not.toContain('\x1b[31m');
    expect(items.map((item) => formatItem(item)).join('')).not.toContain('\x1b[');
    const json = items.map(jsonItem).filter((text) => text !== undefined);
    expect(json).toHaveLength(1);
    expect(JSON.parse(json[0] as string)).toMatchObject({ type: 'invocation', requestId: ID, durationMs: 3.22 });
  });

  it('keeps a REPORT whose START fell out of the window (a log tail cut at 4 KB)', () => {
    const found = invocations(condense(events(COLD_START.slice(3))));
    expect(found).toMatchObject([{ requestId: ID, durationMs: 3.22, outcome: 'ok' }]);
    expect(found[0]).not.toHaveProperty('startTime');
  });
});

describe('lambda-tasks logs against the local cloud', () => {
  const t = useCloud();

  async function logs(
    args: string[],
    options: { signal?: AbortSignal; tty?: boolean; env?: Record<string, string>; cwd?: string } = {},
  ) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: {
        write: (text) => {
          stdout += text;
        },
        isTTY: options.tty ?? false,
      },
      stderr: {
        write: (text) => {
          stderr += text;
        },
      },
      env: { PATH: process.env['PATH'], ...options.env },
      cwd: options.cwd ?? tempDir({}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const done = runLogsCommand(['--endpoint', t.url, ...args], io);
    return { done, output: () => ({ stdout, stderr }) };
  }

  const HANDLER = {
    'index.js': `exports.handler = async (event) => {
  console.log('handling', JSON.stringify(event));
  if (event.n === 2) console.error('only logged, not failed');
  if (event.fail) throw new Error('asked to fail');
  return { ok: true };
};`,
  };

  async function invoke(name: string, payload: object): Promise<void> {
    await t.lambda().send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }));
  }

  /** Function logs are committed in batches, shortly after Invoke answers: wait until `count` REPORTs are readable. */
  async function reportsVisible(name: string, count: number): Promise<void> {
    await waitFor(`${count} REPORT lines`, async () => {
      const { events } = await t
        .cwLogs()
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: 'REPORT' }))
        .catch(() => ({ events: [] }));
      return (events ?? []).length >= count ? true : undefined;
    });
  }

  it('prints one summary line per invocation, errors flagged, and JSON with --json', async () => {
    const name = await deployFunction(t.lambda(), HANDLER);
    await invoke(name, { n: 1 });
    await invoke(name, { n: 2 });
    await invoke(name, { fail: true });
    await reportsVisible(name, 3);
    const run = await logs([name]);
    expect(await run.done).toBe(0);
    const { stdout } = run.output();
    const reports = stdout.split('\n').filter((line) => / REPORT /.test(line));
    expect(reports).toHaveLength(3);
    expect(reports[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} REPORT [\w-]{36} duration [\d.]+ ms, billed \d+ ms, memory \d+\/128 MB, init [\d.]+ ms$/,
    );
    // An error logged by a function that then succeeds is highlighted, but the invocation did not fail.
    expect(reports[1]).not.toMatch(/init|FAILED/);
    expect(stdout).toMatch(/ERROR only logged, not failed/);
    expect(reports[2]).toMatch(/ FAILED$/);
    expect(stdout).toMatch(/INFO handling \{"n":1\}/);
    expect(stdout).not.toMatch(/START RequestId|END RequestId|REPORT RequestId/);
    expect(stdout).not.toContain('\x1b[');

    const json = await logs([name, '--json']);
    expect(await json.done).toBe(0);
    const objects = json
      .output()
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; outcome: string; memorySizeMb: number; lines: unknown[] });
    expect(objects.map((o) => [o.type, o.outcome, o.memorySizeMb])).toEqual([
      ['invocation', 'ok', 128],
      ['invocation', 'ok', 128],
      ['invocation', 'error', 128],
    ]);
    expect(objects[0]?.lines).toHaveLength(1);
  });

  it('colours errors on a terminal unless NO_COLOR, and filters with --filter', async () => {
    const name = await deployFunction(t.lambda(), HANDLER);
    await invoke(name, { fail: true });
    await reportsVisible(name, 1);
    const tty = await logs([name], { tty: true });
    await tty.done;
    expect(tty.output().stdout).toContain('\x1b[31m');
    const plain = await logs([name], { tty: true, env: { NO_COLOR: '1' } });
    await plain.done;
    expect(plain.output().stdout).not.toContain('\x1b[');
    const filtered = await logs([name, '--filter', '"asked to fail"']);
    await filtered.done;
    const lines = filtered.output().stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes('asked to fail'))).toBe(true);
  });

  it('follows new invocations until interrupted', async () => {
    const name = await deployFunction(t.lambda(), HANDLER);
    await invoke(name, { n: 'before' });
    const controller = new AbortController();
    const run = await logs([name, '--follow', '--since', '1h'], { signal: controller.signal });
    await waitFor('the first invocation', () => (run.output().stdout.includes(' REPORT ') ? true : undefined));
    await invoke(name, { n: 'after' });
    await waitFor('the followed invocation', () =>
      run
        .output()
        .stdout.split('\n')
        .filter((line) => line.includes(' REPORT ')).length === 2
        ? true
        : undefined,
    );
    expect(run.output().stdout).toContain('{"n":"after"}');
    controller.abort();
    expect(await run.done).toBe(0);
  });

  it('waits, when following, for the log group of a function that has not run yet', async () => {
    const name = await deployFunction(t.lambda(), HANDLER);
    const controller = new AbortController();
    const run = await logs([name, '--follow'], { signal: controller.signal });
    await waitFor('the waiting note', () => (run.output().stderr.includes('waiting for') ? true : undefined));
    await invoke(name, { n: 'first' });
    await waitFor('the first invocation', () => (run.output().stdout.includes(' REPORT ') ? true : undefined));
    controller.abort();
    expect(await run.done).toBe(0);
    expect(run.output().stderr.match(/waiting for/g)).toHaveLength(1);
  });

  it('reads through a connection named in the pipeline file', async () => {
    const name = await deployFunction(t.lambda(), HANDLER);
    await invoke(name, { n: 'named' });
    await reportsVisible(name, 1);
    const cwd = tempDir({
      'lambda-tasks.yml': `name: logs\nconnections:\n  mine: { type: local, endpoint: '${t.url}', region: us-east-1 }\nsteps:\n  - { id: call, task: lambda-function, action: invoke, with: { functionName: ${name} } }\n`,
    });
    const run = await logs([name, '--connection', 'mine'], { cwd });
    expect(await run.done).toBe(0);
    expect(run.output().stdout).toContain('{"n":"named"}');
    const unknown = await logs([name, '--connection', 'nope'], { cwd });
    expect(await unknown.done).toBe(1);
    expect(unknown.output().stderr).toContain('No connection named "nope".');
  });

  it('says when the function has no log group, and refuses bad usage', async () => {
    const run = await logs(['no-such-function-here']);
    expect(await run.done).toBe(1);
    expect(run.output().stderr).toContain('No log group /aws/lambda/no-such-function-here');
    await expect((await logs(['a', '--since', 'yesterday-ish'])).done).rejects.toThrow(/--since expects/);
    await expect((await logs([])).done).rejects.toThrow(/expected one function name/);
  });
});
