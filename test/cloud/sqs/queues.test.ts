/** Queues: create (attributes, idempotence, names), URLs, listing, attributes, tags, purge, delete. */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, rejection, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, expectNoInternalErrors, newQueue } from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

async function attributes(url: string, names: string[] = ['All']) {
  return (await t.sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as never })))
    .Attributes;
}

describe('CreateQueue', () => {
  it('creates a standard queue with AWS defaults and a URL on the host the client used', async () => {
    const sqs = t.sqs();
    const before = Math.floor(Date.now() / 1000);
    const { url, name, arn } = await newQueue(sqs);
    expect(url).toBe(`${t.url}/${ACCOUNT}/${name}`);
    const all = await attributes(url);
    expect(all).toEqual({
      QueueArn: arn,
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
      CreatedTimestamp: expect.any(String),
      LastModifiedTimestamp: expect.any(String),
      DelaySeconds: '0',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '30',
      SqsManagedSseEnabled: 'true',
    });
    expect(Number(all?.['CreatedTimestamp'])).toBeGreaterThanOrEqual(before);
  });

  it('creates a FIFO queue with its FIFO attributes', async () => {
    const { url } = await newQueue(t.sqs(), { fifo: true, attributes: { ContentBasedDeduplication: 'true' } });
    expect(await attributes(url)).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
  });

  it('is idempotent for the same attributes and answers QueueNameExists for different ones', async () => {
    const sqs = t.sqs();
    const { url, name } = await newQueue(sqs, { attributes: { VisibilityTimeout: '20' } });
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '20' } }));
    expect(again.QueueUrl).toBe(url);
    expect((await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl).toBe(url);
    const e = await rejection(
      sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '21' } })),
    );
    expect({ name: e.name, message: e.message, code: (e as { Code?: string }).Code }).toEqual({
      name: 'QueueNameExists',
      message: 'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
      code: 'QueueAlreadyExists',
    });
  });

  it('applies AWS name rules and attribute checks', async () => {
    const sqs = t.sqs();
    expect(await failure(sqs.send(new CreateQueueCommand({ QueueName: 'bad name' })))).toEqual({
      name: 'InvalidParameterValue',
      message: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      status: 400,
    });
    expect((await failure(sqs.send(new CreateQueueCommand({ QueueName: 'x'.repeat(81) })))).name).toBe(
      'InvalidParameterValue',
    );
    expect(
      (
        await failure(
          sqs.send(new CreateQueueCommand({ QueueName: randomName('f'), Attributes: { FifoQueue: 'true' } })),
        )
      ).name,
    ).toBe('InvalidParameterValue');
    expect(
      await failure(
        sqs.send(new CreateQueueCommand({ QueueName: randomName('s'), Attributes: { FifoQueue: 'false' } })),
      ),
    ).toEqual({ name: 'InvalidAttributeName', message: 'Unknown Attribute FifoQueue.', status: 400 });
    expect(
      await failure(
        sqs.send(new CreateQueueCommand({ QueueName: randomName('s'), Attributes: { DeduplicationScope: 'queue' } })),
      ),
    ).toEqual({
      name: 'InvalidAttributeName',
      message: 'You can specify the DeduplicationScope only when FifoQueue is set to true.',
      status: 400,
    });
    expect(
      await failure(
        sqs.send(new CreateQueueCommand({ QueueName: randomName('s'), Attributes: { VisibilityTimeout: '43201' } })),
      ),
    ).toEqual({
      name: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter VisibilityTimeout.',
      status: 400,
    });
  });
});

describe('queue URLs', () => {
  it('finds queues by name and accepts AWS-style URLs', async () => {
    const sqs = t.sqs();
    const { url, name } = await newQueue(sqs);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    for (const form of [
      `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`,
      `https://us-east-1.queue.amazonaws.com/${ACCOUNT}/${name}`,
      `http://localhost:4566/${ACCOUNT}/${name}`,
    ]) {
      expect(await attributes(form, ['VisibilityTimeout'])).toEqual({ VisibilityTimeout: '30' });
    }
  });

  it('answers QueueDoesNotExist with the awsQuery code the SDK reports', async () => {
    const e = await rejection(t.sqs().send(new GetQueueUrlCommand({ QueueName: randomName('missing') })));
    expect({
      name: e.name,
      message: e.message,
      code: (e as { Code?: string }).Code,
      status: e.$metadata?.httpStatusCode,
    }).toEqual({
      name: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      status: 400,
    });
  });
});

