/** Managed policies: the account's own with their versions and tags, and AWS's own read-only ones. */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  PutRolePermissionsBoundaryCommand,
  paginateListPolicies,
  SetDefaultPolicyVersionCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, allowPolicy, BASIC_EXECUTION, newRole, rfc3986 } from './support.js';

const t = useCloud();

async function newPolicy(path?: string) {
  const PolicyName = randomName('policy');
  const document = allowPolicy('s3:GetObject');
  const { Policy } = await t.iam().send(new CreatePolicyCommand({ PolicyName, Path: path, PolicyDocument: document }));
  return { PolicyName, arn: Policy?.Arn as string, document };
}

describe('customer managed policies', () => {
  it('creates, reads and deletes a policy', async () => {
    const iam = t.iam();
    const PolicyName = randomName('policy');
    const path = `/${randomName('team')}/`;
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName,
        Path: path,
        PolicyDocument: allowPolicy('s3:GetObject'),
        Description: 'reads objects',
        Tags: [{ Key: 'env', Value: 'dev' }],
      }),
    );
    const arn = `arn:aws:iam::${ACCOUNT}:policy${path}${PolicyName}`;
    expect(created.Policy).toEqual({
      PolicyName,
      PolicyId: expect.stringMatching(/^ANPA[A-Z2-7]{17}$/),
      Arn: arn,
      Path: path,
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      // CreatePolicy leaves out the Description it was given (AWS's answer as LocalStack recorded it).
      CreateDate: expect.any(Date),
      UpdateDate: created.Policy?.CreateDate,
      Tags: [{ Key: 'env', Value: 'dev' }],
    });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toEqual({
      ...created.Policy,
      Description: 'reads objects',
    });
    expect(
      await failure(iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: allowPolicy('s3:*') }))),
    ).toEqual({
      name: 'EntityAlreadyExistsException',
      message: `A policy called ${PolicyName} already exists. Duplicate names are not allowed.`,
      status: 409,
    });
    // The path is part of the ARN: the same name under another path is another ARN.
    const elsewhere = `arn:aws:iam::${ACCOUNT}:policy/${PolicyName}`;
    expect(await failure(iam.send(new GetPolicyCommand({ PolicyArn: elsewhere })))).toEqual({
      name: 'NoSuchEntityException',
      message: `Policy ${elsewhere} was not found.`,
      status: 404,
    });
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toEqual({
      name: 'NoSuchEntityException',
      message: `Policy ${arn} was not found.`,
      status: 404,
    });
  });

  it('leaves Tags out of CreatePolicy when none were given, and lists them empty in GetPolicy', async () => {
    const iam = t.iam();
    const PolicyName = randomName('untagged');
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: allowPolicy('s3:*') }));
    expect(Policy?.Tags).toBeUndefined();
    expect(Policy?.Description).toBeUndefined();
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: Policy?.Arn }))).Policy;
    expect(got).toEqual({ ...Policy, Tags: [] });
    await iam.send(new DeletePolicyCommand({ PolicyArn: Policy?.Arn }));
  });

  it('requires policy documents of version 2012-10-17 and at most 6144 characters', async () => {
    const iam = t.iam();
    const statement = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
    expect(
      await failure(
        iam.send(
          new CreatePolicyCommand({
            PolicyName: randomName(),
            PolicyDocument: JSON.stringify({ Statement: [statement] }),
          }),
        ),
      ),
    ).toEqual({
      name: 'MalformedPolicyDocumentException',
      message: 'Policy document must be version 2012-10-17 or greater.',
      status: 400,
    });
    const huge = allowPolicy(...Array.from({ length: 500 }, (_, i) => `s3:Action${i}`));
    expect(
      await failure(iam.send(new CreatePolicyCommand({ PolicyName: randomName(), PolicyDocument: huge }))),
    ).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for PolicySize: 6144',
      status: 409,
    });
  });

  it('refuses to delete a policy that is attached, bounds a role or has other versions', async () => {
    const iam = t.iam();
    const { arn } = await newPolicy();
    const RoleName = await newRole(iam);
    const conflict = {
      name: 'DeleteConflictException',
      message: 'Cannot delete a policy attached to entities.',
      status: 409,
    };
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: arn }));
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toEqual(conflict);
    await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: arn }));
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.PermissionsBoundaryUsageCount).toBe(1);
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toEqual(conflict);

    const { arn: versioned } = await newPolicy();
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: versioned, PolicyDocument: allowPolicy('s3:*') }));
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: versioned })))).toEqual({
      name: 'DeleteConflictException',
      message:
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      status: 409,
    });
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: versioned, VersionId: 'v2' }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: versioned }));
  });

  it('keeps up to five versions, a default among them', async () => {
    const iam = t.iam();
    const { arn, document } = await newPolicy();
    const v2 = allowPolicy('s3:PutObject');
    const created = await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: v2, SetAsDefault: true }),
    );
    expect(created.PolicyVersion).toEqual({ VersionId: 'v2', IsDefaultVersion: true, CreateDate: expect.any(Date) });
    for (let i = 3; i <= 5; i++) {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy(`s3:Action${i}`) }));
    }
    expect(
      await failure(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy('s3:*') }))),
    ).toEqual({
      name: 'LimitExceededException',
      message:
        'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      status: 409,
    });
    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v5', false],
      ['v4', false],
      ['v3', false],
      ['v2', true],
      ['v1', false],
    ]);
    expect(listed.Versions?.[0]?.Document).toBeUndefined();

    const got = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(got.PolicyVersion).toEqual({
      Document: rfc3986(document),
      VersionId: 'v1',
      IsDefaultVersion: false,
      CreateDate: expect.any(Date),
    });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v2');

    expect(await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete the default version of a policy.',
      status: 409,
    });
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v4' }));
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    // Version numbers are not reused.
    const v6 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy('s3:*') }));
    expect(v6.PolicyVersion?.VersionId).toBe('v6');
    for (const call of [
      () => iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })),
      () => iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })),
      () => iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })),
    ]) {
      expect(await failure(call())).toEqual({
        name: 'NoSuchEntityException',
        message: `Policy ${arn} version v2 does not exist or is not attachable.`,
        status: 404,
      });
    }
  });

  it('tags and untags policies', async () => {
    const iam = t.iam();
    const { arn } = await newPolicy();
    await iam.send(
      new TagPolicyCommand({
        PolicyArn: arn,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['a'] }));
    expect(await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).toMatchObject({
      Tags: [{ Key: 'b', Value: '2' }],
      IsTruncated: false,
    });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.Tags).toEqual([{ Key: 'b', Value: '2' }]);

    // A policy's tag keys are case-sensitive (unlike a role's or user's), listed by key.
    await iam.send(
      new TagPolicyCommand({
        PolicyArn: arn,
        Tags: [
          { Key: 'z', Value: 'lower' },
          { Key: 'Z', Value: 'upper' },
        ],
      }),
    );
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([
      { Key: 'Z', Value: 'upper' },
      { Key: 'b', Value: '2' },
      { Key: 'z', Value: 'lower' },
    ]);
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['z'] }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.Tags).toEqual([
      { Key: 'b', Value: '2' },
      { Key: 'Z', Value: 'upper' },
    ]);
    expect(
      await failure(
        iam.send(
          new TagPolicyCommand({
            PolicyArn: arn,
            Tags: [
              { Key: 'k', Value: '1' },
              { Key: 'k', Value: '2' },
            ],
          }),
        ),
      ),
    ).toEqual({ name: 'InvalidInputException', message: 'Duplicate tag keys found.', status: 400 });
  });

  it('lists the roles a policy is attached to or bounds', async () => {
    const iam = t.iam();
    const { arn } = await newPolicy();
    const attached = await newRole(iam);
    const bounded = await newRole(iam);
    await iam.send(new AttachRolePolicyCommand({ RoleName: attached, PolicyArn: arn }));
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: bounded, PermissionsBoundary: arn }));
    const all = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    expect(all).toMatchObject({ PolicyGroups: [], PolicyUsers: [], IsTruncated: false });
    expect(all.PolicyRoles?.map((r) => r.RoleName)).toEqual([attached, bounded].sort());
    expect(all.PolicyRoles?.[0]?.RoleId).toMatch(/^AROA/);
    const policies = await iam.send(
      new ListEntitiesForPolicyCommand({ PolicyArn: arn, PolicyUsageFilter: 'PermissionsPolicy' }),
    );
    expect(policies.PolicyRoles?.map((r) => r.RoleName)).toEqual([attached]);
    const users = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'User' }));
    expect(users.PolicyRoles).toEqual([]);
  });
});

