/**
 * AWS::Lambda::Function, ::Permission, ::Version, ::Alias, ::LayerVersion, ::EventInvokeConfig, ::Url
 * through the local Lambda service. Like CloudFormation, the function provider waits for the
 * function to be Active (and each update to finish) before the resource is complete, and
 * retries operations refused while an update is in progress.
 */
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ZipFile } from 'yazl';
import { AwsError } from '../../errors.js';
import { parseLayerVersionArn } from '../../services/lambda/arns.js';
import {
  ignoreMissing,
  type Properties,
  type ProviderContext,
  type ResourceProvider,
  stabilize,
  tagChanges,
  tagMap,
} from './provider.js';

/** CloudFormation's inline `Code.ZipFile` is source text, zipped as index.js / index.py by runtime. */
async function inlineZip(source: string, runtime: string | undefined): Promise<Buffer> {
  const file = runtime?.startsWith('python') ? 'index.py' : 'index.js';
  const archive = new ZipFile();
  archive.addBuffer(Buffer.from(source), file, { mtime: new Date(0), mode: 0o100644 });
  archive.end();
  return buffer(archive.outputStream as Readable);
}

async function codeInput(properties: Properties): Promise<Record<string, unknown>> {
  const code = (properties['Code'] ?? {}) as Record<string, unknown>;
  if (typeof code['ZipFile'] === 'string') {
    return { ZipFile: await inlineZip(code['ZipFile'], properties['Runtime'] as string | undefined) };
  }
  const out: Record<string, unknown> = {};
  for (const key of ['S3Bucket', 'S3Key', 'S3ObjectVersion']) if (code[key] !== undefined) out[key] = code[key];
  return out;
}

const CONFIG_KEYS = [
  'Handler',
  'Runtime',
  'Role',
  'Timeout',
  'MemorySize',
  'Environment',
  'Description',
  'Layers',
  'DeadLetterConfig',
  'EphemeralStorage',
  'TracingConfig',
  'LoggingConfig',
  'KMSKeyArn',
] as const;

function configInput(properties: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) if (properties[key] !== undefined) out[key] = numeric(key, properties[key]);
  return out;
}

/** Template values arrive as strings when they come from parameters; the API wants numbers. */
function numeric(key: string, value: unknown): unknown {
  return (key === 'Timeout' || key === 'MemorySize') && typeof value === 'string' ? Number(value) : value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the function is Active and its last update Successful (CloudFormation's stabilization). */
function functionActive(name: string, ctx: ProviderContext): Promise<Record<string, unknown>> {
  return stabilize(`Function ${name}`, async () => {
    const config = await ctx.call('lambda', 'GetFunctionConfiguration', { FunctionName: name });
    if (config['State'] === 'Failed' || config['LastUpdateStatus'] === 'Failed') {
      throw new AwsError('InvalidRequest', String(config['StateReason'] ?? config['LastUpdateStatusReason']));
    }
    return config['State'] === 'Active' && config['LastUpdateStatus'] === 'Successful' ? config : undefined;
  });
}

/** Lambda's TagResource / UntagResource for a function or an event source mapping ARN. */
export async function retag(arn: string, next: unknown, previous: unknown, ctx: ProviderContext): Promise<void> {
  const tags = tagChanges(next, previous);
  if (JSON.stringify(tags.set) === JSON.stringify(tagMap(previous))) return;
  if (tags.removed.length) await ctx.call('lambda', 'UntagResource', { Resource: arn, TagKeys: tags.removed });
  if (Object.keys(tags.set).length) await ctx.call('lambda', 'TagResource', { Resource: arn, Tags: tags.set });
}

/** Retries a call refused with ResourceConflictException (an update in progress), as CloudFormation does. */
async function retryConflicts<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof AwsError) || error.code !== 'ResourceConflictException' || attempt > 200) throw error;
      await sleep(50);
    }
  }
}

