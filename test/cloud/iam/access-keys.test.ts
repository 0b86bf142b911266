/**
 * Access keys: a key pair made by CreateAccessKey signs requests at once as its user (the caller
 * identity STS reports), an Inactive key is refused, a deleted one too; boto3 proves the same on
 * the wire from another SDK.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT } from './support.js';

const run = promisify(execFile);
const t = useCloud();

/** boto3's STS GetCallerIdentity with a key pair: the identity, or the error code it failed with. */
async function boto3CallerIdentity(key: { accessKeyId: string; secretAccessKey: string }): Promise<unknown> {
  const script = `
import boto3, json, sys
from botocore.exceptions import ClientError
sts = boto3.client('sts', endpoint_url=sys.argv[1], region_name='eu-west-1',
                   aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
try:
    r = sts.get_caller_identity()
    print(json.dumps({'Arn': r['Arn'], 'UserId': r['UserId'], 'Account': r['Account']}))
except ClientError as e:
    print(json.dumps({'Error': e.response['Error']['Code'], 'Status': e.response['ResponseMetadata']['HTTPStatusCode']}))
`;
  const env = { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const { stdout } = await run('python3', ['-c', script, t.url, key.accessKeyId, key.secretAccessKey], { env });
  return JSON.parse(stdout);
}

async function userWithKey() {
  const iam = t.iam();
  const UserName = randomName('keyed');
  const path = `/${randomName('keys')}/`;
  const { User } = await iam.send(new CreateUserCommand({ UserName, Path: path }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
  const key = { accessKeyId: AccessKey?.AccessKeyId as string, secretAccessKey: AccessKey?.SecretAccessKey as string };
  return { iam, UserName, User, AccessKey, key };
}

describe('access keys', () => {
  it('returns a key pair that signs requests at once as its user, in every SDK', async () => {
    const { iam, UserName, User, AccessKey, key } = await userWithKey();
    expect(AccessKey).toEqual({
      UserName,
      AccessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
      Status: 'Active',
      SecretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
      CreateDate: expect.any(Date),
    });
    expect(await t.sts(key).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: ACCOUNT,
      Arn: User?.Arn,
      UserId: User?.UserId,
    });
    expect(await boto3CallerIdentity(key)).toEqual({ Account: ACCOUNT, Arn: User?.Arn, UserId: User?.UserId });
    // GetUser without a name describes the calling user.
    expect((await t.iam({ credentials: key }).send(new GetUserCommand({}))).User).toEqual(User);
    // A session the user's key starts acts as the user.
    const { Credentials } = await t.sts(key).send(new GetSessionTokenCommand({}));
    const session = {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    };
    expect(await t.sts(session).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: User?.Arn,
      UserId: User?.UserId,
    });

    // Inactive: refused in each protocol's words; active again: accepted.
    await iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId, Status: 'Inactive' }));
    expect(await failure(t.sts(key).send(new GetCallerIdentityCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    expect(await failure(t.sqs({ credentials: key }).send(new ListQueuesCommand({})))).toMatchObject({
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    expect((await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata).toEqual([
      { UserName, AccessKeyId: key.accessKeyId, Status: 'Inactive', CreateDate: AccessKey?.CreateDate },
    ]);
    await iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId, Status: 'Active' }));
    expect((await t.sts(key).send(new GetCallerIdentityCommand({}))).Arn).toBe(User?.Arn);

    // Deleted: revoked at once.
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId }));
    // (The SDK here: a second boto3 process would double this test's time on a busy machine.)
    expect(await failure(t.sts(key).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });
    expect(await failure(iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId })))).toEqual({
      name: 'NoSuchEntityException',
      message: `The Access Key with id ${key.accessKeyId} cannot be found.`,
      status: 404,
    });
    await iam.send(new DeleteUserCommand({ UserName }));
  });

  it('allows two keys per user and lets a user manage its own keys without naming itself', async () => {
    const { iam, UserName, key } = await userWithKey();
    const asUser = t.iam({ credentials: key });
    const second = (await asUser.send(new CreateAccessKeyCommand({}))).AccessKey;
    expect(second?.UserName).toBe(UserName);
    expect(await failure(iam.send(new CreateAccessKeyCommand({ UserName })))).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      status: 409,
    });
    const listed = await asUser.send(new ListAccessKeysCommand({}));
    expect(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId).sort()).toEqual(
      [key.accessKeyId, second?.AccessKeyId].sort(),
    );
    await asUser.send(new DeleteAccessKeyCommand({ AccessKeyId: second?.AccessKeyId }));
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName }));
  });

  it('reports the service, region and date of the last request a key signed', async () => {
    const { iam, UserName, key } = await userWithKey();
    const before = Math.floor(Date.now() / 1000) * 1000;
    await t.sqs({ region: 'us-west-2', credentials: key }).send(new ListQueuesCommand({}));
    const sqsUse = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));
    expect(sqsUse).toMatchObject({ UserName, AccessKeyLastUsed: { ServiceName: 'sqs', Region: 'us-west-2' } });
    const usedAt = sqsUse.AccessKeyLastUsed?.LastUsedDate?.getTime() as number;
    expect(usedAt).toBeGreaterThanOrEqual(before);
    expect(usedAt).toBeLessThanOrEqual(Date.now());
    // Another service and region within the same second is recorded too (only repeats are skipped).
    await t.sts(key).send(new GetCallerIdentityCommand({}));
    await t.sts(key).send(new GetCallerIdentityCommand({}));
    expect(
      (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))).AccessKeyLastUsed,
    ).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1' });
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName }));
  });

  it('reports a key never used as N/A and refuses keys the caller cannot see', async () => {
    const { iam, UserName, key } = await userWithKey();
    expect(await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }))).toMatchObject({
      UserName,
      AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
    });
    expect(await failure(iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' })))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE`,
      status: 403,
    });
    const unknownUser = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'nobody-here' })));
    expect(unknownUser).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.accessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName }));
  });
});
