/**
 * DynamoDB numbers: decimal, up to 38 significant digits, magnitudes 1E-130 to
 * 9.9999999999999999999999999999999999999E+125, exact (never JavaScript floats). A number is
 * held as a BigInt coefficient and a power-of-ten exponent.
 */
import { AwsError } from '../../../errors.js';

interface Decimal {
  /** The significant digits, without trailing zeros (0n for zero). */
  coefficient: bigint;
  /** value = coefficient * 10^exponent */
  exponent: number;
}

const NUMBER_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_DIGITS = 38;
const MAX_MAGNITUDE = 125;
const MIN_MAGNITUDE = -130;

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function parse(text: string): Decimal {
  const match = NUMBER_SYNTAX.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '') || text.length > 1000) {
    throw validation(
      text === ''
        ? 'The parameter cannot be converted to a numeric value'
        : `The parameter cannot be converted to a numeric value: ${text}`,
    );
  }
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  const exponent = Number(match[4] ?? '0') - fraction.length;
  if (digits === '') return { coefficient: 0n, exponent: 0 };
  return trim({ coefficient: BigInt(match[1] === '-' ? `-${digits}` : digits), exponent });
}

function trim(d: Decimal): Decimal {
  if (d.coefficient === 0n) return { coefficient: 0n, exponent: 0 };
  let { coefficient, exponent } = d;
  while (coefficient % 10n === 0n) {
    coefficient /= 10n;
    exponent += 1;
  }
  return { coefficient, exponent };
}

function digitCount(coefficient: bigint): number {
  return (coefficient < 0n ? -coefficient : coefficient).toString().length;
}

/** Throws AWS's texts for numbers it would not store. */
function check(d: Decimal): Decimal {
  if (d.coefficient === 0n) return d;
  const digits = digitCount(d.coefficient);
  const magnitude = d.exponent + digits - 1;
  if (magnitude > MAX_MAGNITUDE) {
    throw validation('Number overflow. Attempting to store a number with magnitude larger than supported range');
  }
  if (magnitude < MIN_MAGNITUDE) {
    throw validation('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  }
  if (digits > MAX_DIGITS) throw validation('Attempting to store more than 38 significant digits in a Number');
  return d;
}

/** Plain decimal notation, as DynamoDB returns numbers ("100", "0.001", "-1.5"). */
function format(d: Decimal): string {
  if (d.coefficient === 0n) return '0';
  const negative = d.coefficient < 0n;
  const digits = (negative ? -d.coefficient : d.coefficient).toString();
  let text: string;
  if (d.exponent >= 0) {
    text = digits + '0'.repeat(d.exponent);
  } else {
    const point = digits.length + d.exponent;
    text = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** Brings two decimals to a common exponent. */
function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [
    a.coefficient * 10n ** BigInt(a.exponent - exponent),
    b.coefficient * 10n ** BigInt(b.exponent - exponent),
    exponent,
  ];
}

/** Validates and normalises a number string as DynamoDB stores it ("1.50" -> "1.5", "1e2" -> "100"). */
export function normalizeNumber(text: string): string {
  return format(check(parse(text)));
}

export function compareNumbers(a: string, b: string): number {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addNumbers(a: string, b: string): string {
  const [x, y, exponent] = align(parse(a), parse(b));
  return format(check(trim({ coefficient: x + y, exponent })));
}

export function subtractNumbers(a: string, b: string): string {
  const [x, y, exponent] = align(parse(a), parse(b));
  return format(check(trim({ coefficient: x - y, exponent })));
}

/**
 * A byte string whose unsigned byte order equals numeric order, for index keys: one sign/class
 * byte, then (for non-zero numbers) the magnitude's exponent and its 38 digits, both inverted for
 * negatives so that larger magnitudes sort first.
 */
export function numberSortKey(n: string): Buffer {
  const d = parse(n);
  if (d.coefficient === 0n) return Buffer.from([0x80]);
  const negative = d.coefficient < 0n;
  const digits = (negative ? -d.coefficient : d.coefficient).toString();
  // Magnitudes range over -130..125: +130 maps them onto one byte (0..255).
  const magnitude = d.exponent + digits.length - 1 - MIN_MAGNITUDE;
  const padded = digits.padEnd(MAX_DIGITS, '0');
  const bytes = [negative ? 0x7f : 0x81, negative ? 255 - magnitude : magnitude];
  for (const ch of padded) {
    const digit = ch.charCodeAt(0) - 48;
    bytes.push(negative ? 9 - digit : digit);
  }
  return Buffer.from(bytes);
}

/** The significant digits and decimal exponent of a valid number, for item-size accounting. */
export function significantDigits(n: string): { digits: number; magnitude: number; negative: boolean } {
  const d = parse(n);
  if (d.coefficient === 0n) return { digits: 0, magnitude: 0, negative: false };
  const digits = digitCount(d.coefficient);
  return { digits, magnitude: d.exponent + digits - 1, negative: d.coefficient < 0n };
}
