/**
 * The `Globals` section: properties every `AWS::Serverless::<Type>` resource of a kind gets, merged
 * as aws-sam-translator merges them (maps key by key, lists concatenated global first, the
 * resource's own value winning otherwise), then the section is removed from the template.
 */
import { isRecord } from '../template/types.js';
import { SamGlobalsError } from './errors.js';
import { isIntrinsic } from './parameter-refs.js';

/** The properties Globals may set, per section (`Function` is `AWS::Serverless::Function`). */
const GLOBAL_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  Function: [
    'Handler',
    'Runtime',
    'CodeUri',
    'DeadLetterQueue',
    'Description',
    'MemorySize',
    'Timeout',
    'VpcConfig',
    'Environment',
    'Tags',
    'PropagateTags',
    'Tracing',
    'KmsKeyArn',
    'AutoPublishAlias',
    'AutoPublishAliasAllProperties',
    'Layers',
    'DeploymentPreference',
    'RolePath',
    'PermissionsBoundary',
    'ReservedConcurrentExecutions',
    'ProvisionedConcurrencyConfig',
    'AssumeRolePolicyDocument',
    'EventInvokeConfig',
    'FileSystemConfigs',
    'CodeSigningConfigArn',
    'Architectures',
    'SnapStart',
    'EphemeralStorage',
    'FunctionUrlConfig',
    'RuntimeManagementConfig',
    'LoggingConfig',
    'RecursiveLoop',
    'SourceKMSKeyArn',
    'TenancyConfig',
    'DurableConfig',
    'CapacityProviderConfig',
    'FunctionScalingConfig',
    'PublishToLatestPublished',
    'VersionDeletionPolicy',
  ],
  Api: [
    'Auth',
    'Name',
    'DefinitionUri',
    'CacheClusterEnabled',
    'CacheClusterSize',
    'MergeDefinitions',
    'Variables',
    'EndpointConfiguration',
    'MethodSettings',
    'BinaryMediaTypes',
    'MinimumCompressionSize',
    'Cors',
    'GatewayResponses',
    'AccessLogSetting',
    'CanarySetting',
    'TracingEnabled',
    'OpenApiVersion',
    'Domain',
    'AlwaysDeploy',
    'PropagateTags',
    'SecurityPolicy',
    'EndpointAccessMode',
  ],
  HttpApi: [
    'Auth',
    'AccessLogSettings',
    'StageVariables',
    'Tags',
    'CorsConfiguration',
    'DefaultRouteSettings',
    'Domain',
    'RouteSettings',
    'FailOnWarnings',
    'PropagateTags',
  ],
  SimpleTable: ['SSESpecification'],
  StateMachine: ['PropagateTags'],
  LayerVersion: ['PublishLambdaVersion'],
};

/** The section names AWS's message lists (its sorted list includes sections not served here). */
const SECTION_NAMES = [
  'Api',
  'CapacityProvider',
  'Function',
  'HttpApi',
  'LayerVersion',
  'SimpleTable',
  'StateMachine',
  'WebSocketApi',
];

/** Applies the template's Globals to its serverless resources and removes the section. */
export function applyGlobals(template: Record<string, unknown>): void {
  const section = template['Globals'];
  if (section === undefined) return;
  delete template['Globals'];
  if (!isRecord(section)) throw new SamGlobalsError('It must be a non-empty dictionary');
  const byType = new Map<string, Record<string, unknown>>();
  for (const [name, properties] of Object.entries(section)) {
    const supported = GLOBAL_PROPERTIES[name];
    if (!supported) {
      throw new SamGlobalsError(
        `'${name}' is not supported. Must be one of the following values - ${pythonList(SECTION_NAMES)}`,
      );
    }
    if (!isRecord(properties)) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the translator's message leaves its placeholder unfilled
      throw new SamGlobalsError('Value of ${section} must be a dictionary');
    }
    for (const key of Object.keys(properties)) {
      if (!supported.includes(key)) {
        throw new SamGlobalsError(
          `'${key}' is not a supported property of '${name}'. Must be one of the following values - ${pythonList(supported)}`,
        );
      }
    }
    byType.set(`AWS::Serverless::${name}`, properties);
  }
  const resources = isRecord(template['Resources']) ? template['Resources'] : {};
  for (const resource of Object.values(resources)) {
    if (!isRecord(resource) || typeof resource['Type'] !== 'string') continue;
    const globals = byType.get(resource['Type']);
    if (!globals) continue;
    const local = isRecord(resource['Properties']) ? resource['Properties'] : {};
    resource['Properties'] = merge(globals, local);
  }
}

function merge(global: unknown, local: unknown): unknown {
  const kind = (value: unknown) =>
    Array.isArray(value) ? 'list' : isRecord(value) && !isIntrinsic(value) ? 'map' : 'primitive';
  const globalKind = kind(global);
  if (globalKind !== kind(local) || globalKind === 'primitive') return local;
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  const merged: Record<string, unknown> = { ...(global as Record<string, unknown>) };
  for (const [key, value] of Object.entries(local as Record<string, unknown>)) {
    merged[key] = Object.hasOwn(merged, key) ? merge(merged[key], value) : value;
  }
  return merged;
}

/** A list as Python prints it (`['a', 'b']`), which AWS's messages quote. */
export function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}
