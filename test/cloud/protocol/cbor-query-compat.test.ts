/**
 * The awsJson codec's other encodings, with test handlers on the official models: Kinesis over CBOR
 * (what the Java SDKs and the KCL send), and SQS's two compatibility paths: awsJson errors that
 * carry the awsQuery code in `x-amzn-query-error`, and the older awsQuery form of the same API.
 */
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Decoder, Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/cloud/errors.js';
import { rejection, TEST_CREDENTIALS } from '../../helpers/cloud.js';
import { useHandlerServer } from '../../helpers/handler-server.js';
import { signedPost } from '../../helpers/signed-fetch.js';

const ARRIVAL = new Date('2026-12-06T10:20:30.456Z');
const seen: Record<string, unknown> = {};
const QUEUE_URL = 'http://localhost/000000000000/orders';

const t = useHandlerServer({
  kinesis: {
    model: 'kinesis',
    signingNames: ['kinesis'],
    handlers: {
      PutRecord(input: unknown) {
        seen['PutRecord'] = input;
        return {
          ShardId: 'shardId-000000000000',
          SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        };
      },
      GetShardIterator(input: unknown) {
        seen['GetShardIterator'] = input;
        return { ShardIterator: 'AAAA' };
      },
      GetRecords() {
        return {
          Records: [
            {
              SequenceNumber: '1',
              ApproximateArrivalTimestamp: ARRIVAL,
              Data: Buffer.from([0, 1, 2, 255]),
              PartitionKey: 'pk',
            },
          ],
          NextShardIterator: 'BBBB',
          MillisBehindLatest: 0,
        };
      },
      DescribeStream() {
        throw new AwsError('ResourceNotFoundException', 'Stream missing under account 000000000000 not found.', 400);
      },
    },
  },
  sqs: {
    model: 'sqs',
    queryModel: 'sqs-query',
    signingNames: ['sqs'],
    queryErrorCodes: { QueueDoesNotExist: { code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 } },
    handlers: {
      GetQueueUrl(input: { QueueName: string }) {
        if (input.QueueName === 'missing') {
          throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
        }
        return { QueueUrl: QUEUE_URL };
      },
      GetQueueAttributes(input: unknown) {
        seen['GetQueueAttributes'] = input;
        return { Attributes: { VisibilityTimeout: '30', DelaySeconds: '0' } };
      },
      ListQueues() {
        return { QueueUrls: [QUEUE_URL, `${QUEUE_URL}-dlq`] };
      },
      SendMessage(input: unknown) {
        seen['SendMessage'] = input;
        return { MessageId: 'm-1', MD5OfMessageBody: 'd41d8cd98f00b204e9800998ecf8427e' };
      },
    },
  },
});

const encoder = new Encoder({ mapsAsObjects: true, useRecords: false, tagUint8Array: false });
const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });

async function cborCall(operation: string, body: unknown) {
  const response = await signedPost(
    t.url,
    'kinesis',
    { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': `Kinesis_20131202.${operation}` },
    encoder.encode(body),
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type'), bytes };
}

describe('awsJson over CBOR (Kinesis)', () => {
  it('reads blobs as byte strings and timestamps as tag 1, and answers in CBOR', async () => {
    const put = await cborCall('PutRecord', {
      StreamName: 'orders',
      Data: Buffer.from('héllo'),
      PartitionKey: 'p1',
    });
    expect(put.status).toBe(200);
    expect(put.contentType).toBe('application/x-amz-cbor-1.1');
    expect(decoder.decode(put.bytes)).toEqual({
      ShardId: 'shardId-000000000000',
      SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    });
    expect(seen['PutRecord']).toEqual({ StreamName: 'orders', Data: Buffer.from('héllo'), PartitionKey: 'p1' });

    // Tag 1 (0xc1) around epoch milliseconds, as the Java SDKs write timestamps.
    const iterator = await cborCall('GetShardIterator', {
      StreamName: 'orders',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: Buffer.concat([Buffer.from([0xc1, 0x1b]), uint64(ARRIVAL.getTime())]),
    });
    expect(iterator.status).toBe(400); // a byte string is not a timestamp
    expect(decoder.decode(iterator.bytes)).toMatchObject({ __type: 'SerializationException' });
  });

  it('parses a tag-1 timestamp in milliseconds or seconds', async () => {
    for (const value of [ARRIVAL.getTime(), ARRIVAL.getTime() / 1000]) {
      const body = rawMap([
        ['StreamName', 'orders'],
        ['ShardId', 'shardId-000000000000'],
        ['ShardIteratorType', 'AT_TIMESTAMP'],
        ['Timestamp', { tag1: value }],
      ]);
      const response = await signedPost(
        t.url,
        'kinesis',
        { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.GetShardIterator' },
        body,
      );
      expect(response.status).toBe(200);
      expect((seen['GetShardIterator'] as { Timestamp: Date }).Timestamp.toISOString()).toBe(ARRIVAL.toISOString());
    }
  });

  it('writes record data as a byte string and arrival times as tag 1 with epoch milliseconds', async () => {
    const got = await cborCall('GetRecords', { ShardIterator: 'AAAA' });
    expect(got.status).toBe(200);
    const tagged = Buffer.concat([Buffer.from([0xc1, 0x1b]), uint64(ARRIVAL.getTime())]);
    expect(got.bytes.includes(tagged)).toBe(true);
    // A byte string (major type 2) of 4 bytes: 0x44.
    expect(got.bytes.includes(Buffer.from([0x44, 0, 1, 2, 255]))).toBe(true);
  });

  it('answers errors in CBOR with __type and message', async () => {
    const failed = await cborCall('DescribeStream', { StreamName: 'missing' });
    expect(failed.status).toBe(400);
    expect(failed.contentType).toBe('application/x-amz-cbor-1.1');
    expect(decoder.decode(failed.bytes)).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'Stream missing under account 000000000000 not found.',
    });
  });

  it('answers a body that is not CBOR with SerializationException', async () => {
    const response = await signedPost(
      t.url,
      'kinesis',
      { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
      Buffer.from([0xbf, 0x61]),
    );
    expect(response.status).toBe(400);
    expect(decoder.decode(Buffer.from(await response.arrayBuffer()))).toMatchObject({
      __type: 'SerializationException',
    });
  });
});

describe('SQS: awsJson with awsQuery compatibility, and awsQuery', () => {
  it('names the awsQuery code in x-amzn-query-error, which the SDK reports', async () => {
    const client = new SQSClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const error = await rejection(client.send(new GetQueueUrlCommand({ QueueName: 'missing' })));
      const query = error as unknown as { Code?: string; Type?: string };
      expect(error.name).toBe('QueueDoesNotExist');
      expect(query.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
      expect(query.Type).toBe('Sender');
      expect(error.message).toBe('The specified queue does not exist.');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    } finally {
      client.destroy();
    }
    const raw = await signedPost(
      t.url,
      'sqs',
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      JSON.stringify({ QueueName: 'missing' }),
    );
    expect(raw.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
  });

  it('reads awsQuery forms with the old member names and answers in XML', async () => {
    const form = new URLSearchParams({
      Action: 'SendMessage',
      Version: '2012-11-05',
      QueueUrl: QUEUE_URL,
      MessageBody: 'hello',
      'MessageAttribute.1.Name': 'color',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'blue',
    });
    const sent = await signedPost(
      t.url,
      'sqs',
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
      '/000000000000/orders',
    );
    expect(sent.status).toBe(200);
    expect(seen['SendMessage']).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: 'hello',
      MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' } },
    });
    const xml = await sent.text();
    expect(xml).toContain('<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">');
    expect(xml).toMatch(/<SendMessageResult>.*<MessageId>m-1<\/MessageId>.*<\/SendMessageResult>/);

    const attributes = await signedPost(
      t.url,
      'sqs',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({
        Action: 'GetQueueAttributes',
        Version: '2012-11-05',
        QueueUrl: QUEUE_URL,
        'AttributeName.1': 'All',
      }).toString(),
    );
    expect(seen['GetQueueAttributes']).toEqual({ QueueUrl: QUEUE_URL, AttributeNames: ['All'] });
    const text = await attributes.text();
    expect(text).toContain('<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>');

    const listed = await signedPost(
      t.url,
      'sqs',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ Action: 'ListQueues', Version: '2012-11-05' }).toString(),
    );
    expect(await listed.text()).toContain(
      `<ListQueuesResult><QueueUrl>${QUEUE_URL}</QueueUrl><QueueUrl>${QUEUE_URL}-dlq</QueueUrl></ListQueuesResult>`,
    );
  });

  it('answers awsQuery errors with the awsQuery code', async () => {
    const failed = await signedPost(
      t.url,
      'sqs',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: 'missing' }).toString(),
    );
    expect(failed.status).toBe(400);
    const xml = await failed.text();
    expect(xml).toContain('<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
    expect(xml).toContain('<Message>The specified queue does not exist.</Message>');
  });
});

function uint64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/** A CBOR map written by hand, so tag 1 can hold a float (seconds) or an integer (milliseconds). */
function rawMap(entries: [string, string | { tag1: number }][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0xa0 + entries.length])];
  for (const [key, value] of entries) {
    parts.push(encoder.encode(key));
    if (typeof value === 'string') parts.push(encoder.encode(value));
    else if (Number.isInteger(value.tag1)) parts.push(Buffer.from([0xc1, 0x1b]), uint64(value.tag1));
    else {
      const float = Buffer.alloc(9);
      float[0] = 0xfb;
      float.writeDoubleBE(value.tag1, 1);
      parts.push(Buffer.from([0xc1]), float);
    }
  }
  return Buffer.concat(parts);
}
