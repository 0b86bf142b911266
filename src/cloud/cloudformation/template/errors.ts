/**
 * The one error the template library throws, and every message it can carry, worded as AWS
 * CloudFormation words them. The service answers a `TemplateError` as a `ValidationError` (400,
 * Sender) with `message` unchanged, so these strings are what clients and their tests see.
 *
 * Sources, per message: AWS responses recorded in LocalStack's snapshot tests
 * (tests/aws/services/cloudformation/**\/*.snapshot.json), error texts users quote from real stacks,
 * and, where only that was found, Eucalyptus's CloudFormation clone (marked "after Eucalyptus").
 * Messages marked "ours" exist only in the local cloud.
 */

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  /** The AWS error code the service answers with; template problems are always this one. */
  readonly code = 'ValidationError';
}

/** A bracketed list the way CloudFormation's Java side prints a collection: `[A, B]`. */
function list(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/** A number as AWS prints constraint bounds: `1`, not `1.0`. */
function num(n: number): string {
  return String(n);
}

export const SUPPORTED_FUNCTIONS = [
  'Fn::Base64',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::Select',
  'Ref',
  'Fn::Equals',
  'Fn::If',
  'Fn::Not',
  'Condition',
  'Fn::And',
  'Fn::Or',
  'Fn::Contains',
  'Fn::EachMemberEquals',
  'Fn::EachMemberIn',
  'Fn::ValueOf',
  'Fn::ValueOfAll',
  'Fn::RefAll',
  'Fn::Sub',
  'Fn::Cidr',
] as const;

export const messages = {
  // --- parsing -------------------------------------------------------------------------------
  jsonNotWellFormed: (line: number, column: number) =>
    `Template format error: JSON not well-formed. (line ${line}, column ${column})`,
  yamlNotWellFormed: (line: number, column: number) =>
    `Template format error: YAML not well-formed. (line ${line}, column ${column})`,
  unsupportedStructure: 'Template format error: unsupported structure.',

  // --- template sections ---------------------------------------------------------------------
  /** No "Template format error:" prefix: AWS answers this one bare. */
  invalidTopLevel: (keys: readonly string[]) => `Invalid template property or properties ${list(keys)}`,
  /** After Eucalyptus. */
  unsupportedVersion: 'Template format error: unsupported value for AWSTemplateFormatVersion.',
  nullValue: (pointer: string) => `[${pointer}] 'null' values are not allowed in templates`,
  tooMany: (what: 'resources' | 'parameters' | 'outputs' | 'mappings', count: number, max: number) =>
    `Template format error: Number of ${what}, ${count}, is greater than maximum allowed, ${max}`,

  // --- resources -----------------------------------------------------------------------------
  noResources: 'Template format error: At least one Resources member must be defined.',
  resourceNotObject: 'Template format error: Any Resources member must be an object.',
  resourceWithoutType: (id: string) =>
    `Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`,
  invalidResourceAttribute: (key: string) => `Invalid template resource property '${key}'`,
  unrecognizedResourceTypes: (types: readonly string[]) =>
    `Template format error: Unrecognized resource types: ${list(types)}`,
  /** Ours: a type AWS knows that the local cloud cannot create (AWS's check, unknown types, comes first). */
  unprovisionedResourceTypes: (types: readonly string[]) =>
    `Template format error: The lambda-tasks local cloud does not provision these AWS resource types yet: ${list(types)}. docs/cloudformation-resources.md lists the types it provisions.`,
  resourceNameNotAlphanumeric: (id: string) => `Template format error: Resource name ${id} is non alphanumeric.`,
  /** After Eucalyptus. */
  dependsOnShape: 'Template format error: DependsOn must be a string or list of strings.',
  unresolvedResources: (ids: readonly string[]) =>
    `Template format error: Unresolved resource dependencies ${list(ids)} in the Resources block of the template`,
  circular: (ids: readonly string[]) => `Circular dependency between resources: ${list(ids)}`,
  /** After Eucalyptus. */
  duplicateNames: (names: readonly string[]) =>
    `Template error: all resources and parameters must have unique names. Common name(s):${list(names)}`,

  // --- outputs -------------------------------------------------------------------------------
  outputWithoutValue: 'Template format error: Every Outputs member must contain a Value object',
  /** No prefix, unlike the Resources variant: AWS answers it so. */
  unresolvedOutputs: (ids: readonly string[]) =>
    `Unresolved resource dependencies ${list(ids)} in the Outputs block of the template`,
  /** By analogy with the resource and parameter names (unconfirmed). */
  outputNameNotAlphanumeric: (id: string) => `Template format error: Output name ${id} is non alphanumeric.`,

  // --- mappings ------------------------------------------------------------------------------
  mappingMemberNotMap: (key: string) => `Template format error: Every Mappings member ${key} must be a map`,
  mappingAttribute: 'Template format error: Every Mappings attribute must be a String or a List.',

  // --- conditions ----------------------------------------------------------------------------
  conditionReferencesResources: (ids: readonly string[]) =>
    `Template format error: Unresolved dependencies ${list(ids)}. Cannot reference resources in the Conditions block of the template`,
  /** After Eucalyptus. */
  unresolvedConditions: (names: readonly string[]) =>
    `Template format error: Unresolved condition dependencies ${list(names)} in the Conditions block of the template`,
  conditionNotDefined: (name: string) => `Template format error: Condition ${name} is not defined.`,
  /** Unconfirmed wording. */
  circularConditions: (names: readonly string[]) =>
    `Template format error: Circular dependency between conditions: ${list(names)}`,
  /** Unconfirmed wording. */
  conditionNotBoolean: 'Template error: Conditions can only be boolean operations on parameters and other conditions',
  ifUnresolvedCondition: (name: string) => `Template error: unresolved condition dependency ${name} in Fn::If`,

  // --- parameters in the template ------------------------------------------------------------
  parameterNameNotAlphanumeric: (name: string) => `Template format error: Parameter name ${name} is non alphanumeric.`,
  /** After Eucalyptus's "must be a JSON object", with the Resources wording. */
  parameterNotObject: 'Template format error: Any Parameters member must be an object.',
  parameterWithoutType: 'Template format error: Every Parameters object must contain a Type member.',
  unrecognizedParameterType: (type: string) => `Template format error: Unrecognized parameter type: ${type}`,
  /** After Eucalyptus. */
  invalidParameterAttributes: (keys: readonly string[]) =>
    `Invalid template parameter property or properties ${list(keys)}`,
  allowedValuesNotList: 'Template format error: Every AllowedValues member must be a list.',
  /** After Eucalyptus. */
  invalidAllowedPattern: (name: string) => `Parameter '${name}' AllowedPattern must be a valid regular expression.`,
  /** Ours: the local cloud has no SSM Parameter Store to read these from. */
  ssmParameterType: (name: string, type: string) =>
    `Template format error: Parameter ${name} has type ${type}, which reads its value from SSM Parameter Store; the local cloud has no SSM Parameter Store yet. Use type String and pass the value instead.`,

  // --- parameter values (CreateStack / UpdateStack / CreateChangeSet) -------------------------
  mustHaveValues: (names: readonly string[]) => `Parameters: ${list(names)} must have values`,
  doNotExist: (names: readonly string[]) => `Parameters: ${list(names)} do not exist in the template`,
  notRequired: 'Parameter values specified for a template which does not require them.',
  usePreviousWithValue: (name: string) =>
    `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true and non empty value for a parameter`,
  usePreviousWithoutPrevious: (name: string) =>
    `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
  notAllowedValue: (name: string) => `Parameter '${name}' must be one of AllowedValues`,
  notMatchingPattern: (name: string, pattern: string) => `Parameter '${name}' must match pattern ${pattern}`,
  tooShort: (name: string, min: number) => `Parameter '${name}' must contain at least ${num(min)} characters`,
  /** After Eucalyptus. */
  tooLong: (name: string, max: number) => `Parameter '${name}' must contain at most ${num(max)} characters`,
  notNumber: (name: string) => `Parameter '${name}' must be a number.`,
  tooSmall: (name: string, min: number) => `Parameter '${name}' must be a number not less than ${num(min)}`,
  /** After Eucalyptus. */
  tooLarge: (name: string, max: number) => `Parameter '${name}' must be a number not greater than ${num(max)}`,
  constraint: (name: string, description: string) => `Parameter ${name} failed to satisfy constraint: ${description}`,

  // --- intrinsic functions -------------------------------------------------------------------
  unsupportedFunction: (name: string) =>
    `Template Error: Encountered unsupported function: ${name} Supported functions are: ${list(SUPPORTED_FUNCTIONS)}`,
  /** After Eucalyptus. */
  refNotString: 'Template error: All References must be of type string',
  getAttShape:
    'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
  getAttUndefinedResource: (id: string) => `Template error: instance of Fn::GetAtt references undefined resource ${id}`,
  getAttUnsupported: (id: string, attribute: string) =>
    `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
  joinShape:
    'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
  splitShape:
    'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
  selectShape: 'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
  selectIndex: (index: number) => `Template error: Fn::Select cannot select nonexistent value at index ${index}`,
  equalsShape: 'Template error: every Fn::Equals object requires a list of 2 string parameters.',
  andShape: 'Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.',
  orShape: 'Template error: every Fn::Or object requires a list of at least 2 and at most 10 boolean parameters.',
  /** After Eucalyptus. */
  notShape: 'Template error: Fn::Not requires a list argument with one element',
  /** After Eucalyptus. */
  ifShape: 'Template error: Fn::If requires a list argument with three elements',
  /** After Eucalyptus. */
  findInMapShape:
    'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
  mappingNotFound: (map: string, key: string, attribute: string) =>
    `Template error: Unable to get mapping for ${map}::${key}::${attribute}`,
  /** After Eucalyptus. */
  subShape:
    "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
  subVariableName:
    'Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons',
  /** After Eucalyptus. */
  subVariableNotString: (variable: string) =>
    `Template error: variable ${variable} in Fn::Sub expression does not resolve to a string`,
  /** After Eucalyptus. */
  base64Shape: 'Template error: every Fn::Base64 object must have a String-typed value.',
  /** After Eucalyptus. */
  getAZsShape: 'Template error: every Fn::GetAZs object must have a String-typed value.',
  /** Ours. */
  importValueShape: 'Template error: every Fn::ImportValue object must have a String-typed value.',
  /**
   * AWS's stack status reason is this followed by ". Rollback requested by user." and a parent's
   * "Embedded stack ... was not successfully created: " quotes it bare.
   */
  /** As AWS answers (quoted by cfn-lint's issue 1632). */
  exportNameDepends: (output: string) =>
    `Template format error: Output ${output} is malformed. The Name field of Export must not depend on any resources, imported values, or Fn::GetAZs.`,
  importValueDepends:
    'Template error: the attribute in Fn::ImportValue must not depend on any resources, imported values, or Fn::GetAZs',
  noExport: (name: string) => `No export named ${name} found`,
  exportInUse: (name: string, importer: string, change: 'updated' | 'deleted') =>
    `Export ${name} cannot be ${change} as it is in use by ${importer}`,
  exportTaken: (name: string, holder: string) => `Export with name ${name} is already exported by stack ${holder}`,
  /** Ours: the local cloud runs no macros of its own; AWS::Include is the transform it expands. */
  unknownTransform: (name: string) =>
    `Template format error: Fn::Transform names ${name}, which the local cloud cannot run: it has no macros, and AWS::Include is the one transform Fn::Transform expands`,
  transformName: 'Key Name of transform definition must be a string.',
  /** Ours, in the form of AWS's include failures. */
  includeLocation: 'Transform AWS::Include failed with: Parameters.Location must be an S3 URL of a template snippet.',
  /** After AWS's "Transform AWS::Include failed with: ..." reasons. */
  includeFailed: (reason: string) => `Transform AWS::Include failed with: ${reason}`,
  /** Ours. */
  cidrShape:
    'Template error: every Fn::Cidr object requires three parameters, (1) an IP address block in CIDR notation, (2) the number of subnets to generate (1 to 256) and (3) the number of subnet bits for each CIDR',
  /** Ours. */
  cidrTooSmall: (block: string) => `Template error: Fn::Cidr cannot fit the requested subnets in ${block}`,
  /** Ours. */
  lengthShape: 'Template error: Fn::Length requires a list argument',
  insufficientCapabilities: (capabilities: readonly string[]) => `Requires capabilities : ${list(capabilities)}`,
} as const;
