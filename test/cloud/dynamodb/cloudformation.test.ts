/** AWS::DynamoDB::Table: created ACTIVE with its stream and indexes, updated in place, deleted with the stack. */
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted, output, updated } from '../cloudformation/support.js';
import { ACCOUNT, expectNoInternalErrors, FAST } from './support.js';

const t = useCloud(FAST);
afterAll(() => expectNoInternalErrors(t));

function template(tableName: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    Resources: {
      Orders: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'S' },
            { AttributeName: 'status', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byStatus',
              KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
          Tags: [{ Key: 'app', Value: 'shop' }],
          ...extra,
        },
      },
    },
    Outputs: {
      Name: { Value: { Ref: 'Orders' } },
      Arn: { Value: { 'Fn::GetAtt': ['Orders', 'Arn'] } },
      StreamArn: { Value: { 'Fn::GetAtt': ['Orders', 'StreamArn'] } },
    },
  });
}

describe('AWS::DynamoDB::Table', () => {
  it('creates the table ACTIVE, updates TTL in place, and deletes it with the stack', async () => {
    const StackName = randomName('ddb-stack');
    const tableName = randomName('orders');
    await cfn(t).send(new CreateStackCommand({ StackName, TemplateBody: template(tableName) }));
    const stack = await created(t, StackName);
    expect(output(stack, 'Name')).toBe(tableName);
    expect(output(stack, 'Arn')).toBe(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${tableName}`);
    const { Table } = await t.dynamodb().send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(output(stack, 'StreamArn')).toBe(Table?.LatestStreamArn);
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus).toBe('ACTIVE');

    await cfn(t).send(
      new UpdateStackCommand({
        StackName,
        TemplateBody: template(tableName, { TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }),
      }),
    );
    await updated(t, StackName);
    const ttl = await t.dynamodb().send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });

    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
    await expect(t.dynamodb().send(new DescribeTableCommand({ TableName: tableName }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
