/**
 * Evaluates conditions against an item (undefined: no item). A missing attribute makes
 * comparisons false, except `<>`, which is true (DynamoDB compares "no value" as unequal).
 */

import type { Item } from './attribute-value.js';
import { type AttributeValue, isSetType, memberType, typeOf } from './attribute-value.js';
import { compareValues, setHas, valuesEqual } from './compare.js';
import type { Comparator, Condition, Operand } from './condition.js';
import { getPath } from './document-path.js';

function size(value: AttributeValue): AttributeValue | undefined {
  let length: number | undefined;
  if (value.S !== undefined) length = value.S.length;
  else if (value.B !== undefined) length = value.B.byteLength;
  else if (value.L !== undefined) length = value.L.length;
  else if (value.M !== undefined) length = Object.keys(value.M).length;
  else if (value.SS !== undefined) length = value.SS.length;
  else if (value.NS !== undefined) length = value.NS.length;
  else if (value.BS !== undefined) length = value.BS.length;
  return length === undefined ? undefined : { N: String(length) };
}

export function resolveOperand(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (operand.kind) {
    case 'path':
      return getPath(item, operand.path);
    case 'value':
      return operand.value;
    case 'call': {
      const [arg] = operand.args;
      const value = arg === undefined ? undefined : resolveOperand(arg, item);
      return operand.name === 'size' && value !== undefined ? size(value) : undefined;
    }
  }
}

function compare(op: Comparator, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
  if (op === '<>') return left === undefined || right === undefined || !valuesEqual(left, right);
  if (left === undefined || right === undefined) return false;
  if (op === '=') return valuesEqual(left, right);
  const order = compareValues(left, right);
  if (order === undefined) return false;
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function beginsWith(value: AttributeValue, prefix: AttributeValue): boolean {
  if (value.S !== undefined && prefix.S !== undefined) return value.S.startsWith(prefix.S);
  if (value.B !== undefined && prefix.B !== undefined) {
    return Buffer.from(value.B).subarray(0, prefix.B.byteLength).equals(Buffer.from(prefix.B));
  }
  return false;
}

function contains(value: AttributeValue, operand: AttributeValue): boolean {
  if (value.S !== undefined) return operand.S !== undefined && value.S.includes(operand.S);
  if (value.B !== undefined) return operand.B !== undefined && Buffer.from(value.B).includes(Buffer.from(operand.B));
  if (value.L !== undefined) return value.L.some((element) => valuesEqual(element, operand));
  const type = typeOf(value);
  if (isSetType(type)) return typeOf(operand) === memberType(type) && setHas(value, operand);
  return false;
}

function evaluateCall(name: string, args: Operand[], item: Item | undefined): boolean {
  const [first, second] = args.map((arg) => resolveOperand(arg, item));
  switch (name) {
    case 'attribute_exists':
      return first !== undefined;
    case 'attribute_not_exists':
      return first === undefined;
    case 'attribute_type':
      return first !== undefined && second?.S === typeOf(first);
    case 'begins_with':
      return first !== undefined && second !== undefined && beginsWith(first, second);
    case 'contains':
      return first !== undefined && second !== undefined && contains(first, second);
    default:
      return false;
  }
}

export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.type) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case 'not':
      return !evaluateCondition(condition.operand, item);
    case 'compare':
      return compare(condition.op, resolveOperand(condition.left, item), resolveOperand(condition.right, item));
    case 'between': {
      const value = resolveOperand(condition.operand, item);
      return (
        compare('>=', value, resolveOperand(condition.low, item)) &&
        compare('<=', value, resolveOperand(condition.high, item))
      );
    }
    case 'in': {
      const value = resolveOperand(condition.operand, item);
      return condition.list.some((candidate) => compare('=', value, resolveOperand(candidate, item)));
    }
    case 'call':
      return evaluateCall(condition.name, condition.args, item);
  }
}