describe('listing policies', () => {
  it('lists by scope, path and attachment, oldest first, page by page', async () => {
    const iam = t.iam();
    const path = `/${randomName('list')}/`;
    const own = [];
    for (let i = 0; i < 3; i++) own.push(await newPolicy(path));
    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: path }));
    expect(local.Policies?.map((p) => p.PolicyName)).toEqual(own.map((p) => p.PolicyName));
    // ListPolicies leaves out descriptions and tags.
    expect(local.Policies?.[0]).not.toHaveProperty('Description');

    const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }));
    const names = aws.Policies?.map((p) => p.PolicyName) ?? [];
    expect(names).toEqual(
      expect.arrayContaining([
        'AdministratorAccess',
        'ReadOnlyAccess',
        'AmazonS3FullAccess',
        'AmazonS3ReadOnlyAccess',
        'CloudWatchLogsFullAccess',
        'AWSLambdaRole',
        'AWSLambdaBasicExecutionRole',
        'AWSLambdaKinesisExecutionRole',
        'AWSLambdaDynamoDBExecutionRole',
        'AWSLambdaSQSQueueExecutionRole',
      ]),
    );
    expect(aws.Policies?.every((p) => p.Arn?.startsWith('arn:aws:iam::aws:policy/'))).toBe(true);
    const serviceRoles = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', PathPrefix: '/service-role/' }));
    expect(serviceRoles.Policies?.every((p) => p.Path === '/service-role/')).toBe(true);

    const RoleName = await newRole(iam);
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: own[1]?.arn }));
    const onlyAttached = await iam.send(new ListPoliciesCommand({ OnlyAttached: true, PathPrefix: path }));
    expect(onlyAttached.Policies?.map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([[own[1]?.PolicyName, 1]]);

    const pages: string[][] = [];
    for await (const page of paginateListPolicies({ client: iam, pageSize: 2 }, { PathPrefix: path })) {
      pages.push((page.Policies ?? []).map((p) => p.PolicyName as string));
    }
    expect(pages).toEqual([own.slice(0, 2).map((p) => p.PolicyName), [own[2]?.PolicyName]]);
    // Scope All lists AWS's policies before the account's.
    const all = await iam.send(new ListPoliciesCommand({ MaxItems: 1000 }));
    const arns = all.Policies?.map((p) => p.Arn) ?? [];
    expect(arns.indexOf(BASIC_EXECUTION)).toBeLessThan(arns.indexOf(own[0]?.arn));
  });
});

