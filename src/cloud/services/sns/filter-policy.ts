/**
 * SNS subscription filter policies, on message attributes or on the message body
 * (FilterPolicyScope). Leaf values use the event filter matchers Lambda's FilterCriteria use
 * (exact, prefix, suffix, anything-but, numeric, exists, equals-ignore-case, cidr), which SNS's
 * operators share; the structure is SNS's own: `$or` alternatives, up to five nesting levels in the
 * body, and at most 150 combinations of values. Attribute types map as SNS maps them: String to a
 * string, Number to a number, String.Array to its elements; Binary attributes never match.
 */
import { FilterPatternError } from '../../events/filters/index.js';
import {
  compileMatcher,
  fieldMatches,
  isJsonObject,
  type Json,
  type LeafValue,
  type Matcher,
} from '../../events/filters/matchers.js';
import { MAX_FILTER_COMBINATIONS, MAX_FILTER_DEPTH, MAX_FILTER_POLICY_BYTES } from './constants.js';
import { invalidParameter } from './errors.js';
import type { StoredAttribute } from './messages.js';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** A compiled policy node: every key must match; `or` holds alternatives of which one must. */
interface PolicyNode {
  leaves: { key: string; matchers: Matcher[] }[];
  nested: { key: string; node: PolicyNode }[];
  or: PolicyNode[][];
}

export interface CompiledFilterPolicy {
  matches(message: { message: string; attributes: Record<string, StoredAttribute> }): boolean;
}

/** Compiled policies by scope and text: each Publish matches every subscription's policy. */
const compiled = new Map<string, CompiledFilterPolicy>();
const CACHE_LIMIT = 512;

/**
 * Compiles a FilterPolicy (cached by its text and scope); throws InvalidParameter with AWS's
 * wording for one that is not valid.
 */
export function compileFilterPolicy(text: string, scope: FilterPolicyScope): CompiledFilterPolicy {
  const key = `${scope}\n${text}`;
  let policy = compiled.get(key);
  if (!policy) {
    policy = compile(text, scope);
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(key, policy);
  }
  return policy;
}

function compile(text: string, scope: FilterPolicyScope): CompiledFilterPolicy {
  const fail = (reason: string) => invalidParameter(`FilterPolicy: ${reason}`);
  if (Buffer.byteLength(text) > MAX_FILTER_POLICY_BYTES) throw fail('Filter policy is too large');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('failed to parse JSON.');
  }
  if (!isJsonObject(parsed)) throw fail('Filter policy must be a JSON object');
  let root: PolicyNode;
  try {
    root = compileNode(parsed, scope, 1);
  } catch (error) {
    if (error instanceof FilterPatternError) throw fail(error.message);
    throw error;
  }
  if (combinations(root) > MAX_FILTER_COMBINATIONS) throw fail('Filter policy is too complex');
  return {
    matches: ({ message, attributes }) => {
      if (scope === 'MessageAttributes') return nodeMatches(root, (key) => attributeValues(attributes[key]));
      let body: unknown;
      try {
        body = JSON.parse(message);
      } catch {
        // A body that is not JSON matches no body policy.
        return false;
      }
      return bodyMatches(root, body);
    },
  };
}

function compileNode(policy: { [key: string]: Json }, scope: FilterPolicyScope, depth: number): PolicyNode {
  if (depth > MAX_FILTER_DEPTH) throw new FilterPatternError('Filter policy scope MessageBody cannot exceed depth 5');
  const node: PolicyNode = { leaves: [], nested: [], or: [] };
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isJsonObject)) {
        throw new FilterPatternError('Or operator should be an array of at least 2 JSON objects');
      }
      node.or.push(value.map((alternative) => compileNode(alternative as { [key: string]: Json }, scope, depth)));
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPatternError(`Empty arrays are not allowed`);
      node.leaves.push({ key, matchers: value.map((spec) => compileMatcher(spec)) });
      continue;
    }
    if (isJsonObject(value) && scope === 'MessageBody') {
      node.nested.push({ key, node: compileNode(value, scope, depth + 1) });
      continue;
    }
    throw new FilterPatternError(`"${key}" must be an object or an array`);
  }
  return node;
}

/** The number of value combinations AWS counts against the limit of 150. */
function combinations(node: PolicyNode): number {
  let total = 1;
  for (const leaf of node.leaves) total *= leaf.matchers.length;
  for (const nested of node.nested) total *= combinations(nested.node);
  for (const alternatives of node.or) total *= alternatives.reduce((sum, alt) => sum + combinations(alt), 0);
  return total;
}

function attributeValues(attribute: StoredAttribute | undefined): LeafValue[] {
  if (!attribute || attribute.StringValue === undefined) return [];
  if (attribute.DataType.startsWith('Number')) return [Number(attribute.StringValue)];
  if (attribute.DataType === 'String.Array') {
    const parsed = JSON.parse(attribute.StringValue) as unknown[];
    return parsed.filter((v): v is LeafValue => v === null || typeof v !== 'object');
  }
  return [attribute.StringValue];
}

function nodeMatches(node: PolicyNode, valuesOf: (key: string) => LeafValue[]): boolean {
  return (
    node.leaves.every((leaf) => fieldMatches(leaf.matchers, valuesOf(leaf.key))) &&
    node.or.every((alternatives) => alternatives.some((alt) => nodeMatches(alt, valuesOf)))
  );
}

/** Leaf values at `key` of an object (arrays are flattened: any element may match). */
function leafValues(value: unknown): LeafValue[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leafValues);
  if (value !== null && typeof value === 'object') return [];
  return [value as LeafValue];
}

function bodyMatches(node: PolicyNode, body: unknown): boolean {
  const objects = Array.isArray(body) ? body : [body];
  return objects.some((object) => {
    const record = isJsonObject(object) ? object : {};
    return (
      node.leaves.every((leaf) => fieldMatches(leaf.matchers, leafValues(record[leaf.key]))) &&
      node.nested.every(({ key, node: inner }) => {
        const value = record[key];
        return value !== undefined && bodyMatches(inner, value);
      }) &&
      node.or.every((alternatives) => alternatives.some((alt) => bodyMatches(alt, record)))
    );
  });
}