export const functionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Function',
  attributes: ['Arn', 'SnapStartResponse', 'SnapStartResponse.ApplyOn', 'SnapStartResponse.OptimizationStatus'],
  replaceOn: ['FunctionName', 'PackageType'],
  async create(properties, ctx) {
    const name = (properties['FunctionName'] as string | undefined) ?? ctx.generateName(64);
    const created = await ctx.call('lambda', 'CreateFunction', {
      FunctionName: name,
      ...configInput(properties),
      Code: await codeInput(properties),
      Tags: tagMap(properties['Tags']),
      ...(properties['Architectures'] ? { Architectures: properties['Architectures'] } : {}),
    });
    if (properties['ReservedConcurrentExecutions'] !== undefined) {
      await ctx.call('lambda', 'PutFunctionConcurrency', {
        FunctionName: name,
        ReservedConcurrentExecutions: Number(properties['ReservedConcurrentExecutions']),
      });
    }
    await functionActive(name, ctx);
    return { physicalId: name, attributes: { Arn: created['FunctionArn'] } };
  },
  async update(current, properties, previous, ctx) {
    const name = current.physicalId;
    const config = configInput(properties);
    if (JSON.stringify(config) !== JSON.stringify(configInput(previous))) {
      // Members removed from the template go back to their defaults.
      const reset: Record<string, unknown> = {};
      if (previous['Environment'] && !properties['Environment']) reset['Environment'] = { Variables: {} };
      if (previous['Layers'] && !properties['Layers']) reset['Layers'] = [];
      if (previous['Description'] && !properties['Description']) reset['Description'] = '';
      await retryConflicts(() =>
        ctx.call('lambda', 'UpdateFunctionConfiguration', { FunctionName: name, ...reset, ...config }),
      );
      await functionActive(name, ctx);
    }
    if (
      JSON.stringify(properties['Code']) !== JSON.stringify(previous['Code']) ||
      JSON.stringify(properties['Architectures']) !== JSON.stringify(previous['Architectures'])
    ) {
      await retryConflicts(async () =>
        ctx.call('lambda', 'UpdateFunctionCode', {
          FunctionName: name,
          ...(await codeInput(properties)),
          ...(properties['Architectures'] ? { Architectures: properties['Architectures'] } : {}),
        }),
      );
      await functionActive(name, ctx);
    }
    await retag(String(current.attributes['Arn']), properties['Tags'], previous['Tags'], ctx);
    const reserved = properties['ReservedConcurrentExecutions'];
    if (reserved !== previous['ReservedConcurrentExecutions']) {
      if (reserved === undefined) await ctx.call('lambda', 'DeleteFunctionConcurrency', { FunctionName: name });
      else {
        await ctx.call('lambda', 'PutFunctionConcurrency', {
          FunctionName: name,
          ReservedConcurrentExecutions: Number(reserved),
        });
      }
    }
    return current;
  },
  async delete(current, _properties, ctx) {
    await ignoreMissing(ctx.call('lambda', 'DeleteFunction', { FunctionName: current.physicalId }), [
      'ResourceNotFoundException',
    ]);
  },
};

export const permissionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Permission',
  attributes: [],
  replaceOn: '*',
  async create(properties, ctx) {
    const sid = ctx.generateName(100);
    const input: Record<string, unknown> = { FunctionName: properties['FunctionName'], StatementId: sid };
    for (const key of [
      'Action',
      'Principal',
      'SourceArn',
      'SourceAccount',
      'EventSourceToken',
      'FunctionUrlAuthType',
      'PrincipalOrgID',
    ]) {
      if (properties[key] !== undefined) input[key] = properties[key];
    }
    await retryConflicts(() => ctx.call('lambda', 'AddPermission', input));
    return { physicalId: sid, attributes: {} };
  },
  async delete(current, properties, ctx) {
    await ignoreMissing(
      retryConflicts(() =>
        ctx.call('lambda', 'RemovePermission', {
          FunctionName: properties['FunctionName'],
          StatementId: current.physicalId,
        }),
      ),
      ['ResourceNotFoundException'],
    );
  },
};