describe('ListQueues', () => {
  it('filters by prefix and pages with MaxResults and NextToken', async () => {
    const sqs = t.sqs();
    const prefix = randomName('list');
    const urls: string[] = [];
    for (let i = 0; i < 5; i++)
      urls.push((await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${i}` }))).QueueUrl as string);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls).toEqual(urls);
    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    expect(first.QueueUrls).toEqual(urls.slice(0, 2));
    const rest = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 3, NextToken: first.NextToken }),
    );
    expect(rest.QueueUrls).toEqual(urls.slice(2));
    expect(rest.NextToken).toBeUndefined();
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: randomName('none') }))).QueueUrls).toBeUndefined();
  });
});

describe('Get/SetQueueAttributes', () => {
  it('updates attributes, keeps Policy and RedrivePolicy, and removes them when set empty', async () => {
    const sqs = t.sqs();
    const dlq = await newQueue(sqs, { prefix: 'dlq' });
    const { url, arn } = await newQueue(sqs);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn }],
    });
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: {
          VisibilityTimeout: '69',
          DelaySeconds: '5',
          Policy: policy,
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '3' }),
        },
      }),
    );
    expect(await attributes(url, ['VisibilityTimeout', 'DelaySeconds', 'Policy', 'RedrivePolicy'])).toEqual({
      VisibilityTimeout: '69',
      DelaySeconds: '5',
      Policy: policy,
      RedrivePolicy: `{"deadLetterTargetArn":"${dlq.arn}","maxReceiveCount":3}`,
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: '', RedrivePolicy: '' } }));
    expect(await attributes(url, ['Policy', 'RedrivePolicy'])).toBeUndefined();
  });

  it('refuses unknown names, bad values, a missing dead-letter queue and changing the queue type', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const fifo = await newQueue(sqs, { fifo: true });
    expect(await failure(attributes(url, ['Nope']))).toEqual({
      name: 'InvalidAttributeName',
      message: 'Unknown Attribute Nope.',
      status: 400,
    });
    expect(
      (
        await failure(
          sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: '100' } })),
        )
      ).name,
    ).toBe('InvalidAttributeValue');
    const missing = `arn:aws:sqs:us-east-1:${ACCOUNT}:${randomName('gone')}`;
    const redrive = JSON.stringify({ deadLetterTargetArn: missing, maxReceiveCount: 1 });
    expect(
      await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: redrive } }))),
    ).toEqual({
      name: 'InvalidParameterValue',
      message: `Value ${redrive} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
      status: 400,
    });
    expect(
      await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: fifo.url, Attributes: { FifoQueue: 'true' } }))),
    ).toEqual({
      name: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
      status: 400,
    });
  });

  it('counts visible and delayed messages', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 600 }));
    expect(
      await attributes(url, [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesDelayed',
        'ApproximateNumberOfMessagesNotVisible',
      ]),
    ).toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });
});

describe('tags, purge and delete', () => {
  it('tags and untags a queue', async () => {
    const sqs = t.sqs();
    const name = randomName('tags');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, tags: { team: 'core' } }));
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { stage: 'dev', empty: '' } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({
      team: 'core',
      stage: 'dev',
      empty: '',
    });
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ['team', 'stage', 'empty'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toBeUndefined();
  });

  it('purges once per 60 seconds and deletes a queue', async () => {
    const sqs = t.sqs();
    const { url, name } = await newQueue(sqs);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await attributes(url, ['ApproximateNumberOfMessages'])).toEqual({ ApproximateNumberOfMessages: '0' });
    const e = await rejection(sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
    expect({
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      code: (e as { Code?: string }).Code,
    }).toEqual({
      name: 'PurgeQueueInProgress',
      message: `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      status: 403,
      code: 'AWS.SimpleQueueService.PurgeQueueInProgress',
    });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    expect((await failure(sqs.send(new GetQueueUrlCommand({ QueueName: name })))).name).toBe('QueueDoesNotExist');
    expect((await failure(sqs.send(new DeleteQueueCommand({ QueueUrl: url })))).name).toBe('QueueDoesNotExist');
  });
});
