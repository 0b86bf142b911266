/**
 * What every item operation does with its expression parameters before touching storage: the
 * rules on mixing expressions with the legacy parameters (AWS's wording), and turning either form
 * into the expressions library's Condition, Update and Projection.
 */
import type {
  AttributeValueUpdate,
  ConditionalOperator,
  ExpectedAttributeValue,
  Condition as LegacyCondition,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from './attribute-values.js';
import { validation } from './errors.js';
import {
  type Condition,
  conditionFromExpected,
  conditionFromFilter,
  ExpressionScope,
  type Projection,
  parseCondition,
  parseProjection,
  parseUpdate,
  projectionFromAttributesToGet,
  type Update,
  updateFromAttributeUpdates,
} from './expressions/index.js';

export interface ExpressionParameters {
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Record<string, AttributeValue> | undefined;
}

/**
 * Checks the mix of expression and legacy parameters. `expressions` and `legacy` are the member
 * names the operation takes, in AWS's order.
 */
export function checkExpressionParameters(params: ExpressionParameters, expressions: string[], legacy: string[]): void {
  const input = params as Record<string, unknown>;
  const used = expressions.filter((name) => input[name] !== undefined);
  if (used.length > 0) {
    const legacyUsed = legacy.filter((name) => input[name] !== undefined);
    if (legacyUsed.length > 0) {
      throw validation(
        `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacyUsed.join(', ')}} Expression parameters: {${used.join(', ')}}`,
      );
    }
  }
  if (input.ExpressionAttributeNames !== undefined && used.length === 0) {
    throw validation('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valueExpressions = expressions.filter((name) => name !== 'ProjectionExpression');
  if (
    input.ExpressionAttributeValues !== undefined &&
    valueExpressions.length > 0 &&
    valueExpressions.every((name) => input[name] === undefined)
  ) {
    throw validation(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(' and ')} ${valueExpressions.length > 1 ? 'are' : 'is'} null`,
    );
  }
}

export function scopeOf(input: ExpressionParameters): ExpressionScope {
  return new ExpressionScope({ names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues });
}

/** ConditionExpression, or the legacy Expected with ConditionalOperator. */
export function conditionOf(
  input: {
    ConditionExpression?: string | undefined;
    Expected?: Record<string, ExpectedAttributeValue> | undefined;
    ConditionalOperator?: ConditionalOperator | undefined;
  },
  scope: ExpressionScope,
): Condition | undefined {
  if (input.ConditionExpression !== undefined)
    return parseCondition(input.ConditionExpression, scope, 'ConditionExpression');
  if (input.Expected !== undefined) return conditionFromExpected(input.Expected, input.ConditionalOperator);
  return undefined;
}

/** FilterExpression, or the legacy QueryFilter/ScanFilter with ConditionalOperator. */
export function filterOf(
  input: { FilterExpression?: string | undefined; ConditionalOperator?: ConditionalOperator | undefined },
  legacy: Record<string, LegacyCondition> | undefined,
  scope: ExpressionScope,
): Condition | undefined {
  if (input.FilterExpression !== undefined) return parseCondition(input.FilterExpression, scope, 'FilterExpression');
  if (legacy !== undefined) return conditionFromFilter(legacy, input.ConditionalOperator);
  return undefined;
}

export function projectionOf(
  input: { ProjectionExpression?: string | undefined; AttributesToGet?: string[] | undefined },
  scope: ExpressionScope,
): Projection | undefined {
  if (input.ProjectionExpression !== undefined) return parseProjection(input.ProjectionExpression, scope);
  if (input.AttributesToGet !== undefined) {
    const duplicate = input.AttributesToGet.find((name, i) => input.AttributesToGet?.indexOf(name) !== i);
    if (duplicate !== undefined) {
      throw validation(`One or more parameter values were invalid: Duplicate value in attribute name: ${duplicate}`);
    }
    return projectionFromAttributesToGet(input.AttributesToGet);
  }
  return undefined;
}

export function updateOf(
  input: { UpdateExpression?: string | undefined; AttributeUpdates?: Record<string, AttributeValueUpdate> | undefined },
  scope: ExpressionScope,
): Update | undefined {
  if (input.UpdateExpression !== undefined) return parseUpdate(input.UpdateExpression, scope);
  if (input.AttributeUpdates !== undefined) return updateFromAttributeUpdates(input.AttributeUpdates);
  return undefined;
}
