/**
 * Template parameters: which types exist, and turning the `Parameters` of CreateStack /
 * UpdateStack / CreateChangeSet into the values `Ref` sees, with AWS's constraint checks and
 * messages. AWS-specific types (`AWS::EC2::KeyPair::KeyName`...) are checked as plain strings: the
 * local cloud has no EC2 to look the values up in.
 */
import { messages, TemplateError } from './errors.js';
import type { GivenParameter, ParameterDecl, Scalar } from './types.js';

/** The AWS-specific parameter types; each also exists as `List<...>`. */
const AWS_SPECIFIC_TYPES = new Set([
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::Volume::Id',
  'AWS::EC2::VPC::Id',
  'AWS::Route53::HostedZone::Id',
]);

/** How a parameter type is checked and what `Ref` to it returns (a string, or a list). */
export type ParameterKind = 'string' | 'number' | 'list' | 'numberList' | 'ssm';

/** The kind of a parameter type, or `undefined` when AWS does not know the type. */
export function parameterKind(type: string): ParameterKind | undefined {
  if (type === 'String' || type === 'AWS::SSM::Parameter::Name' || AWS_SPECIFIC_TYPES.has(type)) return 'string';
  if (type === 'Number') return 'number';
  if (type === 'List<Number>') return 'numberList';
  if (type === 'CommaDelimitedList') return 'list';
  if (isAwsSpecificList(type)) return 'list';
  const ssmOf = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type)?.[1];
  if (ssmOf === undefined) return undefined;
  const known =
    ssmOf === 'String' ||
    ssmOf === 'List<String>' ||
    ssmOf === 'CommaDelimitedList' ||
    AWS_SPECIFIC_TYPES.has(ssmOf) ||
    isAwsSpecificList(ssmOf);
  return known ? 'ssm' : undefined;
}

function isAwsSpecificList(type: string): boolean {
  const member = /^List<(.+)>$/.exec(type)?.[1];
  return member !== undefined && AWS_SPECIFIC_TYPES.has(member);
}

export function isNoEcho(decl: ParameterDecl): boolean {
  return decl.NoEcho === true || String(decl.NoEcho).toLowerCase() === 'true';
}

