/** SigV4 and STS end to end: what the server accepts and how it refuses, through the real SDK. */
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../helpers/cloud.js';

let clockOffset = 0;
const t = useCloud({
  clock: () => Date.now() + clockOffset,
  credentials: [{ accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'other-secret', accountId: '111111111111' }],
});

describe('SigV4 authentication', () => {
  it('rejects a wrong secret with SignatureDoesNotMatch (STS) and (S3)', async () => {
    const creds = { accessKeyId: 'test', secretAccessKey: 'wrong' };
    expect(await failure(t.sts(creds).send(new GetCallerIdentityCommand({})))).toEqual({
      name: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      status: 403,
    });
    expect(await failure(t.s3({ credentials: creds }).send(new ListBucketsCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  it('rejects an unknown access key with InvalidClientTokenId (STS) and InvalidAccessKeyId (S3)', async () => {
    const creds = { accessKeyId: 'AKIANOTKNOWN', secretAccessKey: 'x' };
    expect(await failure(t.sts(creds).send(new GetCallerIdentityCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    expect(await failure(t.s3({ credentials: creds }).send(new ListBucketsCommand({})))).toEqual({
      name: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      status: 403,
    });
  });

  it('answers unauthenticated requests with the service error for missing authentication', async () => {
    const sts = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(sts.status).toBe(403);
    const stsBody = await sts.text();
    expect(stsBody).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(stsBody).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    expect(sts.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);

    const s3 = await fetch(`${t.url}/${randomName('anon')}/key`);
    expect(s3.status).toBe(403);
    const s3Body = await s3.text();
    expect(s3Body).toContain('<Code>AccessDenied</Code>');
    expect(s3.headers.get('x-amz-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(s3Body).toContain(`<RequestId>${s3.headers.get('x-amz-request-id')}</RequestId>`);
  });

  it('refuses a request signed more than 15 minutes away from the server clock', async () => {
    const skewed = { systemClockOffset: -20 * 60 * 1000 };
    const sts = new STSClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      ...skewed,
    });
    const stsFailure = await failure(sts.send(new GetCallerIdentityCommand({})));
    expect(stsFailure).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(stsFailure.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
    const s3 = t.s3(skewed);
    expect(await failure(s3.send(new ListBucketsCommand({})))).toEqual({
      name: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      status: 403,
    });
    sts.destroy();
  });

  it('accepts extra key pairs and keeps accounts apart', async () => {
    const creds = { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'other-secret' };
    const identity = await t.sts(creds).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('111111111111');
    const bucket = randomName('other');
    await t.s3({ credentials: creds }).send(new CreateBucketCommand({ Bucket: bucket }));
    const mine = await t.s3().send(new ListBucketsCommand({}));
    expect(mine.Buckets?.map((b) => b.Name)).not.toContain(bucket);
    expect(await failure(t.s3().send(new CreateBucketCommand({ Bucket: bucket })))).toMatchObject({
      name: 'BucketAlreadyExists',
      status: 409,
    });
  });
});

describe('STS', () => {
  it('GetCallerIdentity names the root of the default account', async () => {
    const identity = await t.sts().send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      UserId: '000000000000',
      Account: '000000000000',
      Arn: 'arn:aws:iam::000000000000:root',
    });
  });

  it('AssumeRole issues credentials that authenticate until they expire', async () => {
    const assumed = await t.sts().send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::000000000000:role/deployer',
        RoleSessionName: 'ci-run',
        DurationSeconds: 900,
      }),
    );
    const c = assumed.Credentials;
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c?.SecretAccessKey).toBeTruthy();
    expect(c?.SessionToken).toBeTruthy();
    expect(c?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 890_000);
    expect(assumed.AssumedRoleUser).toMatchObject({
      Arn: 'arn:aws:sts::000000000000:assumed-role/deployer/ci-run',
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:ci-run$/),
    });
    const session = {
      accessKeyId: c?.AccessKeyId as string,
      secretAccessKey: c?.SecretAccessKey as string,
      sessionToken: c?.SessionToken as string,
    };
    const identity = await t.sts(session).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:sts::000000000000:assumed-role/deployer/ci-run');
    expect(identity.UserId).toBe(assumed.AssumedRoleUser?.AssumedRoleId);
    // The same credentials work for S3.
    await t.s3({ credentials: session }).send(new ListBucketsCommand({}));

    // Without the session token they are refused.
    const noToken = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey };
    expect(await failure(t.sts(noToken).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });

    // Move both clocks past the expiry: the signature is fresh, the credentials are not.
    clockOffset = 901_000;
    try {
      const late = new STSClient({
        endpoint: t.url,
        region: 'us-east-1',
        credentials: session,
        maxAttempts: 1,
        systemClockOffset: clockOffset,
      });
      expect(await failure(late.send(new GetCallerIdentityCommand({})))).toEqual({
        name: 'ExpiredToken',
        message: 'The security token included in the request is expired',
        status: 403,
      });
      const lateS3 = new S3Client({
        endpoint: t.url,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: session,
        maxAttempts: 1,
        systemClockOffset: clockOffset,
      });
      expect(await failure(lateS3.send(new ListBucketsCommand({})))).toMatchObject({
        name: 'ExpiredToken',
        status: 400,
      });
      late.destroy();
      lateS3.destroy();
    } finally {
      clockOffset = 0;
    }
  });

  it('AssumeRole validates its input as AWS does', async () => {
    const tooShort = await failure(
      t.sts().send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/deployer', RoleSessionName: 'x' })),
    );
    expect(tooShort).toEqual({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      status: 400,
    });
    const tooLong = await failure(
      t.sts().send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/deployer',
          RoleSessionName: 'ok',
          DurationSeconds: 100,
        }),
      ),
    );
    expect(tooLong.message).toBe(
      "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
  });

  it('GetSessionToken issues session credentials', async () => {
    const result = await t.sts().send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const c = result.Credentials;
    const identity = await t
      .sts({
        accessKeyId: c?.AccessKeyId as string,
        secretAccessKey: c?.SecretAccessKey as string,
        sessionToken: c?.SessionToken as string,
      })
      .send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('000000000000');
  });

  it('logged no internal errors', () => {
    expect(t.logs.filter((l) => l.includes('internal error'))).toEqual([]);
  });
});
