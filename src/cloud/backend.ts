/**
 * What answers behind the cloud's listener: the context, the services and their background work,
 * the web console and the request handler. startCloud (cloud.ts) imports this module once the port
 * listens: it is most of the cloud's code, and loading it is most of a start.
 */
import { WebConsole } from '../console/web-console.js';
import { ChangeEvents } from './change-events.js';
import type { CloudOptions } from './cloud.js';
import type { CloudContext } from './context.js';
import { CredentialRegistry } from './credentials.js';
import { DownloadLinks } from './downloads.js';
import { DEFAULT_DELAY_MS_PER_SECOND } from './events/push/sns/retry-policy.js';
import type { RequestHandler } from './listener.js';
import { createCloudHandler, type RequestLogEntry } from './server.js';
import { createServices, migrations } from './services/index.js';
import { DEFAULT_RESTORE_DELAY_MS } from './services/s3/restore.js';
import { BlobStore } from './store/blobs.js';
import { applyMigrations } from './store/database.js';
import type { Db } from './store/sqlite.js';

export interface Backend {
  handler: RequestHandler;
  /** The web console's URL; absent with `console: false`. */
  consoleUrl?: string;
  close(): Promise<void>;
}

export interface BackendSetting {
  options: CloudOptions;
  dataDir: string;
  db: Db;
  host: string;
  port: number;
  region: string;
  url: string;
}

/** Migrates the database, makes the services, starts their background work; returns the handler. */
export function startBackend({ options, dataDir, db, host, port, region, url }: BackendSetting): Backend {
  applyMigrations(db, migrations);
  const blobs = new BlobStore(dataDir, db);
  const log = options.log ?? (() => {});
  const now = options.clock ?? Date.now;
  const context: CloudContext = {
    dataDir,
    db,
    blobs,
    region,
    credentials: new CredentialRegistry(db, options.credentials),
    now,
    log,
    endpoint: () => url,
    downloads: new DownloadLinks(now),
    lambda: {
      transitionMs: options.lambda?.transitionMs ?? 200,
      idleTimeoutMs: options.lambda?.idleTimeoutMs ?? 300_000,
      concurrencyLimit: options.lambda?.concurrencyLimit ?? 1000,
      asyncRetryDelayMs: options.lambda?.asyncRetryDelayMs ?? 1000,
      runtimePool: options.lambda?.runtimePool ?? true,
    },
    kinesis: {
      transitionMs: options.kinesis?.transitionMs ?? 500,
      shardLimit: options.kinesis?.shardLimit ?? 500,
      onDemandStreamLimit: options.kinesis?.onDemandStreamLimit ?? 50,
      streamsInTransitionLimit: options.kinesis?.streamsInTransitionLimit ?? 5,
      enforceShardWriteLimits: options.kinesis?.enforceShardWriteLimits ?? false,
    },
    dynamodb: {
      transitionMs: options.dynamodb?.transitionMs ?? 300,
      ttlSweepMs: options.dynamodb?.ttlSweepMs ?? 1000,
    },
    sqs: {
      deletedQueueCooldownMs: options.sqs?.deletedQueueCooldownMs ?? 0,
    },
    sns: {
      deliveryDelayMsPerSecond: options.sns?.deliveryDelayMsPerSecond ?? DEFAULT_DELAY_MS_PER_SECOND,
    },
    s3: {
      restoreDelayMs: options.s3?.restoreDelayMs ?? DEFAULT_RESTORE_DELAY_MS,
    },
    events: new ChangeEvents(),
  };
  const services = createServices(context);
  const referenced = services.referencedBlobs();
  const collected = blobs.collectGarbage((id) => referenced.has(id));
  if (collected) log(`removed ${collected} unreferenced blob(s) left by an interrupted write`);

  const webConsole =
    options.console === false ? undefined : new WebConsole({ context, services: () => services.definitions, host });
  const onRequest = webConsole
    ? (entry: RequestLogEntry) => {
        options.onRequest?.(entry);
        webConsole.requestAnswered(entry);
      }
    : options.onRequest;
  const handler = createCloudHandler({
    context,
    services: services.definitions,
    ...(webConsole ? { mounts: [webConsole] } : {}),
    ...(onRequest ? { onRequest } : {}),
  });
  services.start();
  webConsole?.listening(host, port);
  return {
    handler,
    ...(webConsole ? { consoleUrl: webConsole.url } : {}),
    close: async () => {
      await services.close();
      webConsole?.close();
    },
  };
}
