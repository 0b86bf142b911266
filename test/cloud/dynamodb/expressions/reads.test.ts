import { describe, expect, it } from 'vitest';
import {
  type AttributeValue,
  conditionFromExpected,
  conditionFromFilter,
  evaluateCondition,
  type Item,
  itemSize,
  keyConditionFromLegacy,
  parseKeyCondition,
  parseProjection,
  project,
  projectionFromAttributesToGet,
  validateValue,
  valuesEqual,
} from '../../../../src/cloud/services/dynamodb/expressions/index.js';
import { scope, validationMessage } from './helpers.js';

const item: Item = {
  id: { S: 'k' },
  a: { M: { b: { L: [{ S: 'zero' }, { S: 'one' }, { S: 'two' }] }, c: { N: '1' } } },
  extra: { S: 'o' },
};

describe('projection', () => {
  it.each([
    ['id', { id: { S: 'k' } }],
    ['id, absent', { id: { S: 'k' } }],
    ['a.c', { a: { M: { c: { N: '1' } } } }],
    ['a.b[2], a.b[0]', { a: { M: { b: { L: [{ S: 'zero' }, { S: 'two' }] } } } }],
    ['#x, extra', { id: { S: 'k' }, extra: { S: 'o' } }],
  ])('%s', (expression, expected) => {
    expect(project(item, parseProjection(expression, scope({}, { '#x': 'id' })))).toEqual(expected);
  });

  it.each([
    [
      'a, a.b',
      'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
    ],
    ['a b', 'Invalid ProjectionExpression: Syntax error; token: "b", near: "a b"'],
    ['a,', 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'],
    ['name', 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name'],
    [
      '#y',
      'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #y',
    ],
    ['', 'Invalid ProjectionExpression: The expression can not be empty;'],
  ])('rejects %s', (expression, message) => {
    expect(validationMessage(() => parseProjection(expression, scope()))).toBe(message);
  });

  it('converts AttributesToGet', () => {
    expect(project(item, projectionFromAttributesToGet(['extra', 'absent']))).toEqual({ extra: { S: 'o' } });
  });
});

const keyValues: Record<string, AttributeValue> = {
  ':h': { S: 'h' },
  ':r': { N: '5' },
  ':r2': { N: '9' },
  ':p': { S: 'p' },
};
const key = { hash: 'pk', range: 'sk' };

describe('key conditions', () => {
  it.each([
    ['pk = :h', { hashName: 'pk', hashValue: { S: 'h' } }],
    [
      'pk = :h AND sk >= :r',
      { hashName: 'pk', hashValue: { S: 'h' }, range: { name: 'sk', op: '>=', values: [{ N: '5' }] } },
    ],
    [
      ':r < sk AND :h = pk',
      { hashName: 'pk', hashValue: { S: 'h' }, range: { name: 'sk', op: '>', values: [{ N: '5' }] } },
    ],
    [
      'pk = :h AND sk BETWEEN :r AND :r2',
      { hashName: 'pk', hashValue: { S: 'h' }, range: { name: 'sk', op: 'BETWEEN', values: [{ N: '5' }, { N: '9' }] } },
    ],
    [
      '(pk = :h) AND begins_with(sk, :p)',
      { hashName: 'pk', hashValue: { S: 'h' }, range: { name: 'sk', op: 'BEGINS_WITH', values: [{ S: 'p' }] } },
    ],
  ])('%s', (expression, expected) => {
    expect(parseKeyCondition(expression, scope(keyValues), key)).toEqual(expected);
  });

  it.each([
    ['pk = :h OR sk = :r', 'Invalid operator used in KeyConditionExpression: OR'],
    ['pk = :h AND sk <> :r', 'Invalid operator used in KeyConditionExpression: <>'],
    ['pk = :h AND contains(sk, :r)', 'Invalid operator used in KeyConditionExpression: contains'],
    ['pk = :h AND pk = :h', 'KeyConditionExpressions must only contain one condition per key'],
    ['pk = :h AND sk.x = :r', 'KeyConditionExpressions cannot have conditions on nested attributes'],
    ['pk < :h', 'Query key condition not supported'],
    ['sk = :r', 'Query condition missed key schema element: pk'],
    ['pk = :h AND extra = :r', 'Query condition missed key schema element: sk'],
    [
      'pk = :h AND begins_with(sk, :r)',
      'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
    ],
    ['pk = :h AND', 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND"'],
  ])('rejects %s', (expression, message) => {
    expect(validationMessage(() => parseKeyCondition(expression, scope(keyValues), key))).toBe(message);
  });

  it('converts KeyConditions', () => {
    expect(
      keyConditionFromLegacy(
        {
          pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'h' }] },
          sk: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '1' }] },
        },
        key,
      ),
    ).toEqual({ hashName: 'pk', hashValue: { S: 'h' }, range: { name: 'sk', op: '>', values: [{ N: '1' }] } });
    expect(
      validationMessage(() =>
        keyConditionFromLegacy({ pk: { ComparisonOperator: 'NE', AttributeValueList: [{ S: 'h' }] } }, key),
      ),
    ).toBe('Attempted conditional constraint is not an indexable operation');
  });
});

