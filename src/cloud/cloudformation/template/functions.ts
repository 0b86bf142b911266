/**
 * Recognizing intrinsic functions in template values, shared by validation, dependency analysis
 * and evaluation so the three agree on what a function is.
 */
import { messages, TemplateError } from './errors.js';
import { isRecord } from './types.js';

export interface FunctionCall {
  /** `Ref`, `Condition` or an `Fn::` name as written. */
  name: string;
  arg: unknown;
}

/**
 * The function a value calls, if it is a one-key object keyed `Ref` or `Fn::...`. `Condition` is a
 * function only inside condition expressions: elsewhere (an IAM policy statement, say) it is an
 * ordinary key. AWS matches the `Fn::` prefix case-insensitively: `fn::GetAtt` is reported as an
 * unsupported function rather than passed through as data.
 */
export function asFunction(value: unknown, inCondition = false): FunctionCall | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  if (name === 'Ref' || /^fn::/i.test(name) || (inCondition && name === 'Condition')) {
    return { name, arg: value[name] };
  }
  return undefined;
}

export interface GetAttArgs {
  resource: string;
  /** A string, or (rarely) a `Ref` to a parameter naming the attribute. */
  attribute: unknown;
}

/** `Fn::GetAtt` takes `[Resource, Attribute]` or `"Resource.Attribute"` (the dotted long form). */
export function getAttArgs(arg: unknown): GetAttArgs | undefined {
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    if (dot <= 0 || dot === arg.length - 1) return undefined;
    return { resource: arg.slice(0, dot), attribute: arg.slice(dot + 1) };
  }
  if (!Array.isArray(arg) || arg.length !== 2) return undefined;
  const [resource, attribute] = arg as [unknown, unknown];
  if (typeof resource !== 'string' || resource === '') return undefined;
  if (typeof attribute === 'string' ? attribute === '' : !isRecord(attribute)) return undefined;
  return { resource, attribute };
}

export type SubPart = { literal: string } | { variable: string };

const SUB_VARIABLE = /^[A-Za-z0-9_.:]+$/;

/**
 * Splits an `Fn::Sub` string into literal text and `${Name}` variables. `${!Literal}` is the escape
 * for a literal `${Literal}`; an unclosed `${` is literal text.
 */
export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    literal += text.slice(i, start);
    if (text[start + 2] === '!') {
      literal += '${';
      i = start + 3;
      continue;
    }
    const end = text.indexOf('}', start + 2);
    if (end < 0) {
      literal += text.slice(start);
      i = text.length;
      break;
    }
    const variable = text.slice(start + 2, end);
    if (!SUB_VARIABLE.test(variable)) throw new TemplateError(messages.subVariableName);
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ variable });
    i = end + 1;
  }
  literal += text.slice(i);
  if (literal) parts.push({ literal });
  return parts;
}

export interface SubArgs {
  text: string;
  variables: Record<string, unknown>;
}

/** `Fn::Sub` takes a string, or `[string, { Var: value }]`. */
export function subArgs(arg: unknown): SubArgs {
  if (typeof arg === 'string') return { text: arg, variables: {} };
  if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && isRecord(arg[1])) {
    return { text: arg[0], variables: arg[1] };
  }
  throw new TemplateError(messages.subShape);
}

/** `AWS::Region`, `AWS::NoValue`... */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
