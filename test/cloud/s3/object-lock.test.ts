/** Object Lock: bucket configuration, default retention, retention modes, legal hold, and what a lock forbids. */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, expectS3Error, md5Base64, newBucket } from './support.js';

const t = useCloud();
const future = (days: number) => new Date(Math.ceil((Date.now() + days * 86_400_000) / 1000) * 1000);
let Locked: string;

beforeAll(async () => {
  Locked = randomName('locked');
  await t.s3().send(new CreateBucketCommand({ Bucket: Locked, ObjectLockEnabledForBucket: true }));
});
// Locked buckets cannot be emptied before their retention ends, as on AWS: they stay in the ephemeral data dir.
afterAll(() => expectNoInternalErrors(t));

describe('bucket configuration', () => {
  it('is enabled with the bucket (versioning on for good) and reports its default retention', async () => {
    const s3 = t.s3();
    expect(await s3.send(new GetObjectLockConfigurationCommand({ Bucket: Locked }))).toMatchObject({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    await expectS3Error(
      s3.send(new PutBucketVersioningCommand({ Bucket: Locked, VersioningConfiguration: { Status: 'Suspended' } })),
      {
        name: 'InvalidBucketState',
        status: 409,
        message: 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
      },
    );
    for (const DefaultRetention of [
      { Mode: 'GOVERNANCE' as const },
      { Mode: 'GOVERNANCE' as const, Days: 1, Years: 1 },
    ]) {
      await expectS3Error(
        s3.send(
          new PutObjectLockConfigurationCommand({
            Bucket: Locked,
            ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention } },
          }),
        ),
        { name: 'MalformedXML', status: 400 },
      );
    }
  });

  it('is enabled later only on a bucket with versioning Enabled', async () => {
    const s3 = t.s3();
    const Bucket = await newBucket(s3, 'lock-later');
    const put = () =>
      s3.send(
        new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }),
      );
    await expectS3Error(s3.send(new GetObjectLockConfigurationCommand({ Bucket })), {
      name: 'ObjectLockConfigurationNotFoundError',
      status: 404,
      message: 'Object Lock configuration does not exist for this bucket',
    });
    await expectS3Error(put(), {
      name: 'InvalidBucketState',
      status: 409,
      message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
    });
    await expectS3Error(
      s3.send(
        new PutObjectRetentionCommand({
          Bucket,
          Key: 'k',
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: future(1) },
        }),
      ),
      { name: 'InvalidRequest', status: 400, message: 'Bucket is missing Object Lock Configuration' },
    );
    await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', BypassGovernanceRetention: true })), {
      name: 'InvalidArgument',
      status: 400,
      message: 'x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.',
    });
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await put();
    expect((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
    });
  });

  it('applies the default retention to new objects, shown on HEAD', async () => {
    const s3 = t.s3();
    const Bucket = randomName('lock-default');
    await s3.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
        },
      }),
    );
    const before = Date.now();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    const until = head.ObjectLockRetainUntilDate?.getTime() ?? 0;
    expect(until).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 86_400_000);
  });
});

