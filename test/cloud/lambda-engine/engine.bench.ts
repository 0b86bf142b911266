/**
 * Cold starts, warm round trips and throughput of the execution engine, with real processes:
 *
 *   npx vitest bench --run test/cloud/lambda-engine/engine.bench.ts
 *
 * Not part of `vitest run` (only *.test.ts files are). Each cold-start iteration uses a new
 * configKey and retires the environment afterwards; warm iterations reuse one environment. The
 * engine runs without the pool of pre-started runtimes, so each cold start spawns its process
 * (bench/startup.mjs measures cold starts through the pool).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, bench, describe } from 'vitest';
import { ExecutionEngine, type FunctionSnapshot } from '../../../src/cloud/lambda/engine.js';
import { MemorySink, snapshot, tempDir, writeCode } from './helpers.js';

const engine = new ExecutionEngine({
  endpoint: () => 'http://127.0.0.1:4566',
  dataDir: await tempDir('lambda-engine-bench-'),
  logs: new MemorySink(),
  runtimePool: false,
});
afterAll(() => engine.close());

const node = snapshot({ codeDir: await writeCode({ 'index.js': 'exports.handler = async (event) => event;' }) });
const nodeEsm = snapshot({
  codeDir: await writeCode({ 'index.mjs': 'export const handler = async (event) => event;' }),
});
const python = snapshot({
  runtime: 'python3.12',
  handler: 'lambda_function.lambda_handler',
  codeDir: await writeCode({ 'lambda_function.py': 'def lambda_handler(event, context):\n    return event\n' }),
});
const payload = Buffer.from('{"hello":"world"}');

const invoke = (fn: FunctionSnapshot) =>
  engine.invoke({ fn, requestId: randomUUID(), payload, invokedFunctionArn: fn.functionArn });

async function coldStart(fn: FunctionSnapshot): Promise<void> {
  const fresh = { ...fn, configKey: randomUUID() };
  const result = await invoke(fresh);
  if (result.initDurationMs === undefined) throw new Error('expected a cold start');
  engine.retire((f) => f.configKey === fresh.configKey);
}

describe('cold start (spawn, bootstrap, first GET /next, invoke)', () => {
  bench('node, CommonJS handler', () => coldStart(node), { iterations: 20, time: 0 });
  bench('node, ES module handler', () => coldStart(nodeEsm), { iterations: 20, time: 0 });
  bench('python', () => coldStart(python), { iterations: 20, time: 0 });
});

describe('warm invoke round trip', () => {
  bench('node', () => invoke(node).then(() => {}), { time: 2000, warmupIterations: 50 });
  bench('python', () => invoke(python).then(() => {}), { time: 2000, warmupIterations: 50 });
});

describe('warm throughput', () => {
  // Eight concurrent invokes per iteration: hz x 8 = invokes per second.
  bench('node, 8 concurrent invokes', () => Promise.all(Array.from({ length: 8 }, () => invoke(node))).then(() => {}), {
    time: 3000,
    warmupIterations: 5,
  });
});
