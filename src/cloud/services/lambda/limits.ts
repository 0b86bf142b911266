/**
 * Lambda's limits and defaults as data, from the AWS Lambda quotas page and the API reference.
 * Model constraints (enums, patterns) are checked by the protocol layer; these are the checks
 * AWS makes in the service itself.
 */
import { SUPPORTED_RUNTIMES as ENGINE_RUNTIMES } from '../../lambda/engine.js';

export const LIMITS = {
  timeoutMax: 900,
  memoryMax: 10_240,
  ephemeralStorageMax: 10_240,
  /** Environment variables, measured as their JSON. */
  environmentBytes: 4096,
  /** A zip uploaded in the request (ZipFile). */
  zippedDirectBytes: 52_428_800,
  /** The unzipped function and all its layers. */
  unzippedBytes: 262_144_000,
  totalCodeBytes: 80_530_636_800,
  syncPayloadBytes: 6_291_456,
  /** Raised from 256 KB to 1 MB by AWS in October 2025. */
  asyncPayloadBytes: 1_048_576,
  /** A CreateFunction/PublishLayerVersion body with a 50 MB zip in base64 fits in this. */
  requestBodyBytes: 70_167_211,
  layersPerFunction: 5,
  policyBytes: 20_480,
  listMaxItems: 50,
} as const;

export const DEFAULTS = {
  timeout: 3,
  memorySize: 128,
  ephemeralStorage: 512,
  architectures: ['x86_64'],
  tracingMode: 'PassThrough',
  logFormat: 'Text',
  /** Concurrency AWS keeps unreserved: PutFunctionConcurrency may not reserve below it. */
  minimumUnreserved: 100,
  /** Async invokes: retries after the first attempt, and the oldest an event may get. */
  maximumRetryAttempts: 2,
  maximumEventAgeSeconds: 21_600,
} as const;

/** The runtimes the execution engine runs. */
export const SUPPORTED_RUNTIMES: ReadonlySet<string> = new Set(ENGINE_RUNTIMES);

/** Runtimes AWS no longer accepts for create or update (the model's enum still lists them). */
export const DEPRECATED_RUNTIMES = new Set([
  'nodejs',
  'nodejs4.3',
  'nodejs4.3-edge',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'java8',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'dotnet6',
  'go1.x',
  'ruby2.5',
  'ruby2.7',
  'provided',
]);

/** Environment variable names a function may not set (Lambda sets them). */
export const RESERVED_ENVIRONMENT_KEYS = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** Where a function's logs go unless its LoggingConfig names another group. */
export function defaultLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}
