import { describe, expect, it } from 'vitest';
import {
  addNumbers,
  compareNumbers,
  normalizeNumber,
  numberSortKey,
  subtractNumbers,
} from '../../../../src/cloud/services/dynamodb/expressions/index.js';
import { validationMessage } from './helpers.js';

const MAX = '9.9999999999999999999999999999999999999E+125';
const OVERFLOW = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
const UNDERFLOW = 'Number underflow. Attempting to store a number with magnitude smaller than supported range';
const TOO_PRECISE = 'Attempting to store more than 38 significant digits in a Number';

describe('normalizeNumber', () => {
  it.each([
    ['1.50', '1.5'],
    ['-0', '0'],
    ['0.000', '0'],
    ['1e2', '100'],
    ['+7', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['00012.3400', '12.34'],
    ['-1E-3', '-0.001'],
    ['1E-130', `0.${'0'.repeat(129)}1`],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['1234567890123456789012345678901234567800000', '1234567890123456789012345678901234567800000'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeNumber(input)).toBe(expected);
  });

  it('stores the largest and smallest magnitudes', () => {
    expect(normalizeNumber(MAX)).toBe(`99999999999999999999999999999999999999${'0'.repeat(88)}`);
    expect(normalizeNumber('-1E-130')).toBe(`-0.${'0'.repeat(129)}1`);
  });

  it.each([
    ['1E126', OVERFLOW],
    ['-1e126', OVERFLOW],
    ['1e-131', UNDERFLOW],
    ['-1e-131', UNDERFLOW],
    ['123456789012345678901234567890123456789', TOO_PRECISE],
    ['1.23456789012345678901234567890123456789', TOO_PRECISE],
    ['abc', 'The parameter cannot be converted to a numeric value: abc'],
    ['1e', 'The parameter cannot be converted to a numeric value: 1e'],
    ['', 'The parameter cannot be converted to a numeric value'],
    ['.', 'The parameter cannot be converted to a numeric value: .'],
  ])('rejects %s', (input, message) => {
    expect(validationMessage(() => normalizeNumber(input))).toBe(message);
  });
});

describe('arithmetic and order at 38 digits', () => {
  it.each([
    ['0.1', '0.2', '0.3'],
    ['99999999999999999999999999999999999998', '1', '99999999999999999999999999999999999999'],
    ['99999999999999999999999999999999999999', '1', '100000000000000000000000000000000000000'],
    ['1E+37', '1E+37', '20000000000000000000000000000000000000'],
    [
      '0.0000000000000000000000000000000000001',
      '0.0000000000000000000000000000000000001',
      '0.0000000000000000000000000000000000002',
    ],
    ['-5', '5', '0'],
  ])('%s + %s = %s', (a, b, sum) => {
    expect(addNumbers(a, b)).toBe(sum);
  });

  it('subtracts exactly', () => {
    expect(subtractNumbers('1E-37', '1E-38')).toBe('0.00000000000000000000000000000000000009');
    expect(subtractNumbers('0.3', '0.1')).toBe('0.2');
  });

  it('rejects results outside the range or precision', () => {
    expect(validationMessage(() => addNumbers(MAX, '1E+125'))).toBe(OVERFLOW);
    expect(validationMessage(() => addNumbers('1E-130', '-0.5E-130'))).toBe(UNDERFLOW);
    expect(validationMessage(() => addNumbers('1E+37', '0.1'))).toBe(TOO_PRECISE);
  });

  it('compares beyond float precision', () => {
    expect(compareNumbers('12345678901234567890123456789012345678', '12345678901234567890123456789012345679')).toBe(-1);
    expect(compareNumbers('1.0', '1')).toBe(0);
    expect(compareNumbers('-1E-130', '1E-130')).toBe(-1);
    expect(compareNumbers('1E125', '9E124')).toBe(1);
  });

  it('sort keys order like the numbers', () => {
    const numbers = [
      `-${MAX}`,
      '-1E100',
      '-10',
      '-9.5',
      '-1',
      '-0.5',
      '-1E-130',
      '0',
      '1E-130',
      '0.5',
      '1',
      '1.5',
      '9.99',
      '10',
      '12345678901234567890123456789012345678',
      '12345678901234567890123456789012345679',
      MAX,
    ];
    const shuffled = [...numbers].reverse();
    shuffled.sort((a, b) => Buffer.compare(numberSortKey(a), numberSortKey(b)));
    expect(shuffled).toEqual(numbers);
    expect(numberSortKey('1.50').equals(numberSortKey('1.5'))).toBe(true);
  });
});
