/** Shared fixtures for the expression-library tables. */
import { expect } from 'vitest';
import { AwsError } from '../../../../src/cloud/errors.js';
import { type AttributeValue, ExpressionScope } from '../../../../src/cloud/services/dynamodb/expressions/index.js';

export function scope(
  values: Record<string, AttributeValue> = {},
  names: Record<string, string> = {},
): ExpressionScope {
  return new ExpressionScope({
    names: Object.keys(names).length > 0 ? names : undefined,
    values: Object.keys(values).length > 0 ? values : undefined,
  });
}

/** Runs `fn` and returns the ValidationException message it threw. */
export function validationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).code).toBe('ValidationException');
    return (error as AwsError).message;
  }
  throw new Error('expected a ValidationException');
}
