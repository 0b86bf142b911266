/**
 * `AWS::Serverless::Function` -> `AWS::Lambda::Function` plus what it implies: the execution role
 * `<Fn>Role` (unless Role is given), the version `<Fn>Version<hash>` and alias `<Fn>Alias<name>`
 * for AutoPublishAlias (the hash follows the code location, environment and memory, so new code
 * publishes a new version), the function URL `<Fn>Url` and its permissions, and each event's
 * resources. Names, properties and ordering follow aws-sam-translator.
 */
import { isRecord } from '../template/types.js';
import { SamResourceError } from './errors.js';
import { EventError, eventOrder, eventResources } from './function-events.js';
import { generatedLogicalId } from './logical-id.js';
import { isIntrinsic, type ParameterValues, resolveParameterRefs } from './parameter-refs.js';
import { addPolicies, managedPolicyArn } from './policies.js';
import {
  getAtt,
  type OutputResource,
  ownAttributes,
  passThroughAttributes,
  ref,
  resource,
  type SamResource,
  s3Location,
  samTags,
  tagList,
} from './resources.js';

/** Properties copied to the function as they are. */
const PASSED_THROUGH = [
  'FunctionName',
  'Handler',
  'Runtime',
  'Description',
  'MemorySize',
  'Timeout',
  'VpcConfig',
  'Role',
  'Environment',
  'KmsKeyArn',
  'ReservedConcurrentExecutions',
  'Layers',
  'FileSystemConfigs',
  'ImageConfig',
  'PackageType',
  'Architectures',
  'SnapStart',
  'EphemeralStorage',
  'CodeSigningConfigArn',
  'RuntimeManagementConfig',
  'LoggingConfig',
  'TenancyConfig',
  'RecursiveLoop',
  'DurableConfig',
];

/** Properties this transform refuses with a reason, rather than dropping them. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  DeploymentPreference: 'DeploymentPreference needs AWS CodeDeploy, which the lambda-tasks local cloud does not serve.',
  EventInvokeConfig: 'EventInvokeConfig is not expanded by the lambda-tasks local cloud yet.',
  CapacityProviderConfig: 'CapacityProviderConfig is not expanded by the lambda-tasks local cloud.',
  ImageUri: 'ImageUri (container images) is not supported by the lambda-tasks local cloud.',
};

/** Resources referable through `<Fn>.Alias` and `<Fn>.Version`. */
export interface FunctionReferences {
  Alias?: string;
  Version?: string;
}