describe('AWS managed policies', () => {
  it('reads AWS managed policies and their default version', async () => {
    const iam = t.iam();
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: BASIC_EXECUTION }))).Policy;
    expect(policy).toMatchObject({
      PolicyName: 'AWSLambdaBasicExecutionRole',
      PolicyId: 'ANPAJNCQGXC42545SKXIK',
      Arn: BASIC_EXECUTION,
      Path: '/service-role/',
      DefaultVersionId: 'v1',
      IsAttachable: true,
      Description: 'Provides write permissions to CloudWatch Logs.',
      CreateDate: new Date('2015-04-09T15:03:43Z'),
      // GetPolicy always lists Tags, empty for a policy without any (AWS's answer as recorded).
      Tags: [],
    });
    const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: BASIC_EXECUTION, VersionId: 'v1' })))
      .PolicyVersion;
    expect(version).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true });
    expect(JSON.parse(decodeURIComponent(version?.Document as string))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: '*',
        },
      ],
    });
    expect(
      (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: BASIC_EXECUTION }))).Versions?.map((v) => v.VersionId),
    ).toEqual(['v1']);
    const sqs = 'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole';
    const sqsDocument = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: sqs, VersionId: 'v1' }))).PolicyVersion
      ?.Document as string;
    expect(decodeURIComponent(sqsDocument)).toContain('"sqs:ReceiveMessage"');
    expect(
      await failure(iam.send(new GetPolicyVersionCommand({ PolicyArn: BASIC_EXECUTION, VersionId: 'v2' }))),
    ).toEqual({
      name: 'NoSuchEntityException',
      message: `Policy ${BASIC_EXECUTION} version v2 does not exist or is not attachable.`,
      status: 404,
    });
  });

  it('refuses to change AWS managed policies', async () => {
    const iam = t.iam();
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: admin })))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: iam:DeletePolicy on resource: policy ${admin}`,
      status: 403,
    });
    expect(
      (
        await failure(
          iam.send(new CreatePolicyVersionCommand({ PolicyArn: admin, PolicyDocument: allowPolicy('s3:*') })),
        )
      ).name,
    ).toBe('AccessDenied');
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: admin }))).Tags).toEqual([]);
  });
});
