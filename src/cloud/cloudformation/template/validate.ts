/**
 * Template validation: everything CloudFormation rejects before a stack exists (ValidateTemplate,
 * CreateStack, UpdateStack, CreateChangeSet, GetTemplateSummary), with AWS's messages. The first
 * problem found is thrown as a `TemplateError`; the order of checks follows AWS's where it is
 * known (format, then declarations, then references, then cycles).
 */
import { validateConditions } from './conditions.js';
import { messages, TemplateError } from './errors.js';
import { dependencyGraph } from './graph.js';
import { checkParameterValue, defaultString, parameterKind } from './parameters.js';
import { dependsOnStackValues } from './references.js';
import { isAwsResourceType } from './resource-types.js';
import { isRecord, type Template } from './types.js';
import { valueChecker } from './validate-values.js';

export interface ValidateOptions {
  /** Whether the local cloud can provision this resource type. */
  isSupportedType(type: string): boolean;
  /**
   * Whether AWS knows this resource type: an unknown one is AWS's "Unrecognized resource types".
   * @default `isAwsResourceType` (AWS's published types and `Custom::` resources)
   */
  isKnownType?(type: string): boolean;
  /**
   * Whether every type must be one the local cloud provisions (stack operations and change sets);
   * ValidateTemplate and GetTemplateSummary accept any type AWS knows, as AWS does.
   * @default true
   */
  requireSupported?: boolean;
  /** The attributes `Fn::GetAtt` may read from this type; `undefined` accepts any (custom resources). */
  attributesOf(type: string): readonly string[] | undefined;
  /**
   * Whether the template as given declared AWS::LanguageExtensions (Fn::Length, Fn::ToJsonString,
   * Fn::FindInMap's DefaultValue). A processed template no longer declares its transforms.
   * @default whether `template` declares it
   */
  languageExtensions?: boolean;
}

/** AWS's quotas on a template's sections. */
export const LIMITS = { resources: 500, parameters: 200, outputs: 200, mappings: 200 } as const;

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Rules',
]);

const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
]);

const PARAMETER_ATTRIBUTES = new Set([
  'Type',
  'Default',
  'NoEcho',
  'AllowedValues',
  'AllowedPattern',
  'MaxLength',
  'MinLength',
  'MaxValue',
  'MinValue',
  'Description',
  'ConstraintDescription',
]);

/** Sections whose values may not be null (Metadata and Rules are free-form). */
const NULL_CHECKED = ['Parameters', 'Mappings', 'Conditions', 'Resources', 'Outputs'] as const;

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** Throws `TemplateError` with AWS's message for the first problem in the template. */
export function validateTemplate(template: Template, options: ValidateOptions): void {
  const unknownSections = Object.keys(template).filter((key) => !SECTIONS.has(key));
  if (unknownSections.length > 0) throw new TemplateError(messages.invalidTopLevel(unknownSections));
  const version: unknown = template.AWSTemplateFormatVersion;
  if (version !== undefined && version !== '2010-09-09') throw new TemplateError(messages.unsupportedVersion);
  const resources: unknown = template.Resources;
  if (!isRecord(resources) || Object.keys(resources).length === 0) throw new TemplateError(messages.noResources);
  for (const section of NULL_CHECKED) rejectNulls(template[section], `/${section}`);

  checkResourceShapes(resources, options);
  checkOutputShapes(template.Outputs);
  checkParameters(template);
  checkMappings(template.Mappings);
  validateConditions(template);
  checkConditionAttributes(template);

  const checkerOptions = {
    attributesOf: (type: string) => options.attributesOf(type),
    ...(options.languageExtensions !== undefined ? { languageExtensions: options.languageExtensions } : {}),
  };
  const values = valueChecker(template, checkerOptions);
  for (const resource of Object.values(template.Resources)) {
    checkDependsOn(resource.DependsOn, template, values.unresolved);
    values.check([
      resource.Properties,
      resource.Metadata,
      resource.CreationPolicy,
      resource.UpdatePolicy,
      resource.DeletionPolicy,
      resource.UpdateReplacePolicy,
    ]);
  }
  if (values.unresolved.length > 0) throw new TemplateError(messages.unresolvedResources(values.unresolved));

  const outputValues = valueChecker(template, checkerOptions);
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    outputValues.check([output.Value, output.Export]);
    if (output.Export !== undefined && dependsOnStackValues(output.Export.Name, template.Resources)) {
      throw new TemplateError(messages.exportNameDepends(name));
    }
  }
  if (outputValues.unresolved.length > 0) {
    throw new TemplateError(messages.unresolvedOutputs(outputValues.unresolved));
  }

  dependencyGraph(template); // throws for a cycle
}

function rejectNulls(value: unknown, pointer: string): void {
  if (value === null) throw new TemplateError(messages.nullValue(pointer));
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) rejectNulls(item, `${pointer}/${i}`);
  } else if (isRecord(value)) {
    for (const [key, member] of Object.entries(value)) rejectNulls(member, `${pointer}/${key}`);
  }
}

