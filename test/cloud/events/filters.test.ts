/**
 * The FilterCriteria library, table-driven: (pattern, record, expected). The semantics follow
 * EventBridge's comparison operators (which Lambda's event filtering uses), checked against
 * responses recorded on AWS for the same pattern and event shapes, and Lambda's rules for SQS
 * bodies and Kinesis data that are (or are not) JSON.
 */
import { describe, expect, it } from 'vitest';
import { compileFilterCriteria, FilterPatternError } from '../../../src/cloud/events/filters/index.js';

type Case = [name: string, pattern: object, record: object, expected: boolean];

function matches(pattern: object | string, record: object): boolean {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  const filters = compileFilterCriteria([{ Pattern: text }]);
  if (!filters) throw new Error('no filters compiled');
  return filters.matches(record as Record<string, unknown>);
}

const detail = (fields: object) => ({ source: 'test', detail: fields });

const MATCHING: Case[] = [
  // Exact values: strings, numbers, booleans, null, the empty string.
  ['string equals', { a: ['x'] }, { a: 'x' }, true],
  ['string differs', { a: ['x'] }, { a: 'X' }, false],
  ['or within a field', { a: ['x', 'y'] }, { a: 'y' }, true],
  ['number equals (300 and 300.0 alike)', { n: [300] }, { n: 300.0 }, true],
  ['number against its string', { n: [300] }, { n: '300' }, false],
  ['boolean', { b: [false] }, { b: false }, true],
  ['boolean differs', { b: [false] }, { b: true }, false],
  ['null matches null', { a: [null] }, { a: null }, true],
  ['null does not match "null"', { a: [null] }, { a: 'null' }, false],
  ['null does not match a missing field', { a: [null] }, {}, false],
  ['empty string', { a: [''] }, { a: '' }, true],
  ['keys are case-sensitive', { A: ['x'] }, { a: 'x' }, false],
  ['and across fields', { a: ['x'], b: ['y'] }, { a: 'x', b: 'y' }, true],
  ['and across fields, one fails', { a: ['x'], b: ['y'] }, { a: 'x', b: 'z' }, false],
  ['unnamed fields are ignored', { a: ['x'] }, { a: 'x', other: 1 }, true],
  // Nesting, arrays, dots.
  ['nested', { d: { e: { f: ['v'] } } }, { d: { e: { f: 'v' } } }, true],
  ['nested field missing', { d: { e: ['v'] } }, { d: {} }, false],
  ['a leaf array in the record: any element', { r: ['b'] }, { r: ['a', 'b'] }, true],
  ['a leaf array in the record: none', { r: ['c'] }, { r: ['a', 'b'] }, false],
  ['an empty array in the record does not match null', { r: [null] }, { r: [] }, false],
  ['objects in an array', { list: { id: [{ exists: true }] } }, { list: [{ k: 1 }, { id: 'x' }] }, true],
  ['a string holding JSON is not looked into', { d: { k: ['v'] } }, { d: '{"k":"v"}' }, false],
  ['a dotted pattern key names a nested field', { 'd.e': ['v'] }, { d: { e: 'v' } }, true],
  ['a dotted record key matches nested pattern keys', { d: { e: ['v'] } }, { 'd.e': 'v' }, true],
  ['a pattern object on a leaf', { 'd.e': { x: ['v'] } }, { d: { e: 'v' } }, false],
  // prefix / suffix / equals-ignore-case / wildcard.
  ['prefix', { a: [{ prefix: 'us-' }] }, { a: 'us-east-1' }, true],
  ['prefix fails', { a: [{ prefix: 'us-' }] }, { a: 'eu-west-1' }, false],
  ['prefix on a number', { a: [{ prefix: '1' }] }, { a: 12 }, false],
  ['empty prefix', { a: [{ prefix: '' }] }, { a: 'x' }, true],
  ['prefix ignoring case', { a: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, { a: 'EvEnTbridge' }, true],
  ['suffix', { f: [{ suffix: '.png' }] }, { f: 'image.png' }, true],
  ['suffix is case-sensitive', { f: [{ suffix: '.PNG' }] }, { f: 'image.png' }, false],
  ['suffix ignoring case', { f: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { f: 'image.PNG' }, true],
  ['equals-ignore-case', { a: [{ 'equals-ignore-case': 'alice' }] }, { a: 'ALICE' }, true],
  ['equals-ignore-case in an array', { a: [{ 'equals-ignore-case': 'ec2 x' }] }, { a: ['EC2 X'] }, true],
  ['equals-ignore-case empty', { a: [{ 'equals-ignore-case': '' }] }, { a: 'value' }, false],
  ['wildcard', { p: [{ wildcard: '/Users/*/doc.txt' }] }, { p: '/Users/me/dir/doc.txt' }, true],
  ['wildcard fails', { p: [{ wildcard: '/Users/*/doc.txt' }] }, { p: '/Users/me/notdoc.txt.bak' }, false],
  ['wildcard matches nothing between', { p: [{ wildcard: 'a*b' }] }, { p: 'ab' }, true],
  ['wildcard escaped star', { p: [{ wildcard: 'a\\*b' }] }, { p: 'a*b' }, true],
  ['wildcard escaped star is literal', { p: [{ wildcard: 'a\\*b' }] }, { p: 'axb' }, false],
  ['wildcard regex characters are literal', { p: [{ wildcard: 'a.c*' }] }, { p: 'abc' }, false],
  ['wildcard empty', { p: [{ wildcard: '' }] }, { p: 'x' }, false],
  // anything-but.
  ['anything-but a string', { s: [{ 'anything-but': 'init' }] }, { s: 'pending' }, true],
  ['anything-but the same string', { s: [{ 'anything-but': 'init' }] }, { s: 'init' }, false],
  ['anything-but a list', { s: [{ 'anything-but': ['a', 'b'] }] }, { s: 'b' }, false],
  ['anything-but numbers', { n: [{ 'anything-but': [100, 200] }] }, { n: 999 }, true],
  ['anything-but a number', { n: [{ 'anything-but': 123 }] }, { n: 123 }, false],
  ['anything-but zero', { n: [{ 'anything-but': 0 }] }, { n: 789 }, true],
  ['anything-but with null in the record', { s: [{ 'anything-but': 'init' }] }, { s: null }, true],
  ['anything-but needs the field', { s: [{ 'anything-but': 'init' }] }, {}, false],
  ['anything-but prefix', { s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'post-init' }, true],
  ['anything-but prefix fails', { s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'init-x' }, false],
  ['anything-but prefix, a number', { s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 12 }, true],
  ['anything-but prefix list', { s: [{ 'anything-but': { prefix: ['init', 'post'] } }] }, { s: 'post-x' }, false],
  ['anything-but suffix', { f: [{ 'anything-but': { suffix: '.txt' } }] }, { f: 'f.txt.bak' }, true],
  ['anything-but suffix fails', { f: [{ 'anything-but': { suffix: '.txt' } }] }, { f: 'f.txt' }, false],
  ['anything-but ignoring case', { s: [{ 'anything-but': { 'equals-ignore-case': 'init' } }] }, { s: 'INIT' }, false],
  [
    'anything-but ignoring case, list',
    { s: [{ 'anything-but': { 'equals-ignore-case': ['a', 'stopped'] } }] },
    { s: 'pending' },
    true,
  ],
  ['anything-but wildcard', { p: [{ 'anything-but': { wildcard: '*/dir/*' } }] }, { p: 'dir/init/file' }, true],
  ['anything-but wildcard fails', { p: [{ 'anything-but': { wildcard: '*/init/*' } }] }, { p: 'dir/init/file' }, false],
  ['anything-but empty wildcard', { p: [{ 'anything-but': { wildcard: '' } }] }, { p: 'x' }, true],
  // numeric.
  ['numeric >', { n: [{ numeric: ['>', 100] }] }, { n: 101 }, true],
  ['numeric > at the bound', { n: [{ numeric: ['>', 100] }] }, { n: 100 }, false],
  ['numeric <', { n: [{ numeric: ['<', 100] }] }, { n: 99 }, true],
  ['numeric =', { n: [{ numeric: ['=', 301.8] }] }, { n: 3.018e2 }, true],
  ['numeric range', { n: [{ numeric: ['>=', 100, '<', 200] }] }, { n: 100 }, true],
  ['numeric range top', { n: [{ numeric: ['>=', 100, '<', 200] }] }, { n: 200 }, false],
  ['numeric int and float', { n: [{ numeric: ['>', 100] }] }, { n: 101.0 }, true],
  ['numeric on a string', { n: [{ numeric: ['>', 100] }] }, { n: '300' }, false],
  ['numeric on null', { n: [{ numeric: ['>', 100] }] }, { n: null }, false],
  // exists.
  ['exists', { s: [{ exists: true }] }, { s: 'x' }, true],
  ['exists with null', { s: [{ exists: true }] }, { s: null }, true],
  ['exists missing', { s: [{ exists: true }] }, { other: 'x' }, false],
  ['exists on an object is false', { d: [{ exists: true }] }, { d: { S: 'x' } }, false],
  ['exists on an empty array is false', { r: [{ exists: true }] }, { r: [] }, false],
  ['exists false', { a: { b: [{ exists: false }] } }, { a: { c: 1 } }, true],
  ['exists false when present', { a: { b: [{ exists: false }] } }, { a: { b: 1 } }, false],
  ['exists false when the parent is missing', { a: { b: { S: [{ exists: false }] } } }, { a: {} }, true],
  ['several matchers: any', { k: [{ exists: true }, { prefix: 'NO' }] }, { k: 'v' }, true],
  // cidr.
  ['cidr v4', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
  ['cidr v4 outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.1' }, false],
  ['cidr not an address', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.256' }, false],
  ['cidr v6', { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] }, { ip: '2001:0db8:1234:1a00:0000:0000:0000:0001' }, true],
  ['cidr v6 outside', { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] }, { ip: '2001:db8:123f:1a01::' }, false],
  // $or.
  [
    '$or: second branch',
    { d: { $or: [{ c: [{ numeric: ['>', 0] }] }, { e: [{ numeric: ['<', 10] }] }] } },
    { d: { c: 0, e: 0 } },
    true,
  ],
  [
    '$or: no branch',
    { d: { $or: [{ c: [{ numeric: ['>', 0] }] }, { e: [{ numeric: ['<', 10] }] }] } },
    { d: { c: 0, e: 10 } },
    false,
  ],
  ['$or with a common field', { k: ['v'], $or: [{ a: [1] }, { b: [2] }] }, { k: 'v', b: 2 }, true],
  ['$or with a common field failing', { k: ['v'], $or: [{ a: [1] }, { b: [2] }] }, { k: 'w', b: 2 }, false],
  // DynamoDB-shaped records (matched on `dynamodb` and `eventName` as they are).
  [
    'DynamoDB new image',
    { eventName: ['INSERT'], dynamodb: { NewImage: { n: { N: [{ 'anything-but': '101' }] } } } },
    { eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { NewImage: { n: { N: '42' } } } },
    true,
  ],
  [
    'DynamoDB event name',
    { eventName: ['REMOVE'] },
    { eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: {} },
    false,
  ],
  [
    'DynamoDB attribute of another type',
    { dynamodb: { NewImage: { h: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } },
    { eventSource: 'aws:dynamodb', dynamodb: { NewImage: { h: { N: '789' } } } },
    true,
  ],
  ['nested detail', { detail: { state: ['running'] } }, detail({ state: 'running' }), true],
];

describe('filter patterns', () => {
  it.each(MATCHING)('%s', (_name, pattern, record, expected) => {
    expect(matches(pattern, record)).toBe(expected);
  });
});

const sqs = (body: string) => ({
  messageId: 'm-1',
  body,
  attributes: { ApproximateReceiveCount: '1' },
  messageAttributes: {},
  eventSource: 'aws:sqs',
});

const kinesis = (data: string | object, partitionKey = 'pk') => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey,
    data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
  },
  eventSource: 'aws:kinesis',
  eventName: 'aws:kinesis:record',
});

