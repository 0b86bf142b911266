/**
 * The one place the deploy tool builds AWS SDK clients. A connection (the local cloud, real AWS,
 * a named profile, static keys, an assumed role) and a region become a set of clients; actions
 * never call `new LambdaClient()` themselves, so every call honours the step's connection.
 */
import { createRequire } from 'node:module';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type * as CredentialProviders from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Lambda, S3 and CloudFormation are imported as usual: the tasks import their commands anyway.
 * The packages no task imports (STS, IAM, CloudWatch Logs, the credential providers) are loaded
 * when first asked for, since each costs 0.2-0.5 s to load. They are CommonJS (no `exports` map),
 * so `require` here and `import` elsewhere share one module instance.
 */
const load = createRequire(import.meta.url);

/** How to reach AWS, after the pipeline's connection settings were resolved. */
export interface ResolvedConnection {
  /** For messages: `local`, `aws`, or the connection's name. */
  name: string;
  /** An endpoint for every service (the local cloud); undefined means AWS's own endpoints. */
  endpoint?: string;
  /** Static credentials (the local cloud's test keys, or keys from the environment). */
  credentials?: AwsCredentialIdentity;
  /** A profile of the shared config/credentials files. */
  profile?: string;
  assumeRole?: {
    roleArn: string;
    externalId?: string;
    sessionName?: string;
    durationSeconds?: number;
  };
  /** Path-style S3 URLs (needed for the local cloud). */
  forcePathStyle?: boolean;
}

export interface AwsClients {
  readonly region: string;
  readonly connection: ResolvedConnection;
  lambda(): LambdaClient;
  s3(): S3Client;
  cloudFormation(): CloudFormationClient;
  sts(): STSClient;
  iam(): IAMClient;
  logs(): CloudWatchLogsClient;
  destroy(): void;
}

/** Transient failures the SDK retries; throttling and 5xx with the standard mode, 3 attempts. */
const MAX_ATTEMPTS = 3;

export function createClients(connection: ResolvedConnection, region: string): AwsClients {
  const cache = new Map<string, { destroy(): void }>();
  let credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined = connection.credentials;
  const providers = () => load('@aws-sdk/credential-providers') as typeof CredentialProviders;
  if (!credentials && connection.profile) credentials = providers().fromIni({ profile: connection.profile });
  if (connection.assumeRole) {
    const role = connection.assumeRole;
    credentials = providers().fromTemporaryCredentials({
      params: {
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName ?? `lambda-tasks-${Date.now()}`,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
        ...(role.durationSeconds ? { DurationSeconds: role.durationSeconds } : {}),
      },
      clientConfig: {
        region,
        ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      },
      ...(credentials ? { masterCredentials: credentials } : {}),
    });
  }
  const config = {
    region,
    maxAttempts: MAX_ATTEMPTS,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
  function client<T extends { destroy(): void }>(name: string, make: () => T): T {
    let existing = cache.get(name) as T | undefined;
    if (!existing) {
      existing = make();
      cache.set(name, existing);
    }
    return existing;
  }
  return {
    region,
    connection,
    lambda: () => client('lambda', () => new LambdaClient(config)),
    s3: () => client('s3', () => new S3Client({ ...config, forcePathStyle: connection.forcePathStyle ?? false })),
    cloudFormation: () => client('cloudformation', () => new CloudFormationClient(config)),
    sts: () =>
      client('sts', () => {
        const { STSClient: Client } = load('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
        return new Client(config);
      }),
    iam: () =>
      client('iam', () => {
        const { IAMClient: Client } = load('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
        return new Client(config);
      }),
    logs: () =>
      client('logs', () => {
        const { CloudWatchLogsClient: Client } = load(
          '@aws-sdk/client-cloudwatch-logs',
        ) as typeof import('@aws-sdk/client-cloudwatch-logs');
        return new Client(config);
      }),
    destroy() {
      for (const c of cache.values()) c.destroy();
      cache.clear();
    },
  };
}
