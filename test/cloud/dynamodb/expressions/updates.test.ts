import { describe, expect, it } from 'vitest';
import {
  type AttributeValue,
  applyUpdate,
  type Item,
  parseUpdate,
  updatedPaths,
  updateFromAttributeUpdates,
} from '../../../../src/cloud/services/dynamodb/expressions/index.js';
import { scope, validationMessage } from './helpers.js';

const item: Item = {
  id: { S: 'k' },
  n: { N: '10' },
  s: { S: 'text' },
  tags: { SS: ['a', 'b'] },
  nums: { NS: ['1', '2'] },
  arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }] },
  doc: { M: { leaf: { N: '1' }, items2: { L: [{ M: { c: { S: 'deep' } } }] } } },
};

const values: Record<string, AttributeValue> = {
  ':one': { N: '1' },
  ':big': { N: '99999999999999999999999999999999999999' },
  ':str': { S: 'new' },
  ':list': { L: [{ S: 'w' }] },
  ':ab': { SS: ['b', 'c'] },
  ':a': { SS: ['a', 'b'] },
  ':n1': { NS: ['1.0'] },
};

/** [expression, attributes expected to change (name -> new value, undefined = removed)]. */
const updates: [string, Record<string, AttributeValue | undefined>][] = [
  ['SET s = :str', { s: { S: 'new' } }],
  ['SET n = n + :one', { n: { N: '11' } }],
  ['SET n = :one - n', { n: { N: '-9' } }],
  ['SET n = :big + :one', { n: { N: '100000000000000000000000000000000000000' } }],
  ['SET fresh = if_not_exists(fresh, :one)', { fresh: { N: '1' } }],
  ['SET n = if_not_exists(n, :one)', {}],
  ['SET arr = list_append(arr, :list)', { arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }, { S: 'w' }] } }],
  ['SET arr = list_append(:list, arr)', { arr: { L: [{ S: 'w' }, { S: 'x' }, { S: 'y' }, { S: 'z' }] } }],
  ['SET arr[1] = :str', { arr: { L: [{ S: 'x' }, { S: 'new' }, { S: 'z' }] } }],
  ['SET arr[10] = :str', { arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }, { S: 'new' }] } }],
  ['REMOVE arr[0], arr[1]', { arr: { L: [{ S: 'z' }] } }],
  ['REMOVE arr[5]', {}],
  ['REMOVE arr[0] SET arr[1] = :str', { arr: { L: [{ S: 'new' }, { S: 'z' }] } }],
  [
    'SET doc.leaf = :str, doc.items2[0].c = :one',
    { doc: { M: { leaf: { S: 'new' }, items2: { L: [{ M: { c: { N: '1' } } }] } } } },
  ],
  ['REMOVE s, doc.leaf', { s: undefined, doc: { M: { items2: { L: [{ M: { c: { S: 'deep' } } }] } } } }],
  ['ADD n :one', { n: { N: '11' } }],
  ['ADD tally :one', { tally: { N: '1' } }],
  ['ADD tags :ab', { tags: { SS: ['a', 'b', 'c'] } }],
  ['ADD newset :ab', { newset: { SS: ['b', 'c'] } }],
  ['DELETE tags :ab', { tags: { SS: ['a'] } }],
  ['DELETE tags :a', { tags: undefined }],
  ['DELETE nums :n1', { nums: { NS: ['2'] } }],
  ['DELETE absent :a', {}],
  [
    'SET s = :str REMOVE n ADD c :one DELETE tags :ab',
    { s: { S: 'new' }, n: undefined, c: { N: '1' }, tags: { SS: ['a'] } },
  ],
  ['set s = :str', { s: { S: 'new' } }],
];

