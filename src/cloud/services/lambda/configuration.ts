/**
 * A function's configuration from CreateFunction / UpdateFunctionConfiguration input: defaults
 * filled in, and the checks Lambda makes beyond the model (timeout and memory ceilings, runtimes
 * that exist here, reserved environment keys, the 4 KB environment limit, layers that exist).
 */
import type { CreateFunctionRequest, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { parseLayerVersionArn } from './arns.js';
import { constraintProblem, LambdaErrors } from './errors.js';
import {
  DEFAULTS,
  DEPRECATED_RUNTIMES,
  defaultLogGroup,
  LIMITS,
  RESERVED_ENVIRONMENT_KEYS,
  SUPPORTED_RUNTIMES,
} from './limits.js';
import type { LambdaState, StoredConfig } from './state.js';

type ConfigInput = Omit<UpdateFunctionConfigurationRequest, 'FunctionName' | 'RevisionId'> &
  Pick<CreateFunctionRequest, 'Architectures'>;

/** The configuration after applying `input` to `base` (or to the defaults, for a new function). */
export function applyConfiguration(
  functionName: string,
  input: ConfigInput,
  base: StoredConfig | undefined,
  state: LambdaState,
  where: { accountId: string; region: string },
): StoredConfig {
  checkLimits(input);
  if (input.Runtime !== undefined) checkRuntime(input.Runtime);
  const runtime = input.Runtime ?? base?.Runtime;
  const handler = input.Handler ?? base?.Handler;
  if (!runtime)
    throw LambdaErrors.invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  if (!handler && !runtime.startsWith('provided')) {
    throw LambdaErrors.invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  }
  const config: StoredConfig = {
    Runtime: runtime,
    Role: input.Role ?? base?.Role ?? '',
    Description: input.Description ?? base?.Description ?? '',
    Timeout: input.Timeout ?? base?.Timeout ?? DEFAULTS.timeout,
    MemorySize: input.MemorySize ?? base?.MemorySize ?? DEFAULTS.memorySize,
    Layers: base?.Layers ?? [],
    Architectures: input.Architectures ?? base?.Architectures ?? [...DEFAULTS.architectures],
    EphemeralStorage: input.EphemeralStorage?.Size
      ? { Size: input.EphemeralStorage.Size }
      : (base?.EphemeralStorage ?? { Size: DEFAULTS.ephemeralStorage }),
    TracingConfig: { Mode: input.TracingConfig?.Mode ?? base?.TracingConfig.Mode ?? DEFAULTS.tracingMode },
    LoggingConfig: {
      LogFormat: input.LoggingConfig?.LogFormat ?? base?.LoggingConfig.LogFormat ?? DEFAULTS.logFormat,
      LogGroup: input.LoggingConfig?.LogGroup ?? base?.LoggingConfig.LogGroup ?? defaultLogGroup(functionName),
    },
  };
  if (handler) config.Handler = handler;
  const env = input.Environment ? input.Environment.Variables : base?.Environment;
  if (env && Object.keys(env).length) config.Environment = checkEnvironment(env);
  if (input.Layers) config.Layers = checkLayers(input.Layers, state, where);
  const dlq = input.DeadLetterConfig ? input.DeadLetterConfig.TargetArn : base?.DeadLetterConfig?.TargetArn;
  if (dlq) config.DeadLetterConfig = { TargetArn: dlq };
  const kms = input.KMSKeyArn ?? base?.KMSKeyArn;
  if (kms) config.KMSKeyArn = kms;
  const logging = input.LoggingConfig ?? base?.LoggingConfig;
  if (logging?.ApplicationLogLevel) config.LoggingConfig.ApplicationLogLevel = logging.ApplicationLogLevel;
  if (logging?.SystemLogLevel) config.LoggingConfig.SystemLogLevel = logging.SystemLogLevel;
  return config;
}

function checkLimits(input: ConfigInput): void {
  const problems: string[] = [];
  if (input.Timeout !== undefined && input.Timeout > LIMITS.timeoutMax) {
    problems.push(
      constraintProblem(input.Timeout, 'timeout', `Member must have value less than or equal to ${LIMITS.timeoutMax}`),
    );
  }
  if (input.MemorySize !== undefined && input.MemorySize > LIMITS.memoryMax) {
    problems.push(
      constraintProblem(
        input.MemorySize,
        'memorySize',
        `Member must have value less than or equal to ${LIMITS.memoryMax}`,
      ),
    );
  }
  const storage = input.EphemeralStorage?.Size;
  if (storage !== undefined && storage > LIMITS.ephemeralStorageMax) {
    problems.push(
      constraintProblem(
        storage,
        'ephemeralStorage.size',
        `Member must have value less than or equal to ${LIMITS.ephemeralStorageMax}`,
      ),
    );
  }
  if (problems.length) throw LambdaErrors.validation(problems);
}

function checkRuntime(runtime: string): void {
  if (DEPRECATED_RUNTIMES.has(runtime)) {
    throw LambdaErrors.invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
    );
  }
  if (!SUPPORTED_RUNTIMES.has(runtime)) {
    throw LambdaErrors.invalidParameter(
      `The runtime parameter of ${runtime} is not supported by the lambda-tasks local cloud, which runs nodejs*, python3.* and provided.* functions (any language through a provided.al2023 bootstrap).`,
    );
  }
}

function checkEnvironment(variables: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(variables).filter((k) => RESERVED_ENVIRONMENT_KEYS.has(k));
  if (reserved.length) {
    throw LambdaErrors.invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured) > LIMITS.environmentBytes) {
    // AWS prints the measured string; values may be secrets, so only the keys are named here.
    throw LambdaErrors.invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${Buffer.byteLength(measured)} bytes in variables ${Object.keys(variables).join(', ')}`,
    );
  }
  return variables;
}

function checkLayers(layers: string[], state: LambdaState, where: { accountId: string; region: string }): string[] {
  if (layers.length > LIMITS.layersPerFunction) {
    throw LambdaErrors.invalidParameter(`Cannot reference more than ${LIMITS.layersPerFunction} layers.`);
  }
  for (const arn of layers) {
    const parsed = parseLayerVersionArn(arn);
    if (!parsed) throw LambdaErrors.invalidParameter(`Layer version ${arn} does not exist.`);
    const exists = state.getLayerVersion(parsed.accountId, parsed.region, parsed.name, parsed.version);
    if (!exists || parsed.region !== where.region) {
      throw LambdaErrors.invalidParameter(`Layer version ${arn} does not exist.`);
    }
  }
  return layers;
}

/** Whether two configurations differ in anything a published version records. */
export function sameConfiguration(a: StoredConfig, b: StoredConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
