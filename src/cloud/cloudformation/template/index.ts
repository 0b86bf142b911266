/**
 * The CloudFormation template library: pure functions from template text to what the engine
 * needs (parsed and validated template, parameter values, conditions, resolved values, the order
 * of resources). No I/O: the running stack is reached through `EvalContext` callbacks. Every
 * template problem is a `TemplateError` carrying AWS's ValidationError message.
 */
export { evaluateConditions, validateConditions } from './conditions.js';
export {
  declaredTransforms,
  describeTemplate,
  type RequiredCapabilities,
  requiredCapabilities,
  type TemplateParameterSummary,
  type TemplateSummary,
} from './describe.js';
export { messages, TemplateError } from './errors.js';
export {
  activeOutputs,
  activeResources,
  creationOrder,
  type DependencyGraph,
  deletionOrder,
  dependencyGraph,
} from './graph.js';
export { expandIncludes, type SnippetReader } from './include.js';
export { type EvalContext, type PseudoParameters, resolveValue } from './intrinsics.js';
export {
  checkParameterValue,
  MASKED,
  maskParameters,
  type ParameterKind,
  parameterKind,
  type ResolvedParameters,
  resolveParameters,
} from './parameters.js';
export { parseTemplate } from './parse.js';
export { collectReferences, importValueArgs, type Reference } from './references.js';
export type { GivenParameter, OutputDecl, ParameterDecl, ResourceDecl, Template } from './types.js';
export { LIMITS, type ValidateOptions, validateTemplate } from './validate.js';
export { INCLUDE, LANGUAGE_EXTENSIONS } from './validate-values.js';