function checkResourceShapes(resources: Record<string, unknown>, options: ValidateOptions): void {
  const ids = Object.keys(resources);
  for (const id of ids) {
    if (!ALPHANUMERIC.test(id)) throw new TemplateError(messages.resourceNameNotAlphanumeric(id));
    const resource = resources[id];
    if (!isRecord(resource)) throw new TemplateError(messages.resourceNotObject);
    const extra = Object.keys(resource).find((key) => !RESOURCE_ATTRIBUTES.has(key));
    if (extra !== undefined) throw new TemplateError(messages.invalidResourceAttribute(extra));
    if (typeof resource['Type'] !== 'string' || resource['Type'] === '') {
      throw new TemplateError(messages.resourceWithoutType(id));
    }
  }
  if (ids.length > LIMITS.resources)
    throw new TemplateError(messages.tooMany('resources', ids.length, LIMITS.resources));
  const types = [...new Set((Object.values(resources) as { Type: string }[]).map((resource) => resource.Type))];
  const isKnown = options.isKnownType ?? isAwsResourceType;
  const unknown = types.filter((type) => !isKnown(type) && !options.isSupportedType(type));
  if (unknown.length > 0) throw new TemplateError(messages.unrecognizedResourceTypes(unknown));
  if (options.requireSupported === false) return;
  const unprovisioned = types.filter((type) => !options.isSupportedType(type));
  if (unprovisioned.length > 0) throw new TemplateError(messages.unprovisionedResourceTypes(unprovisioned));
}

function checkOutputShapes(outputs: unknown): void {
  if (outputs === undefined) return;
  if (!isRecord(outputs)) throw new TemplateError(messages.outputWithoutValue);
  const names = Object.keys(outputs);
  if (names.length > LIMITS.outputs) throw new TemplateError(messages.tooMany('outputs', names.length, LIMITS.outputs));
  for (const name of names) {
    if (!ALPHANUMERIC.test(name)) throw new TemplateError(messages.outputNameNotAlphanumeric(name));
    const output = outputs[name];
    if (!isRecord(output) || !Object.hasOwn(output, 'Value')) throw new TemplateError(messages.outputWithoutValue);
  }
}

function checkParameters(template: Template): void {
  const parameters: unknown = template.Parameters;
  if (parameters === undefined) return;
  if (!isRecord(parameters)) throw new TemplateError(messages.parameterNotObject);
  const names = Object.keys(parameters);
  if (names.length > LIMITS.parameters) {
    throw new TemplateError(messages.tooMany('parameters', names.length, LIMITS.parameters));
  }
  for (const name of names) {
    if (!ALPHANUMERIC.test(name)) throw new TemplateError(messages.parameterNameNotAlphanumeric(name));
    const decl = parameters[name];
    if (!isRecord(decl)) throw new TemplateError(messages.parameterNotObject);
    const extra = Object.keys(decl).filter((key) => !PARAMETER_ATTRIBUTES.has(key));
    if (extra.length > 0) throw new TemplateError(messages.invalidParameterAttributes(extra));
    const type = decl['Type'];
    if (type === undefined) throw new TemplateError(messages.parameterWithoutType);
    const kind = typeof type === 'string' ? parameterKind(type) : undefined;
    if (kind === undefined) throw new TemplateError(messages.unrecognizedParameterType(String(type)));
    if (kind === 'ssm') throw new TemplateError(messages.ssmParameterType(name, String(type)));
    if (decl['AllowedValues'] !== undefined && !Array.isArray(decl['AllowedValues'])) {
      throw new TemplateError(messages.allowedValuesNotList);
    }
  }
  const clashes = names.filter((name) => Object.hasOwn(template.Resources, name));
  if (clashes.length > 0) throw new TemplateError(messages.duplicateNames(clashes));
  // A Default must satisfy the parameter's own constraints: AWS rejects the template otherwise.
  for (const [name, decl] of Object.entries(template.Parameters ?? {})) {
    const value = defaultString(decl);
    if (value !== undefined) checkParameterValue(name, decl, value);
  }
}

function checkMappings(mappings: unknown): void {
  if (mappings === undefined) return;
  if (!isRecord(mappings)) throw new TemplateError(messages.mappingMemberNotMap('Mappings'));
  const names = Object.keys(mappings);
  if (names.length > LIMITS.mappings)
    throw new TemplateError(messages.tooMany('mappings', names.length, LIMITS.mappings));
  for (const [name, map] of Object.entries(mappings)) {
    if (!isRecord(map)) throw new TemplateError(messages.mappingMemberNotMap(name));
    for (const [key, attributes] of Object.entries(map)) {
      if (!isRecord(attributes)) throw new TemplateError(messages.mappingMemberNotMap(key));
      for (const value of Object.values(attributes)) {
        const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
        if (!scalar(value) && !(Array.isArray(value) && value.every(scalar))) {
          throw new TemplateError(messages.mappingAttribute);
        }
      }
    }
  }
}

/** A resource's or output's `Condition` must name a declared condition. */
function checkConditionAttributes(template: Template): void {
  const declared = template.Conditions ?? {};
  const members = [...Object.values(template.Resources), ...Object.values(template.Outputs ?? {})];
  for (const member of members) {
    const condition: unknown = member.Condition;
    if (condition === undefined) continue;
    if (typeof condition !== 'string' || !Object.hasOwn(declared, condition)) {
      throw new TemplateError(messages.conditionNotDefined(String(condition)));
    }
  }
}

function checkDependsOn(dependsOn: unknown, template: Template, unresolved: string[]): void {
  if (dependsOn === undefined) return;
  const targets = typeof dependsOn === 'string' ? [dependsOn] : dependsOn;
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) {
    throw new TemplateError(messages.dependsOnShape);
  }
  for (const target of targets as string[]) {
    if (!Object.hasOwn(template.Resources, target) && !unresolved.includes(target)) unresolved.push(target);
  }
}
