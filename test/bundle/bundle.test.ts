/**
 * The bundled bin (scripts/build-bundle.mjs) behaves like the sources: the files modules find
 * relative to themselves (models/, runtimes/) are found from the bundle's chunks, and the cloud
 * it starts answers the SDK, runs a function, and reports bad usage as before.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script without declarations
import { buildBundle } from '../../scripts/build-bundle.mjs';
import { randomName } from '../helpers/cloud.js';
import { runCli } from '../helpers/process.js';
import { nodeFunction, TEST_ROLE } from '../helpers/zip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Beside dist/bundle (same depth) so the bundle's relative URLs resolve as in the real one.
const outDir = join(root, 'dist', `bundle-test-${process.pid}`);
const bin = join(outDir, 'lambda-tasks.js');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const run = (args: string[]) => runCli(args, { bin, timeoutMs: 30_000 });

beforeAll(async () => {
  await buildBundle({ outDir });
}, 60_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the bundled bin', () => {
  it('prints the usage and validates the hello pipeline', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: lambda-tasks <command>/);
    const valid = await run(['validate', join(root, 'examples', 'hello', 'lambda-tasks.yml')]);
    expect(valid.stderr).toBe('');
    expect(valid.stdout).toContain('is valid: 4 steps');
    expect(valid.code).toBe(0);
    const bad = await run(['cloud', '--port', 'x']);
    expect(bad).toMatchObject({ code: 2, stderr: 'lambda-tasks: --port must be 0-65535, got "x"\n' });
  }, 30_000);

  it('runs every chunk in strict mode, as the ES modules it was written as', () => {
    const files = readdirSync(outDir).filter((file) => file.endsWith('.js'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(outDir, file), 'utf8').replace(/^#!.*\n/, '');
      expect(text.startsWith('"use strict";'), file).toBe(true);
    }
  });

  it('maps its chunks back to the sources', () => {
    const mainMap = readdirSync(outDir).find((file) => /^main-\w+\.js\.map$/.test(file)) as string;
    const { sources } = JSON.parse(readFileSync(join(outDir, mainMap), 'utf8')) as { sources: string[] };
    expect(sources).toContain('../../src/cli/main.ts');
    expect(sources.filter((source) => !source.startsWith('../../src/'))).toEqual([]);
  });

  it('runs the same from its code cache, without it, and with source maps on', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'lambda-tasks-bundle-cache-'));
    try {
      const hello = join(root, 'examples', 'hello', 'lambda-tasks.yml');
      const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, TMPDIR: temp, ...extra });
      const first = await runCli(['validate', hello], { bin, env: env(), timeoutMs: 30_000 });
      const cacheRoot = join(temp, readdirSync(temp)[0] as string);
      const [version] = readdirSync(cacheRoot);
      const cached = readdirSync(join(cacheRoot, version as string));
      expect(cached.some((file) => file.startsWith('main-'))).toBe(true);
      const second = await runCli(['validate', hello], { bin, env: env(), timeoutMs: 30_000 });
      const uncached = await runCli(['validate', hello], {
        bin,
        env: env({ NODE_DISABLE_COMPILE_CACHE: '1' }),
        timeoutMs: 30_000,
      });
      const mapped = await runCli(['validate', hello], {
        bin,
        env: env({ NODE_OPTIONS: '--enable-source-maps' }),
        timeoutMs: 30_000,
      });
      for (const result of [first, second, uncached, mapped]) {
        expect(result).toEqual({ code: 0, stdout: first.stdout, stderr: '' });
      }
      expect(first.stdout).toContain('is valid: 4 steps');
      expect(readdirSync(join(cacheRoot, version as string)).sort()).toEqual(cached.sort());
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }, 60_000);

  describe('cloud', () => {
    let child: ChildProcess;
    let url: string;
    beforeAll(async () => {
      child = spawn(process.execPath, [bin, 'cloud', '--port', '0', '--ephemeral', '--quiet'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /^ready (\S+)$/m.exec(out);
          if (match) resolve(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`cloud exited with ${code} before ready`)));
      });
    }, 30_000);
    afterAll(async () => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await closed;
    });

    it('answers S3 with the model read from models/', async () => {
      const s3 = new S3Client({ endpoint: url, region: 'us-east-1', credentials, forcePathStyle: true });
      const bucket = randomName('bundle');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { Buckets } = await s3.send(new ListBucketsCommand({}));
      expect(Buckets?.map((b) => b.Name)).toContain(bucket);
      s3.destroy();
    });

    it('runs a function with the bootstrap from runtimes/ and the SDK on its path', async () => {
      const lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials });
      const name = randomName('bundle');
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: {
            ZipFile: await nodeFunction("return { sdk: typeof require('@aws-sdk/client-s3').S3Client, event };"),
          },
        }),
      );
      await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
      const result = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{"a":1}' }));
      expect(result.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(result.Payload ?? []).toString())).toEqual({ sdk: 'function', event: { a: 1 } });
      lambda.destroy();
    }, 30_000);
  });
});
