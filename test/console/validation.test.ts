/**
 * The console's calls and the AWS API decide bad input alike: the same invalid input, sent through
 * the console's API and through the SDK over the wire, gets the same error code and message (or,
 * for S3, whose REST-XML input AWS does not validate against the model, reaches the handler both
 * ways). One decision serves both paths (validationErrorCodeOf); this checks they agree.
 */

import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../helpers/cloud.js';
import { ensureConsoleBuilt } from './support.js';

interface Failure {
  code: string;
  message: string;
}

describe('the console validates input as the server does', () => {
  beforeAll(ensureConsoleBuilt);
  const t = useCloud();

  async function viaConsole(service: string, operation: string, input: Record<string, unknown>): Promise<Failure> {
    const page = await (await fetch(`${t.url}/_console/`)).text();
    const config = /<script id="console-config" type="application\/json">(.*?)<\/script>/.exec(page)?.[1] ?? '{}';
    const { token } = JSON.parse(config) as { token: string };
    const answer = await fetch(`${t.url}/_console/api/call`, {
      method: 'POST',
      headers: { 'x-console-token': token, origin: new URL(t.url).origin, 'content-type': 'application/json' },
      body: JSON.stringify({ service, operation, input }),
    });
    const body = (await answer.json()) as { error?: Failure };
    if (!body.error) throw new Error(`${service} ${operation} succeeded through the console`);
    return body.error;
  }

  async function viaSdk(send: () => Promise<unknown>): Promise<Failure> {
    try {
      await send();
    } catch (error) {
      const { name, message } = error as Error;
      return { code: name, message };
    }
    throw new Error('the call succeeded through the SDK');
  }

  it('awsJson (SQS): a queue name over 80 characters', async () => {
    const input = { QueueName: 'q'.repeat(81) };
    const sdk = await viaSdk(() => t.sqs().send(new CreateQueueCommand(input)));
    expect(await viaConsole('sqs', 'CreateQueue', input)).toEqual(sdk);
  });

  it('query (IAM): a role name with characters outside its pattern', async () => {
    const input = { RoleName: 'bad role!' };
    const sdk = await viaSdk(() => t.iam().send(new GetRoleCommand(input)));
    expect(sdk.code).toBe('ValidationError');
    expect(await viaConsole('iam', 'GetRole', input)).toEqual(sdk);
  });

  it('restJson (Lambda): a function name over its length limit', async () => {
    const input = { FunctionName: 'f'.repeat(171) };
    const sdk = await viaSdk(() => t.lambda().send(new GetFunctionCommand(input)));
    expect(await viaConsole('lambda', 'GetFunction', input)).toEqual(sdk);
  });

  it('restXml (S3): input the model would refuse reaches the handler both ways', async () => {
    const bucket = randomName('console-validation');
    await t.s3().send(new CreateBucketCommand({ Bucket: bucket }));
    // An empty tag key breaks the model's length constraint; S3 answers it with its own error.
    const tagging = { TagSet: [{ Key: '', Value: 'v' }] };
    const sdk = await viaSdk(() => t.s3().send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: tagging })));
    expect(sdk.code).not.toBe('ValidationException');
    expect(await viaConsole('s3', 'PutBucketTagging', { Bucket: bucket, Tagging: tagging })).toEqual(sdk);
  });
});
