/**
 * Pipeline connections -> ResolvedConnection for createClients.
 *
 * - `local` (the default): the local cloud at `--endpoint`, else AWS_ENDPOINT_URL, else
 *   http://127.0.0.1:4566, with the test credentials and path-style S3. When nothing listens
 *   there (and the endpoint is on this machine) the local cloud is started in-process on that
 *   port with the data dir `.lambda-tasks/cloud` under the working directory, so state carries
 *   over between runs; it is closed with the connections.
 * - `aws`: AWS itself with the SDK's default credential chain (nothing is passed).
 * - named connections: `type` (local or aws, default aws), `profile`, `region`, `endpoint`,
 *   static keys read from the environment variables named by `accessKeyIdEnv`,
 *   `secretAccessKeyEnv`, `sessionTokenEnv` (never literal keys in the file), and `assumeRole`.
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { RunningCloud } from '../cloud/cloud.js';
import { PipelineError } from '../pipeline/errors.js';
import type { ConnectionSpec } from '../pipeline/schema.js';
import type { ResolvedConnection } from './clients.js';

export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:4566';
export const LOCAL_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'test', secretAccessKey: 'test' };
const DEFAULT_REGION = 'us-east-1';

export interface ConnectionEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  /** Where `.lambda-tasks/cloud` goes when the local cloud is started in-process. */
  cwd: string;
  /** `--endpoint`: the local cloud's endpoint (wins over AWS_ENDPOINT_URL). */
  endpoint?: string;
  /** Start the local cloud in-process when nothing listens at a local endpoint. @default true */
  startLocalCloud?: boolean;
  /** Told when the local cloud was started in-process (for a progress line). */
  onLocalCloudStarted?: (cloud: { url: string; dataDir: string }) => void;
  /** The local cloud's diagnostics (internal errors), when it runs in-process. */
  onLocalCloudLog?: (line: string) => void;
}

export interface Connection {
  resolved: ResolvedConnection;
  /** The connection's own default region, when it has one. */
  region?: string;
  /** Values to mask (keys read from the environment). */
  secrets: string[];
}

/** The region used when neither the step, its connection nor the pipeline names one. */
export function defaultRegion(env: Readonly<Record<string, string | undefined>>): string {
  return env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || DEFAULT_REGION;
}

/** Resolves connections by name, once each, and owns the in-process local cloud if it starts one. */
export class Connections {
  private readonly cache = new Map<string, Promise<Connection>>();
  private readonly clouds = new Map<string, Promise<RunningCloud | undefined>>();

  constructor(
    private readonly specs: Readonly<Record<string, ConnectionSpec>>,
    private readonly environment: ConnectionEnvironment,
  ) {}

  resolve(name: string): Promise<Connection> {
    let connection = this.cache.get(name);
    if (!connection) {
      connection = this.build(name);
      this.cache.set(name, connection);
    }
    return connection;
  }

