/**
 * A deployment prepared from a template body and parameters: parsed, validated, parameters
 * resolved and conditions evaluated, before anything is provisioned. Every template problem
 * surfaces here as AWS's ValidationError, at Create/Update/ValidateTemplate time.
 */
import { AwsError } from '../../errors.js';
import { PROVIDERS } from '../providers/registry.js';
import {
  activeOutputs,
  dependencyGraph,
  type EvalContext,
  evaluateConditions,
  expandIncludes,
  type GivenParameter,
  parseTemplate,
  resolveParameters,
  resolveValue,
  type SnippetReader,
  type Template,
  TemplateError,
  validateTemplate,
} from '../template/index.js';

export interface StackIdentity {
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
}

export interface PreparedDeployment {
  template: Template;
  templateBody: string;
  parameters: Record<string, string | string[]>;
  /** Parameter values as given (strings), for DescribeStacks. */
  rawParameters: Record<string, string>;
  noEcho: Set<string>;
  conditions: Record<string, boolean>;
  /** Resources whose Condition holds, with their dependencies (on other active resources). */
  graph: Map<string, Set<string>>;
}

/** Template errors as the CloudFormation API reports them. */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

export interface TemplateOptions {
  /** Expands AWS::Include (stack operations and change sets do; ValidateTemplate does not). */
  readSnippet?: SnippetReader;
  /** Whether the body as given declared AWS::LanguageExtensions, when `body` is already processed. */
  languageExtensions?: boolean;
  /**
   * Whether the template is to be deployed: then every type must have a provider. Without, any
   * type AWS knows is fine (ValidateTemplate, GetTemplateSummary).
   */
  provision?: boolean;
}

/**
 * Parses and validates a template: every resource type known to AWS, and with `provision`, one the
 * local cloud has a provider for. With `readSnippet`, AWS::Include transforms are expanded first,
 * as stack operations and change sets do (and ValidateTemplate does not).
 */
export function checkedTemplate(body: string, options: TemplateOptions = {}): Template {
  return asValidationError(() => {
    const parsed = parseTemplate(body);
    const template = options.readSnippet ? expandIncludes(parsed, options.readSnippet) : parsed;
    validateTemplate(template, {
      isSupportedType: (type) => PROVIDERS.has(type),
      attributesOf: (type) => PROVIDERS.get(type)?.attributes,
      requireSupported: options.provision ?? false,
      ...(options.languageExtensions !== undefined ? { languageExtensions: options.languageExtensions } : {}),
    });
    return template;
  });
}

/** Template errors thrown by `run` become AWS's ValidationError. */
function asValidationError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TemplateError) throw validationError(error.message);
    throw error;
  }
}

export function prepareDeployment(
  templateBody: string,
  parameters: GivenParameter[],
  previous: Record<string, string> | undefined,
  identity: StackIdentity,
  options: TemplateOptions = {},
): PreparedDeployment {
  const template = checkedTemplate(templateBody, { ...options, provision: true });
  return asValidationError(() => {
    const resolved = resolveParameters(template.Parameters ?? {}, parameters, previous);
    const context = evalContext(identity, resolved.values, {}, template);
    const conditions = evaluateConditions(template, context);
    // Outputs may not refer to resources whose condition is false.
    activeOutputs(template, conditions);
    return {
      template,
      templateBody,
      parameters: resolved.values,
      rawParameters: resolved.raw,
      noEcho: resolved.noEcho,
      conditions,
      graph: dependencyGraph(template, conditions),
    };
  });
}

/** What intrinsic functions see while a stack is provisioned. */
export function evalContext(
  identity: StackIdentity,
  parameters: Record<string, string | string[]>,
  conditions: Record<string, boolean>,
  template: Template,
  resources?: {
    ref(logicalId: string): string;
    getAtt(logicalId: string, attribute: string): unknown;
    importValue(name: string): string;
  },
): EvalContext {
  const missing = (what: string) => () => {
    throw new TemplateError(`${what} is not available while conditions are evaluated`);
  };
  return {
    parameters,
    pseudo: {
      accountId: identity.accountId,
      region: identity.region,
      stackName: identity.stackName,
      stackId: identity.stackId,
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    },
    conditions,
    mappings: template.Mappings ?? {},
    ref: resources?.ref ?? missing('Ref to a resource'),
    getAtt: resources?.getAtt ?? missing('Fn::GetAtt'),
    importValue: resources?.importValue ?? missing('Fn::ImportValue'),
    azs: (region: string) => ['a', 'b', 'c'].map((zone) => `${region || identity.region}${zone}`),
  };
}

export { resolveValue, TemplateError };
