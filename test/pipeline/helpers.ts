/**
 * Test support for the deploy tool: small tasks of our own (the real ones are tested in
 * test/tasks), a registry of them, temporary pipeline directories, and the CLI commands called
 * in-process with captured output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach } from 'vitest';
import { z } from 'zod/mini';
import type { CliIo } from '../../src/cli/io.js';
import { PipelineError } from '../../src/pipeline/errors.js';
import type { TaskRegistry } from '../../src/pipeline/registry.js';
import { defineAction, type TaskDefinition } from '../../src/tasks/task.js';
import { runCli } from '../helpers/process.js';

async function bucketExists(ctx: Parameters<TaskDefinition['actions'][string]['run']>[1], name: string) {
  try {
    await ctx.aws.s3().send(new HeadBucketCommand({ Bucket: name }), { abortSignal: ctx.signal });
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/** `bucket create`: creates an S3 bucket unless it exists (idempotent, with a plan). */
export const bucketTask: TaskDefinition = {
  name: 'bucket',
  description: 'An S3 bucket (test task).',
  defaultAction: 'create',
  actions: {
    create: defineAction({
      description: 'Create the bucket unless it exists.',
      params: z.strictObject({ name: z.string().check(z.regex(/^[a-z0-9.-]{3,63}$/)), region: z.optional(z.string()) }),
      outputs: ['bucket', 'arn', 'region'],
      async run(params, ctx) {
        const outputs = { bucket: params.name, arn: `arn:aws:s3:::${params.name}`, region: ctx.aws.region };
        if (await bucketExists(ctx, params.name)) {
          ctx.emit({ type: 'skip', message: `bucket ${params.name} exists` });
          return { changed: false, summary: `bucket ${params.name} already exists`, outputs };
        }
        await ctx.aws.s3().send(new CreateBucketCommand({ Bucket: params.name }), { abortSignal: ctx.signal });
        ctx.emit({ type: 'change', message: `created bucket ${params.name}` });
        return { changed: true, summary: `created bucket ${params.name}`, outputs };
      },
      async plan(params, ctx) {
        const exists = await bucketExists(ctx, params.name);
        return [{ action: exists ? 'none' : 'create', resource: `bucket ${params.name}`, details: [] }];
      },
    }),
  },
};

/** `echo say`: returns its parameters as outputs (types kept), optionally one secret output. */
export const echoTask: TaskDefinition = {
  name: 'echo',
  description: 'Echoes its parameters (test task).',
  actions: {
    say: defineAction({
      description: 'Echo the parameters as outputs.',
      params: z.strictObject({
        message: z.string(),
        count: z.optional(z.number().check(z.int())),
        flag: z.optional(z.boolean()),
        data: z.optional(z.record(z.string(), z.unknown())),
        secret: z.optional(z.string()),
        /** Registered with ctx.secret() and then mentioned in an event. */
        register: z.optional(z.string()),
        mode: z.optional(z.enum(['quiet', 'loud'])),
        nested: z.optional(z.strictObject({ size: z.number(), label: z.optional(z.string()) })),
      }),
      outputs: ['message', 'count', 'flag', 'data', 'token', 'multiline'],
      async run(params, ctx) {
        ctx.emit({ type: 'info', message: `saying ${params.message}` });
        if (params.register !== undefined) {
          ctx.secret(params.register);
          ctx.emit({ type: 'log', lines: [`session key ${params.register}`] });
        }
        const outputs: Record<string, string | number | boolean | { value: string; secret: true }> = {
          message: params.message,
        };
        if (params.count !== undefined) outputs['count'] = params.count;
        if (params.flag !== undefined) outputs['flag'] = params.flag;
        if (params.data !== undefined) outputs['data'] = JSON.stringify(params.data);
        if (params.secret !== undefined) outputs['token'] = { value: params.secret, secret: true };
        if (params.message.includes('\n')) outputs['multiline'] = params.message;
        return { changed: false, summary: `said ${params.message}`, outputs };
      },
    }),
    log: defineAction({
      description: 'Emit log lines.',
      params: z.strictObject({ lines: z.array(z.string()) }),
      outputs: [],
      async run(params, ctx) {
        ctx.emit({ type: 'log', lines: params.lines });
        return { changed: false, summary: `logged ${params.lines.length} lines`, outputs: {} };
      },
    }),
  },
};

