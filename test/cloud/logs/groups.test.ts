/** Log groups: create, delete, describe (filters, pagination), retention policies, tags, isolation. */
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogGroupDeletionProtectionCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, expectNoInternalErrors, invalidParameter, newGroup, notFoundGroup } from './support.js';

const OTHER_ACCOUNT = {
  accessKeyId: 'AKIAOTHERLOGS0000001',
  secretAccessKey: 'other-secret',
  accountId: '222222222222',
};
const t = useCloud({ credentials: [OTHER_ACCOUNT] });
afterAll(() => expectNoInternalErrors(t));

async function describeOne(logGroupName: string) {
  const { logGroups } = await t.cwLogs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
  return logGroups?.find((g) => g.logGroupName === logGroupName);
}

describe('CreateLogGroup', () => {
  it('creates a group that DescribeLogGroups reports with AWS fields', async () => {
    const before = Date.now();
    const logGroupName = await newGroup(t.cwLogs(), 'fields');
    const group = await describeOne(logGroupName);
    expect(group).toEqual({
      logGroupName,
      creationTime: expect.any(Number),
      metricFilterCount: 0,
      arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}:*`,
      logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}`,
      storedBytes: 0,
      logGroupClass: 'STANDARD',
    });
    expect(group?.creationTime).toBeGreaterThanOrEqual(before);
    expect(group?.creationTime).toBeLessThanOrEqual(Date.now());
  });

  it('keeps the KMS key, class and tags given at creation', async () => {
    const logs = t.cwLogs();
    const logGroupName = `/test/${randomName('options')}`;
    const kmsKeyId = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    await logs.send(
      new CreateLogGroupCommand({
        logGroupName,
        kmsKeyId,
        logGroupClass: 'INFREQUENT_ACCESS',
        tags: { team: 'core', stage: 'dev' },
      }),
    );
    expect(await describeOne(logGroupName)).toMatchObject({ kmsKeyId, logGroupClass: 'INFREQUENT_ACCESS' });
    const { tags } = await logs.send(new ListTagsLogGroupCommand({ logGroupName }));
    expect(tags).toEqual({ team: 'core', stage: 'dev' });
  });

  it('answers ResourceAlreadyExistsException for an existing name', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'twice');
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName })))).toEqual({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log group already exists',
      status: 400,
    });
  });

  it('rejects names outside the allowed characters and lengths with InvalidParameterException', async () => {
    const logs = t.cwLogs();
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })))).toEqual(
      invalidParameter(
        "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
      ),
    );
    const long = 'a'.repeat(513);
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: long })))).toEqual(
      invalidParameter(
        `1 validation error detected: Value '${long}' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512`,
      ),
    );
    // The longest valid name and every allowed symbol.
    await logs.send(new CreateLogGroupCommand({ logGroupName: `${randomName('x')}._-/#`.padEnd(512, 'z') }));
  });
});

describe('DeleteLogGroup', () => {
  it('deletes the group with its streams, then answers ResourceNotFoundException', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'delete', ['s1', 's2']);
    await logs.send(new DeleteLogGroupCommand({ logGroupName }));
    expect(await describeOne(logGroupName)).toBeUndefined();
    expect(await failure(logs.send(new DeleteLogGroupCommand({ logGroupName })))).toEqual(notFoundGroup);
    // A new group of the same name starts empty.
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName }));
    expect(logStreams).toEqual([]);
  });

  it('refuses to delete a group under deletion protection until PutLogGroupDeletionProtection turns it off', async () => {
    const logs = t.cwLogs();
    const logGroupName = `/test/${randomName('protected')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName, deletionProtectionEnabled: true }));
    expect(await describeOne(logGroupName)).toMatchObject({ deletionProtectionEnabled: true });
    expect(await failure(logs.send(new DeleteLogGroupCommand({ logGroupName })))).toEqual({
      name: 'ValidationException',
      message: 'Cannot delete log group with deletion protection enabled. Disable deletion protection first.',
      status: 400,
    });
    const logGroupIdentifier = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}`;
    await logs.send(new PutLogGroupDeletionProtectionCommand({ logGroupIdentifier, deletionProtectionEnabled: false }));
    expect(await describeOne(logGroupName)).not.toHaveProperty('deletionProtectionEnabled');
    await logs.send(new DeleteLogGroupCommand({ logGroupName }));
    expect(await describeOne(logGroupName)).toBeUndefined();
  });
});

