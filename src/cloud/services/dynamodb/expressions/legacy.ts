/**
 * The legacy parameters (Expected, QueryFilter/ScanFilter, KeyConditions, AttributeUpdates)
 * converted to the same ASTs as expressions, with the legacy API's validation texts.
 */
import type {
  AttributeValueUpdate,
  ExpectedAttributeValue,
  Condition as LegacyCondition,
} from '@aws-sdk/client-dynamodb';
import { type AttributeValue, typeOf } from './attribute-value.js';
import { compareValues } from './compare.js';
import type { Condition, Operand } from './condition.js';
import { validationError } from './errors.js';
import { type KeyCondition, type KeyOperator, type KeySchemaNames, keyConditionFromTerms } from './key-condition.js';
import type { Update, UpdateAction } from './update.js';
import { validateValue } from './validate-value.js';

const INVALID = 'One or more parameter values were invalid: ';

/** How many values each operator takes ([min, max]) and of which types. */
const OPERATORS: Record<string, { count: [number, number]; types: readonly string[] | undefined }> = {
  EQ: { count: [1, 1], types: ['S', 'N', 'B', 'SS', 'NS', 'BS'] },
  NE: { count: [1, 1], types: ['S', 'N', 'B', 'SS', 'NS', 'BS'] },
  LE: { count: [1, 1], types: ['S', 'N', 'B'] },
  LT: { count: [1, 1], types: ['S', 'N', 'B'] },
  GE: { count: [1, 1], types: ['S', 'N', 'B'] },
  GT: { count: [1, 1], types: ['S', 'N', 'B'] },
  CONTAINS: { count: [1, 1], types: ['S', 'N', 'B'] },
  NOT_CONTAINS: { count: [1, 1], types: ['S', 'N', 'B'] },
  BEGINS_WITH: { count: [1, 1], types: ['S', 'B'] },
  IN: { count: [1, Number.POSITIVE_INFINITY], types: ['S', 'N', 'B'] },
  BETWEEN: { count: [2, 2], types: ['S', 'N', 'B'] },
  NULL: { count: [0, 0], types: undefined },
  NOT_NULL: { count: [0, 0], types: undefined },
};

