/** Messages: send, receive (attributes, visibility, long polling), delete, change visibility, batches. */
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, rejection, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, newQueue } from './support.js';

const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

function receive(sqs: SQSClient, QueueUrl: string, extra: Record<string, unknown> = {}) {
  return sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0, ...extra }));
}

describe('SendMessage and ReceiveMessage', () => {
  it('returns the digests AWS computes and the attributes asked for', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const traceHeader = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'message-1',
        MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } },
      }),
    );
    // Digests recorded against AWS (LocalStack's snapshots of the same messages).
    expect(sent).toMatchObject({
      MD5OfMessageBody: '3d6b824fd8c1520e9a047d21fee6fb1f',
      MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6',
      MD5OfMessageSystemAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const before = Date.now();
    const { Messages } = await receive(sqs, url, {
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    expect(Messages).toEqual([
      {
        MessageId: sent.MessageId,
        ReceiptHandle: expect.any(String),
        MD5OfBody: '3d6b824fd8c1520e9a047d21fee6fb1f',
        Body: 'message-1',
        Attributes: {
          SenderId: 'test',
          SentTimestamp: expect.any(String),
          ApproximateReceiveCount: '1',
          ApproximateFirstReceiveTimestamp: expect.any(String),
          AWSTraceHeader: traceHeader,
        },
        MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6',
        MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } },
      },
    ]);
    expect(Number(Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('filters system and message attributes by name and prefix, and handles binary values', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const binary = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'test',
        MessageAttributes: {
          'app.one': { DataType: 'Number', StringValue: '1' },
          'app.two': { DataType: 'String.custom', StringValue: 'two' },
          attr1: { DataType: 'Binary', BinaryValue: binary },
        },
      }),
    );
    const { Messages } = await receive(sqs, url, {
      AttributeNames: ['SentTimestamp'],
      MessageAttributeNames: ['app.*'],
      VisibilityTimeout: 0,
    });
    expect(Object.keys(Messages?.[0]?.Attributes ?? {})).toEqual(['SentTimestamp']);
    expect(Object.keys(Messages?.[0]?.MessageAttributes ?? {}).sort()).toEqual(['app.one', 'app.two']);
    const only = await receive(sqs, url, { MessageAttributeNames: ['attr1'] });
    // The digest AWS gives this binary attribute alone.
    expect(only.Messages?.[0]?.MD5OfMessageAttributes).toBe('8cbe4db156db8a94db8b801b7addb984');
    expect(Buffer.from(only.Messages?.[0]?.MessageAttributes?.['attr1']?.BinaryValue ?? []).equals(binary)).toBe(true);
  });

  it('refuses bad bodies, attributes and sizes with AWS codes', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { attributes: { MaximumMessageSize: '1024' } });
    expect(await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' })))).toEqual({
      name: 'MissingParameter',
      message: 'The request must contain the parameter MessageBody.',
      status: 400,
    });
    expect(await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1025) })))).toEqual({
      name: 'InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
      status: 400,
    });
    expect((await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001' })))).name).toBe(
      'InvalidMessageContents',
    );
    expect(
      await failure(
        sqs.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: 'x',
            MessageAttributes: { E: { DataType: 'String', StringValue: '' } },
          }),
        ),
      ),
    ).toEqual({
      name: 'InvalidParameterValue',
      message: "Message (user) attribute 'E' must contain a non-empty value of type 'String'.",
      status: 400,
    });
    expect(await failure(receive(sqs, url, { MaxNumberOfMessages: 11 }))).toEqual({
      name: 'InvalidParameterValue',
      message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
      status: 400,
    });
    expect((await failure(receive(sqs, url, { WaitTimeSeconds: 21 }))).message).toBe(
      'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    );
  });

  it('hides a received message for its visibility timeout, then delivers it again with a new handle', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs, { attributes: { VisibilityTimeout: '1' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const first = await receive(sqs, url, { AttributeNames: ['ApproximateReceiveCount'] });
    expect((await receive(sqs, url)).Messages).toBeUndefined();
    // A long poll wakes when the visibility timeout runs out, not at its own deadline.
    const started = Date.now();
    const second = await receive(sqs, url, { WaitTimeSeconds: 5, AttributeNames: ['ApproximateReceiveCount'] });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
    // The old handle deletes nothing (standard queues), the current one deletes.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: second.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const third = await receive(sqs, url);
    expect(third.Messages?.[0]?.Body).toBe('again');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third.Messages?.[0]?.ReceiptHandle }));
    expect((await receive(sqs, url)).Messages).toBeUndefined();
  });

  it('refuses malformed receipt handles and changes to a message no longer in flight', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const e = await rejection(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })));
    expect({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }).toEqual({
      name: 'ReceiptHandleIsInvalid',
      message: 'The input receipt handle "garbage" is not a valid receipt handle.',
      status: 404,
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const handle = (await receive(sqs, url)).Messages?.[0]?.ReceiptHandle as string;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle }));
    expect(
      await failure(
        sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 5 })),
      ),
    ).toEqual({
      name: 'InvalidParameterValue',
      message: `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      status: 400,
    });
  });
});

describe('long polling', () => {
  it('answers as soon as a message arrives', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const started = Date.now();
    const polling = receive(sqs, url, { WaitTimeSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
    const { Messages } = await polling;
    expect(Messages?.[0]?.Body).toBe('wake');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('delivers a delayed message when its delay passes, and ends empty at its deadline', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late', DelaySeconds: 1 }));
    expect((await receive(sqs, url)).Messages).toBeUndefined();
    const { Messages } = await receive(sqs, url, { WaitTimeSeconds: 5 });
    expect(Messages?.[0]?.Body).toBe('late');
    const started = Date.now();
    expect((await receive(sqs, url, { WaitTimeSeconds: 1 })).Messages).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('batches', () => {
  it('sends, changes and deletes in batches with per-entry failures', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'c', MessageBody: 'three', MessageAttributes: { E: { DataType: 'String', StringValue: '' } } },
        ],
      }),
    );
    expect(sent.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(sent.Failed).toEqual([
      {
        Id: 'c',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message: "Message (user) attribute 'E' must contain a non-empty value of type 'String'.",
      },
    ]);
    const { Messages = [] } = await receive(sqs, url, { MaxNumberOfMessages: 10 });
    expect(Messages.map((m) => m.Body).sort()).toEqual(['one', 'two']);
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60 })),
      }),
    );
    expect(changed.Successful).toHaveLength(2);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...Messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: 'bad', ReceiptHandle: 'nope' },
        ],
      }),
    );
    expect(deleted.Successful?.map((s) => s.Id)).toEqual(['m0', 'm1']);
    expect(deleted.Failed?.[0]).toMatchObject({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true });
  });

  it('checks the entry list as a whole', async () => {
    const sqs = t.sqs();
    const { url } = await newQueue(sqs);
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    const tooMany = await rejection(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries(11) })));
    expect({ name: tooMany.name, message: tooMany.message, code: (tooMany as { Code?: string }).Code }).toEqual({
      name: 'TooManyEntriesInBatchRequest',
      message: 'Maximum number of entries per request are 10. You have sent 11.',
      code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    });
    expect((await failure(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })))).name).toBe(
      'EmptyBatchRequest',
    );
    expect(
      (
        await failure(
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: [
                { Id: 'x', MessageBody: 'a' },
                { Id: 'x', MessageBody: 'b' },
              ],
            }),
          ),
        )
      ).name,
    ).toBe('BatchEntryIdsNotDistinct');
    expect(
      await failure(
        sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'invalid:id', MessageBody: 'a' }] })),
      ),
    ).toEqual({
      name: 'InvalidBatchEntryId',
      message:
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      status: 400,
    });
    const big = 'x'.repeat(262_144);
    const tooLong = await failure(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [0, 1, 2, 3, 4].map((i) => ({ Id: `b${i}`, MessageBody: big })),
        }),
      ),
    );
    expect(tooLong).toEqual({
      name: 'BatchRequestTooLong',
      message: 'Batch requests cannot be longer than 1048576 bytes. You have sent 1310720 bytes.',
      status: 400,
    });
  });
});