describe('DescribeLogGroups', () => {
  const base = `/describe/${randomName('set')}`;
  const names = ['alpha', 'beta', 'Beta-upper', 'gamma', 'delta'].map((n) => `${base}/${n}`);

  it('filters by prefix and by case-sensitive substring pattern, in name order', async () => {
    const logs = t.cwLogs();
    for (const logGroupName of names) await logs.send(new CreateLogGroupCommand({ logGroupName }));
    const all = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base }));
    expect(all.logGroups?.map((g) => g.logGroupName)).toEqual([...names].sort());
    expect(all.nextToken).toBeUndefined();
    const pattern = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePattern: `${base.slice(10)}/beta`.replace(/^\//, '') }),
    );
    expect(pattern.logGroups?.map((g) => g.logGroupName)).toEqual([`${base}/beta`]);
    const upper = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'Beta-upper' }));
    expect(upper.logGroups?.map((g) => g.logGroupName)).toContain(`${base}/Beta-upper`);
    expect(upper.logGroups?.map((g) => g.logGroupName)).not.toContain(`${base}/beta`);
  });

  it('pages with limit and nextToken without gaps or repeats', async () => {
    const logs = t.cwLogs();
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: base, limit: 2, nextToken }));
      expect(page.logGroups?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.logGroups ?? []).map((g) => g.logGroupName as string));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());
  });

  it('selects groups by name or ARN with logGroupIdentifiers, and by class', async () => {
    const logs = t.cwLogs();
    const byId = await logs.send(
      new DescribeLogGroupsCommand({
        logGroupIdentifiers: [`${base}/alpha`, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${base}/gamma`],
      }),
    );
    expect(byId.logGroups?.map((g) => g.logGroupName)).toEqual([`${base}/alpha`, `${base}/gamma`]);
    const infrequent = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: base, logGroupClass: 'INFREQUENT_ACCESS' }),
    );
    expect(infrequent.logGroups).toEqual([]);
  });

  it('rejects prefix with pattern, limits outside 1..50 and foreign tokens', async () => {
    const logs = t.cwLogs();
    expect(
      await failure(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'a', logGroupNamePattern: 'b' }))),
    ).toEqual(invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.'));
    expect(await failure(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).toEqual(
      invalidParameter(
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
      ),
    );
    expect(await failure(logs.send(new DescribeLogGroupsCommand({ limit: 0 })))).toEqual(
      invalidParameter(
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ),
    );
    expect(await failure(logs.send(new DescribeLogGroupsCommand({ nextToken: 'not-a-token' })))).toEqual(
      invalidParameter('The specified nextToken is invalid.'),
    );
  });
});

describe('retention policies', () => {
  it('sets and removes retentionInDays', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'retention');
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 30 }));
    expect((await describeOne(logGroupName))?.retentionInDays).toBe(30);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 3653 }));
    expect((await describeOne(logGroupName))?.retentionInDays).toBe(3653);
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName }));
    expect(await describeOne(logGroupName)).not.toHaveProperty('retentionInDays');
  });

  it('accepts only the periods AWS offers', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'periods');
    for (const retentionInDays of [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827]) {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
    }
    for (const retentionInDays of [0, 2, 4, 366, 3654, -1]) {
      expect(await failure(logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays })))).toEqual(
        invalidParameter(
          `1 validation error detected: Value '${retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]`,
        ),
      );
    }
    expect((await describeOne(logGroupName))?.retentionInDays).toBe(1827);
  });

  it('answers ResourceNotFoundException for a missing group', async () => {
    const logs = t.cwLogs();
    const logGroupName = `/test/${randomName('none')}`;
    expect(await failure(logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: 7 })))).toEqual(
      notFoundGroup,
    );
    expect(await failure(logs.send(new DeleteRetentionPolicyCommand({ logGroupName })))).toEqual(notFoundGroup);
  });
});

