/**
 * Opening and closing a table's stream. Each enable creates a new stream with a new label (an
 * ISO-8601 time with milliseconds, as AWS formats it); disabling closes it, giving its shard an
 * EndingSequenceNumber. A stream has one shard here (AWS splits shards as throughput grows; one
 * shard is a valid shape of the same API).
 */
import { randomBytes } from 'node:crypto';
import type { StreamViewType } from '@aws-sdk/client-dynamodb';
import type { DynamoDbState, TableRow } from '../state.js';
import { keySchemaOf, type TableDefinition } from '../table-model.js';

/** `2015-05-20T20:51:10.252`: the ISO time without the zone, as in AWS's stream ARNs. */
export function streamLabel(at: number): string {
  return new Date(at).toISOString().slice(0, -1);
}

export function streamArnOf(tableArn: string, label: string): string {
  return `${tableArn}/stream/${label}`;
}

export function openStream(
  state: DynamoDbState,
  table: TableRow,
  tableArn: string,
  definition: TableDefinition,
  viewType: StreamViewType,
  now: number,
  transitionMs: number,
): number {
  // Two enables in the same millisecond would share a label; the later one takes the next one.
  let at = now;
  while (state.getStream(streamArnOf(tableArn, streamLabel(at)))) at++;
  const label = streamLabel(at);
  return state.insertStream({
    arn: streamArnOf(tableArn, label),
    account_id: table.account_id,
    region: table.region,
    table_name: table.name,
    table_arn: tableArn,
    label,
    view_type: viewType,
    key_schema: JSON.stringify(keySchemaOf(definition.key)),
    shard_id: `shardId-${String(at).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
    created_at: at,
    enabled_at: at + transitionMs,
  });
}
