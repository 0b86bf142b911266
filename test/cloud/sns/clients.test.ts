/** Wire compatibility with botocore: boto3 and the AWS CLI v1 against SNS's awsQuery protocol. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AWS_CLI_ENV, awsCli } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, newQueue, newTopic, receiveAll, useSns } from './support.js';

const run = promisify(execFile);
const t = useCloud();
const client = useSns(t);
const cli = awsCli(() => t.url);

describe('boto3', () => {
  it('creates a topic, subscribes a queue, publishes (single and batch) and reports AWS error codes', async () => {
    const sqs = t.sqs();
    const name = randomName('boto');
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;
    const queue = await newQueue(sqs, topicArn);
    const script = `
import json, sys, boto3
from botocore.config import Config
endpoint, name, queue_arn = sys.argv[1], sys.argv[2], sys.argv[3]
sns = boto3.client('sns', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
    aws_secret_access_key='test', config=Config(retries={'max_attempts': 1}))
arn = sns.create_topic(Name=name, Attributes={'DisplayName': 'From boto3'}, Tags=[{'Key': 'k', 'Value': 'v'}])['TopicArn']
sub = sns.subscribe(TopicArn=arn, Protocol='sqs', Endpoint=queue_arn, Attributes={'RawMessageDelivery': 'true'},
    ReturnSubscriptionArn=True)['SubscriptionArn']
published = sns.publish(TopicArn=arn, Message='one', MessageAttributes={'kind': {'DataType': 'String', 'StringValue': 'a'}})
batch = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{'Id': 'x', 'Message': 'two'}, {'Id': 'y', 'Message': 'three'}])
def code(call):
    try:
        call()
    except sns.exceptions.ClientError as e:
        return [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps({
  'arn': arn, 'sub': sub.startswith(arn + ':'), 'id': len(published['MessageId']),
  'batch': sorted(e['Id'] for e in batch['Successful']),
  'display': sns.get_topic_attributes(TopicArn=arn)['Attributes']['DisplayName'],
  'raw': sns.get_subscription_attributes(SubscriptionArn=sub)['Attributes']['RawMessageDelivery'],
  'listed': [s['Endpoint'] for s in sns.list_subscriptions_by_topic(TopicArn=arn)['Subscriptions']],
  'tags': sns.list_tags_for_resource(ResourceArn=arn)['Tags'],
  'missing': code(lambda: sns.get_topic_attributes(TopicArn=arn + '-missing')),
  'invalid': code(lambda: sns.subscribe(TopicArn=arn, Protocol='carrier-pigeon', Endpoint='x')),
}))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, name, queue.arn], { env: AWS_CLI_ENV });
    expect(JSON.parse(stdout)).toEqual({
      arn: topicArn,
      sub: true,
      id: 36,
      batch: ['x', 'y'],
      display: 'From boto3',
      raw: 'true',
      listed: [queue.arn],
      tags: [{ Key: 'k', Value: 'v' }],
      missing: ['NotFound', 404],
      invalid: ['InvalidParameter', 400],
    });
    const bodies = (await receiveAll(sqs, queue.url, 3)).map((m) => m.Body).sort();
    expect(bodies).toEqual(['one', 'three', 'two']);
  });
});

describe('AWS CLI', () => {
  it('subscribes a queue, publishes to the topic and reports a missing one', async () => {
    // Each CLI run costs about a second of start-up; the topic and queue are made with the SDK.
    const sns = client();
    const topicArn = await newTopic(sns);
    const queue = await newQueue(t.sqs(), topicArn);
    await cli.run(
      'sns',
      'subscribe',
      '--topic-arn',
      topicArn,
      '--protocol',
      'sqs',
      '--notification-endpoint',
      queue.arn,
    );
    const published = (await cli.json('sns', 'publish', '--topic-arn', topicArn, '--message', 'from the cli')) as {
      MessageId: string;
    };
    const [got] = await receiveAll(t.sqs(), queue.url, 1);
    expect(JSON.parse(got?.Body ?? '{}')).toMatchObject({ MessageId: published.MessageId, Message: 'from the cli' });
    const failed = await cli.failure('sns', 'get-topic-attributes', '--topic-arn', `${topicArn}-missing`);
    expect(failed.stderr).toContain('(NotFound)');
    expect(failed.stderr).toContain('Topic does not exist');
  });
});
