/** BatchGetItem and BatchWriteItem. */
import type {
  BatchGetItemInput,
  BatchGetItemOutput,
  BatchWriteItemInput,
  BatchWriteItemOutput,
  ConsumedCapacity,
  KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import type { Handler, RequestContext } from '../../service.js';
import type { Item } from './attribute-values.js';
import { consumedCapacity, readUnits, writeUnits } from './capacity.js';
import type { DynamoDbService } from './dynamodb-service.js';
import { validation } from './errors.js';
import { itemSize, project, validateItem } from './expressions/index.js';
import { applyWrite, type PreparedWrite, prepareKeyed, preparePut } from './item-operations.js';
import { checkKey } from './keys.js';
import { checkExpressionParameters, projectionOf, scopeOf } from './request-expressions.js';

const MAX_GET_KEYS = 100;
const MAX_WRITES = 25;
/** BatchGetItem returns at most 16 MB; the keys after that come back as UnprocessedKeys. */
const MAX_GET_BYTES = 16 * 1024 * 1024;

function duplicateKeys(): never {
  throw validation('Provided list of item keys contains duplicates');
}

function keyId(key: { hk: Buffer; rk: Buffer }): string {
  return `${key.hk.toString('hex')}/${key.rk.toString('hex')}`;
}

export function batchHandlers(service: DynamoDbService): Record<string, Handler> {
  return {
    BatchGetItem(input: BatchGetItemInput, ctx: RequestContext): BatchGetItemOutput {
      const requests = Object.entries(input.RequestItems ?? {});
      const total = requests.reduce((n, [, r]) => n + (r.Keys?.length ?? 0), 0);
      if (total > MAX_GET_KEYS) throw validation('Too many items requested for the BatchGetItem call');
      // Everything is checked before anything is read.
      const plans = requests.map(([tableName, request]) => {
        checkExpressionParameters(request, ['ProjectionExpression'], ['AttributesToGet']);
        const scope = scopeOf(request);
        const projection = projectionOf(request, scope);
        scope.assertAllUsed();
        const table = service.table(ctx, tableName);
        const seen = new Set<string>();
        const keys = (request.Keys ?? []).map((raw) => {
          const key = checkKey(table.definition, validateItem(raw));
          if (seen.has(keyId(key))) duplicateKeys();
          seen.add(keyId(key));
          return { raw, key };
        });
        return { tableName, request, table, projection, keys };
      });
      const responses: Record<string, Item[]> = {};
      const unprocessed: Record<string, KeysAndAttributes> = {};
      const capacities: ConsumedCapacity[] = [];
      let bytes = 0;
      for (const plan of plans) {
        const items: Item[] = [];
        let units = 0;
        for (const { raw, key } of plan.keys) {
          if (bytes >= MAX_GET_BYTES) {
            const { Keys: _keys, ...rest } = plan.request;
            unprocessed[plan.tableName] ??= { ...rest, Keys: [] };
            unprocessed[plan.tableName]?.Keys?.push(raw);
            continue;
          }
          const item = service.readItem(plan.table, key);
          const size = item ? itemSize(item) : 0;
          units += readUnits(size, plan.request.ConsistentRead === true);
          bytes += size;
          if (item) items.push(plan.projection ? project(item, plan.projection) : item);
        }
        responses[plan.tableName] = items;
        const capacity = consumedCapacity(input.ReturnConsumedCapacity, plan.table.row.name, units, 'read');
        if (capacity) capacities.push(capacity);
      }
      return {
        Responses: responses,
        UnprocessedKeys: unprocessed,
        ...(capacities.length > 0 ? { ConsumedCapacity: capacities } : {}),
      };
    },

    BatchWriteItem(input: BatchWriteItemInput, ctx: RequestContext): BatchWriteItemOutput {
      const requests = Object.entries(input.RequestItems ?? {});
      const total = requests.reduce((n, [, r]) => n + r.length, 0);
      if (total > MAX_WRITES) throw validation('Too many items requested for the BatchWriteItem call');
      const ops: PreparedWrite[] = [];
      for (const [tableName, writes] of requests) {
        const seen = new Set<string>();
        for (const write of writes) {
          if ((write.PutRequest === undefined) === (write.DeleteRequest === undefined)) {
            throw validation(
              'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
            );
          }
          const op = write.PutRequest
            ? preparePut(service, ctx, tableName, write.PutRequest.Item ?? {}, undefined, false)
            : prepareKeyed('delete', service, ctx, tableName, write.DeleteRequest?.Key, undefined, false);
          if (seen.has(keyId(op.key))) duplicateKeys();
          seen.add(keyId(op.key));
          ops.push(op);
        }
      }
      const units = new Map<string, number>();
      service.write((writer) => {
        for (const op of ops) {
          const outcome = applyWrite(writer, op, service.readItem(op.table, op.key));
          const size = Math.max(outcome.old ? itemSize(outcome.old) : 0, op.kind === 'put' ? itemSize(op.item) : 0);
          units.set(op.table.row.name, (units.get(op.table.row.name) ?? 0) + writeUnits(size));
        }
      });
      const capacities = [...units].flatMap(
        ([name, n]) => consumedCapacity(input.ReturnConsumedCapacity, name, n, 'write') ?? [],
      );
      return { UnprocessedItems: {}, ...(capacities.length > 0 ? { ConsumedCapacity: capacities } : {}) };
    },
  };
}
