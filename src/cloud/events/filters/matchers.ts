/**
 * One filter rule's matchers: the values in a pattern's leaf array, each compiled once into a test
 * of one leaf value of the record. The syntax and its refusals follow EventBridge's comparison
 * operators (Lambda's event filtering uses them): exact values, prefix, suffix, equals-ignore-case,
 * anything-but (values, prefix, suffix, wildcard, equals-ignore-case), numeric, exists, wildcard
 * and cidr. Operator names are case-sensitive; string operators never match a number and numeric
 * never matches a string.
 */
import { BlockList, isIP } from 'node:net';
import { FilterPatternError } from './errors.js';

/** A JSON value as a pattern or a record holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a record offers a matcher: a value that is neither an object nor an array. */
export type LeafValue = string | number | boolean | null;

/** A leaf matcher: `exists` looks at whether the field has values at all; the others test each value. */
export type Matcher = { readonly exists: boolean } | { readonly exists?: undefined; test(value: LeafValue): boolean };

/** EventBridge's limit on wildcards per value (a pattern with more is "too complex"). */
const MAX_WILDCARDS = 5;

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

export function isJsonObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: Json): value is LeafValue {
  return value === null || typeof value !== 'object';
}

/** The single `{ operator: argument }` of a match expression. */
function operatorOf(expression: { [key: string]: Json }): [string, Json] {
  const entries = Object.entries(expression);
  if (entries.length !== 1) throw new FilterPatternError('Only one key allowed in match expression');
  return entries[0] as [string, Json];
}

function stringArgument(operator: string, argument: Json): string {
  if (typeof argument !== 'string') throw new FilterPatternError(`${operator} match pattern must be a string`);
  return argument;
}

/** A string or a non-empty list of strings (what anything-but's nested operators take). */
function stringList(operator: string, argument: Json): string[] {
  const list = Array.isArray(argument) ? argument : [argument];
  if (list.length === 0 || !list.every((s) => typeof s === 'string')) {
    throw new FilterPatternError(`Inside anything-but/${operator} list, number|start|null|boolean is not supported.`);
  }
  return list as string[];
}

const lower = (s: string) => s.toLowerCase();

