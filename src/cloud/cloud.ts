/**
 * Starting and stopping the local cloud, in-process: what `lambda-tasks cloud` runs, what tests
 * start on port 0, and what the deploy tool embeds when nothing listens at the endpoint.
 *
 * A start takes the data dir's lock, opens its database and listens; then it loads the rest of the
 * cloud (backend.ts: the services, their background work, the console) and opens the door to the
 * requests that arrived meanwhile. `onListening` tells when the port accepts connections (the CLI's
 * ready line); the returned promise settles when everything is up.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Backend } from './backend.js';
import type {
  DynamoDbSettings,
  KinesisSettings,
  LambdaSettings,
  S3Settings,
  SnsSettings,
  SqsSettings,
} from './context.js';
import type { StaticCredential } from './credentials.js';
import { RequestDoor } from './door.js';
import { createListener, serverUrl } from './listener.js';
import type { RequestLogEntry } from './server.js';
import { openStore } from './store/database.js';
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
  /**
   * Called once the port accepts connections, with the cloud's URL, before the services have
   * loaded: requests that arrive meanwhile wait for them.
   */
  onListening?: (url: string) => void;
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
    // Opened before listening: a data dir whose database is unreadable fails the start, not a request.
    const db = openStore(join(dataDir, 'cloud.db'));
    cleanups.unshift(() => db.close());
    const tls = new LocalTls(dataDir, host);
    const door = new RequestDoor();
    const server = createListener(door.handler, () => tls.credentials());
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? DEFAULT_PORT, host, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
    const closeServer = () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    const url = serverUrl(server, host);
    const port = Number(new URL(url).port);
    options.onListening?.(url);
    let backend: Backend;
    try {
      const { startBackend } = await import('./backend.js');
      backend = startBackend({ options, dataDir, db, host, port, region, url });
    } catch (error) {
      door.fail();
      await closeServer();
      throw error;
    }
    door.open(backend.handler);
    let closing: Promise<void> | undefined;
    return {
      url,
      host,
      port,
      dataDir,
      region,
      ...(backend.consoleUrl ? { consoleUrl: backend.consoleUrl } : {}),
      caFile: () => tls.caFile(),
      close() {
        closing ??= Promise.all([closeServer(), backend.close()]).then(() => {
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
