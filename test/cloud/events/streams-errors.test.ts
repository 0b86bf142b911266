/**
 * Error handling of stream mappings, with the invocation records AWS sends to on-failure
 * destinations (shapes as recorded against AWS): retries with backoff until the function
 * succeeds, MaximumRetryAttempts to an SQS queue, an SNS topic and an S3 bucket, BisectBatchOnFunctionError,
 * ReportBatchItemFailures (valid, invalid and empty answers), MaximumRecordAgeInSeconds, and a
 * deleted function in LastProcessingResult and the cloud's log.
 */

import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { DeleteFunctionCommand, GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../../helpers/cloud.js';
import { activeStream, kinesisClients } from '../kinesis/support.js';
import { dataOf, enabledMapping, recordsReceived, sinkFunction, useCollector } from './streams-support.js';

let clockOffset = 0;
const t = useCloud({
  clock: () => Date.now() + clockOffset,
  lambda: { transitionMs: 20 },
  kinesis: { transitionMs: 20 },
});
const kinesis = kinesisClients(t);
const collector = useCollector();

async function stream(): Promise<{ name: string; arn: string }> {
  const name = await activeStream(kinesis(), 1);
  return { name, arn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}` };
}

async function queue(): Promise<{ url: string; arn: string }> {
  const { QueueUrl = '' } = await t.sqs().send(new CreateQueueCommand({ QueueName: randomName('dlq') }));
  const { Attributes } = await t.sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
}

async function failureMessage(url: string): Promise<Record<string, unknown>> {
  const message = await waitFor(
    'the on-failure record',
    async () => {
      const { Messages } = await t.sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
      return Messages?.[0];
    },
    15_000,
  );
  return JSON.parse(message.Body ?? '{}') as Record<string, unknown>;
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f-]{36}$/;

describe('stream mapping errors', () => {
  it('retries a failed batch with backoff until the function succeeds, blocking the shard meanwhile', async () => {
    const sink = collector.sink();
    sink.answer = (_event, n) => (n <= 2 ? { throw: 'not yet' } : {});
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const uuid = await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
    });
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('first'), PartitionKey: 'k' }));
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('second'), PartitionKey: 'k' }));
    await waitFor('the third invoke', () => (sink.events.length >= 3 ? true : undefined));
    // The first attempt may have carried one record or both; every retry starts at 'first'.
    for (const event of sink.events.slice(0, 3)) {
      expect(dataOf((event['Records'] as Record<string, unknown>[])[0] ?? {})).toBe('first');
    }
    // Invokes from the third on succeed; 'second' is delivered only then (the shard was blocked).
    const carried = (e: Record<string, unknown>) => (e['Records'] as Record<string, unknown>[]).map(dataOf);
    await waitFor('second delivered', () =>
      sink.events.slice(2).some((e) => carried(e).includes('second')) ? true : undefined,
    );
    expect(sink.events.slice(0, 2).every((e) => carried(e)[0] === 'first')).toBe(true);
    const mapping = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(mapping.LastProcessingResult).toBe('OK');
    expect(t.logs.some((line) => line.includes(uuid) && line.includes('retrying in'))).toBe(true);
  });

  it('sends the batch to the SQS on-failure destination after MaximumRetryAttempts', async () => {
    const sink = collector.sink();
    sink.answer = () => ({ throw: 'always' });
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const dlq = await queue();
    const uuid = await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
      BatchSize: 1,
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: dlq.arn } },
    });
    const { SequenceNumber } = await kinesis().send(
      new PutRecordCommand({ StreamName: name, Data: Buffer.from('poison'), PartitionKey: 'k' }),
    );
    const body = await failureMessage(dlq.url);
    expect(sink.events).toHaveLength(2);
    const info = body['KinesisBatchInfo'] as Record<string, string>;
    // The record names the last invocation that ran: its START line is in the function's log.
    const requestId = (body['requestContext'] as Record<string, string>)['requestId'];
    // The function's log lines are written in batches: wait for the START line.
    const starts = await waitFor('the START line of the last invocation', async () => {
      const { events = [] } = await t.cwLogs().send(
        new FilterLogEventsCommand({
          logGroupName: `/aws/lambda/${fn}`,
          filterPattern: `"START RequestId: ${requestId}"`,
        }),
      );
      return events.length > 0 ? events : undefined;
    });
    expect(starts).toHaveLength(1);
    expect(body).toEqual({
      requestContext: {
        requestId: expect.stringMatching(UUID),
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn}`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(ISO_MS),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: SequenceNumber,
        endSequenceNumber: SequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(ISO_MS),
        approximateArrivalOfLastRecord: info['approximateArrivalOfFirstRecord'],
        batchSize: 1,
        streamArn: arn,
      },
    });
    // The shard moved on: the next record is delivered.
    sink.answer = () => ({});
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('next'), PartitionKey: 'k' }));
    await waitFor('the next record', () => (sink.records().some((r) => dataOf(r) === 'next') ? true : undefined));
    const mapping = await waitFor('OK again', async () => {
      const m = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.LastProcessingResult === 'OK' ? m : undefined;
    });
    expect(mapping.LastProcessingResult).toBe('OK');
  });

  it('publishes the record to an SNS on-failure destination (here fanned out to a raw SQS subscription)', async () => {
    const sink = collector.sink();
    sink.answer = () => ({ throw: 'always' });
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const subscriber = await queue();
    const sns = new SNSClient({ endpoint: t.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: randomName('failures') }));
      // A queue policy that lets the topic deliver (SQS refuses SNS without one).
      await t.sqs().send(
        new SetQueueAttributesCommand({
          QueueUrl: subscriber.url,
          Attributes: {
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'sns.amazonaws.com' },
                  Action: 'sqs:SendMessage',
                  Resource: subscriber.arn,
                  Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
                },
              ],
            }),
          },
        }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: subscriber.arn,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
      await enabledMapping(t.lambda(), {
        FunctionName: fn,
        EventSourceArn: arn,
        StartingPosition: 'LATEST',
        BatchSize: 1,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: TopicArn } },
      });
      const { SequenceNumber } = await kinesis().send(
        new PutRecordCommand({ StreamName: name, Data: Buffer.from('poison'), PartitionKey: 'k' }),
      );
      const body = await failureMessage(subscriber.url);
      expect(body).toMatchObject({
        requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
        KinesisBatchInfo: { startSequenceNumber: SequenceNumber, streamArn: arn, batchSize: 1 },
      });
    } finally {
      sns.destroy();
    }
  });

  it('writes the record and the payload to an S3 on-failure destination under AWS’s key layout', async () => {
    const sink = collector.sink();
    sink.answer = () => ({ throw: 'always' });
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const bucket = randomName('dlq-bucket');
    await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const uuid = await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: `arn:aws:s3:::${bucket}` } },
    });
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('to-s3'), PartitionKey: 'k' }));
    const key = await waitFor('the object', async () => {
      const { Contents } = await t.s3().send(new ListObjectsV2Command({ Bucket: bucket }));
      return Contents?.[0]?.Key;
    });
    const object = await t.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = JSON.parse((await object.Body?.transformToString()) ?? '{}') as Record<string, unknown>;
    const stamp = new Date(body['timestamp'] as string).toISOString();
    const prefix = `aws/lambda/${uuid}/shardId-000000000000/${stamp.slice(0, 10).replaceAll('-', '/')}/${stamp.slice(0, 10)}T${stamp.slice(11, 19).replaceAll(':', '.')}-`;
    expect(key.startsWith(prefix)).toBe(true);
    expect(key.slice(prefix.length)).toMatch(UUID);
    expect(body['payload']).toEqual(sink.events[0]);
    expect((body['requestContext'] as Record<string, unknown>)['approximateInvokeCount']).toBe(1);
  });

  it('bisects a failing batch to isolate the bad record without consuming retries', async () => {
    const sink = collector.sink();
    sink.answer = (event) =>
      (event['Records'] as Record<string, unknown>[]).some((r) => dataOf(r) === 'bad') ? { throw: 'bad record' } : {};
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const dlq = await queue();
    await kinesis().send(
      new PutRecordsCommand({
        StreamName: name,
        Records: ['g0', 'g1', 'g2', 'bad', 'g4', 'g5', 'g6', 'g7'].map((d) => ({
          Data: Buffer.from(d),
          PartitionKey: 'k',
        })),
      }),
    );
    await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 8,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: dlq.arn } },
    });
    const body = await failureMessage(dlq.url);
    await waitFor('the second half', () => (sink.events.length >= 7 ? true : undefined));
    const sizes = sink.events.map((e) => (e['Records'] as Record<string, unknown>[]).map(dataOf).join(','));
    // 8 -> [4 bad] -> [2 bad] -> [bad] discarded, and the good halves delivered in order.
    expect(sizes).toEqual(['g0,g1,g2,bad,g4,g5,g6,g7', 'g0,g1,g2,bad', 'g0,g1', 'g2,bad', 'g2', 'bad', 'g4,g5,g6,g7']);
    expect((body['KinesisBatchInfo'] as Record<string, unknown>)['batchSize']).toBe(1);
    expect((body['requestContext'] as Record<string, unknown>)['condition']).toBe('RetryAttemptsExhausted');
  });

  it('resumes at the lowest item failure with ReportBatchItemFailures and treats invalid answers as whole-batch failures', async () => {
    const sink = collector.sink();
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const dlq = await queue();
    const put = await kinesis().send(
      new PutRecordsCommand({
        StreamName: name,
        Records: ['p0', 'p1', 'p2', 'p3'].map((d) => ({ Data: Buffer.from(d), PartitionKey: 'k' })),
      }),
    );
    const seq = (put.Records ?? []).map((r) => r.SequenceNumber as string);
    sink.answer = (_event, n) => {
      if (n === 1) return { return: { batchItemFailures: [{ itemIdentifier: seq[3] }, { itemIdentifier: seq[2] }] } };
      if (n === 2) return { return: { batchItemFailures: [{ itemIdentifier: '' }] } };
      if (n === 3) return { return: { batchItemFailures: [] } };
      return {};
    };
    await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 4,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: dlq.arn } },
    });
    await waitFor('three invokes', () => (sink.events.length >= 3 ? true : undefined));
    const batches = sink.events.map((e) => (e['Records'] as Record<string, unknown>[]).map(dataOf).join(','));
    expect(batches.slice(0, 3)).toEqual(['p0,p1,p2,p3', 'p2,p3', 'p2,p3']);
    // An empty list means success: nothing more is retried.
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('p4'), PartitionKey: 'k' }));
    await waitFor('p4', () => (sink.records().some((r) => dataOf(r) === 'p4') ? true : undefined));
    expect(sink.events.map((e) => (e['Records'] as Record<string, unknown>[]).map(dataOf).join(','))).toEqual([
      'p0,p1,p2,p3',
      'p2,p3',
      'p2,p3',
      'p4',
    ]);
  });

  it('discards records older than MaximumRecordAgeInSeconds as RecordAgeExceeded', async () => {
    const sink = collector.sink();
    sink.answer = () => ({ throw: 'failing' });
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const dlq = await queue();
    await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
      MaximumRecordAgeInSeconds: 60,
      DestinationConfig: { OnFailure: { Destination: dlq.arn } },
    });
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('old'), PartitionKey: 'k' }));
    await waitFor('a failed attempt', () => (sink.events.length >= 1 ? true : undefined));
    clockOffset += 61_000;
    try {
      const body = await failureMessage(dlq.url);
      expect((body['requestContext'] as Record<string, unknown>)['condition']).toBe('RecordAgeExceeded');
      expect(body['responseContext']).toBeUndefined();
      expect((body['KinesisBatchInfo'] as Record<string, unknown>)['batchSize']).toBe(1);
    } finally {
      clockOffset -= 61_000;
    }
  });

  it('reports a deleted function in LastProcessingResult and keeps the records until it exists again', async () => {
    const sink = collector.sink();
    const fn = await sinkFunction(t.lambda(), sink);
    const { name, arn } = await stream();
    const uuid = await enabledMapping(t.lambda(), {
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
    });
    await t.lambda().send(new DeleteFunctionCommand({ FunctionName: fn }));
    await kinesis().send(new PutRecordCommand({ StreamName: name, Data: Buffer.from('orphan'), PartitionKey: 'k' }));
    const mapping = await waitFor('PROBLEM: Function not found', async () => {
      const m = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.LastProcessingResult?.startsWith('PROBLEM') ? m : undefined;
    });
    expect(mapping.LastProcessingResult).toBe('PROBLEM: Function not found');
    expect(mapping.State).toBe('Enabled');
    await sinkFunction(t.lambda(), sink, {}, fn);
    await recordsReceived(sink, 1);
    expect(sink.records().map(dataOf)).toEqual(['orphan']);
  });
});