describe('legacy conditions', () => {
  const row: Item = { a: { N: '5' }, s: { S: 'hello' } };

  it.each([
    [{ a: { Value: { N: '5' } } }, true],
    [{ a: { Exists: false } }, false],
    [{ z: { Exists: false } }, true],
    [{ a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '9' }] } }, true],
    [{ s: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'he' }] } }, true],
    [{ z: { ComparisonOperator: 'NE', AttributeValueList: [{ N: '1' }] } }, true],
    [{ a: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }, { N: '5' }] } }, true],
  ] as const)('Expected %j -> %s', (expected, result) => {
    expect(evaluateCondition(conditionFromExpected(expected as never, undefined), row)).toBe(result);
  });

  it('combines with OR and rejects malformed conditions', () => {
    const either = conditionFromFilter(
      {
        a: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '10' }] },
        s: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ S: 'ell' }] },
      },
      'OR',
    );
    expect(evaluateCondition(either, row)).toBe(true);
    expect(validationMessage(() => conditionFromExpected({ a: {} }, undefined))).toBe(
      'One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a',
    );
    expect(
      validationMessage(() =>
        conditionFromFilter({ a: { ComparisonOperator: 'EQ', AttributeValueList: [] } }, undefined),
      ),
    ).toBe('One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator');
  });
});

describe('values', () => {
  it.each([
    [{}, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [
      { S: 'a', N: '1' },
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    ],
    [{ SS: ['a', 'a'] }, 'One or more parameter values were invalid: Input collection [a, a] contains duplicates.'],
    [{ SS: [] }, 'One or more parameter values were invalid: An string set  may not be empty'],
    [{ NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    [
      { NULL: false },
      'One or more parameter values were invalid: Null attribute value types must have the value of true',
    ],
    [{ M: { x: { N: 'x' } } }, 'The parameter cannot be converted to a numeric value: x'],
  ])('rejects %j', (value, message) => {
    expect(validationMessage(() => validateValue(value))).toBe(message);
  });

  it('normalises numbers inside documents', () => {
    expect(validateValue({ M: { a: { L: [{ N: '01.10' }] }, s: { NS: ['1e1'] } } })).toEqual({
      M: { a: { L: [{ N: '1.1' }] }, s: { NS: ['10'] } },
    });
  });

  it('compares sets unordered and numbers numerically', () => {
    expect(valuesEqual({ SS: ['a', 'b'] }, { SS: ['b', 'a'] })).toBe(true);
    expect(valuesEqual({ N: '1.0' }, { N: '1' })).toBe(true);
    expect(
      valuesEqual({ M: { a: { L: [{ B: Buffer.from('x') }] } } }, { M: { a: { L: [{ B: Buffer.from('x') }] } } }),
    ).toBe(true);
    expect(valuesEqual({ S: '1' }, { N: '1' })).toBe(false);
  });

  /** Sizes by the rules in the developer guide's "Item sizes and formats". */
  it.each([
    [{ name: { S: 'ab' } }, 6],
    [{ é: { S: 'é' } }, 4],
    [{ n: { N: '123' } }, 1 + 3],
    [{ n: { N: '0' } }, 1 + 1],
    [{ b: { B: Buffer.alloc(10) } }, 1 + 10],
    [{ f: { BOOL: true }, z: { NULL: true } }, 2 + 2],
    [{ l: { L: [] } }, 1 + 3],
    [{ l: { L: [{ S: 'ab' }, { BOOL: false }] } }, 1 + 3 + (1 + 2) + (1 + 1)],
    [{ m: { M: { k: { S: 'v' } } } }, 1 + 3 + 1 + 1 + 1],
    [{ s: { SS: ['a', 'bc'] } }, 1 + 3],
  ])('itemSize(%j) = %i', (value, size) => {
    expect(itemSize(value as Item)).toBe(size);
  });
});
