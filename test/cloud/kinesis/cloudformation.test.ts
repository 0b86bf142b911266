/** AWS::Kinesis::Stream: create (waits for ACTIVE), Ref and GetAtt, in-place updates, delete. */
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeStreamSummaryCommand, ListShardsCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { cfn, created, deleted, output, updated } from '../cloudformation/support.js';
import { ACCOUNT, arnOf, expectNoInternalErrors, FAST, kinesisClients } from './support.js';

const t = useCloud({ kinesis: FAST });
afterAll(() => expectNoInternalErrors(t));
const kinesisClient = kinesisClients(t);

function template(properties: Record<string, unknown>): string {
  return JSON.stringify({
    Resources: { Stream: { Type: 'AWS::Kinesis::Stream', Properties: properties } },
    Outputs: { Name: { Value: { Ref: 'Stream' } }, Arn: { Value: { 'Fn::GetAtt': ['Stream', 'Arn'] } } },
  });
}

describe('AWS::Kinesis::Stream', () => {
  it('creates an ACTIVE stream, updates shards, retention and tags in place, and deletes it', async () => {
    const kinesis = kinesisClient();
    const StackName = randomName('kinesis-stack');
    const Name = randomName('cfn-stream');
    const base = { Name, ShardCount: 1, Tags: [{ Key: 'team', Value: 'core' }] };
    await cfn(t).send(new CreateStackCommand({ StackName, TemplateBody: template(base) }));
    const stack = await created(t, StackName);
    expect(output(stack, 'Name')).toBe(Name);
    expect(output(stack, 'Arn')).toBe(arnOf(Name));
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: Name }));
    expect(summary.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 1 });

    await cfn(t).send(
      new UpdateStackCommand({
        StackName,
        TemplateBody: template({
          ...base,
          ShardCount: 2,
          RetentionPeriodHours: 48,
          Tags: [{ Key: 'stage', Value: 'dev' }],
        }),
      }),
    );
    await updated(t, StackName);
    const after = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: Name }));
    expect(after.StreamDescriptionSummary).toMatchObject({
      StreamStatus: 'ACTIVE',
      OpenShardCount: 2,
      RetentionPeriodHours: 48,
    });
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: Name, ShardFilter: { Type: 'AT_LATEST' } }));
    expect(shards.Shards).toHaveLength(2);
    const { Tags } = await kinesis.send(new ListTagsForStreamCommand({ StreamName: Name }));
    expect(Tags).toEqual([{ Key: 'stage', Value: 'dev' }]);

    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
    expect(await failure(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: Name })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Stream ${Name} under account ${ACCOUNT} not found.`,
      status: 400,
    });
  });
});
