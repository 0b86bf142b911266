/**
 * Evaluating intrinsic functions in resource properties and outputs. Resolution is pure: anything
 * that needs the running stack (a resource's physical id or attributes, an export, the zones of a
 * region) comes through the `EvalContext` callbacks, which may throw to defer (the engine resolves
 * a resource only after its dependencies exist, and a change-set preview throws for values not
 * known yet). Errors from the callbacks pass through untouched.
 */
import { cidr } from './cidr.js';
import { messages, TemplateError } from './errors.js';
import { asFunction, type FunctionCall, getAttArgs, parseSub, subArgs } from './functions.js';
import { isRecord, setOwn } from './types.js';

export interface PseudoParameters {
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
  /** @default derived from the region: `aws`, `aws-cn`, `aws-us-gov` */
  partition?: string;
  /** @default `amazonaws.com` (`amazonaws.com.cn` in China regions) */
  urlSuffix?: string;
  /** @default [] */
  notificationArns?: string[];
}

export interface EvalContext {
  /** Resolved parameter values (`resolveParameters().values`). */
  parameters: Readonly<Record<string, string | string[]>>;
  pseudo: PseudoParameters;
  /** Evaluated conditions (`evaluateConditions`), for `Fn::If`. */
  conditions: Readonly<Record<string, boolean>>;
  mappings: Readonly<Record<string, unknown>> | undefined;
  /** `Ref` to a resource: its physical id (or what its type returns for Ref). */
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): unknown;
  /** The value of an export in this account and region; `undefined` when there is none. */
  importValue(name: string): string | undefined;
  azs(region: string): string[];
}

/** What `Ref: AWS::NoValue` evaluates to until the enclosing key or list element is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves every intrinsic function in `value`. A key or list element whose value is
 * `AWS::NoValue` is removed; a `value` that is itself `AWS::NoValue` resolves to `undefined`.
 */
export function resolveValue(value: unknown, ctx: EvalContext): unknown {
  const result = resolve(value, ctx);
  return result === NO_VALUE ? undefined : result;
}

function resolve(value: unknown, ctx: EvalContext): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, ctx)).filter((item) => item !== NO_VALUE);
  if (!isRecord(value)) return value;
  const fn = asFunction(value);
  if (fn) return call(fn, ctx);
  const object: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const resolved = resolve(member, ctx);
    if (resolved !== NO_VALUE) setOwn(object, key, resolved);
  }
  return object;
}

function call({ name, arg }: FunctionCall, ctx: EvalContext): unknown {
  switch (name) {
    case 'Ref':
      return ref(arg, ctx);
    case 'Fn::GetAtt':
      return getAtt(arg, ctx);
    case 'Fn::Sub':
      return sub(arg, ctx);
    case 'Fn::Join':
      return join(arg, ctx);
    case 'Fn::Select':
      return select(arg, ctx);
    case 'Fn::Split': {
      const [delimiter, source] = pair(arg, messages.splitShape).map((a) => resolve(a, ctx));
      if (typeof delimiter !== 'string' || delimiter === '' || typeof source !== 'string') {
        throw new TemplateError(messages.splitShape);
      }
      return source.split(delimiter);
    }
    case 'Fn::Base64':
      return Buffer.from(scalarString(resolve(arg, ctx), messages.base64Shape), 'utf8').toString('base64');
    case 'Fn::GetAZs': {
      const region = resolve(arg, ctx);
      if (region !== '' && region !== null && typeof region !== 'string') throw new TemplateError(messages.getAZsShape);
      return [...ctx.azs(region || ctx.pseudo.region)];
    }
    case 'Fn::FindInMap':
      return findInMap(arg, ctx);
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
        throw new TemplateError(messages.ifShape);
      }
      const condition = ctx.conditions[arg[0]];
      if (condition === undefined) throw new TemplateError(messages.ifUnresolvedCondition(arg[0]));
      return resolve(condition ? arg[1] : arg[2], ctx);
    }
    case 'Fn::ImportValue': {
      const exportName = scalarString(resolve(arg, ctx), messages.importValueShape);
      const imported = ctx.importValue(exportName);
      if (imported === undefined) throw new TemplateError(messages.noExport(exportName));
      return imported;
    }
    case 'Fn::Cidr': {
      if (!Array.isArray(arg) || arg.length !== 3) throw new TemplateError(messages.cidrShape);
      const [block, count, bits] = arg.map((a: unknown) => resolve(a, ctx));
      if (typeof block !== 'string') throw new TemplateError(messages.cidrShape);
      return cidr(block, Number(count), Number(bits));
    }
    case 'Fn::Length': {
      const list = resolve(arg, ctx);
      if (!Array.isArray(list)) throw new TemplateError(messages.lengthShape);
      return list.length;
    }
    case 'Fn::ToJsonString':
      return JSON.stringify(resolve(arg, ctx));
    default:
      // Fn::Transform is expanded by the service before this runs; the condition functions only
      // belong in Conditions.
      throw new TemplateError(messages.unsupportedFunction(name));
  }
}

