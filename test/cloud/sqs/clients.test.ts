/** Wire compatibility with botocore: boto3 and the AWS CLI v1 against SQS's awsJson protocol. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { AWS_CLI_ENV, awsCli } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';

const run = promisify(execFile);
const t = useCloud();
const cli = awsCli(() => t.url);

describe('boto3', () => {
  it('sends, receives with attributes, deletes and reports AWS error codes', async () => {
    const script = `
import json, sys, boto3
from botocore.config import Config
endpoint, name = sys.argv[1], sys.argv[2]
sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
    aws_secret_access_key='test', config=Config(retries={'max_attempts': 1}))
url = sqs.create_queue(QueueName=name, Attributes={'VisibilityTimeout': '15'})['QueueUrl']
sent = sqs.send_message(QueueUrl=url, MessageBody='hello', MessageAttributes={'Foo': {'DataType': 'String', 'StringValue': 'Bar'}})
got = sqs.receive_message(QueueUrl=url, AttributeNames=['All'], MessageAttributeNames=['All'], WaitTimeSeconds=1)['Messages'][0]
sqs.delete_message(QueueUrl=url, ReceiptHandle=got['ReceiptHandle'])
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{'Id': 'a', 'MessageBody': 'x'}, {'Id': 'b', 'MessageBody': 'y'}])
def code(call):
    try:
        call()
    except sqs.exceptions.ClientError as e:
        return e.response['Error']['Code']
print(json.dumps({
  'md5': sent['MD5OfMessageAttributes'], 'body': got['Body'], 'count': got['Attributes']['ApproximateReceiveCount'],
  'attr': got['MessageAttributes']['Foo']['StringValue'], 'batch': sorted(e['Id'] for e in batch['Successful']),
  'visibility': sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['VisibilityTimeout'])['Attributes'],
  'missing': code(lambda: sqs.get_queue_url(QueueName=name + '-missing')),
  'exists': code(lambda: sqs.create_queue(QueueName=name, Attributes={'VisibilityTimeout': '16'})),
  'handle': code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle='nope')),
}))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, randomName('boto')], { env: AWS_CLI_ENV });
    expect(JSON.parse(stdout)).toEqual({
      md5: 'ae7155c6026991b6d54b11589678bf9c',
      body: 'hello',
      count: '1',
      attr: 'Bar',
      batch: ['a', 'b'],
      visibility: { VisibilityTimeout: '15' },
      missing: 'AWS.SimpleQueueService.NonExistentQueue',
      exists: 'QueueAlreadyExists',
      handle: 'ReceiptHandleIsInvalid',
    });
  });
});

describe('AWS CLI', () => {
  it('sends and receives a message', async () => {
    // Each CLI run costs about a second of start-up; the queue is made with the SDK.
    const name = randomName('cli');
    const { QueueUrl } = await t.sqs().send(new CreateQueueCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error('CreateQueue returned no URL');
    await cli.run('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', 'from the cli');
    const received = (await cli.json('sqs', 'receive-message', '--queue-url', QueueUrl)) as {
      Messages: { Body: string }[];
    };
    expect(received.Messages.map((m) => m.Body)).toEqual(['from the cli']);
  });
});