/** `slow`: waits through ctx.waitFor (for timeouts), or ignores its signal entirely. */
export const slowTask: TaskDefinition = {
  name: 'slow',
  description: 'Takes its time (test task).',
  actions: {
    wait: defineAction({
      description: 'Wait for something that happens after `ms` (or never).',
      params: z.strictObject({ ms: z.number(), what: z.string(), waitTimeoutMs: z.optional(z.number()) }),
      outputs: ['waited'],
      async run(params, ctx) {
        const started = Date.now();
        await ctx.waitFor(async () => (Date.now() - started >= params.ms ? true : undefined), {
          what: params.what,
          delayMs: 20,
          maxDelayMs: 50,
          ...(params.waitTimeoutMs !== undefined ? { timeoutMs: params.waitTimeoutMs } : {}),
        });
        return { changed: true, summary: `waited for ${params.what}`, outputs: { waited: Date.now() - started } };
      },
    }),
    hang: defineAction({
      description: 'Never finish (ignores the abort signal).',
      params: z.strictObject({}),
      outputs: [],
      run: () => new Promise(() => {}),
    }),
  },
};

/** `fail`: AWS errors (raw and wrapped) and plain errors. */
export const failTask: TaskDefinition = {
  name: 'fail',
  description: 'Fails (test task).',
  actions: {
    'get-object': defineAction({
      description: 'GetObject from a bucket that does not exist.',
      params: z.strictObject({ bucket: z.string(), key: z.string(), wrap: z.optional(z.boolean()) }),
      outputs: [],
      async run(params, ctx) {
        try {
          await ctx.aws.s3().send(new GetObjectCommand({ Bucket: params.bucket, Key: params.key }));
        } catch (error) {
          if (!params.wrap) throw error;
          throw new PipelineError('AwsError', `${(error as Error).name}: ${(error as Error).message} (GetObject)`, {
            cause: error,
            hint: 'create the bucket first',
          });
        }
        return { changed: false, summary: 'got it', outputs: {} };
      },
    }),
    throw: defineAction({
      description: 'Throw a plain error.',
      params: z.strictObject({ message: z.string() }),
      outputs: [],
      run: async (params) => {
        throw new Error(params.message);
      },
    }),
  },
};

/** `whoami`: STS GetCallerIdentity (which credentials a connection gives). */
export const whoamiTask: TaskDefinition = {
  name: 'whoami',
  description: 'The caller identity (test task).',
  defaultAction: 'get',
  actions: {
    get: defineAction({
      description: 'GetCallerIdentity.',
      params: z.strictObject({}),
      outputs: ['arn', 'account', 'region'],
      async run(_params, ctx) {
        const identity = await ctx.aws.sts().send(new GetCallerIdentityCommand({}));
        return {
          changed: false,
          summary: `caller ${identity.Arn}`,
          outputs: { arn: identity.Arn ?? '', account: identity.Account ?? '', region: ctx.aws.region },
        };
      },
    }),
  },
};

export const TEST_REGISTRY: TaskRegistry = new Map(
  [bucketTask, echoTask, slowTask, failTask, whoamiTask].map((t) => [t.name, t]),
);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory (removed after the test) with the given files. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-pipeline-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Calls a CLI command in-process with captured output, fixed times, and no CI or GitHub variables. */
export async function runCommand(
  command: (argv: string[], io: CliIo, options: { registry?: TaskRegistry }) => Promise<number>,
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; registry?: TaskRegistry; tty?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env: Record<string, string | undefined> = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    LAMBDA_TASKS_FIXED_TIMES: '1',
    ...options.env,
  };
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
    env,
    cwd: options.cwd,
  };
  const code = await command(argv, io, { registry: options.registry ?? TEST_REGISTRY });
  return { code, stdout, stderr };
}

/** Runs the built CLI (dist/, made by `npm run build`) as a process, in `cwd`, with a minimal environment. */
export function spawnCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args, {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    timeoutMs: options.timeoutMs ?? 20_000,
  });
}
