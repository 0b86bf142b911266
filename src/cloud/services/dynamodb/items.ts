/** Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem. */
import type {
  DeleteItemInput,
  DeleteItemOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import type { Handler, RequestContext } from '../../service.js';
import type { Item } from './attribute-values.js';
import { consumedCapacity, readUnits, writeUnits } from './capacity.js';
import type { DynamoDbService } from './dynamodb-service.js';
import { conditionalCheckFailed } from './errors.js';
import { itemSize, project, validateItem } from './expressions/index.js';
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
      const outcome = applyWrite(service, writer, op);
      if (!outcome.ok) {
        throw conditionalCheckFailed(op.returnOnFailure && outcome.old ? outcome.old : undefined);
      }
      return outcome;
    });
  }

  function writeCapacity(
    input: { ReturnConsumedCapacity?: string | undefined },
    name: string,
    items: (Item | undefined)[],
  ) {
    const bytes = Math.max(0, ...items.map((i) => (i ? itemSize(i) : 0)));
    const capacity = consumedCapacity(input.ReturnConsumedCapacity as 'TOTAL', name, writeUnits(bytes), 'write');
    return capacity ? { ConsumedCapacity: capacity } : {};
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
      const outcome = writeOne(op);
      const attributes = returnedAttributes(input.ReturnValues, outcome);
      return {
        ...(attributes ? { Attributes: attributes } : {}),
        ...writeCapacity(input, op.table.row.name, [outcome.old, outcome.item]),
      };
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
      const outcome = writeOne(op);
      const attributes = returnedAttributes(input.ReturnValues, outcome, update);
      return {
        ...(attributes ? { Attributes: attributes } : {}),
        ...writeCapacity(input, op.table.row.name, [outcome.old, outcome.item]),
      };
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
      const outcome = writeOne(op);
      const attributes = returnedAttributes(input.ReturnValues, outcome);
      return {
        ...(attributes ? { Attributes: attributes } : {}),
        ...writeCapacity(input, op.table.row.name, [outcome.old]),
      };
    },
  };
}
