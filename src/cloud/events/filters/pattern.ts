/**
 * A filter pattern compiled for matching: EventBridge's pattern language as Lambda's event
 * filtering guide describes it. Nested objects become dot-joined paths (as EventBridge does, a
 * pattern key `a.b` and nested keys `a` > `b` name the same field), and `$or` is expanded into
 * alternatives, so a pattern is an OR of conjunctions of field rules. Compiling is validating:
 * anything that is not a pattern throws FilterPatternError.
 */
import { FilterPatternError } from './errors.js';
import { compileMatcher, fieldMatches, isJsonObject, type Json, type LeafValue, type Matcher } from './matchers.js';

/** The matchers one field of the record must satisfy (any of them). */
export interface FieldRule {
  readonly path: string;
  readonly matchers: readonly Matcher[];
}

export interface CompiledPattern {
  /** The record matches when every rule of one alternative matches. */
  readonly alternatives: readonly (readonly FieldRule[])[];
  /** Every rule path and every path above one: what a record is flattened along. */
  readonly paths: ReadonlySet<string>;
}

/** `$or` can multiply alternatives; past this a pattern is refused as too complex. */
const MAX_ALTERNATIVES = 1_000;

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Adds the rules of `pattern` (under `prefix`) to each alternative; returns the alternatives. */
function expand(pattern: { [key: string]: Json }, prefix: string, alternatives: FieldRule[][]): FieldRule[][] {
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw new FilterPatternError('Empty objects are not allowed');
  let current = alternatives;
  for (const [key, value] of entries) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isJsonObject)) {
        throw new FilterPatternError('$or must be an array of at least two patterns');
      }
      current = value.flatMap((option) =>
        expand(
          option,
          prefix,
          current.map((rules) => [...rules]),
        ),
      );
      if (current.length > MAX_ALTERNATIVES) throw new FilterPatternError('Too many combinations of $or');
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPatternError('Empty arrays are not allowed');
      const rule: FieldRule = { path: join(prefix, key), matchers: value.map(compileMatcher) };
      current = current.map((rules) => [...rules, rule]);
    } else if (isJsonObject(value)) {
      current = expand(value, join(prefix, key), current);
    } else {
      throw new FilterPatternError(`"${key}" must be an object or an array`);
    }
  }
  return current;
}

/** Compiles one Filter's Pattern (JSON text). */
export function compilePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FilterPatternError('Filter is not valid JSON');
  }
  if (!isJsonObject(parsed)) throw new FilterPatternError('Filter is not an object');
  const alternatives = expand(parsed, '', [[]]);
  const paths = new Set<string>();
  for (const rules of alternatives) {
    for (const { path } of rules) {
      // A field's own path and each path above it ("a", "a.b" for "a.b.c"); a key that holds dots
      // ("a.b") is then reached both ways.
      let end = path.indexOf('.');
      while (end !== -1) {
        paths.add(path.slice(0, end));
        end = path.indexOf('.', end + 1);
      }
      paths.add(path);
    }
  }
  return { alternatives, paths };
}

/**
 * The leaf values of `record` along `paths`: an object adds its keys to the path, an array gives
 * each element the array's path (so a rule matches when any element does), an empty array gives
 * nothing (the field does not exist). Branches no rule names are not walked.
 */
export function flattenRecord(record: unknown, paths: ReadonlySet<string>): Map<string, LeafValue[]> {
  const values = new Map<string, LeafValue[]>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const element of value) walk(element, path);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = join(path, key);
        if (paths.has(childPath)) walk(child, childPath);
      }
    } else if (path !== '' && value !== undefined) {
      const list = values.get(path);
      if (list) list.push(value as LeafValue);
      else values.set(path, [value as LeafValue]);
    }
  };
  walk(record, '');
  return values;
}

const NONE: readonly LeafValue[] = [];

export function patternMatches(pattern: CompiledPattern, values: ReadonlyMap<string, readonly LeafValue[]>): boolean {
  return pattern.alternatives.some((rules) =>
    rules.every((rule) => fieldMatches(rule.matchers, values.get(rule.path) ?? NONE)),
  );
}
