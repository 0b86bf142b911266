/** `lambda-tasks cloud` as a process: ready line, request log, signals, data dir lock, durability. */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { startCloud } from '../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS, waitFor } from '../helpers/cloud.js';
import { CLI, type CloudProcess, runCli, spawnCloud } from '../helpers/process.js';

const dirs: string[] = [];
const processes: CloudProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-cli-'));
  dirs.push(dir);
  return dir;
}

async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CloudProcess> {
  const p = await spawnCloud(args, env);
  processes.push(p);
  return p;
}

function s3(url: string): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

/** `alive`, `zombie` (dead, not reaped) or `gone`, from /proc (Linux). */
function processState(pid: number): 'alive' | 'zombie' | 'gone' {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? 'zombie' : 'alive';
  } catch {
    return 'gone';
  }
}

afterEach(() => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('lambda-tasks cloud', () => {
  it('prints the ready line and the console line, logs each request on stderr, and stops cleanly on SIGTERM', async () => {
    const p = await start(['--port', '0', '--ephemeral']);
    const stdout = await waitFor('the console line', () => (p.stdout().includes('console ') ? p.stdout() : undefined));
    expect(stdout).toMatch(/^ready (http:\/\/127\.0\.0\.1:\d+)\nconsole \1\/_console\/\n$/);
    const client = s3(p.url);
    await client.send(new CreateBucketCommand({ Bucket: randomName('cli') }));
    client.destroy();
    await waitFor('the request log line', () =>
      /^PUT s3 CreateBucket 200 [\d.]+ms$/m.test(p.stderr()) ? true : undefined,
    );
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });

  it('stops on SIGINT even while a client holds a keep-alive connection', async () => {
    const p = await start(['--port', '0', '--ephemeral']);
    const client = s3(p.url);
    await client.send(new CreateBucketCommand({ Bucket: randomName('cli') }));
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    client.destroy();
  });

  it('removes an ephemeral data dir at exit', async () => {
    const cloudDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('lambda-tasks-cloud-'));
    // Dirs left by clouds killed earlier (kill -9 tests) may name a pid the kernel has since reused.
    const before = new Set(cloudDirs());
    const p = await start(['--port', '0', '--ephemeral', '--quiet']);
    const pid = String(p.child.pid);
    const ownedBy = () =>
      cloudDirs().filter((d) => {
        if (before.has(d)) return false;
        try {
          return readFileSync(join(tmpdir(), d, 'cloud.pid'), 'utf8') === pid;
        } catch {
          return false;
        }
      });
    const [own] = ownedBy();
    expect(ownedBy()).toHaveLength(1);
    p.child.kill('SIGTERM');
    await p.exited;
    expect(cloudDirs()).not.toContain(own);
  });

  it('refuses a second server on the same data dir with a clear message', async () => {
    const dir = tempDir();
    await start(['--port', '0', '--data-dir', dir]);
    const second = await runCli(['cloud', '--port', '0', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/the data dir .* is in use by another lambda-tasks cloud \(pid \d+\)/);
    expect(second.stdout).toBe('');
  });

  it('takes over a data dir whose server was killed with kill -9 together with its parent', async () => {
    // The server runs under a shell in its own process group; kill -9 of the group kills both, so
    // the server is orphaned and, where PID 1 does not reap orphans, stays a zombie that still
    // answers kill(pid, 0). The lock is an OS file lock, which the kernel drops at death.
    const dir = tempDir();
    const shell = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" cloud --port 0 --quiet --data-dir "${dir}"`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    shell.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const url = await waitFor('the ready line', () => /^ready (\S+)$/m.exec(out)?.[1]);
    const serverPid = Number(readFileSync(join(dir, 'cloud.pid'), 'utf8'));
    expect(serverPid).not.toBe(shell.pid);
    const bucket = randomName('kill9');
    const first = s3(url);
    await first.send(new CreateBucketCommand({ Bucket: bucket }));
    first.destroy();
    process.kill(-(shell.pid as number), 'SIGKILL');
    await waitFor('the server to die', () => (processState(serverPid) !== 'alive' ? true : undefined));

    const second = await start(['--port', '0', '--quiet', '--data-dir', dir]);
    const client = s3(second.url);
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    client.destroy();
  });

  it('reports a busy port clearly', async () => {
    const p = await start(['--port', '0', '--ephemeral']);
    const port = new URL(p.url).port;
    const second = await runCli(['cloud', '--port', port, '--ephemeral']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('EADDRINUSE');
  });

  it('accepts extra key pairs from --credentials and LAMBDA_TASKS_CREDENTIALS', async () => {
    const dir = tempDir();
    const file = join(dir, 'credentials.json');
    writeFileSync(
      file,
      JSON.stringify([{ accessKeyId: 'AKIAFROMFILE', secretAccessKey: 'file-secret', accountId: '222222222222' }]),
    );
    const p = await start(['--port', '0', '--ephemeral', '--quiet', '--credentials', file], {
      LAMBDA_TASKS_CREDENTIALS: 'AKIAFROMENV:env-secret:333333333333',
    });
    for (const [accessKeyId, secretAccessKey, account] of [
      ['AKIAFROMFILE', 'file-secret', '222222222222'],
      ['AKIAFROMENV', 'env-secret', '333333333333'],
      ['test', 'test', '000000000000'],
    ] as const) {
      const sts = new STSClient({
        endpoint: p.url,
        region: 'us-east-1',
        credentials: { accessKeyId, secretAccessKey },
        maxAttempts: 1,
      });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(account);
      sts.destroy();
    }
  });

  it('rejects unknown options with usage exit code 2', async () => {
    const result = await runCli(['cloud', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  it('keeps what a client saw succeed across kill -9', async () => {
    const dir = tempDir();
    const first = await start(['--port', '0', '--data-dir', dir, '--quiet']);
    const Bucket = randomName('durable');
    let client = s3(first.url);
    await client.send(new CreateBucketCommand({ Bucket }));
    await client.send(new PutObjectCommand({ Bucket, Key: 'package.zip', Body: 'acknowledged bytes' }));
    client.destroy();
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The stale lock of the killed process does not block the restart.
    expect(existsSync(join(dir, 'cloud.lock'))).toBe(true);
    const second = await start(['--port', '0', '--data-dir', dir, '--quiet']);
    client = s3(second.url);
    const got = await client.send(new GetObjectCommand({ Bucket, Key: 'package.zip' }));
    expect(await got.Body?.transformToString()).toBe('acknowledged bytes');
    client.destroy();
  });

  it('leaves no partial object visible after a crash in the middle of an upload', async () => {
    const dir = tempDir();
    const first = await start(['--port', '0', '--data-dir', dir, '--quiet']);
    const Bucket = randomName('crash');
    let client = s3(first.url);
    await client.send(new CreateBucketCommand({ Bucket }));
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket, Key: 'half.bin' }), { expiresIn: 300 });
    client.destroy();
    // Send half of a declared 8 MiB body, wait until the server has spooled some of it, then kill it.
    const request = httpRequest(url, { method: 'PUT', headers: { 'content-length': String(8 * 1024 * 1024) } });
    request.on('error', () => {});
    request.write(Buffer.alloc(4 * 1024 * 1024, 1));
    await waitFor('the upload to reach the temp dir', () =>
      readdirSync(join(dir, 'tmp')).some((f) => statSync(join(dir, 'tmp', f)).size > 0) ? true : undefined,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    request.destroy();
    const second = await start(['--port', '0', '--data-dir', dir, '--quiet']);
    client = s3(second.url);
    await expect(client.send(new HeadObjectCommand({ Bucket, Key: 'half.bin' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    client.destroy();
  });

  it('keeps state across an in-process restart', async () => {
    const dir = tempDir();
    const Bucket = randomName('restart');
    let cloud = await startCloud({ port: 0, dataDir: dir });
    let client = s3(cloud.url);
    await client.send(new CreateBucketCommand({ Bucket }));
    await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v', Metadata: { stage: 'one' } }));
    client.destroy();
    await cloud.close();
    cloud = await startCloud({ port: 0, dataDir: dir });
    client = s3(cloud.url);
    const got = await client.send(new GetObjectCommand({ Bucket, Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('v');
    expect(got.Metadata).toEqual({ stage: 'one' });
    client.destroy();
    await cloud.close();
  });
});
