/**
 * Test support for the protocol layer: the real HTTP server and codecs with test handlers in place
 * of a service's logic, on the official models, over a real socket (port 0). Started before the
 * file's tests and closed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ChangeEvents } from '../../src/cloud/change-events.js';
import type { CloudContext } from '../../src/cloud/context.js';
import { CredentialRegistry, credentialMigrations } from '../../src/cloud/credentials.js';
import { DownloadLinks } from '../../src/cloud/downloads.js';
import type { CloudListener } from '../../src/cloud/listener.js';
import { createCloudServer, serverUrl } from '../../src/cloud/server.js';
import type { ServiceDefinition } from '../../src/cloud/service.js';
import { BlobStore } from '../../src/cloud/store/blobs.js';
import { openDatabase } from '../../src/cloud/store/database.js';

export interface HandlerServer {
  readonly url: string;
  /** Server-side log lines (internal errors). */
  readonly logs: string[];
}

export function useHandlerServer(services: Record<string, ServiceDefinition>): HandlerServer {
  let server: CloudListener | undefined;
  let url = '';
  let dir = '';
  const logs: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-tasks-codecs-'));
    const db = openDatabase(join(dir, 'db'), credentialMigrations);
    const context: CloudContext = {
      dataDir: dir,
      db,
      blobs: new BlobStore(dir),
      region: 'us-east-1',
      credentials: new CredentialRegistry(db),
      now: Date.now,
      log: (line) => logs.push(line),
      endpoint: () => url,
      downloads: new DownloadLinks(Date.now),
      lambda: { transitionMs: 0, idleTimeoutMs: 1000, concurrencyLimit: 10, asyncRetryDelayMs: 10 },
      kinesis: {
        transitionMs: 0,
        shardLimit: 10,
        onDemandStreamLimit: 1,
        streamsInTransitionLimit: 1,
        enforceShardWriteLimits: false,
      },
      dynamodb: { transitionMs: 0, ttlSweepMs: 1000 },
      sqs: { deletedQueueCooldownMs: 0 },
      sns: { deliveryDelayMsPerSecond: 1 },
      s3: { restoreDelayMs: 0 },
      events: new ChangeEvents(),
    };
    const started = createCloudServer({ context, services });
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    server = started;
    url = serverUrl(started, '127.0.0.1');
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get url() {
      return url;
    },
    logs,
  };
}
