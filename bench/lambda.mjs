/**
 * The Lambda measurements, run against any endpoint with the AWS SDK v3 (test/test, us-east-1):
 * CreateFunction, cold starts (the first Invoke of a fresh function), warm Invoke latency and
 * throughput with 1 and N callers, and the memory of the execution environments (the server's
 * child processes and their process groups) and of the server itself.
 *
 * The function is the smallest there is: nodejs20.x, `exports.handler = async () => ({ ok: true })`.
 * Every Invoke's answer is checked (`{"ok":true}`, no FunctionError): an error is counted, not timed.
 */
import { readlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { zipOf } from './functions.mjs';
import { describeError, runOps } from './s3.mjs';
import { cpuTimeMs, processGroups, rssBytes } from './servers.mjs';
import { ASSUME_LAMBDA, credentials, median, sleep, stats } from './stats.mjs';

const EXPECTED = '{"ok":true}';
const EMPTY_EVENT = Buffer.from('{}');

/**
 * @param {string} endpoint
 * @param {number} [maxSockets] enough for every concurrent caller to keep its own connection
 */
export function lambdaClient(endpoint, maxSockets = 64) {
  return new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1, // a failure is a result here, not something to hide with a retry
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets }) },
  });
}

/** The account the test credentials belong to (000000000000 on lambda-tasks, 123456789012 on moto). */
async function callerAccount(/** @type {string} */ endpoint) {
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    return Account ?? '000000000000';
  } finally {
    sts.destroy();
  }
}

/**
 * Creates the execution role. moto checks that the role exists (else CreateFunction fails: "The
 * role defined for the function cannot be assumed by Lambda"); a server without IAM answers an
 * error, which is kept as a note: CreateFunction then shows whether the role mattered.
 * @param {string} endpoint
 * @param {string} roleName
 * @returns {Promise<string | undefined>} why the role could not be created, if it could not
 */
async function createIamRole(endpoint, roleName) {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    await iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(ASSUME_LAMBDA) }),
    );
    return undefined;
  } catch (error) {
    if (/** @type {Error} */ (error).name === 'EntityAlreadyExists') return undefined;
    return `IAM CreateRole failed: ${describeError(error)}`;
  } finally {
    iam.destroy();
  }
}

/**
 * The deployment package, built in memory. The name goes into a comment so that every function has
 * its own code (nothing extracted for one function is reused by the next).
 * @param {string} name
 * @returns {Promise<Buffer>}
 */
export function functionZip(name) {
  return zipOf(`// ${name}\nexports.handler = async () => ({ ok: true });\n`);
}

/**
 * @param {LambdaClient} client
 * @param {string} name
 * @param {string} role
 * @param {Buffer} code
 */
async function createFunction(client, name, role, code) {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: role,
      Handler: 'index.handler',
      Code: { ZipFile: code },
    }),
  );
}

/**
 * Polls GetFunctionConfiguration every `intervalMs` until State is Active.
 * @param {LambdaClient} client
 * @param {string} name
 */
