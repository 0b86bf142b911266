/** What every service shares: storage, identity, configuration. */
import type { ChangeEvents } from './change-events.js';
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
  readonly kinesis: KinesisSettings;
  readonly dynamodb: DynamoDbSettings;
  readonly sqs: SqsSettings;
  readonly sns: SnsSettings;
  readonly s3: S3Settings;
  /** What services committed, for pollers and waiters in the same process. */
  readonly events: ChangeEvents;
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
  /** Keep a pre-started runtime process per runtime and memory size for cold starts to take. @default true */
  runtimePool?: boolean;
}

export interface KinesisSettings {
  /** How long a stream stays CREATING, UPDATING or DELETING, in ms. @default 500 */
  transitionMs: number;
  /** Shards per account and region (AWS's default quota is 500 in us-east-1, 200 elsewhere). @default 500 */
  shardLimit: number;
  /** On-demand streams per account and region. @default 50 */
  onDemandStreamLimit: number;
  /** Streams that may be CREATING, UPDATING or DELETING at once per account and region. @default 5 */
  streamsInTransitionLimit: number;
  /**
   * Refuse writes beyond a shard's throughput (1,000 records and 1 MiB per second, per shard), as
   * AWS does: PutRecord fails and PutRecords reports the records it could not take, with
   * ProvisionedThroughputExceededException. Off by default, so local load tests are not throttled;
   * turn it on to exercise a producer's retries. @default false
   */
  enforceShardWriteLimits: boolean;
}

export interface DynamoDbSettings {
  /** How long a table or index stays CREATING / UPDATING / DELETING, in ms. @default 300 */
  transitionMs: number;
  /** How often expired TTL items are looked for, in ms (AWS: within days; locally: seconds). @default 1000 */
  ttlSweepMs: number;
}

export interface SqsSettings {
  /** Delay after which a deleted queue's name may be reused (AWS: 60 s). @default 0 */
  deletedQueueCooldownMs: number;
}

export interface S3Settings {
  /** How long a RestoreObject of an archived object takes here. @default 3000 (AWS: minutes to hours) */
  restoreDelayMs: number;
}

export interface SnsSettings {
  /**
   * The scale of SNS's delivery retries: each second of AWS's delivery-policy delays lasts this
   * many ms here. @default 1 (AWS's 20 s between HTTP retries become 20 ms)
   */
  deliveryDelayMsPerSecond: number;
}
