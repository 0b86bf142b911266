/**
 * DynamoDB's expression language and value semantics, as a pure library (no I/O).
 *
 * Final API (what the DynamoDB handlers use):
 *
 * - Values: `AttributeValue` / `Item` are the SDK's types (Buffers for binaries).
 *   `validateValue(v)` / `validateItem(item)` check request values with AWS's texts and return
 *   them normalised (numbers canonical: "1.50" -> "1.5"). `valuesEqual`, `compareValues`
 *   (S by UTF-8 bytes, N numerically, B by bytes; undefined across types), `itemSize` (bytes as
 *   AWS counts them; the caller enforces 400 KB).
 * - Numbers: `normalizeNumber`, `compareNumbers`, `addNumbers`, `subtractNumbers` (exact, 38
 *   digits, AWS's overflow/underflow texts), `numberSortKey` (bytes ordered like the numbers).
 * - `new ExpressionScope({ names, values })` validates ExpressionAttributeNames/Values (empty maps,
 *   key syntax, values); parse every expression of the request with it, then `scope.assertAllUsed()`.
 *   Parse in AWS's order: UpdateExpression, ConditionExpression, KeyConditionExpression,
 *   FilterExpression, ProjectionExpression (the first error wins).
 * - `parseCondition(text, scope, 'ConditionExpression' | 'FilterExpression')` ->
 *   `evaluateCondition(condition, item | undefined)`: false means ConditionalCheckFailed (the
 *   caller's error).
 * - `parseUpdate(text, scope)` -> `applyUpdate(update, item | undefined, keyNames)` returns the new
 *   item (runtime errors thrown as ValidationException); `updatedPaths(update)` lists the
 *   document paths written (path[0] is the top-level attribute, for UPDATED_OLD/UPDATED_NEW).
 * - `parseProjection(text, scope)` -> `project(item, projection)`.
 * - `parseKeyCondition(text, scope, { hash, range })` -> `KeyCondition` (hash value, optional range
 *   operator and values). The caller checks value types against the key schema ("One or more
 *   parameter values were invalid: Condition parameter type does not match schema type").
 * - Legacy: `conditionFromExpected`, `conditionFromFilter`, `keyConditionFromLegacy`,
 *   `updateFromAttributeUpdates`, `projectionFromAttributesToGet` build the same ASTs.
 *
 * Every error is `AwsError('ValidationException', <AWS's text>)`.
 */
export { applyUpdate } from './apply-update.js';
export type { AttributeValue, Item } from './attribute-value.js';
export { compareValues, valuesEqual } from './compare.js';
export type { Condition } from './condition.js';
export type { Path } from './document-path.js';
export { evaluateCondition } from './evaluate.js';
export { itemSize } from './item-size.js';
export { type KeyCondition, type KeyOperator, type KeySchemaNames, parseKeyCondition } from './key-condition.js';
export {
  conditionFromExpected,
  conditionFromFilter,
  keyConditionFromLegacy,
  updateFromAttributeUpdates,
} from './legacy.js';
export { addNumbers, compareNumbers, normalizeNumber, numberSortKey, subtractNumbers } from './numbers.js';
export { type Projection, parseProjection, project, projectionFromAttributesToGet } from './projection.js';
export { type ExpressionContext, ExpressionScope } from './scope.js';
export { parseUpdate, type Update, updatedPaths } from './update.js';
export { validateItem, validateValue } from './validate-value.js';

import { type Condition, parseCondition as parseAnyCondition } from './condition.js';
import type { ExpressionScope } from './scope.js';

/** ConditionExpression or FilterExpression (KeyConditionExpression has parseKeyCondition). */
export function parseCondition(
  expression: string,
  scope: ExpressionScope,
  kind: 'ConditionExpression' | 'FilterExpression',
): Condition {
  return parseAnyCondition(expression, scope, kind);
}