async function waitActive(client, name, { intervalMs = 10, timeoutMs = 30_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (config.State === 'Active') return;
    if (config.State === 'Failed') throw new Error(`${name} failed: ${config.StateReason}`);
    if (performance.now() > deadline) throw new Error(`${name} still ${config.State} after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** @param {Uint8Array | undefined} payload */
const text = (payload) => Buffer.from(payload ?? []).toString('utf8');

/**
 * One Invoke whose answer must be the function's result.
 * @param {LambdaClient} client
 * @param {string} name
 */
async function invokeOk(client, name) {
  const res = await client.send(new InvokeCommand({ FunctionName: name, Payload: EMPTY_EVENT }));
  const body = text(res.Payload);
  if (res.FunctionError || body !== EXPECTED) {
    throw new Error(`FunctionError ${res.FunctionError ?? '-'}: ${body.slice(0, 200)}`);
  }
}

/**
 * What a REPORT line says, from an Invoke's LogResult (base64 of the log's tail).
 * @param {string | undefined} logResult
 */
function parseReport(logResult) {
  const log = logResult ? Buffer.from(logResult, 'base64').toString('utf8') : '';
  const report = /^REPORT .*$/m.exec(log)?.[0];
  if (!report) return { log };
  const number = (/** @type {RegExp} */ re) => {
    const match = re.exec(report);
    return match ? Number(match[1]) : undefined;
  };
  return {
    log,
    durationMs: number(/\tDuration: ([\d.]+) ms/),
    initDurationMs: number(/Init Duration: ([\d.]+) ms/),
    maxMemoryUsedMb: number(/Max Memory Used: (\d+) MB/),
  };
}

/**
 * @typedef {object} ColdStart
 * @property {number} createMs CreateFunction round trip
 * @property {number} activeMs from CreateFunction's answer to State Active
 * @property {number} invokeMs the first Invoke's round trip (to its answer, whatever it was)
 * @property {boolean} ok the answer was the function's result
 * @property {string} [error] what came back instead
 * @property {number} [initDurationMs] the REPORT line's Init Duration
 * @property {number} [durationMs] the REPORT line's Duration
 */

/**
 * CreateFunction, wait for Active, first Invoke (LogType Tail), for `count` fresh functions.
 * @param {LambdaClient} client
 * @param {string} role
 * @param {number} count
 * @returns {Promise<ColdStart[]>}
 */
export async function coldStarts(client, role, count) {
  /** @type {ColdStart[]} */
  const runs = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-cold-${i}`;
    const code = await functionZip(name);
    let t0 = performance.now();
    await createFunction(client, name, role, code);
    const createMs = performance.now() - t0;
    t0 = performance.now();
    await waitActive(client, name);
    const activeMs = performance.now() - t0;
    t0 = performance.now();
    /** @type {ColdStart} */
    let run;
    try {
      const res = await client.send(new InvokeCommand({ FunctionName: name, Payload: EMPTY_EVENT, LogType: 'Tail' }));
      const invokeMs = performance.now() - t0;
      const body = text(res.Payload);
      const report = parseReport(res.LogResult);
      const ok = !res.FunctionError && body === EXPECTED;
      run = {
        createMs,
        activeMs,
        invokeMs,
        ok,
        ...(ok ? {} : { error: `HTTP 200, FunctionError ${res.FunctionError ?? '-'}, payload ${body.slice(0, 300)}` }),
        ...(report.initDurationMs !== undefined ? { initDurationMs: report.initDurationMs } : {}),
        ...(report.durationMs !== undefined ? { durationMs: report.durationMs } : {}),
      };
    } catch (error) {
      run = { createMs, activeMs, invokeMs: performance.now() - t0, ok: false, error: describeError(error) };
    }
    runs.push(run);
  }
  for (let i = 0; i < count; i++) await client.send(new DeleteFunctionCommand({ FunctionName: `bench-cold-${i}` }));
  return runs;
}

/**
 * Whether a process group leader is one of lambda-tasks' pre-started runtimes still waiting in the
 * pool: its working directory is its scratch directory until it gets a function (then the code's).
 * @param {number} pid
 */
function waitingInPool(pid) {
  try {
    return /\/lambda\/environments\/[0-9a-f]{32}$/.test(readlinkSync(`/proc/${pid}/cwd`));
  } catch {
    return false;
  }
}

/**
 * The server's execution environments: its children that lead a process group, less the
 * pre-started runtimes that are no function's environment yet.
 * @param {number} serverPid
 */
function environmentGroups(serverPid) {
  return processGroups(serverPid).filter((g) => !waitingInPool(g.pid));
}

/**
 * Sums the memory of the server's execution environments.
 * @param {number} serverPid
 */
function environmentMemory(serverPid) {
  const groups = environmentGroups(serverPid);
  const rss = groups.map((g) => g.rssBytes);
  const pss = groups.map((g) => g.pssBytes).filter((b) => b !== undefined);
  return {
    environments: groups.length,
    processes: groups.reduce((n, g) => n + g.processes, 0),
    medianRssBytes: median(rss),
    medianPssBytes: pss.length ? median(pss) : Number.NaN,
    totalRssBytes: rss.reduce((a, b) => a + b, 0),
    totalPssBytes: pss.length ? pss.reduce((a, b) => a + b, 0) : Number.NaN,
  };
}

/**
 * Runs a phase and adds the CPU time it cost per successful operation, per side: the server
 * process, the execution environments (its children's process groups), and this process (the
 * SDK client). On a 2-core machine 1,000 invokes/s leave 2 ms of CPU per invoke for all three.
 * @template {{ ops: number }} T
 * @param {number} serverPid
 * @param {() => Promise<T>} phase
 */
async function withCpu(serverPid, phase) {
  const environmentsCpu = () => processGroups(serverPid).reduce((sum, g) => sum + g.cpuMs, 0);
  const server0 = cpuTimeMs(serverPid) ?? Number.NaN;
  const environments0 = environmentsCpu();
  const client0 = process.cpuUsage();
  const result = await phase();
  const client = process.cpuUsage(client0);
  const ops = Math.max(1, result.ops);
  return {
    ...result,
    cpuMsPerOp: {
      server: ((cpuTimeMs(serverPid) ?? Number.NaN) - server0) / ops,
      environments: (environmentsCpu() - environments0) / ops,
      client: (client.user + client.system) / 1000 / ops,
    },
  };
}

/**
 * @typedef {object} LambdaOptions
 * @property {number} coldStarts fresh functions to cold-start
 * @property {number} invokes warm invokes per measured phase
 * @property {number} warmup warm-up invokes (not measured)
 * @property {number} concurrency concurrent callers in the throughput phase
 * @property {number} concurrentWarmup invokes by all callers before the throughput phase is measured
 * @property {number} concurrentInvokes invokes in each measured round of the throughput phase
 * @property {number} concurrentRounds measured rounds (the median one is reported)
 * @property {number} dryRuns Invoke DryRun calls (the request path without the engine)
 * @property {number} idleSettleMs pause before memory is read
 */

/**
 * Every Lambda measurement on one server (fresh: the caller starts it and stops it).
 * @param {import('./servers.mjs').RunningServer} server
 * @param {LambdaOptions} o
 */
export async function lambdaWorkload(server, o) {
  await sleep(o.idleSettleMs);
  const serverRssAtStart = rssBytes(server.pid);
  const client = lambdaClient(server.url, Math.max(64, o.concurrency * 2));
  try {
    const account = await callerAccount(server.url);
    const roleName = 'bench-lambda-role';
    const role = `arn:aws:iam::${account}:role/${roleName}`;
    const roleProblem = await createIamRole(server.url, roleName);
    const iamRole = roleProblem ?? 'created';

    // One function created and invoked first, not measured: lazy loading on the server (the
    // Lambda model, moto's backend), the first environment's setup, the client's connections.
    try {
      await createFunction(client, 'bench-warmup', role, await functionZip('bench-warmup'));
    } catch (error) {
      throw new Error(
        `${server.name}: CreateFunction failed: ${describeError(error)}${roleProblem ? ` (${roleProblem})` : ''}`,
      );
    }
    await waitActive(client, 'bench-warmup');
    /** @type {string | undefined} */
    let firstInvokeError;
    try {
      await invokeOk(client, 'bench-warmup');
    } catch (error) {
      firstInvokeError = describeError(error);
    }
    await client.send(new DeleteFunctionCommand({ FunctionName: 'bench-warmup' }));

    const cold = await coldStarts(client, role, o.coldStarts);
    const coldOk = cold.filter((c) => c.ok);
    // Failed invokes are not cold starts; when all failed (moto without Docker), their times are shown.
    const timed = coldOk.length ? coldOk : cold;
    const coldSummary = {
      createMs: stats(cold.map((c) => c.createMs)),
      activeMs: stats(cold.map((c) => c.activeMs)),
      invokeMs: stats(timed.map((c) => c.invokeMs)),
      createPlusInvokeMs: stats(timed.map((c) => c.createMs + c.invokeMs)),
      initDurationMs: stats(coldOk.flatMap((c) => (c.initDurationMs === undefined ? [] : [c.initDurationMs]))),
      failed: cold.length - coldOk.length,
      firstError: cold.find((c) => c.error)?.error ?? firstInvokeError,
      runs: cold,
    };

    // The request path without the execution engine: resolve the function, answer 204.
    await createFunction(client, 'bench-warm', role, await functionZip('bench-warm'));
    await waitActive(client, 'bench-warm');
    const dryRun = await withCpu(server.pid, () =>
      runOps(o.dryRuns, 1, async () => {
        const res = await client.send(
          new InvokeCommand({ FunctionName: 'bench-warm', InvocationType: 'DryRun', Payload: EMPTY_EVENT }),
        );
        if (res.StatusCode !== 204) throw new Error(`DryRun answered ${res.StatusCode}`);
      }),
    );

    if (coldOk.length === 0) {
      return {
        iamRole,
        cold: coldSummary,
        dryRun,
        warm: { skipped: `every first Invoke failed: ${coldSummary.firstError}` },
        serverRssAtStartBytes: serverRssAtStart,
        serverRssAtEndBytes: rssBytes(server.pid),
      };
    }

    const invoke = () => invokeOk(client, 'bench-warm');
    const failFast = { maxErrors: 20 };
    const warmup = await runOps(o.warmup, 1, invoke, failFast);
    if (warmup.errors) {
      return {
        iamRole,
        cold: coldSummary,
        dryRun,
        warm: { skipped: `warm-up invokes failed (${warmup.errors}): ${warmup.firstError}`, warmup },
        serverRssAtStartBytes: serverRssAtStart,
        serverRssAtEndBytes: rssBytes(server.pid),
      };
    }
    const serverRssWarm = rssBytes(server.pid);
    const sequential = await withCpu(server.pid, () => runOps(o.invokes, 1, invoke, failFast));
    // Scale out to `concurrency` environments (cold starts) and run until the hot paths of the server
    // and of every environment are optimized by the JIT; then measure with all of them warm.
    const scaleOut = await runOps(o.concurrentWarmup, o.concurrency, invoke, failFast);
    await sleep(o.idleSettleMs);
    const environmentsBefore = environmentGroups(server.pid).length;
    // Several measured rounds, the median one reported: other work on the host moves a single
    // few-second window by ±20% (the bench client's own CPU per invoke moves as much).
    const rounds = [];
    for (let round = 0; round < o.concurrentRounds; round++) {
      rounds.push(await withCpu(server.pid, () => runOps(o.concurrentInvokes, o.concurrency, invoke, failFast)));
    }
    const byRate = [...rounds].sort((a, b) => a.opsPerSec - b.opsPerSec);
    const concurrent = {
      ...byRate[Math.floor((byRate.length - 1) / 2)],
      rounds: rounds.map((r) => r.opsPerSec),
    };
    await sleep(o.idleSettleMs);
    const memory = environmentMemory(server.pid);
    return {
      iamRole,
      cold: coldSummary,
      dryRun,
      warm: {
        warmup,
        sequential,
        scaleOut,
        concurrent,
        environmentsBeforeConcurrent: environmentsBefore,
        environmentsAfterConcurrent: memory.environments,
      },
      memory,
      serverRssAtStartBytes: serverRssAtStart,
      serverRssWarmBytes: serverRssWarm,
      serverRssAtEndBytes: rssBytes(server.pid),
    };
  } finally {
    client.destroy();
  }
}
