/**
 * SNS deliveries end to end: to SQS (enveloped and raw, attributes, filter policies), to Lambda
 * (the Records[].Sns event), each only where the target's resource policy lets the topic in;
 * refusals are logged, dead-letter queues get what finally fails, signatures verify.
 */
import { execFile } from 'node:child_process';
import { createVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { promisify } from 'node:util';
import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { PublishBatchCommand, PublishCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { failure, useCloud, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';
import {
  ACCOUNT,
  LOGGING_HANDLER,
  lambdaEvents,
  newQueue,
  newTopic,
  receiveAll,
  subscribe,
  useSns,
} from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const run = promisify(execFile);
const client = useSns(t);

/** What SNS signs, per AWS's documentation (the receiver's side, written independently). */
function stringToSign(m: Record<string, string>): string {
  const keys =
    m['Type'] === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');
}

/** GET over HTTPS, trusting the cloud's CA (SigningCertURL is https, as on AWS). */
function fetchTrusted(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca: readFileSync(t.cloud.caFile()) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/**
 * AWS's own validator (the `sns-validator` package) in a process that trusts the cloud's CA
 * through NODE_EXTRA_CA_CERTS, as a receiver would: the certificate host pattern is the only
 * setting that differs from AWS.
 */
async function awsValidatorAccepts(message: Record<string, string>): Promise<string> {
  const script = `
const MessageValidator = require('sns-validator');
new MessageValidator(/^127\\.0\\.0\\.1:\\d+$/).validate(process.argv[1], (error) => {
  console.log(error ? 'refused: ' + error.message : 'valid');
});`;
  const { stdout } = await run(process.execPath, ['-e', script, JSON.stringify(message)], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: t.cloud.caFile() },
  });
  return stdout.trim();
}

async function verifies(m: Record<string, string>): Promise<boolean> {
  expect(m['SigningCertURL']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/_sns\/.+\.pem$/);
  const pem = await fetchTrusted(m['SigningCertURL'] ?? '');
  const cert = new X509Certificate(pem);
  const verifier = createVerify(m['SignatureVersion'] === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  verifier.update(stringToSign(m));
  return verifier.verify(cert.publicKey, m['Signature'] ?? '', 'base64');
}

describe('to SQS', () => {
  it('delivers the signed JSON envelope, and the raw body with attributes', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns);
    const enveloped = await newQueue(sqs, topicArn);
    const raw = await newQueue(sqs, topicArn);
    await subscribe(sns, topicArn, 'sqs', enveloped.arn);
    await subscribe(sns, topicArn, 'sqs', raw.arn, { RawMessageDelivery: 'true' });
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'hello',
        Subject: 'greeting',
        MessageAttributes: {
          color: { DataType: 'String', StringValue: 'red' },
          n: { DataType: 'Number', StringValue: '5' },
        },
      }),
    );
    const [message] = await receiveAll(sqs, enveloped.url, 1);
    const body = JSON.parse(message?.Body ?? '{}') as Record<string, string>;
    expect(body).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'greeting',
      Message: 'hello',
      SignatureVersion: '1',
      MessageAttributes: { color: { Type: 'String', Value: 'red' }, n: { Type: 'Number', Value: '5' } },
    });
    expect(Object.keys(body)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    expect(await verifies(body)).toBe(true);
    expect(await verifies({ ...body, Message: 'tampered' })).toBe(false);
    expect(await awsValidatorAccepts(body)).toBe('valid');
    expect(await awsValidatorAccepts({ ...body, Message: 'tampered' })).toBe(
      'refused: The message signature is invalid.',
    );

    const [rawMessage] = await receiveAll(sqs, raw.url, 1);
    expect(rawMessage?.Body).toBe('hello');
    expect(rawMessage?.MessageAttributes?.['color']).toMatchObject({ DataType: 'String', StringValue: 'red' });

    await sns.send(
      new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }),
    );
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'v2' }));
    const [second] = await receiveAll(sqs, enveloped.url, 1);
    const v2 = JSON.parse(second?.Body ?? '{}') as Record<string, string>;
    expect(v2['SignatureVersion']).toBe('2');
    expect(await verifies(v2)).toBe(true);
    expect(await awsValidatorAccepts(v2)).toBe('valid');
  });

  it('applies filter policies on attributes and on the body', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns);
    const byAttributes = await newQueue(sqs, topicArn);
    const byBody = await newQueue(sqs, topicArn);
    await subscribe(sns, topicArn, 'sqs', byAttributes.arn, {
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify({ color: ['red', { prefix: 'bl' }], size: [{ numeric: ['>', 10] }] }),
    });
    await subscribe(sns, topicArn, 'sqs', byBody.arn, {
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: JSON.stringify({
        order: { kind: [{ 'anything-but': 'test' }] },
        $or: [{ a: [1] }, { b: [{ exists: true }] }],
      }),
    });
    const publish = (Message: string, color?: string, size?: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message,
          MessageAttributes: {
            ...(color ? { color: { DataType: 'String', StringValue: color } } : {}),
            ...(size ? { size: { DataType: 'Number', StringValue: size } } : {}),
          },
        }),
      );
    await publish('red-big', 'red', '11');
    await publish('blue-big', 'blue', '20');
    await publish('red-small', 'red', '3');
    await publish('green-big', 'green', '30');
    await publish(JSON.stringify({ order: { kind: 'real' }, a: 1 }));
    await publish(JSON.stringify({ order: { kind: 'test' }, a: 1 }));
    await publish(JSON.stringify({ order: { kind: 'real' }, c: 1 }));
    await publish(JSON.stringify({ order: { kind: 'real' }, b: 'x' }));
    const attributes = await receiveAll(sqs, byAttributes.url, 2);
    expect(attributes.map((m) => m.Body).sort()).toEqual(['blue-big', 'red-big']);
    const body = await receiveAll(sqs, byBody.url, 2);
    expect(body.map((m) => JSON.parse(m.Body))).toEqual(
      expect.arrayContaining([
        { order: { kind: 'real' }, a: 1 },
        { order: { kind: 'real' }, b: 'x' },
      ]),
    );
  });

  it('refuses delivery to a queue whose policy does not let the topic in, and says so', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns);
    const closed = await newQueue(sqs, undefined);
    const dlq = await newQueue(sqs, topicArn);
    await subscribe(sns, topicArn, 'sqs', closed.arn, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    });
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'nobody hears' }));
    const line = await waitFor('the refusal in the log', () =>
      t.logs.find((l) => l.includes(MessageId ?? '-') && l.includes('refused')),
    );
    expect(line).toContain(closed.arn);
    expect(line).toContain('sqs:SendMessage');
    const [dead] = await receiveAll(sqs, dlq.url, 1);
    expect(JSON.parse(dead?.Body ?? '{}')).toMatchObject({ MessageId, Message: 'nobody hears' });
    expect(dead?.MessageAttributes?.['ErrorCode']?.StringValue).toBe('AccessDenied');
  });

  it('publishes batches and checks messages', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns);
    const queue = await newQueue(sqs, topicArn);
    await subscribe(sns, topicArn, 'sqs', queue.arn, { RawMessageDelivery: 'true' });
    const result = await sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'a', Message: 'one' },
          { Id: 'b', Message: '' },
          { Id: 'c', Message: 'three' },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['a', 'c']);
    expect(result.Failed).toEqual([
      { Id: 'b', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true },
    ]);
    const got = await receiveAll(sqs, queue.url, 2);
    expect(got.map((m) => m.Body).sort()).toEqual(['one', 'three']);
    const empty = await failure(sns.send(new PublishCommand({ TopicArn: topicArn, Message: '' })));
    expect(empty.message).toBe('Invalid parameter: Empty message');
    const long = await failure(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x'.repeat(262_145) })));
    expect(long.message).toBe('Invalid parameter: Message too long');
    const missing = await failure(sns.send(new PublishCommand({ TopicArn: `${topicArn}-gone`, Message: 'x' })));
    expect(missing.name).toBe('NotFoundException');
  });

  it('delivers FIFO topics to FIFO queues in order, deduplicated', async () => {
    const sns = client();
    const sqs = t.sqs();
    const topicArn = await newTopic(sns, { FifoTopic: 'true' });
    const queue = await newQueue(sqs, topicArn, { fifo: true });
    await subscribe(sns, topicArn, 'sqs', queue.arn, { RawMessageDelivery: 'true' });
    const noGroup = await failure(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })));
    expect(noGroup.message).toBe('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    const first = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }),
    );
    const again = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }),
    );
    expect(again).toMatchObject({ MessageId: first.MessageId, SequenceNumber: first.SequenceNumber });
    await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'two', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }),
    );
    const got = await receiveAll(sqs, queue.url, 2);
    expect(got.map((m) => m.Body)).toEqual(['one', 'two']);
  });
});