const SOURCES: Case[] = [
  // SQS: Lambda compares the body's format with the pattern's and drops a mismatch.
  ['SQS JSON body, JSON pattern', { body: { k: ['v'] } }, sqs('{"k": "v"}'), true],
  ['SQS JSON body, JSON pattern, other value', { body: { k: ['v'] } }, sqs('{"k": "w"}'), false],
  ['SQS plain body, JSON pattern', { body: { k: ['v'] } }, sqs('k=v'), false],
  ['SQS plain body, plain pattern', { body: ['hello'] }, sqs('hello'), true],
  ['SQS plain body, prefix', { body: [{ prefix: 'hel' }] }, sqs('hello'), true],
  ['SQS JSON body, plain pattern', { body: ['{"k":"v"}'] }, sqs('{"k":"v"}'), false],
  ['SQS JSON array body', { body: { k: [1] } }, sqs('[{"k": 2}, {"k": 1}]'), true],
  ['SQS broken JSON is a plain body', { body: ['{"k"'] }, sqs('{"k"'), true],
  ['SQS numbers in the body', { body: { n: [{ numeric: ['>=', 100, '<', 200] }] } }, sqs('{"n": 150}'), true],
  ['SQS no body pattern', { messageId: ['m-1'] }, sqs('not json'), true],
  // Kinesis: `data` is decoded from base64 and matched as JSON; the record's fields are at the top.
  ['Kinesis JSON data', { data: { City: ['Seattle'] } }, kinesis({ City: 'Seattle' }), true],
  ['Kinesis JSON data, other value', { data: { City: ['Seattle'] } }, kinesis({ City: 'Paris' }), false],
  ['Kinesis data that is not JSON', { data: { City: ['Seattle'] } }, kinesis('Seattle'), false],
  [
    'Kinesis partition key and data',
    { partitionKey: ['1'], data: { t: [{ numeric: ['>', 50] }] } },
    kinesis({ t: 60 }, '1'),
    true,
  ],
  [
    'Kinesis partition key differs',
    { partitionKey: ['1'], data: { t: [{ numeric: ['>', 50] }] } },
    kinesis({ t: 60 }, '2'),
    false,
  ],
  ['Kinesis metadata under kinesis', { kinesis: { partitionKey: ['pk'] } }, kinesis({}), true],
];

