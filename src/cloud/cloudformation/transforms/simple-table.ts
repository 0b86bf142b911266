/**
 * `AWS::Serverless::SimpleTable` -> `AWS::DynamoDB::Table` with one hash key (`id` of type S unless
 * PrimaryKey says otherwise), on-demand unless ProvisionedThroughput is given.
 */
import { isRecord } from '../template/types.js';
import { SamResourceError } from './errors.js';
import { type OutputResource, ownAttributes, resource, type SamResource, tagList } from './resources.js';

const ATTRIBUTE_TYPES: Readonly<Record<string, string>> = { String: 'S', Number: 'N', Binary: 'B' };

export function expandSimpleTable(table: SamResource): OutputResource {
  const id = table.logicalId;
  const p = table.properties;
  let key = { AttributeName: 'id' as unknown, AttributeType: 'S' };
  if (p['PrimaryKey'] !== undefined) {
    const primary = isRecord(p['PrimaryKey']) ? p['PrimaryKey'] : {};
    if (primary['Name'] === undefined) throw new SamResourceError(id, "Property 'PrimaryKey.Name' is required.");
    if (primary['Type'] === undefined) throw new SamResourceError(id, "Property 'PrimaryKey.Type' is required.");
    const type = ATTRIBUTE_TYPES[String(primary['Type'])];
    if (!type) throw new SamResourceError(id, `Invalid 'Type' "${String(primary['Type'])}".`);
    key = { AttributeName: primary['Name'], AttributeType: type };
  }
  const tags = tagList(p['Tags']);
  return resource(
    'AWS::DynamoDB::Table',
    {
      AttributeDefinitions: [key],
      KeySchema: [{ AttributeName: key.AttributeName, KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: p['PointInTimeRecoverySpecification'] || undefined,
      ProvisionedThroughput: p['ProvisionedThroughput'] || undefined,
      BillingMode: p['ProvisionedThroughput'] ? undefined : 'PAY_PER_REQUEST',
      SSESpecification: p['SSESpecification'] || undefined,
      TableName: p['TableName'] || undefined,
      Tags: tags.length ? tags : undefined,
    },
    ownAttributes(table),
  );
}