describe('to Lambda', () => {
  it('invokes the function only while its policy allows the topic', async () => {
    const sns = client();
    const lambda = t.lambda();
    const name = await deployFunction(lambda, { 'index.js': LOGGING_HANDLER });
    const functionArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
    const topicArn = await newTopic(sns);
    const SubscriptionArn = await subscribe(sns, topicArn, 'lambda', functionArn);

    const refused = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'before permission' }));
    const line = await waitFor('the refusal', () => t.logs.find((l) => l.includes(refused.MessageId ?? '-')));
    expect(line).toContain('refused');
    expect(line).toContain('lambda:InvokeFunction');

    await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: 'sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: topicArn,
      }),
    );
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'hello lambda',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      }),
    );
    const [event] = await lambdaEvents(t, name, 1);
    expect(event).toMatchObject({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: SubscriptionArn,
          Sns: {
            Type: 'Notification',
            MessageId,
            TopicArn: topicArn,
            Subject: null,
            Message: 'hello lambda',
            SignatureVersion: '1',
            MessageAttributes: { k: { Type: 'String', Value: 'v' } },
          },
        },
      ],
    });
    const sns0 = (event as { Records: { Sns: Record<string, string> }[] }).Records[0]?.Sns ?? {};
    expect(sns0['SigningCertUrl']).toMatch(/\/_sns\//);
    expect(sns0['UnsubscribeUrl']).toMatch(/\/_sns\/unsubscribe/);

    await lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'sns' }));
    const after = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'after removal' }));
    await waitFor('the second refusal', () =>
      t.logs.find((l) => l.includes(after.MessageId ?? '-') && l.includes('refused')),
    );
  });
});
