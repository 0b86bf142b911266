/**
 * Query and Scan: reading a table or a secondary index in key order, a page at a time (Limit
 * items evaluated or 1 MB read, whichever comes first), filtering after the read as AWS does (so
 * Count <= ScannedCount), and LastEvaluatedKey carrying the index's key as well as the table's.
 */
import type { AttributeValue, QueryInput, QueryOutput, ScanInput, ScanOutput, Select } from '@aws-sdk/client-dynamodb';
import type { Handler, RequestContext } from '../../service.js';
import { decodeItem, type Item, pick, typeOf } from './attribute-values.js';
import { consumedCapacity, readUnits } from './capacity.js';
import type { DynamoDbService, LoadedTable } from './dynamodb-service.js';
import { invalidParameter, validation } from './errors.js';
import {
  type Condition,
  evaluateCondition,
  type KeyCondition,
  keyConditionFromLegacy,
  type Projection,
  parseKeyCondition,
  project,
  validateItem,
} from './expressions/index.js';
import { checkKey, encodeKey, encodeKeyValue, prefixEnd } from './keys.js';
import { checkExpressionParameters, filterOf, projectionOf, scopeOf } from './request-expressions.js';
import type { KeyRange, RangeScan } from './state.js';
import { attributeType, findIndex, type IndexDefinition, type KeyNames, keyList } from './table-model.js';

const PAGE_BYTES = 1024 * 1024;

/** What is read: the table, or one of its indexes. */
interface Source {
  table: LoadedTable;
  index: (IndexDefinition & { kind: 'GSI' | 'LSI' }) | undefined;
  /** The key the source is ordered by. */
  key: KeyNames;
  /** The attributes the index projects, or undefined when items are read whole (a table, or ProjectionType ALL). */
  projected: string[] | undefined;
}

function sourceOf(
  service: DynamoDbService,
  ctx: RequestContext,
  tableName: string,
  indexName: string | undefined,
  consistent: boolean | undefined,
): Source {
  const table = service.table(ctx, tableName);
  if (indexName === undefined) return { table, index: undefined, key: table.definition.key, projected: undefined };
  const index = findIndex(table.definition, indexName);
  if (!index) throw validation(`The table does not have the specified index: ${indexName}`);
  if (index.kind === 'GSI' && consistent)
    throw validation('Consistent reads are not supported on global secondary indexes');
  const projected =
    index.projection.ProjectionType === 'ALL'
      ? undefined
      : [...keyList(table.definition.key), ...keyList(index.key), ...(index.projection.NonKeyAttributes ?? [])];
  return { table, index, key: index.key, projected };
}

/** The attributes an index holds for an item (its projection). */
function indexImage(source: Source, item: Item): Item {
  return source.projected ? pick(item, source.projected) : item;
}

function checkSelect(source: Source, select: Select | undefined, projection: Projection | undefined): Select {
  const { index } = source;
  if (select === 'ALL_ATTRIBUTES' && index?.kind === 'GSI' && index.projection.ProjectionType !== 'ALL') {
    throw invalidParameter(
      `Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`,
    );
  }
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && !index) {
    throw invalidParameter('Select type ALL_PROJECTED_ATTRIBUTES is not supported for a table query');
  }
  if (select === 'SPECIFIC_ATTRIBUTES' && !projection) {
    throw invalidParameter('Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet');
  }
  if (projection && select !== undefined && select !== 'SPECIFIC_ATTRIBUTES') {
    throw validation(`Cannot specify the ProjectionExpression when choosing to get ${select}`);
  }
  if (select !== undefined) return select;
  if (projection) return 'SPECIFIC_ATTRIBUTES';
  return index ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
}

