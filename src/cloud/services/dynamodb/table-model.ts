/**
 * A table's definition as stored (one JSON column): key schema, attribute types, indexes, billing,
 * stream and encryption settings. Lifecycle and counts live in their own columns (state.ts).
 */
import type {
  AttributeDefinition,
  KeySchemaElement,
  Projection,
  SSESpecification,
  StreamViewType,
} from '@aws-sdk/client-dynamodb';

/** A key schema as names: the hash key and, for composite keys, the range key. */
export interface KeyNames {
  hash: string;
  range?: string | undefined;
}

export interface Throughput {
  read: number;
  write: number;
  lastIncrease?: number | undefined;
  lastDecrease?: number | undefined;
  decreasesToday: number;
}

export interface IndexDefinition {
  name: string;
  key: KeyNames;
  projection: Projection;
  /** GSIs under PROVISIONED billing have their own throughput. */
  throughput?: Throughput | undefined;
  /** A GSI added by UpdateTable stays CREATING until then (epoch ms). */
  activeAt: number;
}

export interface TableDefinition {
  attributeDefinitions: AttributeDefinition[];
  key: KeyNames;
  gsis: IndexDefinition[];
  lsis: IndexDefinition[];
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  /** When the billing mode was last set to PAY_PER_REQUEST (BillingModeSummary). */
  billingModeChangedAt?: number | undefined;
  throughput: Throughput;
  stream?: { enabled: boolean; viewType?: StreamViewType | undefined } | undefined;
  sse?: SSESpecification | undefined;
  deletionProtection: boolean;
  tableClass?: string | undefined;
}

export function keySchemaOf(key: KeyNames): KeySchemaElement[] {
  return [
    { AttributeName: key.hash, KeyType: 'HASH' },
    ...(key.range !== undefined ? [{ AttributeName: key.range, KeyType: 'RANGE' as const }] : []),
  ];
}

export function keyNamesOf(schema: KeySchemaElement[]): KeyNames {
  const hash = schema.find((k) => k.KeyType === 'HASH')?.AttributeName as string;
  const range = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return range !== undefined ? { hash, range } : { hash };
}

export function keyList(key: KeyNames): string[] {
  return key.range !== undefined ? [key.hash, key.range] : [key.hash];
}

/** The declared type (S, N or B) of a key attribute. */
export function attributeType(definition: TableDefinition, name: string): string {
  return definition.attributeDefinitions.find((a) => a.AttributeName === name)?.AttributeType as string;
}

export function findIndex(
  definition: TableDefinition,
  name: string,
): (IndexDefinition & { kind: 'GSI' | 'LSI' }) | undefined {
  const gsi = definition.gsis.find((i) => i.name === name);
  if (gsi) return { ...gsi, kind: 'GSI' };
  const lsi = definition.lsis.find((i) => i.name === name);
  return lsi ? { ...lsi, kind: 'LSI' } : undefined;
}

export function allIndexes(definition: TableDefinition): IndexDefinition[] {
  return [...definition.lsis, ...definition.gsis];
}
