/**
 * Cross-account callers through the SDK: the default keys are account 000000000000 (the owner),
 * a second key pair is account 111111111111. Another account's function, bucket or queue is
 * reachable only when its resource policy grants it, with each service's own refusal.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  AddPermissionCommand as AddQueuePermissionCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_CLI_ENV } from '../../helpers/aws-cli.js';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { deployFunction } from '../lambda/support.js';

const OWNER = '000000000000';
const OTHER = '111111111111';
const OTHER_KEYS = { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'other-secret' };
const t = useCloud({ credentials: [{ ...OTHER_KEYS, accountId: OTHER }] });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function otherLambda(): LambdaClient {
  const client = new LambdaClient({ endpoint: t.url, region: 'us-east-1', credentials: OTHER_KEYS, maxAttempts: 1 });
  cleanups.push(async () => client.destroy());
  return client;
}

const ECHO = { 'index.js': 'exports.handler = async (event) => ({ echoed: event });' };

describe('Lambda: invoking another account’s function', () => {
  it('refuses without a grant, allows once AddPermission names the account, refuses again after RemovePermission', async () => {
    const owner = t.lambda();
    const other = otherLambda();
    const name = await deployFunction(owner, ECHO);
    const arn = `arn:aws:lambda:us-east-1:${OWNER}:function:${name}`;
    const invoke = () => other.send(new InvokeCommand({ FunctionName: arn, Payload: JSON.stringify({ n: 1 }) }));

    expect(await failure(invoke())).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:iam::${OTHER}:root is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no resource-based policy allows the lambda:InvokeFunction action`,
      status: 403,
    });

    await owner.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: 'other',
        Action: 'lambda:InvokeFunction',
        Principal: OTHER,
      }),
    );
    const result = await invoke();
    expect(JSON.parse(Buffer.from(result.Payload ?? []).toString())).toEqual({ echoed: { n: 1 } });
    // The grant is for invoking only.
    expect(await failure(other.send(new GetFunctionCommand({ FunctionName: arn })))).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('lambda:GetFunction on resource'),
      status: 403,
    });

    await owner.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'other' }));
    expect(await failure(invoke())).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  });

  it('answers AccessDenied for a function that does not exist, and needs an ARN to reach another account', async () => {
    const other = otherLambda();
    const arn = `arn:aws:lambda:us-east-1:${OWNER}:function:${randomName('missing')}`;
    expect(await failure(other.send(new InvokeCommand({ FunctionName: arn })))).toMatchObject({
      name: 'AccessDeniedException',
      status: 403,
    });
  });

  it('a grant on an alias covers the alias, not the unqualified function', async () => {
    const owner = t.lambda();
    const other = otherLambda();
    const name = await deployFunction(owner, ECHO);
    const { Version } = await owner.send(new PublishVersionCommand({ FunctionName: name }));
    await owner.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: Version }));
    await owner.send(
      new AddPermissionCommand({
        FunctionName: name,
        Qualifier: 'live',
        StatementId: 'other-live',
        Action: 'lambda:InvokeFunction',
        Principal: `arn:aws:iam::${OTHER}:root`,
      }),
    );
    const arn = `arn:aws:lambda:us-east-1:${OWNER}:function:${name}`;
    const viaAlias = await other.send(new InvokeCommand({ FunctionName: `${arn}:live`, Payload: '{}' }));
    expect(viaAlias.StatusCode).toBe(200);
    expect(await failure(other.send(new InvokeCommand({ FunctionName: arn })))).toMatchObject({
      name: 'AccessDeniedException',
      status: 403,
    });
  });
});

describe('S3: another account’s bucket', () => {
  async function ownerBucket(): Promise<string> {
    const bucket = randomName('xacct');
    const s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/a.txt', Body: 'hello' }));
    cleanups.push(async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'public/a.txt' }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    });
    return bucket;
  }
  const denied = { name: 'AccessDenied', message: 'Access Denied', status: 403 };

  it('is AccessDenied without a bucket policy', async () => {
    const bucket = await ownerBucket();
    const other = t.s3({ credentials: OTHER_KEYS });
    expect(await failure(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'public/a.txt' })))).toEqual(denied);
    expect(await failure(other.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x' })))).toEqual(denied);
  });

  it('allows exactly what the bucket policy grants', async () => {
    const bucket = await ownerBucket();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/public/*`,
        },
        {
          Effect: 'Allow',
          Principal: { AWS: OTHER },
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${bucket}`,
          Condition: { StringLike: { 's3:prefix': 'public/*' } },
        },
      ],
    };
    await t.s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const other = t.s3({ credentials: OTHER_KEYS });

    const object = await other.send(new GetObjectCommand({ Bucket: bucket, Key: 'public/a.txt' }));
    expect(await object.Body?.transformToString()).toBe('hello');
    const listed = await other.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['public/a.txt']);

    expect(await failure(other.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual(denied);
    expect(await failure(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'private.txt' })))).toEqual(denied);
    expect(await failure(other.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/b', Body: 'x' })))).toEqual(
      denied,
    );
    expect(await failure(other.send(new HeadBucketCommand({ Bucket: bucket })))).toMatchObject({ status: 403 });

    // Copying into its own bucket needs GetObject on the source only.
    const mine = randomName('mine');
    await other.send(new CreateBucketCommand({ Bucket: mine }));
    cleanups.push(async () => {
      await other.send(new DeleteObjectCommand({ Bucket: mine, Key: 'copy.txt' }));
      await other.send(new DeleteBucketCommand({ Bucket: mine }));
    });
    await other.send(new CopyObjectCommand({ Bucket: mine, Key: 'copy.txt', CopySource: `${bucket}/public/a.txt` }));
    expect(
      await (await other.send(new GetObjectCommand({ Bucket: mine, Key: 'copy.txt' }))).Body?.transformToString(),
    ).toBe('hello');
    // ...and the owner cannot write into the other account's bucket either.
    expect(await failure(t.s3().send(new PutObjectCommand({ Bucket: mine, Key: 'y', Body: 'y' })))).toEqual(denied);
  });

  it('an explicit Deny in the policy wins over its Allow', async () => {
    const bucket = await ownerBucket();
    const policy = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
        { Effect: 'Deny', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
      ],
    };
    await t.s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const other = t.s3({ credentials: OTHER_KEYS });
    expect(await failure(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'public/a.txt' })))).toEqual(denied);
    const listed = await other.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.KeyCount).toBe(1);
  });
});

describe('SQS: another account’s queue', () => {
  async function ownerQueue(): Promise<string> {
    const sqs = t.sqs();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: randomName('xacct') }));
    const url = QueueUrl as string;
    cleanups.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
    return url;
  }

  it('is AccessDenied until AddPermission grants the action', async () => {
    const url = await ownerQueue();
    const other = t.sqs({ credentials: OTHER_KEYS });
    const send = () => other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hi' }));
    expect(await failure(send())).toEqual({
      name: 'AccessDenied',
      message: `Access to the resource ${url} is denied.`,
      status: 403,
    });
    await t.sqs().send(
      new AddQueuePermissionCommand({
        QueueUrl: url,
        Label: 'other',
        AWSAccountIds: [OTHER],
        Actions: ['SendMessage'],
      }),
    );
    expect((await send()).MessageId).toBeTruthy();
    expect(await failure(other.send(new ReceiveMessageCommand({ QueueUrl: url })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    const received = await t.sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['hi']);
  });

  it('follows a Policy attribute with conditions, and GetQueueUrl with the owner account', async () => {
    const url = await ownerQueue();
    const name = url.split('/').pop() as string;
    const arn = `arn:aws:sqs:us-east-1:${OWNER}:${name}`;
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: ['sqs:Send*', 'sqs:GetQueueUrl'],
          Resource: arn,
          Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } },
        },
      ],
    };
    await t
      .sqs()
      .send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }));
    const other = t.sqs({ credentials: OTHER_KEYS });
    const found = await other.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: OWNER }));
    expect(found.QueueUrl).toBe(url);
    expect((await other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).MessageId).toBeTruthy();
  });

  it('the AWS CLI sees SQS’s AccessDenied code', async () => {
    const url = await ownerQueue();
    const run = promisify(execFile);
    const env = {
      ...AWS_CLI_ENV,
      AWS_ACCESS_KEY_ID: OTHER_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: OTHER_KEYS.secretAccessKey,
    };
    const error = await run(
      'aws',
      ['--endpoint-url', t.url, 'sqs', 'send-message', '--queue-url', url, '--message-body', 'x'],
      {
        env,
      },
    ).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).toContain('(AccessDenied) when calling the SendMessage operation: Access to the resource');
  });
});