/** The position ExclusiveStartKey names: the table key plus, on an index, the index key. */
function startPosition(source: Source, raw: Record<string, AttributeValue> | undefined): RangeScan['after'] {
  if (raw === undefined) return undefined;
  const startKey = validateItem(raw);
  const { definition } = source.table;
  const invalid = () =>
    validation('The provided starting key is invalid: The provided key element does not match the schema');
  try {
    const tableKey = checkKey(definition, pick(startKey, keyList(definition.key)));
    if (!source.index) {
      if (Object.keys(startKey).length !== keyList(definition.key).length) throw invalid();
      return { ihk: tableKey.hk, irk: tableKey.rk, ...tableKey };
    }
    for (const name of keyList(source.key)) {
      const value = startKey[name];
      if (value === undefined || typeOf(value) !== attributeType(definition, name)) throw invalid();
    }
    const indexKey = encodeKey(source.key, startKey);
    return { ihk: indexKey.hk, irk: indexKey.rk, ...tableKey };
  } catch {
    throw invalid();
  }
}

function lastKey(source: Source, item: Item): Item {
  return pick(item, [
    ...new Set([...keyList(source.table.definition.key), ...(source.index ? keyList(source.key) : [])]),
  ]);
}

function rangeOf(condition: KeyCondition): KeyRange {
  const range = condition.range;
  if (!range) return {};
  const [first, second] = range.values.map((v) => encodeKeyValue(v));
  const value = first as Buffer;
  switch (range.op) {
    case '=':
      return { low: { value, exclusive: false }, high: { value, exclusive: false } };
    case '<':
      return { high: { value, exclusive: true } };
    case '<=':
      return { high: { value, exclusive: false } };
    case '>':
      return { low: { value, exclusive: true } };
    case '>=':
      return { low: { value, exclusive: false } };
    case 'BETWEEN':
      return { low: { value, exclusive: false }, high: { value: second as Buffer, exclusive: false } };
    case 'BEGINS_WITH': {
      const end = prefixEnd(value);
      return { low: { value, exclusive: false }, ...(end ? { high: { value: end, exclusive: true } } : {}) };
    }
  }
}

interface PageRequest {
  source: Source;
  hash: Buffer | undefined;
  range: KeyRange;
  forward: boolean;
  after: RangeScan['after'];
  limit: number | undefined;
  filter: Condition | undefined;
  select: Select;
  projection: Projection | undefined;
  consistent: boolean;
  /** Scan segments: whether a row's hash key belongs to the segment read. */
  inSegment?: (hk: Buffer) => boolean;
}

interface Page {
  items: Item[];
  scanned: number;
  lastEvaluatedKey: Item | undefined;
  bytes: number;
}

function readPage(service: DynamoDbService, request: PageRequest): Page {
  const { source } = request;
  const items: Item[] = [];
  let scanned = 0;
  let bytes = 0;
  let last: Item | undefined;
  let stopped = false;
  const rows = service.state.scan({
    tableId: source.table.row.id,
    index: source.index?.name,
    hash: request.hash,
    range: request.range,
    forward: request.forward,
    after: request.after,
    limit: -1,
    withHashKey: request.inSegment !== undefined,
  });
  for (const row of rows) {
    if (request.inSegment && !request.inSegment(row.hk as Buffer)) continue;
    const stored = decodeItem(row.item);
    const image = indexImage(source, stored);
    scanned++;
    bytes += row.size;
    last = stored;
    if (!request.filter || evaluateCondition(request.filter, image)) {
      const visible = request.select === 'ALL_ATTRIBUTES' ? stored : image;
      if (request.select !== 'COUNT') items.push(request.projection ? project(visible, request.projection) : visible);
      else items.push({});
    }
    if ((request.limit !== undefined && scanned >= request.limit) || bytes >= PAGE_BYTES) {
      stopped = true;
      break;
    }
  }
  return { items, scanned, bytes, lastEvaluatedKey: stopped && last ? lastKey(source, last) : undefined };
}

/** The members Query and Scan share, as a request. */
type ReadInput = Pick<
  QueryInput & ScanInput,
  'ExclusiveStartKey' | 'Limit' | 'Select' | 'ConsistentRead' | 'ReturnConsumedCapacity'
>;