describe('retention', () => {
  it('GOVERNANCE: shortened or deleted only with the bypass header', async () => {
    const s3 = t.s3();
    const Key = 'governed';
    const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: Locked, Key, Body: 'x' }));
    await expectS3Error(s3.send(new GetObjectRetentionCommand({ Bucket: Locked, Key })), {
      name: 'NoSuchObjectLockConfiguration',
      status: 404,
      message: 'The specified object does not have a ObjectLock configuration',
    });
    const until = future(10);
    await s3.send(
      new PutObjectRetentionCommand({ Bucket: Locked, Key, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until } }),
    );
    expect((await s3.send(new GetObjectRetentionCommand({ Bucket: Locked, Key }))).Retention).toEqual({
      Mode: 'GOVERNANCE',
      RetainUntilDate: until,
    });
    const shorter = { Mode: 'GOVERNANCE' as const, RetainUntilDate: future(5) };
    await expectS3Error(s3.send(new PutObjectRetentionCommand({ Bucket: Locked, Key, Retention: shorter })), {
      name: 'AccessDenied',
      status: 403,
      message: 'Access Denied because object protected by object lock.',
    });
    await expectS3Error(s3.send(new DeleteObjectCommand({ Bucket: Locked, Key, VersionId })), {
      name: 'AccessDenied',
      status: 403,
    });
    const batch = await s3.send(
      new DeleteObjectsCommand({ Bucket: Locked, Delete: { Objects: [{ Key, VersionId }] } }),
    );
    expect(batch.Errors?.map((e) => e.Code)).toEqual(['AccessDenied']);
    // Deleting the key itself only adds a delete marker, which a lock allows.
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: Locked, Key }));
    expect(marker.DeleteMarker).toBe(true);
    await s3.send(
      new PutObjectRetentionCommand({
        Bucket: Locked,
        Key,
        VersionId,
        Retention: shorter,
        BypassGovernanceRetention: true,
      }),
    );
    const deleted = await s3.send(
      new DeleteObjectCommand({ Bucket: Locked, Key, VersionId, BypassGovernanceRetention: true }),
    );
    expect(deleted.VersionId).toBe(VersionId);
  });

  it('COMPLIANCE: never shortened, not even with the bypass header; past dates refused', async () => {
    const s3 = t.s3();
    const Key = 'compliant';
    await s3.send(
      new PutObjectCommand({
        Bucket: Locked,
        Key,
        Body: 'x',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: future(3),
        ContentMD5: md5Base64('x'),
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: Locked, Key }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    await expectS3Error(
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: Locked,
          Key,
          BypassGovernanceRetention: true,
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: future(4) },
        }),
      ),
      { name: 'AccessDenied', status: 403 },
    );
    await s3.send(
      new PutObjectRetentionCommand({
        Bucket: Locked,
        Key,
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: future(5) },
      }),
    );
    const past = await expectS3Error(
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: Locked,
          Key,
          Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date('2020-01-01T00:00:00Z') },
        }),
      ),
      { name: 'InvalidArgument', status: 400, message: 'The retain until date must be in the future!' },
    );
    expect(past['ArgumentValue']).toBe('Tue Dec 31 16:00:00 PST 2019');
  });

  it('refuses lock headers that do not go together, and lock headers on a bucket without Object Lock', async () => {
    const s3 = t.s3();
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: Locked, Key: 'k', Body: 'x', ObjectLockMode: 'GOVERNANCE' })),
      {
        name: 'InvalidArgument',
        status: 400,
        message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
      },
    );
    const plain = await newBucket(s3, 'no-lock');
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: plain, Key: 'k', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })),
      { name: 'InvalidRequest', status: 400, message: 'Bucket is missing Object Lock Configuration' },
    );
  });
});

describe('legal hold', () => {
  it('blocks deleting the version until it is turned off', async () => {
    const s3 = t.s3();
    const Key = 'held';
    const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: Locked, Key, Body: 'x' }));
    await expectS3Error(s3.send(new GetObjectLegalHoldCommand({ Bucket: Locked, Key })), {
      name: 'NoSuchObjectLockConfiguration',
      status: 404,
    });
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: Locked, Key, LegalHold: { Status: 'ON' } }));
    expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: Locked, Key }))).LegalHold).toEqual({ Status: 'ON' });
    expect((await s3.send(new HeadObjectCommand({ Bucket: Locked, Key }))).ObjectLockLegalHoldStatus).toBe('ON');
    await expectS3Error(
      s3.send(new DeleteObjectCommand({ Bucket: Locked, Key, VersionId, BypassGovernanceRetention: true })),
      { name: 'AccessDenied', status: 403 },
    );
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: Locked, Key, LegalHold: { Status: 'OFF' } }));
    await s3.send(new DeleteObjectCommand({ Bucket: Locked, Key, VersionId }));
  });
});
