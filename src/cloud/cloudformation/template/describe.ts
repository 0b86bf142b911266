/**
 * What GetTemplateSummary and ValidateTemplate say about a template: its parameters, the
 * capabilities it needs and why, its resource types and transforms. The shape follows
 * `GetTemplateSummaryOutput`; ValidateTemplate answers a subset of it.
 */
import { defaultString, isNoEcho } from './parameters.js';
import { isRecord, type Template } from './types.js';

export interface TemplateParameterSummary {
  ParameterKey: string;
  DefaultValue?: string;
  ParameterType: string;
  NoEcho: boolean;
  Description?: string;
  ParameterConstraints: { AllowedValues?: string[] };
}

export interface TemplateSummary {
  Parameters: TemplateParameterSummary[];
  Description?: string;
  Capabilities?: string[];
  CapabilitiesReason?: string;
  ResourceTypes: string[];
  Version: string;
  /** The template's Metadata section as a JSON string, as GetTemplateSummary returns it. */
  Metadata?: string;
  DeclaredTransforms?: string[];
  ResourceIdentifierSummaries: { ResourceType: string; LogicalResourceIds: string[] }[];
}

/**
 * IAM resource types that need CAPABILITY_IAM, and the property that gives each an explicit name
 * (which needs CAPABILITY_NAMED_IAM instead). From the CreateStack `Capabilities` documentation.
 */
const IAM_TYPES: Readonly<Record<string, string | undefined>> = {
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::UserToGroupAddition': undefined,
};

export interface RequiredCapabilities {
  /** `CAPABILITY_IAM` or `CAPABILITY_NAMED_IAM`, and `CAPABILITY_AUTO_EXPAND` for transforms. */
  capabilities: string[];
  /** `The following resource(s) require capabilities: [AWS::IAM::Role]`, when IAM is involved. */
  reason?: string;
}

/**
 * The capabilities a template needs. An IAM resource with an explicit name needs
 * CAPABILITY_NAMED_IAM, any other IAM resource CAPABILITY_IAM (which NAMED_IAM also covers).
 */
export function requiredCapabilities(template: Template): RequiredCapabilities {
  const types = new Set<string>();
  let named = false;
  for (const resource of Object.values(template.Resources)) {
    if (!Object.hasOwn(IAM_TYPES, resource.Type)) continue;
    types.add(resource.Type);
    const nameProperty = IAM_TYPES[resource.Type];
    if (nameProperty !== undefined && resource.Properties?.[nameProperty] !== undefined) named = true;
  }
  const capabilities: string[] = [];
  let reason: string | undefined;
  if (types.size > 0) {
    capabilities.push(named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
    reason = `The following resource(s) require capabilities: [${[...types].sort().join(', ')}]`;
  }
  if (declaredTransforms(template).length > 0) capabilities.push('CAPABILITY_AUTO_EXPAND');
  return reason === undefined ? { capabilities } : { capabilities, reason };
}

export function declaredTransforms(template: Template): string[] {
  return declaredTransformEntries(template).map((entry) => entry.name);
}

/** The Transform section's entries: a name, or `{ Name, Parameters }`. */
export function declaredTransformEntries(template: Template): { name: string; parameters?: unknown }[] {
  const transform: unknown = template.Transform;
  const entries = Array.isArray(transform) ? transform : transform === undefined ? [] : [transform];
  return entries.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [{ name: entry }];
    if (isRecord(entry) && typeof entry['Name'] === 'string')
      return [{ name: entry['Name'], parameters: entry['Parameters'] }];
    return [];
  });
}

/** GetTemplateSummary's answer for a (validated) template. */
export function describeTemplate(template: Template): TemplateSummary {
  const parameters = Object.entries(template.Parameters ?? {}).map(([key, decl]): TemplateParameterSummary => {
    const summary: TemplateParameterSummary = {
      ParameterKey: key,
      ParameterType: decl.Type,
      NoEcho: isNoEcho(decl),
      ParameterConstraints: {},
    };
    const value = defaultString(decl);
    if (value !== undefined) summary.DefaultValue = value;
    if (decl.Description !== undefined) summary.Description = String(decl.Description);
    if (decl.AllowedValues !== undefined) summary.ParameterConstraints.AllowedValues = decl.AllowedValues.map(String);
    return summary;
  });

  const byType = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const ids = byType.get(resource.Type) ?? [];
    ids.push(id);
    byType.set(resource.Type, ids);
  }

  const summary: TemplateSummary = {
    Parameters: parameters,
    ResourceTypes: [...byType.keys()],
    Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
    ResourceIdentifierSummaries: [...byType].map(([ResourceType, LogicalResourceIds]) => ({
      ResourceType,
      LogicalResourceIds,
    })),
  };
  if (template.Description !== undefined) summary.Description = String(template.Description);
  const { capabilities, reason } = requiredCapabilities(template);
  if (capabilities.length > 0) summary.Capabilities = capabilities;
  if (reason !== undefined) summary.CapabilitiesReason = reason;
  if (template.Metadata !== undefined) summary.Metadata = JSON.stringify(template.Metadata);
  const transforms = declaredTransforms(template);
  if (transforms.length > 0) summary.DeclaredTransforms = transforms;
  return summary;
}