/** Checks one legacy condition's operator and values; returns the values normalised. */
function checkValues(operator: string, list: unknown[]): AttributeValue[] {
  const values = list.map((v) => validateValue(v));
  const spec = OPERATORS[operator];
  if (spec === undefined || values.length < spec.count[0] || values.length > spec.count[1]) {
    throw validationError(`${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  }
  const [first, second] = values;
  if (first !== undefined && values.some((v) => typeOf(v) !== typeOf(first))) {
    throw validationError(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
  }
  const bad = values.find((v) => spec.types !== undefined && !spec.types.includes(typeOf(v)));
  if (bad !== undefined) {
    throw validationError(
      `${INVALID}ComparisonOperator ${operator} is not valid for ${typeOf(bad)} AttributeValue type`,
    );
  }
  if (
    operator === 'BETWEEN' &&
    first !== undefined &&
    second !== undefined &&
    (compareValues(first, second) ?? 0) > 0
  ) {
    throw validationError(
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound',
    );
  }
  return values;
}

function toCondition(name: string, operator: string, values: AttributeValue[]): Condition {
  const path: Operand = { kind: 'path', path: [name] };
  const operands: Operand[] = values.map((value) => ({ kind: 'value', value }));
  const [first = path, second = path] = operands;
  switch (operator) {
    case 'EQ':
      return { type: 'compare', op: '=', left: path, right: first };
    case 'NE':
      return { type: 'compare', op: '<>', left: path, right: first };
    case 'LE':
      return { type: 'compare', op: '<=', left: path, right: first };
    case 'LT':
      return { type: 'compare', op: '<', left: path, right: first };
    case 'GE':
      return { type: 'compare', op: '>=', left: path, right: first };
    case 'GT':
      return { type: 'compare', op: '>', left: path, right: first };
    case 'NULL':
      return { type: 'call', name: 'attribute_not_exists', args: [path] };
    case 'NOT_NULL':
      return { type: 'call', name: 'attribute_exists', args: [path] };
    case 'CONTAINS':
      return { type: 'call', name: 'contains', args: [path, first] };
    case 'NOT_CONTAINS':
      return { type: 'not', operand: { type: 'call', name: 'contains', args: [path, first] } };
    case 'BEGINS_WITH':
      return { type: 'call', name: 'begins_with', args: [path, first] };
    case 'IN':
      return { type: 'in', operand: path, list: operands };
    default:
      return { type: 'between', operand: path, low: first, high: second };
  }
}

function combine(conditions: Condition[], operator: 'AND' | 'OR' | undefined): Condition {
  const [first, ...rest] = conditions;
  // An empty map constrains nothing: attribute_not_exists() of no path holds for every item.
  if (first === undefined) return { type: 'call', name: 'attribute_not_exists', args: [] };
  return rest.reduce<Condition>((left, right) => ({ type: operator === 'OR' ? 'or' : 'and', left, right }), first);
}

/** Expected (PutItem/UpdateItem/DeleteItem) with its Exists/Value shorthand. */
export function conditionFromExpected(
  expected: Record<string, ExpectedAttributeValue>,
  operator: 'AND' | 'OR' | string | undefined,
): Condition {
  const conditions = Object.entries(expected).map(([name, spec]): Condition => {
    if (spec.AttributeValueList !== undefined && spec.Value !== undefined) {
      throw validationError(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
    }
    if (spec.ComparisonOperator !== undefined) {
      if (spec.Exists !== undefined) {
        throw validationError(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
      }
      const op = spec.ComparisonOperator;
      const list = spec.AttributeValueList ?? (spec.Value !== undefined ? [spec.Value] : []);
      if (op !== 'NULL' && op !== 'NOT_NULL' && spec.AttributeValueList === undefined && spec.Value === undefined) {
        throw validationError(
          `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${op} for Attribute: ${name}`,
        );
      }
      return toCondition(name, op, checkValues(op, list));
    }
    if (spec.AttributeValueList !== undefined) {
      throw validationError(
        `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`,
      );
    }
    const exists = spec.Exists ?? true;
    if (exists && spec.Value === undefined) {
      throw validationError(
        `${INVALID}Value must be provided when Exists is ${spec.Exists === undefined ? 'null' : 'true'} for Attribute: ${name}`,
      );
    }
    if (!exists && spec.Value !== undefined) {
      throw validationError(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
    }
    return exists ? toCondition(name, 'EQ', [validateValue(spec.Value)]) : toCondition(name, 'NULL', []);
  });
  return combine(conditions, operator === 'OR' ? 'OR' : 'AND');
}

/** QueryFilter / ScanFilter. */
export function conditionFromFilter(
  filter: Record<string, LegacyCondition>,
  operator: 'AND' | 'OR' | string | undefined,
): Condition {
  const conditions = Object.entries(filter).map(([name, spec]) => {
    const op = spec.ComparisonOperator ?? 'EQ';
    return toCondition(name, op, checkValues(op, spec.AttributeValueList ?? []));
  });
  return combine(conditions, operator === 'OR' ? 'OR' : 'AND');
}

const KEY_OPERATORS: Record<string, KeyOperator> = {
  EQ: '=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  BETWEEN: 'BETWEEN',
  BEGINS_WITH: 'BEGINS_WITH',
};

/** KeyConditions (Query). */
export function keyConditionFromLegacy(conditions: Record<string, LegacyCondition>, key: KeySchemaNames): KeyCondition {
  const entries = Object.entries(conditions);
  if (entries.length !== 1 && entries.length !== 2) throw validationError('Conditions can be of length 1 or 2 only');
  const terms = entries.map(([name, spec]) => {
    const op = spec.ComparisonOperator ?? 'EQ';
    const values = checkValues(op, spec.AttributeValueList ?? []);
    const keyOp = KEY_OPERATORS[op];
    if (keyOp === undefined) throw validationError('Attempted conditional constraint is not an indexable operation');
    return { name, op: keyOp, values };
  });
  return keyConditionFromTerms(terms, key);
}

/** AttributeUpdates (UpdateItem): PUT, ADD (numbers, sets and lists) and DELETE. */
export function updateFromAttributeUpdates(updates: Record<string, AttributeValueUpdate>): Update {
  const actions = Object.entries(updates).map(([name, spec]): UpdateAction => {
    const action = spec.Action ?? 'PUT';
    if (spec.Value === undefined) {
      if (action !== 'DELETE') {
        throw validationError(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
      }
      return { action: 'REMOVE', path: [name] };
    }
    const value = validateValue(spec.Value);
    const type = typeOf(value);
    if (action === 'ADD' && !['N', 'SS', 'NS', 'BS', 'L'].includes(type)) {
      throw validationError(`${INVALID}ADD action is not supported for the type ${type}`);
    }
    if (action === 'DELETE' && !['SS', 'NS', 'BS'].includes(type)) {
      throw validationError(`${INVALID}DELETE action with value is not supported for the type ${type}`);
    }
    if (action === 'PUT') return { action: 'SET', path: [name], value: { kind: 'value', value } };
    return { action: action === 'ADD' ? 'ADD' : 'DELETE', path: [name], value };
  });
  return { actions, legacy: true };
}
