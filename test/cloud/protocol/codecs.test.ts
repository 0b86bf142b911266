/**
 * The generic protocol layer, through real SDK clients over a real socket: a server built with
 * test handlers on the official models of a JSON service (CloudWatch Logs), a REST-JSON service
 * (Lambda) and a query service (STS). Checks parsing, serialization, validation messages, error
 * shapes and the error boundary, independent of any service's real logic.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/cloud/errors.js';
import type { RequestContext } from '../../../src/cloud/service.js';
import { failure, rejection, TEST_CREDENTIALS } from '../../helpers/cloud.js';
import { useHandlerServer } from '../../helpers/handler-server.js';
import { signedPost } from '../../helpers/signed-fetch.js';

const seen: Record<string, unknown> = {};

const t = useHandlerServer({
  logs: {
    model: 'logs',
    signingNames: ['logs'],
    handlers: {
      CreateLogGroup(input: unknown) {
        seen['CreateLogGroup'] = input;
        return {};
      },
      DescribeLogGroups() {
        return { logGroups: [{ logGroupName: '/aws/lambda/x', creationTime: 1_700_000_000_000, storedBytes: 42 }] };
      },
      PutLogEvents() {
        throw new TypeError('secret internal detail');
      },
    },
  },
  lambda: {
    model: 'lambda',
    signingNames: ['lambda'],
    handlers: {
      GetFunction(input: { FunctionName: string; Qualifier?: string }) {
        if (input.FunctionName === 'missing') {
          throw new AwsError(
            'ResourceNotFoundException',
            `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${input.FunctionName}`,
            404,
          );
        }
        return {
          Configuration: { FunctionName: input.FunctionName, Version: input.Qualifier ?? '$LATEST', Timeout: 3 },
        };
      },
      Invoke(input: { Payload?: Buffer; LogType?: string }, ctx: RequestContext) {
        seen['Invoke'] = {
          payload: input.Payload?.toString('utf8'),
          logType: input.LogType,
          requestId: ctx.requestId,
        };
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          FunctionError: 'Unhandled',
          Payload: Buffer.from('{"ok":true}'),
        };
      },
    },
  },
});

function logsClient() {
  return new CloudWatchLogsClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

function lambdaClient() {
  return new LambdaClient({ endpoint: t.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

describe('awsJson1_1', () => {
  it('parses input members and serializes timestamps as epoch seconds', async () => {
    const client = logsClient();
    await client.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/fn', tags: { team: 'a' } }));
    expect(seen['CreateLogGroup']).toEqual({ logGroupName: '/aws/lambda/fn', tags: { team: 'a' } });
    const described = await client.send(new DescribeLogGroupsCommand({}));
    expect(described.logGroups?.[0]).toMatchObject({
      logGroupName: '/aws/lambda/x',
      creationTime: 1_700_000_000_000,
      storedBytes: 42,
    });
    client.destroy();
  });

  it('reports every failed constraint at once, worded as AWS does', async () => {
    const client = logsClient();
    const error = await failure(
      client.send(new CreateLogGroupCommand({ logGroupName: '', logGroupClass: 'BOGUS' as never })),
    );
    expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(error.message).toBe(
      "3 validation errors detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+; Value 'BOGUS' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]",
    );
    client.destroy();
  });

  it('turns an unexpected exception into InternalFailure without leaking the detail', async () => {
    const client = logsClient();
    const error = await failure(
      client.send(
        new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: 1, message: 'm' }] }),
      ),
    );
    expect(error).toMatchObject({ name: 'InternalFailure', status: 500 });
    expect(error.message).not.toContain('secret internal detail');
    expect(t.logs.some((l) => l.includes('secret internal detail'))).toBe(true);
    client.destroy();
  });

  it('answers malformed JSON with SerializationException and an unknown target with UnknownOperationException', async () => {
    const client = logsClient();
    const send = async (target: string, body: string) => {
      const response = await signedPost(
        t.url,
        'logs',
        { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      );
      return {
        status: response.status,
        type: response.headers.get('x-amzn-errortype'),
        body: (await response.json()) as Record<string, unknown>,
      };
    };
    const malformed = await send('Logs_20140328.CreateLogGroup', '{"logGroupName": ');
    expect(malformed).toMatchObject({
      status: 400,
      type: 'SerializationException',
      body: { __type: 'SerializationException' },
    });
    const wrongType = await send('Logs_20140328.CreateLogGroup', '{"logGroupName": 5}');
    expect(wrongType).toMatchObject({ status: 400, type: 'SerializationException' });
    const unknown = await send('Logs_20140328.NoSuchThing', '{}');
    expect(unknown).toMatchObject({ status: 400, type: 'UnknownOperationException' });
    client.destroy();
  });
});

describe('restJson1', () => {
  it('binds URI labels and query strings, and serializes headers and a blob payload', async () => {
    const client = lambdaClient();
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'my-fn', Qualifier: '7' }));
    expect(got.Configuration).toMatchObject({ FunctionName: 'my-fn', Version: '7', Timeout: 3 });
    const invoked = await client.send(
      new InvokeCommand({ FunctionName: 'my-fn', Payload: Buffer.from('{"a":1}'), LogType: 'Tail' }),
    );
    expect(seen['Invoke']).toMatchObject({ payload: '{"a":1}', logType: 'Tail' });
    expect(invoked.StatusCode).toBe(200);
    expect(invoked.FunctionError).toBe('Unhandled');
    expect(invoked.ExecutedVersion).toBe('$LATEST');
    expect(Buffer.from(invoked.Payload ?? new Uint8Array()).toString()).toBe('{"ok":true}');
    client.destroy();
  });

  it('returns modeled errors with their status, type and message, and validation errors for the model constraints', async () => {
    const client = lambdaClient();
    expect(await failure(client.send(new GetFunctionCommand({ FunctionName: 'missing' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing',
    });
    const invalidError = await rejection(
      client.send(
        new CreateFunctionCommand({
          FunctionName: 'f',
          Role: 'arn:aws:iam::000000000000:role/r',
          Code: {},
          MemorySize: 100,
        }),
      ),
    );
    const invalid = {
      name: invalidError.name,
      message: invalidError.message,
      status: invalidError.$metadata?.httpStatusCode,
    };
    expect(invalid).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value '100' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    });
    expect(invalidError.$metadata?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    client.destroy();
  });

  it('answers an operation without a handler as not implemented', async () => {
    const client = lambdaClient();
    expect(
      await failure(
        client.send(
          new CreateFunctionCommand({
            FunctionName: 'f',
            Role: 'arn:aws:iam::000000000000:role/r',
            Code: { ZipFile: Buffer.from('x') },
          }),
        ),
      ),
    ).toMatchObject({ name: 'NotImplemented', status: 501 });
    client.destroy();
  });
});
