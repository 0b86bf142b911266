/**
 * What aws-sam-translator resolves before CloudFormation runs: references to template parameters
 * (with their defaults) and to the pseudo parameters the transform is given, inside `Ref` and
 * `Fn::Sub`. Everything else (GetAtt, resource Refs, other functions) stays as written: the
 * transform cannot know those values, and CloudFormation resolves them later.
 */
import { isRecord } from '../template/types.js';

export type ParameterValues = Readonly<Record<string, unknown>>;

/** Returns `value` with every reference to a known parameter replaced by its value. */
export function resolveParameterRefs(value: unknown, parameters: ParameterValues): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveParameterRefs(item, parameters));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value['Ref'] === 'string') {
    return Object.hasOwn(parameters, value['Ref']) ? parameters[value['Ref']] : value;
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') return { 'Fn::Sub': resolveSub(value['Fn::Sub'], parameters) };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveParameterRefs(item, parameters)]));
}

/** `${Param}` in a Sub string becomes the parameter's value when it is a string; `${!Literal}` stays. */
function resolveSub(argument: unknown, parameters: ParameterValues): unknown {
  const substitute = (text: string, shadowed: Record<string, unknown>) =>
    text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
      const key = name.trim();
      if (Object.hasOwn(shadowed, key)) return whole;
      const resolved = parameters[key];
      return Object.hasOwn(parameters, key) && typeof resolved === 'string' ? resolved : whole;
    });
  if (typeof argument === 'string') return substitute(argument, {});
  if (Array.isArray(argument) && typeof argument[0] === 'string') {
    const variables = isRecord(argument[1]) ? argument[1] : {};
    return [substitute(argument[0], variables), resolveParameterRefs(argument[1], parameters), ...argument.slice(2)];
  }
  return resolveParameterRefs(argument, parameters);
}

export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0]?.startsWith('Fn::') ?? false) || keys[0] === 'Condition');
}

/** The logical id a `Ref` or `Fn::GetAtt` names, if `value` is one. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value['Ref'] === 'string') return value['Ref'];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}