export function expandFunction(
  fn: SamResource,
  templateResources: Record<string, unknown>,
  parameters: ParameterValues,
): { resources: Record<string, OutputResource>; references: FunctionReferences } {
  const p = fn.properties;
  const id = fn.logicalId;
  for (const [name, reason] of Object.entries(UNSUPPORTED)) {
    if (p[name] !== undefined) throw new SamResourceError(id, reason);
  }
  if (p['ProvisionedConcurrencyConfig'] !== undefined && !p['AutoPublishAlias']) {
    throw new SamResourceError(
      id,
      'To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function',
    );
  }
  const children = passThroughAttributes(fn);
  const functionProperties: Record<string, unknown> = {};
  for (const name of PASSED_THROUGH) functionProperties[name] = p[name];
  functionProperties['Code'] = code(id, p);
  functionProperties['Tags'] = samTags(id, p['Tags']);
  const tracing = resolveParameterRefs(p['Tracing'], parameters);
  if (p['Tracing'] && tracing !== 'Disabled') functionProperties['TracingConfig'] = { Mode: p['Tracing'] };
  if (p['DeadLetterQueue'] !== undefined) {
    const dlq = p['DeadLetterQueue'];
    if (!isRecord(dlq) || !['SQS', 'SNS'].includes(String(dlq['Type'])) || dlq['TargetArn'] === undefined) {
      throw new SamResourceError(id, "'DeadLetterQueue' requires Type of 'SQS' or 'SNS' and a TargetArn.");
    }
    functionProperties['DeadLetterConfig'] = { TargetArn: dlq['TargetArn'] };
  }
  const out: Record<string, OutputResource> = {};
  const lambda = resource('AWS::Lambda::Function', functionProperties, ownAttributes(fn));
  out[id] = lambda;
  const references: FunctionReferences = {};

  let aliasId: string | undefined;
  if (p['AutoPublishAlias'] !== undefined) {
    const alias = aliasName(id, p['AutoPublishAlias'], parameters);
    // The translator resolves the code location's parameters in place, so the function shows them resolved.
    lambda.Properties['Code'] = resolveParameterRefs(lambda.Properties['Code'], parameters);
    const versionId = generatedLogicalId(`${id}Version`, versionHashData(lambda.Properties));
    const versionPolicy = p['VersionDeletionPolicy'] ?? 'Retain';
    out[versionId] = resource(
      'AWS::Lambda::Version',
      { FunctionName: ref(id), Description: p['VersionDescription'] },
      { ...children, DeletionPolicy: children['DeletionPolicy'] ?? versionPolicy },
    );
    aliasId = `${id}Alias${alias.replaceAll('-', 'D').replaceAll('_', 'U')}`;
    out[aliasId] = resource(
      'AWS::Lambda::Alias',
      {
        Name: alias,
        FunctionName: ref(id),
        FunctionVersion: getAtt(versionId, 'Version'),
        ProvisionedConcurrencyConfig: p['ProvisionedConcurrencyConfig'],
      },
      children,
    );
    references.Alias = aliasId;
    references.Version = versionId;
  }

  if (p['FunctionUrlConfig'] !== undefined)
    Object.assign(out, functionUrl(id, p['FunctionUrlConfig'], aliasId, children));

  const roleId = `${id}Role`;
  const managedPolicyArns: unknown[] = [
    managedPolicyArn(p['DurableConfig'] ? 'AWSLambdaBasicDurableExecutionRolePolicy' : 'AWSLambdaBasicExecutionRole'),
  ];
  if (p['Tracing'] && tracing !== 'Disabled') managedPolicyArns.push(managedPolicyArn('AWSXrayWriteOnlyAccess'));
  if (p['VpcConfig']) managedPolicyArns.push(managedPolicyArn('AWSLambdaVPCAccessExecutionRole'));
  const rolePolicies = { managedPolicyArns, policies: [] as unknown[] };
  if (isRecord(p['DeadLetterQueue'])) {
    const dlq = p['DeadLetterQueue'];
    rolePolicies.policies.push({
      PolicyName: 'DeadLetterQueuePolicy',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: dlq['Type'] === 'SQS' ? 'sqs:SendMessage' : 'sns:Publish',
            Resource: dlq['TargetArn'],
            Effect: 'Allow',
          },
        ],
      },
    });
  }
  addPolicies(id, roleId, p['Policies'], rolePolicies);

  const target = aliasId
    ? { logicalId: aliasId, isAlias: true, attributes: children }
    : { logicalId: id, isAlias: false, attributes: children };
  const events = isRecord(p['Events']) ? Object.entries(p['Events']).sort(eventOrder) : [];
  const eventOutputs: Record<string, OutputResource> = {};
  for (const [eventId, event] of events) {
    try {
      Object.assign(
        eventOutputs,
        eventResources(eventId, event, { functionId: id, target, managedPolicyArns, templateResources, parameters }),
      );
    } catch (error) {
      if (error instanceof EventError) throw new SamResourceError(id, error.message);
      throw error;
    }
  }

  if (p['Role'] === undefined) {
    lambda.Properties['Role'] = getAtt(roleId, 'Arn');
    out[roleId] = resource(
      'AWS::IAM::Role',
      {
        AssumeRolePolicyDocument: p['AssumeRolePolicyDocument'] ?? {
          Version: '2012-10-17',
          Statement: [
            { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } },
          ],
        },
        ManagedPolicyArns: managedPolicyArns,
        Policies: rolePolicies.policies.length ? rolePolicies.policies : undefined,
        Path: p['RolePath'],
        PermissionsBoundary: p['PermissionsBoundary'],
        Tags: samTags(id, p['Tags']),
      },
      children,
    );
  }
  Object.assign(out, eventOutputs);
  if (p['PropagateTags'] === true && isRecord(p['Tags']) && Object.keys(p['Tags']).length) {
    for (const generated of Object.values(out)) {
      if (TAGGABLE.has(generated.Type)) generated.Properties['Tags'] = tagList(p['Tags']);
    }
  }
  return { resources: out, references };
}

