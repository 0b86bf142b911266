import { describe, expect, it } from 'vitest';
import {
  type AttributeValue,
  evaluateCondition,
  type Item,
  parseCondition,
} from '../../../../src/cloud/services/dynamodb/expressions/index.js';
import { scope, validationMessage } from './helpers.js';

const item: Item = {
  id: { S: 'user-1' },
  age: { N: '42' },
  big: { N: '12345678901234567890123456789012345678' },
  name: { S: 'Zoë' },
  tags: { SS: ['a', 'b'] },
  scores: { NS: ['1', '2.5'] },
  bin: { B: Buffer.from([1, 2, 3]) },
  arr: { L: [{ S: 'x' }, { N: '7' }, { M: { deep: { BOOL: true } } }] },
  doc: { M: { leaf: { S: 'value' }, qty: { N: '3' } } },
  nothing: { NULL: true },
  flag: { BOOL: false },
};

const values: Record<string, AttributeValue> = {
  ':s': { S: 'user-1' },
  ':n': { N: '42.0' },
  ':n10': { N: '10' },
  ':n50': { N: '50' },
  ':bigger': { N: '12345678901234567890123456789012345679' },
  ':a': { S: 'a' },
  ':u': { S: 'us' },
  ':x': { S: 'x' },
  ':seven': { N: '7' },
  ':three': { N: '3' },
  ':two': { N: '2' },
  ':type': { S: 'SS' },
  ':b12': { B: Buffer.from([1, 2]) },
  ':set': { SS: ['b', 'a'] },
  ':nope': { S: 'nope' },
};

const names = { '#n': 'name', '#m': 'doc', '#missing': 'absent' };

/** [expression, result on `item`] — each line checked against DynamoDB's documented semantics. */
const evaluations: [string, boolean][] = [
  ['id = :s', true],
  ['age = :n', true],
  ['age <> :n', false],
  ['age < :n50 AND age > :n10', true],
  ['age BETWEEN :n10 AND :n50', true],
  ['age BETWEEN :n50 AND :bigger', false],
  ['big < :bigger', true],
  ['age IN (:n10, :n50, :n)', true],
  ['age IN (:n10, :n50)', false],
  ['absent = :s', false],
  ['absent <> :s', true],
  ['absent < :s', false],
  ['id < :n', false],
  ['attribute_exists(id)', true],
  ['attribute_not_exists(absent)', true],
  ['attribute_exists(#m.leaf)', true],
  ['attribute_exists(#m.absent)', false],
  ['attribute_exists(arr[2].deep)', true],
  ['attribute_exists(arr[3])', false],
  ['attribute_type(tags, :type)', true],
  ['attribute_type(age, :type)', false],
  ['begins_with(id, :u)', true],
  ['begins_with(bin, :b12)', true],
  ['begins_with(age, :u)', false],
  ['contains(tags, :a)', true],
  ['contains(scores, :two)', false],
  ['contains(id, :u)', true],
  ['contains(arr, :x)', true],
  ['contains(arr, :seven)', true],
  ['contains(absent, :a)', false],
  ['size(tags) = :two', true],
  ['size(#n) = :three', true],
  ['size(#m) > :two', false],
  ['size(arr) = :three', true],
  ['size(absent) = :two', false],
  ['tags = :set', true],
  ['#m.#n = :s', false],
  ['NOT attribute_exists(absent)', true],
  ['NOT age = :n AND id = :s', false],
  ['attribute_exists(absent) OR id = :s AND age = :n', true],
  ['(attribute_exists(absent) OR id = :s) AND age = :n10', false],
  ['attribute_exists(absent) AND id = :s OR age = :n', true],
  ['NOT (attribute_exists(absent) OR id = :nope)', true],
  ['(age) = :n', true],
  ['doc.qty = :three', true],
];

