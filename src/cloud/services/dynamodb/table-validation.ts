/**
 * CreateTable's and UpdateTable's cross-field rules (the model checks shapes, lengths and enums
 * first), in the order and words AWS uses.
 */
import type {
  AttributeDefinition,
  BillingMode,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  ProvisionedThroughput,
} from '@aws-sdk/client-dynamodb';
import { invalidParameter, validation } from './errors.js';

const MAX_CAPACITY = 1_000_000_000_000;
export const MAX_LSIS = 5;
export const MAX_GSIS = 20;

export function checkThroughput(
  billingMode: BillingMode | undefined,
  throughput: ProvisionedThroughput | undefined,
): void {
  if (billingMode === 'PAY_PER_REQUEST') {
    if (throughput) {
      throw invalidParameter(
        'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
      );
    }
    return;
  }
  if (!throughput?.ReadCapacityUnits || !throughput.WriteCapacityUnits) {
    throw invalidParameter(
      'ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    );
  }
  checkCapacityBounds(throughput);
}

export function checkCapacityBounds(throughput: ProvisionedThroughput): void {
  for (const member of ['ReadCapacityUnits', 'WriteCapacityUnits'] as const) {
    const value = throughput[member] ?? 0;
    if (value > MAX_CAPACITY) throw validation(`Given value ${value} for ${member} is out of bounds`);
  }
}

/** A key schema's shape: HASH first, RANGE second, distinct names, every name defined. */
export function checkKeySchema(schema: KeySchemaElement[], definitions: AttributeDefinition[]): void {
  const defined = definitions.map((d) => d.AttributeName as string);
  const names = schema.map((k) => k.AttributeName as string);
  if (names.some((name) => !defined.includes(name))) {
    throw invalidParameter(
      `Some index key attributes are not defined in AttributeDefinitions. Keys: [${names.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`,
    );
  }
  if (names.length === 2 && names[0] === names[1]) {
    throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (schema[0]?.KeyType !== 'HASH')
    throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (schema[1] && schema[1].KeyType !== 'RANGE') {
    throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
}

export function checkProjection(projection: Projection | undefined): void {
  const type = projection?.ProjectionType;
  if (type === undefined) throw invalidParameter('Unknown ProjectionType: null');
  if (projection?.NonKeyAttributes && type !== 'INCLUDE') {
    throw invalidParameter(`ProjectionType is ${type}, but NonKeyAttributes is specified`);
  }
  if (type === 'INCLUDE' && !projection?.NonKeyAttributes?.length) {
    throw invalidParameter('ProjectionType is INCLUDE, but NonKeyAttributes is not specified');
  }
}

export function checkGsi(
  index: GlobalSecondaryIndex,
  definitions: AttributeDefinition[],
  billingMode: BillingMode,
): void {
  checkKeySchema(index.KeySchema ?? [], definitions);
  checkProjection(index.Projection);
  if (billingMode === 'PAY_PER_REQUEST' && index.ProvisionedThroughput) {
    throw invalidParameter(
      `ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`,
    );
  }
  if (billingMode === 'PROVISIONED') {
    if (!index.ProvisionedThroughput) {
      throw invalidParameter(`ProvisionedThroughput must be specified for index: ${index.IndexName}`);
    }
    checkCapacityBounds(index.ProvisionedThroughput);
  }
}

export interface CreateTableShape {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  LocalSecondaryIndexes?: LocalSecondaryIndex[] | undefined;
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[] | undefined;
  BillingMode: BillingMode;
  ProvisionedThroughput?: ProvisionedThroughput | undefined;
}

export function checkCreateTable(input: CreateTableShape): void {
  checkThroughput(input.BillingMode, input.ProvisionedThroughput);
  const { AttributeDefinitions: definitions, KeySchema: schema } = input;
  if (schema.length > definitions.length)
    throw validation('Invalid KeySchema: Some index key attribute have no definition');
  checkKeySchema(schema, definitions);
  const names = new Set<string>();
  const lsis = input.LocalSecondaryIndexes;
  const gsis = input.GlobalSecondaryIndexes;
  if (lsis) {
    if (lsis.length === 0) throw invalidParameter('List of LocalSecondaryIndexes is empty');
    if (schema.length !== 2) {
      throw invalidParameter(
        'Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex',
      );
    }
    const tableHash = schema[0]?.AttributeName;
    for (const index of lsis) {
      const indexSchema = index.KeySchema ?? [];
      checkKeySchema(indexSchema, definitions);
      if (indexSchema.length !== 2) {
        throw invalidParameter(`Index KeySchema does not have a range key for index: ${index.IndexName}`);
      }
      const indexHash = indexSchema[0]?.AttributeName;
      if (indexHash !== tableHash) {
        throw invalidParameter(
          `Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${tableHash}`,
        );
      }
      checkProjection(index.Projection);
      if (names.has(index.IndexName as string)) throw invalidParameter(`Duplicate index name: ${index.IndexName}`);
      names.add(index.IndexName as string);
    }
    if (lsis.length > MAX_LSIS) {
      throw invalidParameter(`Number of LocalSecondaryIndexes exceeds per-table limit of ${MAX_LSIS}`);
    }
  }
  if (gsis) {
    if (gsis.length === 0) throw invalidParameter('List of GlobalSecondaryIndexes is empty');
    for (const index of gsis) {
      checkGsi(index, definitions, input.BillingMode);
      if (names.has(index.IndexName as string)) throw invalidParameter(`Duplicate index name: ${index.IndexName}`);
      names.add(index.IndexName as string);
    }
    if (gsis.length > MAX_GSIS) {
      throw invalidParameter(`GlobalSecondaryIndex count exceeds the per-table limit of ${MAX_GSIS}`);
    }
  }
  // Every defined attribute must be used by some key schema.
  const used = new Set(
    [schema, ...(lsis ?? []).map((i) => i.KeySchema ?? []), ...(gsis ?? []).map((i) => i.KeySchema ?? [])]
      .flat()
      .map((k) => k.AttributeName),
  );
  if (definitions.some((d) => !used.has(d.AttributeName))) {
    throw invalidParameter(
      'Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    );
  }
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (seen.has(definition.AttributeName as string)) {
      throw invalidParameter(`Duplicate AttributeName in AttributeDefinitions: ${definition.AttributeName}`);
    }
    seen.add(definition.AttributeName as string);
  }
}
