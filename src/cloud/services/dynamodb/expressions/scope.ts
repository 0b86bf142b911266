/**
 * What one request supplies to all of its expressions: ExpressionAttributeNames and
 * ExpressionAttributeValues, validated up front, with a record of which ones the expressions use
 * (DynamoDB rejects unused ones once every expression is parsed).
 */
import type { AttributeValue } from './attribute-value.js';
import { validationError } from './errors.js';
import { validateValue } from './validate-value.js';

export interface ExpressionContext {
  /** ExpressionAttributeNames */
  names: Record<string, string> | undefined;
  /** ExpressionAttributeValues */
  values: Record<string, AttributeValue> | undefined;
}

const NAME_KEY = /^#[0-9A-Za-z_]+$/;
const VALUE_KEY = /^:[0-9A-Za-z_]+$/;

export class ExpressionScope {
  private readonly names: Record<string, string>;
  private readonly values: Record<string, AttributeValue>;
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  /** Throws DynamoDB's texts for empty maps, malformed keys and invalid values. */
  constructor(ctx: ExpressionContext) {
    if (ctx.names !== undefined) {
      const keys = Object.keys(ctx.names);
      if (keys.length === 0) throw validationError('ExpressionAttributeNames must not be empty');
      const bad = keys.find((key) => !NAME_KEY.test(key));
      if (bad !== undefined) {
        throw validationError(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${bad}"`);
      }
    }
    const values: Record<string, AttributeValue> = {};
    if (ctx.values !== undefined) {
      const keys = Object.keys(ctx.values);
      if (keys.length === 0) throw validationError('ExpressionAttributeValues must not be empty');
      const bad = keys.find((key) => !VALUE_KEY.test(key));
      if (bad !== undefined) {
        throw validationError(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${bad}"`);
      }
      for (const [key, value] of Object.entries(ctx.values)) {
        try {
          values[key] = validateValue(value);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw validationError(`ExpressionAttributeValues contains invalid value: ${message} for key ${key}`);
        }
      }
    }
    this.names = { ...ctx.names };
    this.values = values;
  }

  /** The attribute name behind `#placeholder` (marking it used), or undefined when not supplied. */
  name(placeholder: string): string | undefined {
    if (!Object.hasOwn(this.names, placeholder)) return undefined;
    this.usedNames.add(placeholder);
    return this.names[placeholder];
  }

  /** The value behind `:placeholder` (marking it used), or undefined when not supplied. */
  value(placeholder: string): AttributeValue | undefined {
    if (!Object.hasOwn(this.values, placeholder)) return undefined;
    this.usedValues.add(placeholder);
    return this.values[placeholder];
  }

  /** Call after parsing every expression of the request. */
  assertAllUsed(): void {
    const unusedNames = Object.keys(this.names).filter((key) => !this.usedNames.has(key));
    if (unusedNames.length > 0) {
      throw validationError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
    const unusedValues = Object.keys(this.values).filter((key) => !this.usedValues.has(key));
    if (unusedValues.length > 0) {
      throw validationError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
  }
}