function ref(name: unknown, ctx: EvalContext): unknown {
  if (typeof name !== 'string') throw new TemplateError(messages.refNotString);
  if (name === 'AWS::NoValue') return NO_VALUE;
  const pseudo = pseudoParameter(name, ctx.pseudo);
  if (pseudo !== undefined) return pseudo;
  if (Object.hasOwn(ctx.parameters, name)) {
    const value = ctx.parameters[name];
    return Array.isArray(value) ? [...value] : value;
  }
  return ctx.ref(name);
}

function pseudoParameter(name: string, pseudo: PseudoParameters): string | string[] | undefined {
  const china = pseudo.region.startsWith('cn-');
  switch (name) {
    case 'AWS::AccountId':
      return pseudo.accountId;
    case 'AWS::Region':
      return pseudo.region;
    case 'AWS::StackName':
      return pseudo.stackName;
    case 'AWS::StackId':
      return pseudo.stackId;
    case 'AWS::Partition':
      return pseudo.partition ?? (china ? 'aws-cn' : pseudo.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
    case 'AWS::URLSuffix':
      return pseudo.urlSuffix ?? (china ? 'amazonaws.com.cn' : 'amazonaws.com');
    case 'AWS::NotificationARNs':
      return [...(pseudo.notificationArns ?? [])];
    default:
      return undefined;
  }
}

function getAtt(arg: unknown, ctx: EvalContext): unknown {
  const args = getAttArgs(arg);
  if (!args) throw new TemplateError(messages.getAttShape);
  // The attribute may be a Ref to a parameter naming it.
  const attribute = typeof args.attribute === 'string' ? args.attribute : resolve(args.attribute, ctx);
  if (typeof attribute !== 'string' || attribute === '') throw new TemplateError(messages.getAttShape);
  return ctx.getAtt(args.resource, attribute);
}

function sub(arg: unknown, ctx: EvalContext): string {
  const { text, variables } = subArgs(arg);
  const values = new Map<string, unknown>();
  for (const [name, value] of Object.entries(variables)) values.set(name, resolve(value, ctx));
  let result = '';
  for (const part of parseSub(text)) {
    if ('literal' in part) {
      result += part.literal;
      continue;
    }
    const name = part.variable;
    let value: unknown;
    if (values.has(name)) {
      value = values.get(name);
    } else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      value = ctx.getAtt(name.slice(0, dot), name.slice(dot + 1));
    } else {
      value = ref(name, ctx);
    }
    if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    if (typeof value !== 'string') throw new TemplateError(messages.subVariableNotString(name));
    result += value;
  }
  return result;
}

function join(arg: unknown, ctx: EvalContext): string {
  const [delimiterArg, listArg] = pair(arg, messages.joinShape);
  const delimiter = resolve(delimiterArg, ctx);
  const list = resolve(listArg, ctx);
  if (typeof delimiter !== 'string' || !Array.isArray(list)) throw new TemplateError(messages.joinShape);
  return list.map((item) => scalarString(item, messages.joinShape)).join(delimiter);
}

function select(arg: unknown, ctx: EvalContext): unknown {
  const [indexArg, listArg] = pair(arg, messages.selectShape);
  const index = resolve(indexArg, ctx);
  const list = resolve(listArg, ctx);
  const n = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : NaN;
  if (!Number.isInteger(n) || n < 0 || !Array.isArray(list)) throw new TemplateError(messages.selectShape);
  if (n >= list.length) {
    // A list written in the template fails at validation with the generic message; a list that
    // only exists at run time (GetAZs, a GetAtt, a list parameter) fails with the index.
    throw new TemplateError(Array.isArray(listArg) ? messages.selectShape : messages.selectIndex(n));
  }
  return list[n];
}

function findInMap(arg: unknown, ctx: EvalContext): unknown {
  if (!Array.isArray(arg) || (arg.length !== 3 && arg.length !== 4)) throw new TemplateError(messages.findInMapShape);
  const [map, key, attribute] = arg
    .slice(0, 3)
    .map((a: unknown) => scalarString(resolve(a, ctx), messages.findInMapShape));
  const options: unknown = arg[3];
  const level1 = ctx.mappings?.[map as string];
  const level2 = isRecord(level1) && Object.hasOwn(level1, key as string) ? level1[key as string] : undefined;
  if (isRecord(level2) && Object.hasOwn(level2, attribute as string)) {
    const value = level2[attribute as string];
    return Array.isArray(value) ? [...value] : value;
  }
  // The fourth argument is AWS::LanguageExtensions' { DefaultValue: ... }.
  if (isRecord(options) && Object.hasOwn(options, 'DefaultValue')) return resolve(options['DefaultValue'], ctx);
  throw new TemplateError(messages.mappingNotFound(map as string, key as string, attribute as string));
}

function pair(arg: unknown, shape: string): [unknown, unknown] {
  if (!Array.isArray(arg) || arg.length !== 2) throw new TemplateError(shape);
  return arg as [unknown, unknown];
}

/** Strings, and numbers and booleans as the strings AWS turns them into. */
function scalarString(value: unknown, shape: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(shape);
}