describe('update application', () => {
  it.each(updates)('%s', (expression, changes) => {
    const s = scope(values);
    const update = parseUpdate(expression, s);
    const result = applyUpdate(update, item, ['id']);
    const expected: Item = { ...item };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete expected[name];
      else expected[name] = value;
    }
    expect(result).toEqual(expected);
    expect(item.arr).toEqual({ L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }] });
  });

  it('creates the item when there is none', () => {
    const update = parseUpdate('SET a = :str ADD c :one', scope(values));
    expect(applyUpdate(update, undefined, ['id'])).toEqual({ a: { S: 'new' }, c: { N: '1' } });
    expect(updatedPaths(update)).toEqual([['a'], ['c']]);
  });

  it('converts AttributeUpdates', () => {
    const update = updateFromAttributeUpdates({
      s: { Action: 'PUT', Value: { S: 'v' } },
      n: { Action: 'ADD', Value: { N: '5' } },
      arr: { Action: 'ADD', Value: { L: [{ S: 'w' }] } },
      tags: { Action: 'DELETE', Value: { SS: ['a'] } },
      doc: { Action: 'DELETE' },
    });
    const { doc: _removed, ...rest } = item;
    expect(applyUpdate(update, item, ['id'])).toEqual({
      ...rest,
      s: { S: 'v' },
      n: { N: '15' },
      arr: { L: [{ S: 'x' }, { S: 'y' }, { S: 'z' }, { S: 'w' }] },
      tags: { SS: ['b'] },
    });
  });
});

/** [expression, values, DynamoDB's message] for parse-time errors. */
const parseErrors: [string, Record<string, AttributeValue>, string][] = [
  [
    'SET a = :v',
    {},
    'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v',
  ],
  [
    'SET a = :v, a.b = :v',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
  ],
  [
    'SET a[0] = :v, a.b = :v',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]',
  ],
  [
    'ADD a :v',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND',
  ],
  [
    'DELETE a :v',
    { ':v': { N: '1' } },
    'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND',
  ],
  [
    'SET a = :v + :w',
    { ':v': { S: 'x' }, ':w': { N: '1' } },
    'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
  ],
  [
    'SET a = list_append(a, :v)',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
  ],
  [
    'SET a = if_not_exists(:v, a)',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists',
  ],
  ['SET a = foo(a, :v)', { ':v': { S: 'x' } }, 'Invalid UpdateExpression: Invalid function name; function: foo'],
  [
    'SET a = size(b)',
    {},
    'Invalid UpdateExpression: The function is not allowed in an update expression; function: size',
  ],
  [
    'SET a = :v SET b = :v',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
  ],
  [
    'SET name = :v',
    { ':v': { S: 'x' } },
    'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name',
  ],
  ['SET a = :v +', { ':v': { N: '1' } }, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "+"'],
  ['ADD numx', {}, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "numx"'],
  ['SET a = :v,', { ':v': { N: '1' } }, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","'],
  [
    'SET #a = :v',
    { ':v': { N: '1' } },
    'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a',
  ],
];

describe('update errors', () => {
  it.each(parseErrors)('%s', (expression, vals, message) => {
    expect(validationMessage(() => parseUpdate(expression, scope(vals)))).toBe(message);
  });

  /** [expression, values, DynamoDB's runtime message]. */
  it.each([
    ['SET n = s + :one', 'An operand in the update expression has an incorrect data type'],
    ['SET arr = list_append(s, arr)', 'An operand in the update expression has an incorrect data type'],
    ['ADD s :one', 'An operand in the update expression has an incorrect data type'],
    ['DELETE n :ab', 'An operand in the update expression has an incorrect data type'],
    ['SET x = absent', 'The provided expression refers to an attribute that does not exist in the item'],
    ['SET absent.b = :one', 'The document path provided in the update expression is invalid for update'],
    ['SET s[0] = :one', 'The document path provided in the update expression is invalid for update'],
    [
      'SET id = :str',
      'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key',
    ],
    ['SET n = n + :big, big = :big', 'Attempting to store more than 38 significant digits in a Number'],
  ])('%s', (expression, message) => {
    const update = parseUpdate(expression, scope(values));
    expect(validationMessage(() => applyUpdate(update, item, ['id']))).toBe(message);
  });
});
