/** What every service shares: storage, identity, configuration. */
import type { CredentialRegistry } from './credentials.js';
import type { DownloadLinks } from './downloads.js';
import type { BlobStore } from './store/blobs.js';
import type { Db } from './store/database.js';

export interface CloudContext {
  readonly dataDir: string;
  readonly db: Db;
  readonly blobs: BlobStore;
  /** Default region, used when a request's signature does not name one. */
  readonly region: string;
  readonly credentials: CredentialRegistry;
  /** The server's clock (epoch ms); tests move it to exercise expiry. */
  now(): number;
  /** Server-side diagnostics (never sent to clients). */
  log(line: string): void;
  /** The server's own URL once it listens (functions call back to it). */
  endpoint(): string;
  readonly downloads: DownloadLinks;
  readonly lambda: LambdaSettings;
}

export interface LambdaSettings {
  /** How long a new function stays Pending and an update InProgress, in ms. @default 200 */
  transitionMs: number;
  /** How long an idle execution environment is kept warm, in ms. @default 300000 */
  idleTimeoutMs: number;
  /** Concurrent executions per account and region. @default 1000 */
  concurrencyLimit: number;
  /**
   * Delay before the first retry of a failed asynchronous invoke, doubled for each later one.
   * AWS waits about a minute, then two; the local default is shorter so retries are seen. @default 1000
   */
  asyncRetryDelayMs: number;
}
