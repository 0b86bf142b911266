/**
 * KeyConditionExpression and the legacy KeyConditions: equality on the partition key and at most
 * one of =, <, <=, >, >=, BETWEEN or begins_with on the sort key, with DynamoDB's texts for
 * everything else.
 */
import type { AttributeValue } from './attribute-value.js';
import { type Comparator, type Condition, type Operand, parseCondition } from './condition.js';
import { validationError } from './errors.js';
import type { ExpressionScope } from './scope.js';

export type KeyOperator = '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'BEGINS_WITH';

export interface KeyCondition {
  hashName: string;
  hashValue: AttributeValue;
  range?: { name: string; op: KeyOperator; values: AttributeValue[] };
}

export interface KeySchemaNames {
  hash: string;
  range?: string;
}

/** One condition on one key attribute, before the key schema is consulted. */
export interface KeyTerm {
  name: string;
  op: KeyOperator;
  values: AttributeValue[];
}

/** A comparison written value-first (`:v < sk`) reads as the mirrored one on the key. */
const MIRRORED: Record<Comparator, Comparator> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=', '<>': '<>' };

const INVALID_KEY = 'Invalid condition in KeyConditionExpression: ';

/** These checks run after parsing, and their texts carry no `Invalid KeyConditionExpression:` prefix. */
function keyError(message: string): Error {
  return validationError(message);
}

function keyName(operands: Operand[]): string {
  const paths = operands.filter((o) => o.kind === 'path');
  if (paths.length > 1) throw keyError(`${INVALID_KEY}Multiple attribute names used in one condition`);
  const [path] = paths;
  if (path === undefined) throw keyError(`${INVALID_KEY}No key attribute specified`);
  if (path.path.length > 1) throw keyError('KeyConditionExpressions cannot have conditions on nested attributes');
  return String(path.path[0]);
}

function values(operands: Operand[]): AttributeValue[] {
  return operands.flatMap((o) => (o.kind === 'value' ? [o.value] : []));
}

function collectTerms(condition: Condition, terms: KeyTerm[]): void {
  switch (condition.type) {
    case 'and':
      collectTerms(condition.left, terms);
      collectTerms(condition.right, terms);
      return;
    case 'or':
    case 'not':
    case 'in':
      throw keyError(`Invalid operator used in KeyConditionExpression: ${condition.type.toUpperCase()}`);
    case 'compare': {
      if (condition.op === '<>') throw keyError('Invalid operator used in KeyConditionExpression: <>');
      const operands = [condition.left, condition.right];
      if (operands.some((o) => o.kind === 'call'))
        throw keyError('KeyConditionExpressions cannot contain nested operations');
      const name = keyName(operands);
      const op = (condition.left.kind === 'path' ? condition.op : MIRRORED[condition.op]) as KeyOperator;
      terms.push({ name, op, values: values(operands) });
      return;
    }
    case 'between': {
      if (condition.operand.kind !== 'path') {
        throw keyError(`${INVALID_KEY}BETWEEN operator must have the key attribute as its first operand`);
      }
      const operands = [condition.operand, condition.low, condition.high];
      terms.push({ name: keyName(operands), op: 'BETWEEN', values: values(operands) });
      return;
    }
    case 'call': {
      if (condition.name === 'size') throw keyError('KeyConditionExpressions cannot contain nested operations');
      if (condition.name !== 'begins_with') {
        throw keyError(`Invalid operator used in KeyConditionExpression: ${condition.name}`);
      }
      if (condition.args[0]?.kind !== 'path') {
        throw keyError(`${INVALID_KEY}begins_with operator must have the key attribute as its first operand`);
      }
      terms.push({ name: keyName(condition.args), op: 'BEGINS_WITH', values: values(condition.args) });
      return;
    }
  }
}

/** Matches key terms to the key schema (the checks Query makes once it knows the table or index). */
export function keyConditionFromTerms(terms: KeyTerm[], key: KeySchemaNames): KeyCondition {
  const byName = new Map<string, KeyTerm>();
  for (const term of terms) byName.set(term.name, term);
  if (key.range === undefined && terms.length > 1) throw validationError('Query key condition not supported');
  for (const name of [key.hash, key.range]) {
    if (name === undefined || byName.has(name)) continue;
    if (name === key.hash || terms.length > 1)
      throw validationError(`Query condition missed key schema element: ${name}`);
  }
  const hash = byName.get(key.hash) as KeyTerm;
  if (hash.op !== '=') throw validationError('Query key condition not supported');
  const range = key.range === undefined ? undefined : byName.get(key.range);
  return {
    hashName: key.hash,
    hashValue: hash.values[0] as AttributeValue,
    ...(range ? { range: { name: range.name, op: range.op, values: range.values } } : {}),
  };
}

export function parseKeyCondition(expression: string, scope: ExpressionScope, key: KeySchemaNames): KeyCondition {
  const condition = parseCondition(expression, scope, 'KeyConditionExpression');
  const terms: KeyTerm[] = [];
  collectTerms(condition, terms);
  const seen = new Set<string>();
  for (const term of terms) {
    if (seen.has(term.name)) throw validationError('KeyConditionExpressions must only contain one condition per key');
    seen.add(term.name);
  }
  return keyConditionFromTerms(terms, key);
}