  /** Stops the local cloud if this started one. */
  async close(): Promise<void> {
    const clouds = await Promise.all([...this.clouds.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(clouds.map((cloud) => cloud?.close()));
    this.clouds.clear();
  }

  private async build(name: string): Promise<Connection> {
    if (name === 'local') return this.local('local', {});
    if (name === 'aws') return { resolved: { name: 'aws' }, secrets: [] };
    const spec = this.specs[name];
    if (!spec) throw new PipelineError('ConnectionFailed', `No connection named "${name}".`);
    if (spec.type === 'local') return this.local(name, spec);
    const secrets: string[] = [];
    const credentials = this.staticCredentials(name, spec, secrets);
    return {
      resolved: {
        name,
        ...(spec.endpoint ? { endpoint: checkUrl(name, spec.endpoint) } : {}),
        ...(credentials ? { credentials } : {}),
        ...(spec.profile ? { profile: spec.profile } : {}),
        ...(spec.assumeRole ? { assumeRole: spec.assumeRole } : {}),
      },
      ...(spec.region ? { region: spec.region } : {}),
      secrets,
    };
  }

  private async local(name: string, spec: ConnectionSpec): Promise<Connection> {
    const secrets: string[] = [];
    const endpoint = checkUrl(
      name,
      spec.endpoint ?? this.environment.endpoint ?? this.environment.env['AWS_ENDPOINT_URL'] ?? DEFAULT_LOCAL_ENDPOINT,
    );
    await this.ensureListening(name, endpoint);
    // The test keys, unless the connection names its own (keys or a profile).
    const credentials = this.staticCredentials(name, spec, secrets) ?? (spec.profile ? undefined : LOCAL_CREDENTIALS);
    return {
      resolved: {
        name,
        endpoint,
        ...(credentials ? { credentials } : {}),
        forcePathStyle: true,
        ...(spec.profile ? { profile: spec.profile } : {}),
        ...(spec.assumeRole ? { assumeRole: spec.assumeRole } : {}),
      },
      ...(spec.region ? { region: spec.region } : {}),
      secrets,
    };
  }

  private staticCredentials(name: string, spec: ConnectionSpec, secrets: string[]): AwsCredentialIdentity | undefined {
    if (!spec.accessKeyIdEnv || !spec.secretAccessKeyEnv) return undefined;
    const read = (variable: string) => {
      const value = this.environment.env[variable];
      if (!value) {
        throw new PipelineError(
          'ConnectionFailed',
          `Connection "${name}": environment variable ${variable} is not set.`,
          {
            hint: `set ${variable}, or change the connection's ${variable === spec.accessKeyIdEnv ? 'accessKeyIdEnv' : 'secretAccessKeyEnv'}`,
          },
        );
      }
      return value;
    };
    const secretAccessKey = read(spec.secretAccessKeyEnv);
    secrets.push(secretAccessKey);
    const sessionToken = spec.sessionTokenEnv ? read(spec.sessionTokenEnv) : undefined;
    if (sessionToken) secrets.push(sessionToken);
    return { accessKeyId: read(spec.accessKeyIdEnv), secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }

  /** Starts the local cloud on the endpoint's port when nothing listens there (once per endpoint). */
  private async ensureListening(name: string, endpoint: string): Promise<void> {
    let started = this.clouds.get(endpoint);
    if (!started) {
      started = this.startIfNeeded(name, endpoint);
      this.clouds.set(endpoint, started);
    }
    await started;
  }

  private async startIfNeeded(name: string, endpoint: string): Promise<RunningCloud | undefined> {
    const url = new URL(endpoint);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (await listening(host, port)) return undefined;
    const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
    if (!loopback || this.environment.startLocalCloud === false || url.protocol !== 'http:') {
      throw new PipelineError('ConnectionFailed', `Connection "${name}": nothing answers at ${endpoint}.`, {
        hint: loopback
          ? 'start the local cloud (lambda-tasks cloud) or let lambda-tasks start it'
          : 'check the endpoint URL and that the service there is running',
      });
    }
    // Imported here so that runs against AWS never load the local cloud's modules.
    const { startCloud, DEFAULT_DATA_DIR } = await import('../cloud/cloud.js');
    const dataDir = resolve(this.environment.cwd, DEFAULT_DATA_DIR);
    try {
      const cloud = await startCloud({
        host: host === 'localhost' ? '127.0.0.1' : host,
        port,
        dataDir,
        ...(this.environment.onLocalCloudLog ? { log: this.environment.onLocalCloudLog } : {}),
      });
      this.environment.onLocalCloudStarted?.({ url: cloud.url, dataDir });
      return cloud;
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new PipelineError(
        'ConnectionFailed',
        `Connection "${name}": could not start the local cloud at ${endpoint}: ${(error as Error).message}`,
        {
          cause: error,
          hint:
            code === 'DataDirLocked'
              ? `another local cloud uses ${dataDir}: point --endpoint at it, or stop it`
              : 'start the local cloud yourself (lambda-tasks cloud) and pass --endpoint',
        },
      );
    }
  }
}

function checkUrl(name: string, endpoint: string): string {
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return endpoint.replace(/\/+$/, '');
  } catch {
    throw new PipelineError(
      'ConnectionFailed',
      `Connection "${name}": the endpoint "${endpoint}" is not an http(s) URL.`,
    );
  }
}

/** Whether something accepts TCP connections at host:port (within a second). */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const socket = connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolveProbe(result);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