/** Reads one page of `source` and shapes the output Query and Scan return. */
function readOutput(
  service: DynamoDbService,
  input: ReadInput,
  source: Source,
  filter: Condition | undefined,
  projection: Projection | undefined,
  order: Pick<PageRequest, 'hash' | 'range' | 'forward' | 'inSegment'>,
) {
  const request: PageRequest = {
    source,
    ...order,
    after: startPosition(source, input.ExclusiveStartKey),
    limit: input.Limit,
    filter,
    select: checkSelect(source, input.Select, projection),
    projection,
    consistent: input.ConsistentRead === true,
  };
  const page = readPage(service, request);
  const capacity = consumedCapacity(
    input.ReturnConsumedCapacity,
    request.source.table.row.name,
    readUnits(page.bytes, request.consistent),
    'read',
  );
  return {
    ...(request.select !== 'COUNT' ? { Items: page.items } : {}),
    Count: page.items.length,
    ScannedCount: page.scanned,
    ...(page.lastEvaluatedKey ? { LastEvaluatedKey: page.lastEvaluatedKey } : {}),
    ...(capacity ? { ConsumedCapacity: capacity } : {}),
  };
}

/** A stable spread of hash keys over Scan segments (FNV-1a of the key bytes). */
function segmentOf(hk: Buffer, total: number): number {
  let hash = 0x811c9dc5;
  for (const byte of hk) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % total;
}

export function queryScanHandlers(service: DynamoDbService): Record<string, Handler> {
  return {
    Query(input: QueryInput, ctx: RequestContext): QueryOutput {
      checkExpressionParameters(
        input,
        ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
        ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
      );
      if (input.KeyConditionExpression === undefined && input.KeyConditions === undefined) {
        throw validation(
          'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
        );
      }
      const source = sourceOf(service, ctx, input.TableName as string, input.IndexName, input.ConsistentRead);
      const scope = scopeOf(input);
      const keySpec =
        source.key.range !== undefined ? { hash: source.key.hash, range: source.key.range } : { hash: source.key.hash };
      const condition =
        input.KeyConditionExpression !== undefined
          ? parseKeyCondition(input.KeyConditionExpression, scope, keySpec)
          : keyConditionFromLegacy(input.KeyConditions ?? {}, keySpec);
      const filter = filterOf(input, input.QueryFilter, scope);
      const projection = projectionOf(input, scope);
      scope.assertAllUsed();
      const { definition } = source.table;
      const values = [condition.hashValue, ...(condition.range?.values ?? [])];
      const names = [
        condition.hashName,
        ...(condition.range ? condition.range.values.map(() => condition.range?.name as string) : []),
      ];
      values.forEach((value, i) => {
        if (typeOf(value) !== attributeType(definition, names[i] as string)) {
          throw invalidParameter('Condition parameter type does not match schema type');
        }
      });
      return readOutput(service, input, source, filter, projection, {
        hash: encodeKeyValue(condition.hashValue),
        range: rangeOf(condition),
        forward: input.ScanIndexForward !== false,
      });
    },

    Scan(input: ScanInput, ctx: RequestContext): ScanOutput {
      checkExpressionParameters(
        input,
        ['ProjectionExpression', 'FilterExpression'],
        ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'],
      );
      const { Segment: segment, TotalSegments: total } = input;
      if (segment !== undefined && total === undefined) {
        throw validation(
          'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
        );
      }
      if (total !== undefined && segment === undefined) {
        throw validation(
          'The Segment parameter is required but was not present in the request when parameter TotalSegments is present',
        );
      }
      if (segment !== undefined && total !== undefined && segment >= total) {
        throw validation(
          `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
        );
      }
      const source = sourceOf(service, ctx, input.TableName as string, input.IndexName, input.ConsistentRead);
      const scope = scopeOf(input);
      const filter = filterOf(input, input.ScanFilter, scope);
      const projection = projectionOf(input, scope);
      scope.assertAllUsed();
      return readOutput(service, input, source, filter, projection, {
        hash: undefined,
        range: {},
        forward: true,
        ...(segment !== undefined && total !== undefined && total > 1
          ? { inSegment: (hk: Buffer) => segmentOf(hk, total) === segment }
          : {}),
      });
    },
  };
}
