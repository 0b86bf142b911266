/** What every service shares: storage, identity, configuration. */
import type { CredentialRegistry } from './credentials.js';
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
}
