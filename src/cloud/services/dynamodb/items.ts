/** Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem. */
import type {
  ConsumedCapacity,
  DeleteItemInput,
  DeleteItemOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  ReturnConsumedCapacity,
  ReturnValue,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import type { Handler, RequestContext } from '../../service.js';
import type { Item } from './attribute-values.js';
import { consumedCapacity, readUnits, writeUnits } from './capacity.js';
import type { DynamoDbService } from './dynamodb-service.js';
import { conditionalCheckFailed } from './errors.js';
import { itemSize, project, type Update, validateItem } from './expressions/index.js';
import {
  applyWrite,
  checkReturnValues,
  type PreparedWrite,
  prepareKeyed,
  preparePut,
  returnedAttributes,
  returnsOldOnFailure,
} from './item-operations.js';
import { checkKey } from './keys.js';
import { checkExpressionParameters, conditionOf, projectionOf, scopeOf, updateOf } from './request-expressions.js';

export function itemHandlers(service: DynamoDbService): Record<string, Handler> {
  /** Applies a single write; a failed condition is ConditionalCheckFailedException (with the item if asked). */
  function writeOne(op: PreparedWrite): { old: Item | undefined; item: Item | undefined } {
    return service.write((writer) => {
      const outcome = applyWrite(writer, op, service.readItem(op.table, op.key));
      if (!outcome.ok) {
        throw conditionalCheckFailed(op.returnOnFailure && outcome.old ? outcome.old : undefined);
      }
      return outcome;
    });
  }

  /** Applies the write and builds the output every single-item write returns: Attributes and ConsumedCapacity. */
  function writeOutput(
    input: { ReturnValues?: ReturnValue | undefined; ReturnConsumedCapacity?: ReturnConsumedCapacity | undefined },
    op: PreparedWrite,
    update?: Update,
  ): { Attributes?: Item; ConsumedCapacity?: ConsumedCapacity } {
    const outcome = writeOne(op);
    const attributes = returnedAttributes(input.ReturnValues, outcome, update);
    const bytes = Math.max(outcome.old ? itemSize(outcome.old) : 0, outcome.item ? itemSize(outcome.item) : 0);
    const capacity = consumedCapacity(input.ReturnConsumedCapacity, op.table.row.name, writeUnits(bytes), 'write');
    return {
      ...(attributes ? { Attributes: attributes } : {}),
      ...(capacity ? { ConsumedCapacity: capacity } : {}),
    };
  }

  return {
    PutItem(input: PutItemInput, ctx: RequestContext): PutItemOutput {
      checkExpressionParameters(input, ['ConditionExpression'], ['Expected']);
      checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
      const scope = scopeOf(input);
      const condition = conditionOf(input, scope);
      scope.assertAllUsed();
      const op = preparePut(
        service,
        ctx,
        input.TableName as string,
        input.Item ?? {},
        condition,
        returnsOldOnFailure(input.ReturnValuesOnConditionCheckFailure),
      );
      return writeOutput(input, op);
    },

    GetItem(input: GetItemInput, ctx: RequestContext): GetItemOutput {
      checkExpressionParameters(input, ['ProjectionExpression'], ['AttributesToGet']);
      const scope = scopeOf(input);
      const projection = projectionOf(input, scope);
      scope.assertAllUsed();
      const key = validateItem(input.Key ?? {});
      const table = service.table(ctx, input.TableName as string);
      const item = service.readItem(table, checkKey(table.definition, key));
      const capacity = consumedCapacity(
        input.ReturnConsumedCapacity,
        table.row.name,
        readUnits(item ? itemSize(item) : 0, input.ConsistentRead === true),
        'read',
      );
      return {
        ...(item ? { Item: projection ? project(item, projection) : item } : {}),
        ...(capacity ? { ConsumedCapacity: capacity } : {}),
      };
    },

    UpdateItem(input: UpdateItemInput, ctx: RequestContext): UpdateItemOutput {
      checkExpressionParameters(input, ['UpdateExpression', 'ConditionExpression'], ['AttributeUpdates', 'Expected']);
      const scope = scopeOf(input);
      const update = updateOf(input, scope);
      const condition = conditionOf(input, scope);
      scope.assertAllUsed();
      const op = prepareKeyed(
        'update',
        service,
        ctx,
        input.TableName as string,
        input.Key,
        condition,
        returnsOldOnFailure(input.ReturnValuesOnConditionCheckFailure),
        update,
      );
      return writeOutput(input, op, update);
    },

    DeleteItem(input: DeleteItemInput, ctx: RequestContext): DeleteItemOutput {
      checkExpressionParameters(input, ['ConditionExpression'], ['Expected']);
      checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
      const scope = scopeOf(input);
      const condition = conditionOf(input, scope);
      scope.assertAllUsed();
      const op = prepareKeyed(
        'delete',
        service,
        ctx,
        input.TableName as string,
        input.Key,
        condition,
        returnsOldOnFailure(input.ReturnValuesOnConditionCheckFailure),
      );
      return writeOutput(input, op);
    },
  };
}