describe('condition evaluation', () => {
  it.each(evaluations)('%s -> %s', (expression, expected) => {
    const s = scope(values, names);
    const condition = parseCondition(expression, s, 'ConditionExpression');
    expect(evaluateCondition(condition, item)).toBe(expected);
  });

  it('evaluates against a missing item', () => {
    const s = scope({ ':s': { S: 'x' } });
    expect(evaluateCondition(parseCondition('attribute_not_exists(id)', s, 'ConditionExpression'), undefined)).toBe(
      true,
    );
    expect(evaluateCondition(parseCondition('id <> :s', s, 'ConditionExpression'), undefined)).toBe(true);
  });
});

/** [expression, values, names, DynamoDB's message]. */
const errors: [string, Record<string, AttributeValue>, Record<string, string>, string][] = [
  ['a =', {}, {}, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="'],
  ['a b', {}, {}, 'Invalid ConditionExpression: Syntax error; token: "b", near: "a b"'],
  ['a = :v AND', { ':v': { S: 'x' } }, {}, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"'],
  ['a ! :v', { ':v': { S: 'x' } }, {}, 'Invalid ConditionExpression: Syntax error; token: "!", near: "a ! "'],
  [
    'a = :v AND __x = :v',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: Syntax error; token: "_", near: "AND __"',
  ],
  ['', {}, {}, 'Invalid ConditionExpression: The expression can not be empty;'],
  [
    'name = :v',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name',
  ],
  [
    'a = :v',
    {},
    {},
    'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v',
  ],
  [
    '#a = :v',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a',
  ],
  [
    'BegIns_WiTh(a, :v)',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: Invalid function name; function: BegIns_WiTh',
  ],
  [
    'attribute_exists(a, b)',
    {},
    {},
    'Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2',
  ],
  [
    'attribute_exists(:v)',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists',
  ],
  [
    'begins_with(a, :v)',
    { ':v': { N: '1' } },
    {},
    'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
  ],
  [
    'attribute_type(a, :v)',
    { ':v': { S: 'XX' } },
    {},
    'Invalid ConditionExpression: Invalid attribute type name found; type: XX, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}',
  ],
  [
    'a = a',
    {},
    {},
    'Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]',
  ],
  [
    'size(a)',
    {},
    {},
    'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size',
  ],
  [
    'attribute_exists(a) = :v',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists',
  ],
  [
    'if_not_exists(a, :v) = :v',
    { ':v': { S: 'x' } },
    {},
    'Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists',
  ],
  ['((a = :v))', { ':v': { S: 'x' } }, {}, 'Invalid ConditionExpression: The expression has redundant parentheses;'],
  [
    'a BETWEEN :hi AND :lo',
    { ':hi': { N: '5' }, ':lo': { N: '1' } },
    {},
    'Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
  ],
  [
    'a BETWEEN :n AND :s',
    { ':n': { N: '5' }, ':s': { S: 'x' } },
    {},
    'Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:x}',
  ],
  [
    'a = :v',
    { ':v': { S: 'x' }, ':w': { S: 'y' } },
    {},
    'Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}',
  ],
  [
    'a = :v',
    { ':v': { S: 'x' } },
    { '#x': 'x' },
    'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}',
  ],
];

describe('condition errors', () => {
  it.each(errors)('%s', (expression, vals, nms, message) => {
    expect(
      validationMessage(() => {
        const s = scope(vals, nms);
        parseCondition(expression, s, 'ConditionExpression');
        s.assertAllUsed();
      }),
    ).toBe(message);
  });

  it('allows 100 IN operands, not 101', () => {
    const vals = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`:v${i}`, { N: String(i) }]));
    const list = (n: number) => Array.from({ length: n }, (_, i) => `:v${i}`).join(', ');
    expect(() => parseCondition(`a IN (${list(100)})`, scope(vals), 'FilterExpression')).not.toThrow();
    expect(validationMessage(() => parseCondition(`a IN (${list(101)})`, scope(vals), 'FilterExpression'))).toBe(
      'Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101',
    );
  });

  it('checks ExpressionAttributeNames and Values themselves', () => {
    expect(validationMessage(() => scope({}, { x: 'a' }))).toBe(
      'ExpressionAttributeNames contains invalid key: Syntax error; key: "x"',
    );
    expect(validationMessage(() => scope({ ':v': { SS: [] } }))).toBe(
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
    );
  });
});