describe('tags', () => {
  it('tags, lists and untags by group name (TagLogGroup family)', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'tags');
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName }))).tags).toEqual({});
    await logs.send(new TagLogGroupCommand({ logGroupName, tags: { a: '1', b: '2' } }));
    await logs.send(new TagLogGroupCommand({ logGroupName, tags: { b: 'two', c: '3' } }));
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName }))).tags).toEqual({ a: '1', b: 'two', c: '3' });
    await logs.send(new UntagLogGroupCommand({ logGroupName, tags: ['a', 'missing'] }));
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName }))).tags).toEqual({ b: 'two', c: '3' });
  });

  it('tags, lists and untags by logGroupArn, refusing the arn form with :* by its pattern', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'arn-tags');
    const resourceArn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}`;
    await logs.send(new TagResourceCommand({ resourceArn, tags: { owner: 'me' } }));
    expect(
      await failure(logs.send(new TagResourceCommand({ resourceArn: `${resourceArn}:*`, tags: { x: 'y' } }))),
    ).toEqual(
      invalidParameter(
        `1 validation error detected: Value '${resourceArn}:*' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]*`,
      ),
    );
    await logs.send(new TagResourceCommand({ resourceArn, tags: { cost: 'low' } }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual({
      owner: 'me',
      cost: 'low',
    });
    await logs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner'] }));
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName }))).tags).toEqual({ cost: 'low' });
  });

  it('answers not found, too many tags and malformed ARNs as AWS does', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'tag-errors');
    const missingArn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/test/${randomName('none')}`;
    expect(await failure(logs.send(new ListTagsForResourceCommand({ resourceArn: missingArn })))).toEqual(
      notFoundGroup,
    );
    expect(
      await failure(logs.send(new TagLogGroupCommand({ logGroupName: `${logGroupName}-x`, tags: { a: 'b' } }))),
    ).toEqual(notFoundGroup);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await logs.send(new TagLogGroupCommand({ logGroupName, tags: fifty }));
    expect(await failure(logs.send(new TagLogGroupCommand({ logGroupName, tags: { one: 'more' } })))).toEqual({
      name: 'TooManyTagsException',
      message: 'A resource can have no more than 50 tags.',
      status: 400,
    });
    expect(
      (await failure(logs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:s3:::bucket' })))).name,
    ).toBe('InvalidParameterException');
  });
});

describe('isolation', () => {
  it('keeps groups per region: same name in two regions, each invisible from the other', async () => {
    const east = t.cwLogs();
    const west = t.cwLogs({ region: 'eu-west-1' });
    const logGroupName = `/test/${randomName('regional')}`;
    await east.send(new CreateLogGroupCommand({ logGroupName }));
    const seenFromWest = await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(seenFromWest.logGroups).toEqual([]);
    expect(await failure(west.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's' })))).toEqual(
      notFoundGroup,
    );
    await west.send(new CreateLogGroupCommand({ logGroupName }));
    const { logGroups } = await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(logGroups?.[0]?.arn).toBe(`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${logGroupName}:*`);
    await west.send(new DeleteLogGroupCommand({ logGroupName }));
    expect(await describeOne(logGroupName)).toBeDefined();
    // An ARN naming another region does not reach the group either.
    const eastArn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroupName}`;
    expect(await failure(west.send(new ListTagsForResourceCommand({ resourceArn: eastArn })))).toEqual(notFoundGroup);
  });

  it('keeps groups per account', async () => {
    const mine = t.cwLogs();
    const theirs = t.cwLogs({ credentials: OTHER_ACCOUNT });
    const logGroupName = await newGroup(mine, 'account');
    const { logGroups } = await theirs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(logGroups).toEqual([]);
    await theirs.send(new CreateLogGroupCommand({ logGroupName }));
    const other = await theirs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(other.logGroups?.[0]?.logGroupArn).toBe(`arn:aws:logs:us-east-1:222222222222:log-group:${logGroupName}`);
  });
});