/** `*` matches any run of characters (none included); `\*` is a literal star and `\\` a backslash. */
export function wildcardRegExp(pattern: string): RegExp {
  if (pattern.includes('**')) {
    throw new FilterPatternError(`Consecutive wildcard characters at pos ${pattern.indexOf('**') + 1}`);
  }
  let source = '';
  let stars = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += `\\${pattern[++i]}`;
    } else if (c === '*') {
      stars++;
      source += '.*';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  if (stars > MAX_WILDCARDS) {
    throw new FilterPatternError(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
  }
  return new RegExp(`^${source}$`, 's');
}

function stringTest(predicate: (s: string) => boolean): (value: LeafValue) => boolean {
  return (value) => typeof value === 'string' && predicate(value);
}

/** prefix / suffix: a string, or `{ "equals-ignore-case": string }`. */
function affixTest(operator: 'prefix' | 'suffix', argument: Json): (value: LeafValue) => boolean {
  const has =
    operator === 'prefix' ? (s: string, a: string) => s.startsWith(a) : (s: string, a: string) => s.endsWith(a);
  if (isJsonObject(argument)) {
    const [inner, affix] = operatorOf(argument);
    if (inner !== 'equals-ignore-case') throw new FilterPatternError(`Unsupported ${operator} pattern: ${inner}`);
    const folded = lower(stringArgument(operator, affix));
    return stringTest((s) => has(lower(s), folded));
  }
  const affix = stringArgument(operator, argument);
  return stringTest((s) => has(s, affix));
}

/** numeric: `[op, n]` or a range `[">"|">=", low, "<"|"<=", high]` with low below high. */
function numericTest(argument: Json): (value: LeafValue) => boolean {
  if (!Array.isArray(argument)) throw new FilterPatternError('Value of numeric must be an array.');
  if (argument.length !== 2 && argument.length !== 4) {
    throw new FilterPatternError('Too many elements in numeric expression');
  }
  const checks: ((n: number) => boolean)[] = [];
  for (let i = 0; i < argument.length; i += 2) {
    const operator = argument[i];
    const operand = argument[i + 1];
    if (typeof operator !== 'string' || !NUMERIC_OPERATORS.has(operator)) {
      throw new FilterPatternError(`Unrecognized numeric range operator: ${String(operator)}`);
    }
    if (typeof operand !== 'number') throw new FilterPatternError(`Value of ${operator} must be numeric`);
    checks.push(comparison(operator, operand));
  }
  if (argument.length === 4) {
    const [low, , high] = [argument[0], argument[1], argument[2], argument[3]];
    if ((low !== '>' && low !== '>=') || (high !== '<' && high !== '<=')) {
      throw new FilterPatternError('Bad numeric range operator');
    }
    if ((argument[3] as number) <= (argument[1] as number))
      throw new FilterPatternError('Bottom must be less than top');
  }
  return (value) => typeof value === 'number' && checks.every((check) => check(value));
}

function comparison(operator: string, operand: number): (n: number) => boolean {
  switch (operator) {
    case '<':
      return (n) => n < operand;
    case '<=':
      return (n) => n <= operand;
    case '=':
      return (n) => n === operand;
    case '>':
      return (n) => n > operand;
    default:
      return (n) => n >= operand;
  }
}

function cidrTest(argument: Json): (value: LeafValue) => boolean {
  const cidr = stringArgument('cidr', argument);
  const [address, bits, ...rest] = cidr.split('/');
  const prefix = Number(bits);
  const family = isIP(address ?? '');
  if (rest.length > 0 || bits === undefined || !Number.isInteger(prefix) || family === 0) {
    throw new FilterPatternError(`Malformed CIDR: ${cidr}`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new FilterPatternError(`Malformed CIDR: ${cidr}`);
  const block = new BlockList();
  block.addSubnet(address as string, prefix, type);
  return stringTest((s) => isIP(s) === family && block.check(s, type));
}

/** anything-but: a value or list of values, or one of prefix / suffix / wildcard / equals-ignore-case negated. */
function anythingButTest(argument: Json): (value: LeafValue) => boolean {
  if (isJsonObject(argument)) {
    const [inner, innerArgument] = operatorOf(argument);
    const values = stringList(inner, innerArgument);
    let matchesAny: (s: string) => boolean;
    switch (inner) {
      case 'prefix':
      case 'suffix':
        if (values.some((v) => v === '')) throw new FilterPatternError('Null prefix/suffix not allowed');
        matchesAny =
          inner === 'prefix' ? (s) => values.some((v) => s.startsWith(v)) : (s) => values.some((v) => s.endsWith(v));
        break;
      case 'equals-ignore-case': {
        const folded = new Set(values.map(lower));
        matchesAny = (s) => folded.has(lower(s));
        break;
      }
      case 'wildcard': {
        const expressions = values.map(wildcardRegExp);
        matchesAny = (s) => expressions.some((e) => e.test(s));
        break;
      }
      default:
        throw new FilterPatternError(`Unsupported anything-but pattern: ${inner}`);
    }
    // A value that is not a string (a number, null) is "anything but" a string pattern.
    return (value) => typeof value !== 'string' || !matchesAny(value);
  }
  const excluded = Array.isArray(argument) ? argument : [argument];
  if (excluded.length === 0 || !excluded.every((v) => typeof v === 'string' || typeof v === 'number')) {
    throw new FilterPatternError('Value of anything-but must be an array or single string/number value.');
  }
  const set = new Set<LeafValue>(excluded as (string | number)[]);
  return (value) => !set.has(value);
}

/** Compiles one member of a leaf array (a value to equal, or a match expression). */
export function compileMatcher(spec: Json): Matcher {
  if (isScalar(spec)) return { test: (value) => value === spec };
  if (!isJsonObject(spec)) throw new FilterPatternError('Match value must be String, number, true, false, or null');
  const [operator, argument] = operatorOf(spec);
  switch (operator) {
    case 'exists':
      if (typeof argument !== 'boolean')
        throw new FilterPatternError('exists match pattern must be either true or false.');
      return { exists: argument };
    case 'prefix':
    case 'suffix':
      return { test: affixTest(operator, argument) };
    case 'equals-ignore-case': {
      const folded = lower(stringArgument(operator, argument));
      return { test: stringTest((s) => lower(s) === folded) };
    }
    case 'wildcard': {
      const expression = wildcardRegExp(stringArgument(operator, argument));
      return { test: stringTest((s) => expression.test(s)) };
    }
    case 'anything-but':
      return { test: anythingButTest(argument) };
    case 'numeric':
      return { test: numericTest(argument) };
    case 'cidr':
      return { test: cidrTest(argument) };
    default:
      throw new FilterPatternError(`Unrecognized match type ${operator}`);
  }
}

/** Whether a field with `values` (none when the record lacks it) satisfies one of its matchers. */
export function fieldMatches(matchers: readonly Matcher[], values: readonly LeafValue[]): boolean {
  return matchers.some((matcher) =>
    matcher.exists === undefined ? values.some((v) => matcher.test(v)) : values.length > 0 === matcher.exists,
  );
}
