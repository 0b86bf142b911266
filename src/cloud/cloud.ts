/**
 * Starting and stopping the local cloud, in-process: what `lambda-tasks cloud` runs, what tests
 * start on port 0, and what the deploy tool embeds when nothing listens at the endpoint.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebConsole } from '../console/web-console.js';
import { ChangeEvents } from './change-events.js';
import type {
  CloudContext,
  DynamoDbSettings,
  KinesisSettings,
  LambdaSettings,
  S3Settings,
  SnsSettings,
  SqsSettings,
} from './context.js';
import { CredentialRegistry, type StaticCredential } from './credentials.js';
import { DownloadLinks } from './downloads.js';
import { DEFAULT_DELAY_MS_PER_SECOND } from './events/push/sns/retry-policy.js';
import { createCloudServer, type RequestLogEntry, serverUrl } from './server.js';
import { createServices, migrations } from './services/index.js';
import { DEFAULT_RESTORE_DELAY_MS } from './services/s3/restore.js';
import { BlobStore } from './store/blobs.js';
import { openDatabase } from './store/database.js';
import { lockDataDir } from './store/lock.js';
import { LocalTls } from './tls.js';

export interface CloudOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 4566 */
  port?: number;
  /** Where state lives. @default '.lambda-tasks/cloud' in the working directory */
  dataDir?: string;
  /** Keep state in a temporary directory removed by close(). @default false */
  ephemeral?: boolean;
  /** Region for requests whose signature names none. @default 'us-east-1' */
  region?: string;
  /** Key pairs accepted besides the default `test`/`test`. */
  credentials?: StaticCredential[];
  /** One call per request (the CLI prints these to stderr). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** The clock used for signatures and expiry (epoch ms). @default Date.now */
  clock?: () => number;
  /** Server diagnostics such as internal errors. @default silent */
  log?: (line: string) => void;
  /** Lambda's timings and limits (see LambdaSettings for the defaults). */
  lambda?: Partial<LambdaSettings>;
  /** Kinesis's timings and quotas (see KinesisSettings for the defaults). */
  kinesis?: Partial<KinesisSettings>;
  /** DynamoDB's timings (see DynamoDbSettings for the defaults). */
  dynamodb?: Partial<DynamoDbSettings>;
  /** SQS's timings (see SqsSettings for the defaults). */
  sqs?: Partial<SqsSettings>;
  /** SNS's delivery timings (see SnsSettings for the defaults). */
  sns?: Partial<SnsSettings>;
  /** S3's timings (see S3Settings for the defaults). */
  s3?: Partial<S3Settings>;
  /** Serve the web console under /_console/. @default true */
  console?: boolean;
}

export interface RunningCloud {
  url: string;
  host: string;
  port: number;
  dataDir: string;
  region: string;
  /** The web console's URL (with its token when the cloud listens beyond loopback); absent with `console: false`. */
  consoleUrl?: string;
  /**
   * The file of the CA that signs the cloud's HTTPS certificate (made on first use: on the first
   * TLS connection, or by this call); trust it to use `https://` with the cloud's port.
   */
  caFile(): string;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = join('.lambda-tasks', 'cloud');
export const DEFAULT_PORT = 4566;

export async function startCloud(options: CloudOptions = {}): Promise<RunningCloud> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const dataDir = options.ephemeral
    ? mkdtempSync(join(tmpdir(), 'lambda-tasks-cloud-'))
    : resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  const cleanups: (() => void)[] = [];
  cleanups.push(() => {
    unlock();
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
  });
  try {
    const db = openDatabase(join(dataDir, 'cloud.db'), migrations);
    cleanups.unshift(() => db.close());
    const blobs = new BlobStore(dataDir);
    const log = options.log ?? (() => {});
    const now = options.clock ?? Date.now;
    let url = '';
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

    const tls = new LocalTls(dataDir, host);
    const webConsole =
      options.console === false ? undefined : new WebConsole({ context, services: () => services.definitions, host });
    if (webConsole) cleanups.unshift(() => webConsole.close());
    const onRequest = webConsole
      ? (entry: RequestLogEntry) => {
          options.onRequest?.(entry);
          webConsole.requestAnswered(entry);
        }
      : options.onRequest;
    const server = createCloudServer({
      context,
      services: services.definitions,
      ...(webConsole ? { mounts: [webConsole] } : {}),
      tls: () => tls.credentials(),
      ...(onRequest ? { onRequest } : {}),
    });
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? DEFAULT_PORT, host, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
    url = serverUrl(server, host);
    services.start();
    const port = Number(new URL(url).port);
    webConsole?.listening(host, port);
    let closing: Promise<void> | undefined;
    return {
      url,
      host,
      port,
      dataDir,
      region,
      ...(webConsole ? { consoleUrl: webConsole.url } : {}),
      caFile: () => tls.caFile(),
      close() {
        closing ??= Promise.all([
          new Promise<void>((resolveClose) => {
            server.close(() => resolveClose());
            server.closeAllConnections();
          }),
          services.close(),
        ]).then(() => {
          for (const cleanup of cleanups) cleanup();
        });
        return closing;
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) cleanup();
    throw error;
  }
}