/** A `Default` as the string a caller would have passed: lists are comma-joined. */
export function defaultString(decl: ParameterDecl): string | undefined {
  const value = decl.Default;
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function bound(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Checks one parameter value against its declaration and returns what `Ref` yields: the string,
 * or for list types the members (comma-split, each space-trimmed, as AWS documents). Throws
 * `TemplateError` with AWS's message; a `ConstraintDescription` replaces the detail of a failed
 * constraint (`Parameter X failed to satisfy constraint: ...`).
 */
export function checkParameterValue(name: string, decl: ParameterDecl, value: string): string | string[] {
  const kind = parameterKind(decl.Type);
  if (kind === undefined) throw new TemplateError(messages.unrecognizedParameterType(decl.Type));
  if (kind === 'ssm') throw new TemplateError(messages.ssmParameterType(name, decl.Type));
  const failed = (detail: string): never => {
    throw new TemplateError(
      decl.ConstraintDescription !== undefined ? messages.constraint(name, decl.ConstraintDescription) : detail,
    );
  };
  const members = kind === 'list' || kind === 'numberList' ? value.split(',').map((m) => m.trim()) : [value];
  const allowed = decl.AllowedValues?.map((v: Scalar) => String(v));
  const pattern = decl.AllowedPattern === undefined ? undefined : compilePattern(name, decl.AllowedPattern);
  const minLength = bound(decl.MinLength);
  const maxLength = bound(decl.MaxLength);
  const minValue = bound(decl.MinValue);
  const maxValue = bound(decl.MaxValue);
  for (const member of members) {
    if (allowed && !allowed.includes(member)) failed(messages.notAllowedValue(name));
    if (kind === 'number' || kind === 'numberList') {
      // The type itself, not a constraint: no ConstraintDescription here.
      if (!NUMBER.test(member)) throw new TemplateError(messages.notNumber(name));
      const n = Number(member);
      if (minValue !== undefined && n < minValue) failed(messages.tooSmall(name, minValue));
      if (maxValue !== undefined && n > maxValue) failed(messages.tooLarge(name, maxValue));
      continue;
    }
    const length = [...member].length;
    if (minLength !== undefined && length < minLength) failed(messages.tooShort(name, minLength));
    if (maxLength !== undefined && length > maxLength) failed(messages.tooLong(name, maxLength));
    if (pattern && decl.AllowedPattern !== undefined && !pattern.test(member)) {
      failed(messages.notMatchingPattern(name, decl.AllowedPattern));
    }
  }
  return kind === 'list' || kind === 'numberList' ? members : value;
}

/**
 * AWS matches `AllowedPattern` against the whole value (Java's `matches`), so the pattern is
 * anchored here. Java and JavaScript regular expressions agree on what templates use.
 */
function compilePattern(name: string, pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    try {
      return new RegExp(`^(?:${pattern})$`);
    } catch {
      throw new TemplateError(messages.invalidAllowedPattern(name));
    }
  }
}

export interface ResolvedParameters {
  /** What `Ref` returns per parameter: a string, or a list for list types. */
  values: Record<string, string | string[]>;
  /** The value as a string, as DescribeStacks shows it (before masking). */
  raw: Record<string, string>;
  /** Parameters declared `NoEcho`: mask them in every response (`maskParameters`). */
  noEcho: Set<string>;
}

/**
 * Resolves the caller's parameters against the template's declarations: given values, then
 * `UsePreviousValue` (from `previous`, the stack's current raw values), then `Default`.
 */
export function resolveParameters(
  decls: Readonly<Record<string, ParameterDecl>> | undefined,
  given: readonly GivenParameter[],
  previous?: Readonly<Record<string, string>>,
): ResolvedParameters {
  const declared = decls ?? {};
  const byKey = new Map<string, GivenParameter>();
  for (const entry of given) {
    if (entry.ParameterKey !== undefined) byKey.set(entry.ParameterKey, entry);
  }
  const unknown = [...byKey.keys()].filter((key) => !Object.hasOwn(declared, key));
  if (unknown.length > 0) {
    throw new TemplateError(Object.keys(declared).length === 0 ? messages.notRequired : messages.doNotExist(unknown));
  }
  for (const [key, entry] of byKey) {
    if (!entry.UsePreviousValue) continue;
    if (entry.ParameterValue !== undefined && entry.ParameterValue !== '') {
      throw new TemplateError(messages.usePreviousWithValue(key));
    }
    if (previous === undefined || !Object.hasOwn(previous, key)) {
      throw new TemplateError(messages.usePreviousWithoutPrevious(key));
    }
  }

  const raw: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, decl] of Object.entries(declared)) {
    const entry = byKey.get(name);
    const value = entry?.UsePreviousValue ? previous?.[name] : (entry?.ParameterValue ?? defaultString(decl));
    if (value === undefined) missing.push(name);
    else raw[name] = value;
  }
  if (missing.length > 0) throw new TemplateError(messages.mustHaveValues(missing));

  const values: Record<string, string | string[]> = {};
  const noEcho = new Set<string>();
  for (const [name, decl] of Object.entries(declared)) {
    values[name] = checkParameterValue(name, decl, raw[name] as string);
    if (isNoEcho(decl)) noEcho.add(name);
  }
  return { values, raw, noEcho };
}

/** The value responses show for a `NoEcho` parameter. */
export const MASKED = '****';

/** `values` with every `NoEcho` parameter replaced by `****`, for DescribeStacks and friends. */
export function maskParameters<T>(
  values: Readonly<Record<string, T>>,
  noEcho: ReadonlySet<string>,
): Record<string, T | '****'> {
  const masked: Record<string, T | '****'> = {};
  for (const [name, value] of Object.entries(values)) masked[name] = noEcho.has(name) ? MASKED : value;
  return masked;
}
