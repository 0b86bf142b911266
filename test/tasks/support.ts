/**
 * Test support for tasks: an ActionContext whose clients talk to the test's local cloud, whose
 * events, secrets and SDK calls (command names) are collected for assertions, and whose baseDir is
 * a fresh temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import yauzl from 'yauzl';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { waitFor } from '../../src/aws/wait.js';
import type {
  ActionContext,
  ActionDefinition,
  ActionEvent,
  ActionResult,
  PlannedChange,
  PlanResult,
} from '../../src/tasks/task.js';
import { TEST_CREDENTIALS, type TestCloud } from '../helpers/cloud.js';

export interface TaskContext {
  ctx: ActionContext;
  baseDir: string;
  events: ActionEvent[];
  /** SDK command names in the order they were sent (`GetFunctionCommand` ...). */
  calls: string[];
  secrets: string[];
  /** Messages of the collected events of one type. */
  messages(type: 'info' | 'skip' | 'change' | 'retry'): string[];
  /** Forgets the collected events and calls (between two runs in one test). */
  reset(): void;
}

interface Middlewared {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types are generic per client.
    add(middleware: any, options: { step: 'initialize'; name: string }): void;
  };
}

/**
 * Registers cleanup for the file and returns a factory of task contexts on the test's cloud
 * (without one, the clients point at a closed port: for tasks that make no AWS calls).
 */
export function useTaskContexts(t?: TestCloud): (options?: { stepId?: string; baseDir?: string }) => TaskContext {
  const clients: AwsClients[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const c of clients) c.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (options = {}) => {
    const events: ActionEvent[] = [];
    const calls: string[] = [];
    const secrets: string[] = [];
    const baseDir = options.baseDir ?? mkdtempSync(join(tmpdir(), 'lambda-tasks-test-'));
    if (!options.baseDir) dirs.push(baseDir);
    const base = createClients(
      {
        name: 'local',
        endpoint: t ? t.url : 'http://127.0.0.1:9',
        credentials: TEST_CREDENTIALS,
        forcePathStyle: true,
      },
      'us-east-1',
    );
    clients.push(base);
    const recorded = new Set<unknown>();
    function record<C extends Middlewared>(client: C): C {
      if (recorded.has(client)) return client;
      recorded.add(client);
      client.middlewareStack.add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
          calls.push(context.commandName ?? 'unknown');
          return next(args);
        },
        { step: 'initialize', name: 'recordCalls' },
      );
      return client;
    }
    const aws: AwsClients = {
      ...base,
      region: base.region,
      connection: base.connection,
      lambda: () => record(base.lambda()),
      s3: () => record(base.s3()),
      cloudFormation: () => record(base.cloudFormation()),
      sts: () => record(base.sts()),
      iam: () => record(base.iam()),
      logs: () => record(base.logs()),
      destroy: () => base.destroy(),
    };
    const ctx: ActionContext = {
      aws,
      baseDir,
      stepId: options.stepId ?? 'step',
      emit: (event) => events.push(event),
      secret: (value) => secrets.push(value),
      signal: new AbortController().signal,
      waitFor: (check, waitOptions) =>
        waitFor(check, {
          timeoutMs: 20_000,
          delayMs: 20,
          maxDelayMs: 100,
          ...waitOptions,
          onWait: (what, elapsedMs) => events.push({ type: 'wait', what, elapsedMs }),
        }),
    };
    return {
      ctx,
      baseDir,
      events,
      calls,
      secrets,
      messages: (type) => events.flatMap((e) => (e.type === type ? [e.message] : [])),
      reset() {
        events.length = 0;
        calls.length = 0;
      },
    };
  };
}

/** Parses `params` with the action's schema (so defaults and strictness apply) and runs it. */
export function run<P>(action: ActionDefinition<P>, params: unknown, tc: TaskContext): Promise<ActionResult> {
  return action.run(action.params.parse(params), tc.ctx);
}

/** The action's planned changes (the outputs a plan may also give are in `planResult`). */
export async function plan<P>(action: ActionDefinition<P>, params: unknown, tc: TaskContext): Promise<PlannedChange[]> {
  const planned = await planResult(action, params, tc);
  return planned.changes;
}

export async function planResult<P>(
  action: ActionDefinition<P>,
  params: unknown,
  tc: TaskContext,
): Promise<PlanResult> {
  if (!action.plan) throw new Error('the action has no plan()');
  const planned = await action.plan(action.params.parse(params), tc.ctx);
  return Array.isArray(planned) ? { changes: planned } : planned;
}

/** The value of a secret output, or the output itself. */
export function outputValue(value: ActionResult['outputs'][string] | undefined): string | number | boolean | undefined {
  return typeof value === 'object' ? value.value : value;
}

export interface ReadEntry {
  name: string;
  /** The Unix mode from the external attributes (`0o100644`). */
  mode: number;
  dosDate: number;
  dosTime: number;
  extraFields: number;
  content: string;
}

/** The entries of a zip, in archive order, with their metadata and content. */
export async function readZip(bytes: Buffer): Promise<ReadEntry[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const entries: ReadEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.push({
            name: entry.fileName,
            mode: entry.externalFileAttributes >>> 16,
            dosDate: entry.lastModFileDate,
            dosTime: entry.lastModFileTime,
            extraFields: entry.extraFields.length,
            content: Buffer.concat(chunks).toString('utf8'),
          });
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}
