/**
 * How the cloud starts: it listens before the services have loaded (the CLI's ready line comes
 * then), so a request that arrives at once must wait and get the same answer it would get later;
 * and a start that fails after listening (a migration that cannot apply) must fail startCloud,
 * answer the waiting requests with 503, stop listening and release the data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloud } from '../../src/cloud/cloud.js';
import { RequestDoor } from '../../src/cloud/door.js';
import { createListener, serverUrl } from '../../src/cloud/listener.js';
import { randomName, TEST_CREDENTIALS } from '../helpers/cloud.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
const clouds: RunningCloud[] = [];

afterEach(async () => {
  await Promise.all(clouds.splice(0).map((cloud) => cloud.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-start-'));
  dirs.push(dir);
  return dir;
}

function s3(url: string): S3Client {
  return new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: TEST_CREDENTIALS });
}

describe('starting the cloud', () => {
  it('answers a request sent the moment it listens, before the services have loaded', async () => {
    const dataDir = tempDir();
    const bucket = randomName('early');
    // A bucket made by an earlier run, so the early request has state to find.
    const first = await startCloud({ port: 0, dataDir, console: false });
    await s3(first.url).send(new CreateBucketCommand({ Bucket: bucket }));
    await first.close();

    let early: Promise<string[]> | undefined;
    let listening = false;
    const cloud = await startCloud({
      port: 0,
      dataDir,
      console: false,
      onListening: (url) => {
        listening = true;
        early = s3(url)
          .send(new ListBucketsCommand({}))
          .then((out) => (out.Buckets ?? []).map((b) => b.Name ?? ''));
      },
    });
    clouds.push(cloud);
    expect(listening).toBe(true);
    expect(await early).toContain(bucket);
    const later = await s3(cloud.url).send(new ListBucketsCommand({}));
    expect(later.Buckets?.map((b) => b.Name)).toEqual(await early);
  });

  it('fails the start when the services cannot start, answers waiting requests 503 and frees the data dir', async () => {
    const dataDir = tempDir();
    // A table in the way of the first migration (and no record of it): applying it fails.
    const db = new Database(join(dataDir, 'cloud.db'));
    db.exec('CREATE TABLE sts_sessions (unrelated TEXT)');
    db.close();

    // Sent at the ready moment: it either waits at the door and gets 503, or, when the failure
    // comes first (the services load fast in a test process), finds the port closed. Never a hang.
    let waiting: Promise<number | string> | undefined;
    let url = '';
    await expect(
      startCloud({
        port: 0,
        dataDir,
        console: false,
        onListening: (listeningAt) => {
          url = listeningAt;
          waiting = fetch(`${listeningAt}/`).then(
            (response) => response.status,
            (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
          );
        },
      }),
    ).rejects.toThrow(/sts_sessions/);
    expect([503, 'ECONNREFUSED']).toContain(await waiting);
    // Not listening any more.
    await expect(fetch(`${url}/`)).rejects.toThrow();
    // Nothing half-applied: no migration recorded, and the data dir's lock is free again.
    const after = new Database(join(dataDir, 'cloud.db'));
    const migrations = after
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
      .get() as { n: number };
    const recorded = migrations.n
      ? (after.prepare('SELECT count(*) AS n FROM migrations').get() as { n: number }).n
      : 0;
    after.close();
    expect(recorded).toBe(0);
    rmSync(join(dataDir, 'cloud.db'));
    const retried = await startCloud({ port: 0, dataDir, console: false });
    clouds.push(retried);
    expect((await s3(retried.url).send(new ListBucketsCommand({}))).Buckets).toEqual([]);
  });

  describe('the door requests wait at while the services load', () => {
    async function listening(door: RequestDoor) {
      const server = createListener(door.handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: serverUrl(server, '127.0.0.1'),
        close: () =>
          new Promise((resolve) => {
            server.close(resolve);
            server.closeAllConnections();
          }),
      };
    }

    it('holds requests, bodies included, until it opens, then hands them over in order', async () => {
      const door = new RequestDoor();
      const server = await listening(door);
      try {
        const answers = [1, 2].map((n) =>
          fetch(`${server.url}/item/${n}`, { method: 'PUT', body: `body ${n}` }).then((r) => r.text()),
        );
        await waitFor('both requests held', () => door.waiting === 2 || undefined);
        door.open((req, res) => {
          let body = '';
          req.setEncoding('utf8').on('data', (chunk: string) => {
            body += chunk;
          });
          req.on('end', () => res.end(`${req.url} ${body}`));
        });
        expect((await Promise.all(answers)).sort()).toEqual(['/item/1 body 1', '/item/2 body 2']);
      } finally {
        await server.close();
      }
    });

    it('answers held and later requests 503 when the start failed', async () => {
      const door = new RequestDoor();
      const server = await listening(door);
      try {
        const held = fetch(`${server.url}/`);
        await waitFor('the request held', () => door.waiting === 1 || undefined);
        door.fail();
        const answer = await held;
        expect(answer.status).toBe(503);
        expect(await answer.text()).toBe('the local cloud failed to start\n');
        expect((await fetch(`${server.url}/`)).status).toBe(503);
      } finally {
        await server.close();
      }
    });
  });
});