describe('records of each source', () => {
  it.each(SOURCES)('%s', (_name, pattern, record, expected) => {
    expect(matches(pattern, record)).toBe(expected);
  });

  it('ORs the filters of a mapping, and has none without filters', () => {
    const filters = compileFilterCriteria([{ Pattern: '{"a":["x"]}' }, { Pattern: '{"b":["y"]}' }]);
    expect(filters?.matches({ b: 'y' })).toBe(true);
    expect(filters?.matches({ a: 'y' })).toBe(false);
    expect(compileFilterCriteria(undefined)).toBeUndefined();
    expect(compileFilterCriteria([])).toBeUndefined();
  });

  it('does not change the record it is given', () => {
    const record = sqs('{"k": "v"}');
    const before = structuredClone(record);
    matches({ body: { k: ['v'] } }, record);
    expect(record).toEqual(before);
  });
});

const INVALID: [name: string, pattern: string][] = [
  ['not JSON', 'not json'],
  ['a string', '"a string"'],
  ['an array', '[1]'],
  ['an empty pattern', '{}'],
  ['an empty nested object', '{"a": {}}'],
  ['a scalar value', '{"a": 1}'],
  ['a string value', '{"a": "x"}'],
  ['an empty array', '{"a": []}'],
  ['an unknown operator', '{"a": [{"prefixx": "x"}]}'],
  ['operators are case-sensitive', '{"a": [{"EXISTS": true}]}'],
  ['two operators in one expression', '{"a": [{"prefix": "x", "suffix": "y"}]}'],
  ['a nested array in a match', '{"a": [[1]]}'],
  ['exists not boolean', '{"a": [{"exists": "yes"}]}'],
  ['prefix a number', '{"a": [{"prefix": 123}]}'],
  ['prefix a list', '{"a": [{"prefix": ["x"]}]}'],
  ['suffix a number', '{"a": [{"suffix": 123}]}'],
  ['equals-ignore-case a list', '{"a": [{"equals-ignore-case": ["x"]}]}'],
  ['equals-ignore-case with prefix', '{"a": [{"equals-ignore-case": {"prefix": "x"}}]}'],
  ['numeric not an array', '{"a": [{"numeric": 10}]}'],
  ['numeric missing a value', '{"a": [{"numeric": [">", 0, "<"]}]}'],
  ['numeric two lower bounds', '{"a": [{"numeric": [">", 0, ">", 0]}]}'],
  ['numeric bounds reversed', '{"a": [{"numeric": [">", 10, "<", 5]}]}'],
  ['numeric unknown operator', '{"a": [{"numeric": ["!=", 5]}]}'],
  ['numeric a string operand', '{"a": [{"numeric": ["=", "5"]}]}'],
  ['anything-but null', '{"a": [{"anything-but": null}]}'],
  ['anything-but a list with null', '{"a": [{"anything-but": ["x", null]}]}'],
  ['anything-but an empty list', '{"a": [{"anything-but": []}]}'],
  ['anything-but empty prefix', '{"a": [{"anything-but": {"prefix": ""}}]}'],
  ['anything-but prefix a number', '{"a": [{"anything-but": {"prefix": 123}}]}'],
  ['anything-but prefix ignoring case', '{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}'],
  ['anything-but suffix list with a number', '{"a": [{"anything-but": {"suffix": [123, ".txt"]}}]}'],
  ['anything-but equals-ignore-case numbers', '{"a": [{"anything-but": {"equals-ignore-case": [1, 2]}}]}'],
  ['anything-but numeric', '{"a": [{"anything-but": {"numeric": [">", 1]}}]}'],
  ['wildcard a number', '{"a": [{"wildcard": 123}]}'],
  ['wildcard consecutive stars', '{"a": [{"wildcard": "a**b"}]}'],
  ['wildcard too complex', '{"a": [{"wildcard": "*:*:*:*:*:bus/*"}]}'],
  ['cidr not a CIDR', '{"a": [{"cidr": "bad-filter"}]}'],
  ['cidr bad address', '{"a": [{"cidr": "xx.11.xx/8"}]}'],
  ['cidr a list', '{"a": [{"cidr": ["10.0.0.0/8"]}]}'],
  ['$or with one branch', '{"$or": [{"a": ["x"]}]}'],
  ['$or not an array', '{"$or": {"a": ["x"]}}'],
];

describe('invalid patterns', () => {
  it.each(INVALID)('%s', (_name, pattern) => {
    expect(() => compileFilterCriteria([{ Pattern: pattern }])).toThrow(FilterPatternError);
  });
});
