/**
 * CloudFormation's transforms (macros AWS hosts), applied to a template before anything else looks
 * at it: `AWS::LanguageExtensions` and `AWS::Serverless-2016-10-31`, in the order the template's
 * `Transform` lists them. The service keeps the template as given (GetTemplate's Original stage)
 * and expands it each time it prepares a deployment (the Processed stage), with the stack's
 * parameter values, as AWS does.
 */
import { AwsError } from '../../errors.js';
import { validationError } from '../engine/deployment.js';
import { declaredTransforms, type GivenParameter, parseTemplate, TemplateError } from '../template/index.js';
import { isRecord } from '../template/types.js';
import { LanguageExtensionsError, SamDocumentError, SamResourceError, TransformFailedError } from './errors.js';
import { expandLanguageExtensions, LANGUAGE_EXTENSIONS } from './language-extensions.js';
import { expandServerless, SERVERLESS_TRANSFORM } from './serverless.js';

/** Expanded by the template engine (its snippets are read from S3), not here. */
const INCLUDE = 'AWS::Include';

export interface TransformContext {
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
  /** The parameters of the request. */
  parameters: readonly GivenParameter[];
  /** The stack's current parameter values, for UsePreviousValue. */
  previous?: Readonly<Record<string, string>>;
}

const TRANSFORMS: Readonly<
  Record<string, (template: Record<string, unknown>, parameters: Record<string, unknown>) => void>
> = {
  [LANGUAGE_EXTENSIONS]: expandLanguageExtensions,
  [SERVERLESS_TRANSFORM]: expandServerless,
};

/** The transforms a template body declares (none when it does not parse: its parse error comes later). */
export function transformsOf(body: string): string[] {
  try {
    return declaredTransforms(parseTemplate(body));
  } catch {
    return [];
  }
}

/**
 * The template body with its transforms expanded (as JSON), or `body` itself when it declares none.
 * Errors are AWS's ValidationError.
 */
export function processTemplateBody(body: string, context: TransformContext): string {
  const transforms = transformsOf(body);
  if (transforms.every((name) => name === INCLUDE)) return body;
  let template: Record<string, unknown>;
  try {
    template = parseTemplate(body) as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TemplateError) throw validationError(error.message);
    throw error;
  }
  for (const name of transforms) {
    if (!Object.hasOwn(TRANSFORMS, name) && name !== INCLUDE)
      throw validationError(`No transform named ${name} found.`);
  }
  const parameters = parameterValues(template, context);
  for (const name of transforms) {
    if (name === INCLUDE) continue;
    try {
      TRANSFORMS[name]?.(template, parameters);
    } catch (error) {
      if (error instanceof SamResourceError) throw transformError(name, new SamDocumentError([error]).message);
      if (
        error instanceof SamDocumentError ||
        error instanceof TemplateError ||
        error instanceof LanguageExtensionsError
      )
        throw transformError(name, error.message);
      throw error;
    }
  }
  // AWS::Include stays declared: the engine expands its snippets when it prepares the template.
  if (transforms.includes(INCLUDE)) template['Transform'] = INCLUDE;
  else delete template['Transform'];
  return JSON.stringify(template);
}

/** CreateStack and UpdateStack acknowledge transforms with CAPABILITY_AUTO_EXPAND (change sets need not). */
export function requireAutoExpand(body: string, capabilities: readonly string[] | undefined): void {
  if (transformsOf(body).some((name) => name !== INCLUDE) && !capabilities?.includes('CAPABILITY_AUTO_EXPAND')) {
    throw new AwsError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]');
  }
}

function transformError(name: string, message: string): AwsError {
  return validationError(new TransformFailedError(name, message).message);
}

/**
 * What the transforms see as parameter values: the given ones (or the previous value), else the
 * default, and the pseudo parameters the transform knows before the stack exists.
 */
function parameterValues(template: Record<string, unknown>, context: TransformContext): Record<string, unknown> {
  const values: Record<string, unknown> = {
    'AWS::Region': context.region,
    'AWS::AccountId': context.accountId,
    'AWS::Partition': 'aws',
    'AWS::StackName': context.stackName,
    'AWS::StackId': context.stackId,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const declared = isRecord(template['Parameters']) ? template['Parameters'] : {};
  for (const [name, declaration] of Object.entries(declared)) {
    const given = context.parameters.find((p) => p.ParameterKey === name);
    if (given?.UsePreviousValue && context.previous?.[name] !== undefined) values[name] = context.previous[name];
    else if (given?.ParameterValue !== undefined) values[name] = given.ParameterValue;
    else if (isRecord(declaration) && declaration['Default'] !== undefined) values[name] = declaration['Default'];
  }
  return values;
}