export const versionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Version',
  attributes: ['Version', 'FunctionArn'],
  replaceOn: '*',
  async create(properties, ctx) {
    const published = await retryConflicts(() =>
      ctx.call('lambda', 'PublishVersion', {
        FunctionName: properties['FunctionName'],
        ...(properties['Description'] !== undefined ? { Description: properties['Description'] } : {}),
        ...(properties['CodeSha256'] !== undefined ? { CodeSha256: properties['CodeSha256'] } : {}),
      }),
    );
    const arn = String(published['FunctionArn']);
    return {
      physicalId: arn,
      ref: arn,
      attributes: { Version: published['Version'], FunctionArn: arn.replace(/:[^:]+$/, '') },
    };
  },
  async delete(current, _properties, ctx) {
    const version = String(current.attributes['Version']);
    const functionArn = current.physicalId.replace(/:[^:]+$/, '');
    await ignoreMissing(ctx.call('lambda', 'DeleteFunction', { FunctionName: functionArn, Qualifier: version }), [
      'ResourceNotFoundException',
      'ResourceConflictException',
    ]);
  },
};

/** CloudFormation lists routing weights; the API takes a map. */
function routingConfig(value: unknown): Record<string, unknown> | undefined {
  const weights = (value as { AdditionalVersionWeights?: { FunctionVersion: string; FunctionWeight: number }[] })
    ?.AdditionalVersionWeights;
  if (!weights) return undefined;
  return {
    AdditionalVersionWeights: Object.fromEntries(
      weights.map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)]),
    ),
  };
}

export const aliasProvider: ResourceProvider = {
  type: 'AWS::Lambda::Alias',
  attributes: ['AliasArn'],
  replaceOn: ['FunctionName', 'Name'],
  async create(properties, ctx) {
    const routing = routingConfig(properties['RoutingConfig']);
    const alias = await ctx.call('lambda', 'CreateAlias', {
      FunctionName: properties['FunctionName'],
      Name: properties['Name'],
      FunctionVersion: String(properties['FunctionVersion']),
      ...(properties['Description'] !== undefined ? { Description: properties['Description'] } : {}),
      ...(routing ? { RoutingConfig: routing } : {}),
    });
    const arn = String(alias['AliasArn']);
    return { physicalId: arn, ref: arn, attributes: { AliasArn: arn } };
  },
  async update(current, properties, _previous, ctx) {
    await ctx.call('lambda', 'UpdateAlias', {
      FunctionName: properties['FunctionName'],
      Name: properties['Name'],
      FunctionVersion: String(properties['FunctionVersion']),
      Description: properties['Description'] ?? '',
      RoutingConfig: routingConfig(properties['RoutingConfig']) ?? {},
    });
    return current;
  },
  async delete(_current, properties, ctx) {
    await ignoreMissing(
      ctx.call('lambda', 'DeleteAlias', { FunctionName: properties['FunctionName'], Name: properties['Name'] }),
      ['ResourceNotFoundException'],
    );
  },
};

export const layerVersionProvider: ResourceProvider = {
  type: 'AWS::Lambda::LayerVersion',
  attributes: ['LayerVersionArn'],
  replaceOn: '*',
  async create(properties, ctx) {
    const layer = await ctx.call('lambda', 'PublishLayerVersion', {
      LayerName: (properties['LayerName'] as string | undefined) ?? ctx.generateName(64),
      Content: properties['Content'],
      ...(properties['Description'] !== undefined ? { Description: properties['Description'] } : {}),
      ...(properties['CompatibleRuntimes'] ? { CompatibleRuntimes: properties['CompatibleRuntimes'] } : {}),
      ...(properties['CompatibleArchitectures']
        ? { CompatibleArchitectures: properties['CompatibleArchitectures'] }
        : {}),
      ...(properties['LicenseInfo'] !== undefined ? { LicenseInfo: properties['LicenseInfo'] } : {}),
    });
    const arn = String(layer['LayerVersionArn']);
    return { physicalId: arn, ref: arn, attributes: { LayerVersionArn: arn } };
  },
  async delete(current, _properties, ctx) {
    const layer = parseLayerVersionArn(current.physicalId);
    if (!layer) return;
    await ctx.call('lambda', 'DeleteLayerVersion', { LayerName: layer.name, VersionNumber: layer.version });
  },
};

