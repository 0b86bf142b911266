/**
 * Checking a mapping's filter patterns when it is created or updated (matching them is the
 * pollers' part). A pattern is EventBridge's pattern language as Lambda's event filtering guide
 * describes it: a JSON object whose leaves are arrays of values or of comparison operators
 * (prefix, suffix, anything-but, numeric, exists, equals-ignore-case, wildcard, cidr) and whose
 * `$or` is an array of such objects. Anything else is "Invalid filter pattern definition."
 */
import type { Filter } from '@aws-sdk/client-lambda';
import { MappingErrors } from './errors.js';
import { MAPPING_LIMITS } from './limits.js';

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'equals-ignore-case',
  'wildcard',
  'cidr',
]);
const NUMERIC_COMPARISONS = new Set(['<', '<=', '=', '>', '>=']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function validOperator(operator: Record<string, Json>): boolean {
  const entries = Object.entries(operator);
  if (entries.length !== 1) return false;
  const [name, argument] = entries[0] as [string, Json];
  if (!OPERATORS.has(name)) return false;
  switch (name) {
    case 'exists':
      return typeof argument === 'boolean';
    case 'numeric': {
      if (!Array.isArray(argument) || argument.length === 0 || argument.length % 2 !== 0) return false;
      for (let i = 0; i < argument.length; i += 2) {
        if (!NUMERIC_COMPARISONS.has(String(argument[i])) || typeof argument[i + 1] !== 'number') return false;
      }
      return true;
    }
    case 'anything-but':
      return (
        isScalar(argument) ||
        (Array.isArray(argument) && argument.length > 0 && argument.every(isScalar)) ||
        (isObject(argument) && validOperator(argument))
      );
    case 'prefix':
    case 'suffix':
      return typeof argument === 'string' || (isObject(argument) && validOperator(argument));
    default:
      return typeof argument === 'string';
  }
}

function validMatchers(values: Json[]): boolean {
  return values.every((v) => isScalar(v) || (isObject(v) && validOperator(v)));
}

function validPattern(pattern: Record<string, Json>): boolean {
  const entries = Object.entries(pattern);
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => {
    if (key === '$or') {
      return Array.isArray(value) && value.length >= 2 && value.every((v) => isObject(v) && validPattern(v));
    }
    if (Array.isArray(value)) return validMatchers(value);
    return isObject(value) && validPattern(value);
  });
}

/** Throws AWS's InvalidParameterValueException for more filters than the quota or a pattern that is not one. */
export function checkFilters(filters: Filter[]): void {
  if (filters.length > MAPPING_LIMITS.filtersPerMapping) {
    throw MappingErrors.tooManyFilters(filters.length, MAPPING_LIMITS.filtersPerMapping);
  }
  for (const filter of filters) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(filter.Pattern ?? '');
    } catch {
      throw MappingErrors.invalidFilterPattern();
    }
    if (!isObject(parsed) || !validPattern(parsed)) throw MappingErrors.invalidFilterPattern();
  }
}
