/**
 * TransactWriteItems and TransactGetItems: all-or-nothing in one SQLite transaction. Every
 * condition is evaluated against the state before the transaction; if any fails, nothing is
 * written and TransactionCanceledException lists a reason per action, in AWS's shape. A
 * ClientRequestToken makes a write idempotent for ten minutes.
 */
import { createHash } from 'node:crypto';
import type {
  TransactGetItemsInput,
  TransactGetItemsOutput,
  TransactWriteItemsInput,
  TransactWriteItemsOutput,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import type { Item } from './attribute-values.js';
import type { DynamoDbService } from './dynamodb-service.js';
import { validation } from './errors.js';
import { evaluateCondition, project, validateItem } from './expressions/index.js';
import { applyWrite, type PreparedWrite, prepareKeyed, preparePut, returnsOldOnFailure } from './item-operations.js';
import { checkKey } from './keys.js';
import { checkExpressionParameters, conditionOf, projectionOf, scopeOf, updateOf } from './request-expressions.js';

const TOKEN_WINDOW_MS = 10 * 60 * 1000;

/** A CancellationReason (serialized by the error's shape, binary values included). */
type Reason = { Code: string; Message?: string; Item?: Item };

function cancelled(reasons: Reason[]): AwsError {
  return new AwsError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    400,
    { CancellationReasons: reasons },
  );
}

function multipleOperations(): AwsError {
  return validation('Transaction request cannot include multiple operations on one item');
}

function targetId(op: { table: { row: { id: number } }; key: { hk: Buffer; rk: Buffer } }): string {
  return `${op.table.row.id}/${op.key.hk.toString('hex')}/${op.key.rk.toString('hex')}`;
}

/** A stable digest of the request's parameters, for ClientRequestToken reuse checks. */
function requestDigest(input: TransactWriteItemsInput): string {
  const canonical = JSON.stringify(input.TransactItems, (_key, value: unknown) =>
    Buffer.isBuffer(value) ? value.toString('base64') : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

export function transactionHandlers(service: DynamoDbService): Record<string, Handler> {
  const { state } = service;

  function prepare(ctx: RequestContext, input: TransactWriteItemsInput): PreparedWrite[] {
    const seen = new Set<string>();
    return (input.TransactItems ?? []).map((action) => {
      const parts = [action.ConditionCheck, action.Put, action.Update, action.Delete].filter((p) => p !== undefined);
      if (parts.length !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
      let op: PreparedWrite;
      if (action.Put) {
        const put = action.Put;
        checkExpressionParameters(put, ['ConditionExpression'], []);
        const scope = scopeOf(put);
        const condition = conditionOf(put, scope);
        scope.assertAllUsed();
        op = preparePut(
          service,
          ctx,
          put.TableName as string,
          put.Item ?? {},
          condition,
          returnsOldOnFailure(put.ReturnValuesOnConditionCheckFailure),
        );
      } else if (action.Update) {
        const update = action.Update;
        checkExpressionParameters(update, ['UpdateExpression', 'ConditionExpression'], []);
        const scope = scopeOf(update);
        const parsed = updateOf(update, scope);
        const condition = conditionOf(update, scope);
        scope.assertAllUsed();
        op = prepareKeyed(
          'update',
          service,
          ctx,
          update.TableName as string,
          update.Key,
          condition,
          returnsOldOnFailure(update.ReturnValuesOnConditionCheckFailure),
          parsed,
        );
      } else {
        const keyed = (action.Delete ?? action.ConditionCheck) as NonNullable<typeof action.Delete>;
        checkExpressionParameters(keyed, ['ConditionExpression'], []);
        const scope = scopeOf(keyed);
        const condition = conditionOf(keyed, scope);
        scope.assertAllUsed();
        if (action.ConditionCheck && condition === undefined) {
          throw validation('The ConditionCheck request must have a ConditionExpression');
        }
        op = prepareKeyed(
          action.Delete ? 'delete' : 'check',
          service,
          ctx,
          keyed.TableName as string,
          keyed.Key,
          condition,
          returnsOldOnFailure(keyed.ReturnValuesOnConditionCheckFailure),
        );
      }
      if (seen.has(targetId(op))) throw multipleOperations();
      seen.add(targetId(op));
      return op;
    });
  }

  return {
    TransactWriteItems(input: TransactWriteItemsInput, ctx: RequestContext): TransactWriteItemsOutput {
      const ops = prepare(ctx, input);
      const token = input.ClientRequestToken;
      const digest = token !== undefined ? requestDigest(input) : '';
      const now = service.now();
      service.write((writer) => {
        if (token !== undefined) {
          state.trimTransactionTokens(now - TOKEN_WINDOW_MS);
          const previous = state.transactionToken(ctx.accountId, ctx.region, token, now - TOKEN_WINDOW_MS);
          if (previous !== undefined) {
            if (previous !== digest) {
              throw new AwsError(
                'IdempotentParameterMismatchException',
                'The request uses the same client token as a previous, but non-identical request.',
              );
            }
            return; // Already applied: the same request within the window succeeds without writing again.
          }
        }
        // Conditions first, against the state before any of the transaction's writes.
        // Each item is the target of one action only, so what is read here is what its write replaces.
        const olds = ops.map((op) => service.readItem(op.table, op.key));
        const reasons: Reason[] = ops.map((op, i) => {
          const old = olds[i];
          if (!op.condition || evaluateCondition(op.condition, old)) return { Code: 'None' };
          return {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            ...(op.returnOnFailure && old ? { Item: old } : {}),
          };
        });
        if (reasons.some((r) => r.Code !== 'None')) throw cancelled(reasons);
        ops.forEach((op, i) => {
          try {
            applyWrite(writer, op, olds[i]);
          } catch (error) {
            if (error instanceof AwsError && error.code === 'ValidationException') {
              throw cancelled(
                ops.map((_, j) => (j === i ? { Code: 'ValidationError', Message: error.message } : { Code: 'None' })),
              );
            }
            throw error;
          }
        });
        if (token !== undefined) state.saveTransactionToken(ctx.accountId, ctx.region, token, digest, now);
      });
      return {};
    },

    TransactGetItems(input: TransactGetItemsInput, ctx: RequestContext): TransactGetItemsOutput {
      const seen = new Set<string>();
      const gets = (input.TransactItems ?? []).map((action) => {
        const get = action.Get;
        if (!get) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
        checkExpressionParameters(get, ['ProjectionExpression'], []);
        const scope = scopeOf(get);
        const projection = projectionOf(get, scope);
        scope.assertAllUsed();
        const table = service.table(ctx, get.TableName as string);
        const key = checkKey(table.definition, validateItem(get.Key ?? {}));
        const id = targetId({ table, key });
        if (seen.has(id)) throw multipleOperations();
        seen.add(id);
        return { table, key, projection };
      });
      // One read transaction: every item as of the same moment.
      const items = state.transaction(() => gets.map((g) => service.readItem(g.table, g.key)));
      return {
        Responses: items.map((item: Item | undefined, i) => {
          const projection = gets[i]?.projection;
          return item ? { Item: projection ? project(item, projection) : item } : {};
        }),
      };
    },
  };
}
