/**
 * Time to Live: UpdateTimeToLive / DescribeTimeToLive, and the sweep that deletes expired items.
 * Each item's expiry (the TTL attribute's epoch seconds) is kept in an indexed column, so a sweep
 * reads only what has expired. Deletes are the service's own: their stream REMOVE records carry
 * `userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }`, as on AWS.
 */
import type {
  DescribeTimeToLiveInput,
  DescribeTimeToLiveOutput,
  TimeToLiveSpecification,
  UpdateTimeToLiveInput,
  UpdateTimeToLiveOutput,
} from '@aws-sdk/client-dynamodb';
import type { Handler, RequestContext } from '../../service.js';
import { decodeItem } from './attribute-values.js';
import type { DynamoDbService } from './dynamodb-service.js';
import { validation } from './errors.js';
import { ItemWriter, TTL_IDENTITY } from './item-writer.js';

/** Items deleted per table per sweep, so one sweep never holds the database for long. */
const SWEEP_BATCH = 500;
/** Stream records are kept for 24 hours. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

export function ttlHandlers(service: DynamoDbService): Record<string, Handler> {
  const { state } = service;
  return {
    UpdateTimeToLive(input: UpdateTimeToLiveInput, ctx: RequestContext): UpdateTimeToLiveOutput {
      const spec: TimeToLiveSpecification = input.TimeToLiveSpecification ?? { Enabled: false, AttributeName: '' };
      const attribute = spec.AttributeName as string;
      state.transaction(() => {
        const table = service.table(ctx, input.TableName as string);
        const { row } = table;
        if (spec.Enabled) {
          if (row.ttl_enabled) throw validation('TimeToLive is already enabled');
          state.updateTable(row.id, { ttl_enabled: 1, ttl_attribute: attribute });
          const enabled = { ...row, ttl_enabled: 1, ttl_attribute: attribute };
          const writer = new ItemWriter(state, () => service.now());
          for (const item of [...state.allItems(row.id)]) {
            const expiry = writer.expiry(enabled, decodeItem(item.item));
            if (expiry !== null) state.setExpiry(row.id, item.hk, item.rk, expiry);
          }
        } else {
          if (!row.ttl_enabled) throw validation('TimeToLive is already disabled');
          if (row.ttl_attribute !== attribute) {
            throw validation(
              `TimeToLive is active on a different AttributeName: current AttributeName is ${row.ttl_attribute}`,
            );
          }
          state.updateTable(row.id, { ttl_enabled: 0 });
          state.clearExpiries(row.id);
        }
      });
      return { TimeToLiveSpecification: { Enabled: spec.Enabled === true, AttributeName: attribute } };
    },

    DescribeTimeToLive(input: DescribeTimeToLiveInput, ctx: RequestContext): DescribeTimeToLiveOutput {
      const { row } = service.describeTarget(ctx, input.TableName as string);
      return {
        TimeToLiveDescription: row.ttl_enabled
          ? { TimeToLiveStatus: 'ENABLED', AttributeName: row.ttl_attribute as string }
          : { TimeToLiveStatus: 'DISABLED' },
      };
    },
  };
}

/** One pass: expired items deleted (with their stream records), stream records past retention trimmed. */
export function sweep(service: DynamoDbService): void {
  const { state } = service;
  const nowSeconds = Math.floor(service.now() / 1000);
  for (const row of state.tablesWithTtl()) {
    const table = service.load(row);
    const expired = state.expiredItems(row.id, nowSeconds, SWEEP_BATCH);
    if (expired.length === 0) continue;
    service.write((writer) => {
      for (const item of expired)
        writer.remove(table, { hk: item.hk, rk: item.rk }, decodeItem(item.item), TTL_IDENTITY);
    });
  }
  state.transaction(() => state.trimStreams(service.now() - STREAM_RETENTION_MS));
}
