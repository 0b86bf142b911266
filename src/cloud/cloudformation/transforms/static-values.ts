/**
 * Values `AWS::LanguageExtensions` computes before the stack exists: a `Fn::ForEach` collection,
 * an intrinsic DeletionPolicy or UpdateReplacePolicy, the `Condition` member a loop names. Only
 * what the template alone answers resolves here (parameters, pseudo parameters, mappings,
 * conditions and the functions over them); a reference to a resource, an attribute, an export or
 * the zones of a region is the running stack's, so the value is unresolved (`undefined`). The
 * engine's own evaluator does the work, so both agree on every function's meaning.
 */
import {
  checkParameterValue,
  type EvalContext,
  evaluateConditions,
  type ParameterDecl,
  resolveValue,
  type Template,
  TemplateError,
} from '../template/index.js';
import { isRecord } from '../template/types.js';

/** Thrown by the context's stack callbacks: the value needs the running stack. */
class NeedsStack extends Error {}

export interface StaticValues {
  /** `value` resolved, or `undefined` when it needs the stack or does not evaluate. */
  resolve(value: unknown): unknown;
  /** The declared condition's value, or `undefined` when the conditions do not evaluate. */
  condition(name: string): boolean | undefined;
}

/** `parameters` are the transform's values: given, previous or default, and the pseudo parameters. */
export function staticValues(template: Record<string, unknown>, parameters: Record<string, unknown>): StaticValues {
  const needsStack = (): never => {
    throw new NeedsStack();
  };
  const context: EvalContext = {
    parameters: parameterValues(template, parameters),
    pseudo: {
      accountId: String(parameters['AWS::AccountId']),
      region: String(parameters['AWS::Region']),
      stackName: String(parameters['AWS::StackName']),
      stackId: String(parameters['AWS::StackId']),
    },
    conditions: {},
    mappings: isRecord(template['Mappings']) ? template['Mappings'] : undefined,
    ref: needsStack,
    getAtt: needsStack,
    importValue: needsStack,
    azs: needsStack,
  };
  let conditions: Record<string, boolean> | undefined;
  const conditionsOnce = (): Record<string, boolean> => {
    conditions ??= evaluateConditions(template as unknown as Template, context);
    return conditions;
  };
  return {
    resolve(value) {
      try {
        return resolveValue(value, { ...context, conditions: usesIf(value) ? conditionsOnce() : {} });
      } catch (error) {
        if (error instanceof NeedsStack || error instanceof TemplateError) return undefined;
        throw error;
      }
    },
    condition(name) {
      try {
        return conditionsOnce()[name];
      } catch (error) {
        if (error instanceof NeedsStack || error instanceof TemplateError) return undefined;
        throw error;
      }
    },
  };
}

/** Conditions are evaluated only for a value that needs them: most collections do not. */
function usesIf(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(usesIf);
  if (!isRecord(value)) return false;
  return Object.hasOwn(value, 'Fn::If') || Object.values(value).some(usesIf);
}

/** What `Ref` answers per declared parameter (a list for list types); a value that fails its constraints is left out. */
function parameterValues(
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
): Record<string, string | string[]> {
  const declared = isRecord(template['Parameters']) ? template['Parameters'] : {};
  const values: Record<string, string | string[]> = {};
  for (const [name, declaration] of Object.entries(declared)) {
    const given = parameters[name];
    // A YAML default may be a number or a boolean; CloudFormation reads it as its text.
    const value = typeof given === 'number' || typeof given === 'boolean' ? String(given) : given;
    if (typeof value !== 'string' || !isRecord(declaration) || typeof declaration['Type'] !== 'string') continue;
    try {
      values[name] = checkParameterValue(name, declaration as unknown as ParameterDecl, value);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
    }
  }
  return values;
}