/** Generated types with a `Tags` property, which PropagateTags sets. */
const TAGGABLE = new Set(['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::SQS::Queue']);

function code(id: string, p: Record<string, unknown>): Record<string, unknown> {
  const packageType = p['PackageType'] ?? 'Zip';
  if (packageType !== 'Zip') throw new SamResourceError(id, `invalid 'PackageType' : ${String(packageType)}`);
  let location: Record<string, unknown>;
  if (p['InlineCode'] !== undefined) location = { ZipFile: p['InlineCode'] };
  else if (p['CodeUri'] !== undefined) location = s3Location(id, 'CodeUri', p['CodeUri']);
  else throw new SamResourceError(id, "Only one of 'InlineCode' or 'CodeUri' can be set.");
  if (p['SourceKMSKeyArn'] !== undefined) location['SourceKMSKeyArn'] = p['SourceKMSKeyArn'];
  return location;
}

/** What the version's logical id hashes: the code with parameters resolved, environment, memory. */
function versionHashData(properties: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = { ...(properties['Code'] as object) };
  if (isRecord(properties['Environment'])) Object.assign(data, properties['Environment']);
  if (properties['MemorySize']) data['MemorySize'] = properties['MemorySize'];
  const snapStart = properties['SnapStart'];
  if (isRecord(snapStart) && (snapStart['ApplyOn'] ?? 'None') !== 'None') data['SnapStart'] = snapStart;
  return data;
}

function aliasName(id: string, value: unknown, parameters: ParameterValues): string {
  const resolved = isIntrinsic(value) && 'Ref' in value ? resolveParameterRefs(value, parameters) : value;
  if (typeof resolved !== 'string') {
    throw new SamResourceError(id, "'AutoPublishAlias' must be a string or a Ref to a template parameter");
  }
  if (!resolved) throw new SamResourceError(id, 'Alias name is required to create an alias');
  if (!/^(?!^[0-9]+$)([a-zA-Z0-9\-_]+)$/.test(resolved)) {
    throw new SamResourceError(
      id,
      `AutoPublishAlias name ('${resolved}') must contain only alphanumeric characters, hyphens, or underscores matching (?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.`,
    );
  }
  return resolved;
}

function functionUrl(
  id: string,
  config: unknown,
  aliasId: string | undefined,
  attributes: Record<string, unknown>,
): Record<string, OutputResource> {
  const target = aliasId ? ref(aliasId) : ref(id);
  if (isIntrinsic(config)) {
    return { [`${id}Url`]: resource('AWS::Lambda::Url', { TargetFunctionArn: target }, attributes) };
  }
  if (!isRecord(config)) throw new SamResourceError(id, "Property 'FunctionUrlConfig' should be a map.");
  const authType = config['AuthType'];
  if (!isIntrinsic(authType) && authType !== 'AWS_IAM' && authType !== 'NONE') {
    throw new SamResourceError(
      id,
      'AuthType is required to configure function property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.',
    );
  }
  const out: Record<string, OutputResource> = {
    [`${id}Url`]: resource(
      'AWS::Lambda::Url',
      {
        Cors: config['Cors'] || undefined,
        AuthType: authType,
        TargetFunctionArn: target,
        InvokeMode: config['InvokeMode'],
      },
      attributes,
    ),
  };
  if (authType === 'NONE') {
    out[`${id}UrlPublicPermissions`] = resource(
      'AWS::Lambda::Permission',
      { Action: 'lambda:InvokeFunctionUrl', FunctionName: target, Principal: '*', FunctionUrlAuthType: 'NONE' },
      attributes,
    );
    out[`${id}URLInvokeAllowPublicAccess`] = resource(
      'AWS::Lambda::Permission',
      { Action: 'lambda:InvokeFunction', Principal: '*', FunctionName: target, InvokedViaFunctionUrl: true },
      attributes,
    );
  }
  return out;
}
