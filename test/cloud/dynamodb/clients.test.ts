/** Wire compatibility with botocore: boto3 (DynamoDB and DynamoDB Streams) and the AWS CLI v1. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { AWS_CLI_ENV, awsCli } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { FAST, WAIT } from './support.js';

const run = promisify(execFile);
const t = useCloud(FAST);
const cli = awsCli(() => t.url);

describe('boto3', () => {
  it('creates a table with a stream, writes binary and numbers, reads the stream and AWS error codes', async () => {
    const script = `
import json, sys, boto3
from decimal import Decimal
from botocore.config import Config
endpoint, name = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test',
    config=Config(retries={'max_attempts': 1}))
ddb = boto3.client('dynamodb', **kw)
streams = boto3.client('dynamodbstreams', **kw)
ddb.create_table(TableName=name, BillingMode='PAY_PER_REQUEST',
    AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],
    KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}],
    StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_IMAGE'})
ddb.get_waiter('table_exists').wait(TableName=name, WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
ddb.put_item(TableName=name, Item={'pk': {'S': 'a'}, 'b': {'B': b'\\x00\\xff'}, 'n': {'N': '0.10'}})
item = ddb.get_item(TableName=name, Key={'pk': {'S': 'a'}})['Item']
arn = ddb.describe_table(TableName=name)['Table']['LatestStreamArn']
shard = streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards'][0]['ShardId']
it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']
records = streams.get_records(ShardIterator=it)['Records']
def code(call):
    try:
        call()
    except ddb.exceptions.ClientError as e:
        return e.response['Error']['Code']
print(json.dumps({
  'b': list(item['b']['B']), 'n': item['n']['N'],
  'events': [r['eventName'] for r in records], 'image': records[0]['dynamodb']['NewImage']['n'],
  'missing': code(lambda: ddb.get_item(TableName=name + '-missing', Key={'pk': {'S': 'a'}})),
  'exists': code(lambda: ddb.put_item(TableName=name, Item={'pk': {'S': 'a'}}, ConditionExpression='attribute_not_exists(pk)')),
}))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, randomName('boto')], { env: AWS_CLI_ENV });
    expect(JSON.parse(stdout)).toEqual({
      b: [0, 255],
      n: '0.1',
      events: ['INSERT'],
      image: { N: '0.1' },
      missing: 'ResourceNotFoundException',
      exists: 'ConditionalCheckFailedException',
    });
  });
});

describe('AWS CLI', () => {
  it('creates a table, puts and gets an item, and lists the table', async () => {
    const name = randomName('cli');
    await cli.run(
      'dynamodb',
      'create-table',
      '--table-name',
      name,
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
    );
    // (The CLI's own waiter sleeps 20 s between checks; the SDK's waiter polls faster.)
    await waitUntilTableExists({ client: t.dynamodb(), ...WAIT }, { TableName: name });
    await cli.run('dynamodb', 'put-item', '--table-name', name, '--item', '{"pk":{"S":"k"},"v":{"SS":["x","y"]}}');
    const got = (await cli.json('dynamodb', 'get-item', '--table-name', name, '--key', '{"pk":{"S":"k"}}')) as {
      Item: unknown;
    };
    expect(got.Item).toEqual({ pk: { S: 'k' }, v: { SS: ['x', 'y'] } });
    const listed = (await cli.json('dynamodb', 'list-tables')) as { TableNames: string[] };
    expect(listed.TableNames).toContain(name);
  });
});