function invokeConfigInput(properties: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = {
    FunctionName: properties['FunctionName'],
    Qualifier: properties['Qualifier'],
  };
  if (properties['MaximumRetryAttempts'] !== undefined) {
    out['MaximumRetryAttempts'] = Number(properties['MaximumRetryAttempts']);
  }
  if (properties['MaximumEventAgeInSeconds'] !== undefined) {
    out['MaximumEventAgeInSeconds'] = Number(properties['MaximumEventAgeInSeconds']);
  }
  if (properties['DestinationConfig'] !== undefined) out['DestinationConfig'] = properties['DestinationConfig'];
  return out;
}

export const eventInvokeConfigProvider: ResourceProvider = {
  type: 'AWS::Lambda::EventInvokeConfig',
  attributes: [],
  replaceOn: ['FunctionName', 'Qualifier'],
  async create(properties, ctx) {
    await ctx.call('lambda', 'PutFunctionEventInvokeConfig', invokeConfigInput(properties));
    return { physicalId: ctx.generateName(128), attributes: {} };
  },
  async update(current, properties, _previous, ctx) {
    await ctx.call('lambda', 'PutFunctionEventInvokeConfig', invokeConfigInput(properties));
    return current;
  },
  async delete(_current, properties, ctx) {
    await ignoreMissing(
      ctx.call('lambda', 'DeleteFunctionEventInvokeConfig', {
        FunctionName: properties['FunctionName'],
        Qualifier: properties['Qualifier'],
      }),
      ['ResourceNotFoundException'],
    );
  },
};

/** AWS::Lambda::Url's properties as the function URL API takes them (`TargetFunctionArn` names the function). */
function functionUrlInput(properties: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = { FunctionName: properties['TargetFunctionArn'] };
  for (const key of ['Qualifier', 'AuthType', 'Cors', 'InvokeMode']) {
    if (properties[key] !== undefined) out[key] = properties[key];
  }
  return out;
}

/** Ref is the function's ARN, as on AWS; GetAtt FunctionUrl and FunctionArn. */
export const functionUrlProvider: ResourceProvider = {
  type: 'AWS::Lambda::Url',
  attributes: ['FunctionArn', 'FunctionUrl'],
  replaceOn: ['TargetFunctionArn', 'Qualifier'],
  async create(properties, ctx) {
    const out = (await ctx.call('lambda', 'CreateFunctionUrlConfig', functionUrlInput(properties))) as {
      FunctionArn: string;
      FunctionUrl: string;
    };
    return { physicalId: out.FunctionArn, attributes: { FunctionArn: out.FunctionArn, FunctionUrl: out.FunctionUrl } };
  },
  async update(current, properties, _previous, ctx) {
    // InvokeMode left out of the template goes back to its default, as a CloudFormation update does.
    await ctx.call('lambda', 'UpdateFunctionUrlConfig', { InvokeMode: 'BUFFERED', ...functionUrlInput(properties) });
    return current;
  },
  async delete(_current, properties, ctx) {
    await ignoreMissing(
      ctx.call('lambda', 'DeleteFunctionUrlConfig', {
        FunctionName: properties['TargetFunctionArn'],
        Qualifier: properties['Qualifier'],
      }),
      ['ResourceNotFoundException'],
    );
  },
};
