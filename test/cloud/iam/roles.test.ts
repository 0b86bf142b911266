/** IAM roles end to end through @aws-sdk/client-iam: lifecycle, errors, documents, tags, paging. */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  GetRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePermissionsBoundaryCommand,
  paginateListRoles,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, BASIC_EXECUTION, newRole, rfc3986, trustPolicy } from './support.js';

const t = useCloud();

describe('roles', () => {
  it('creates, reads, lists and deletes a role with the members each operation returns', async () => {
    const iam = t.iam();
    const RoleName = randomName('role');
    const path = `/${randomName('path')}/`;
    const document = trustPolicy();
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName,
        Path: path,
        AssumeRolePolicyDocument: document,
        Description: 'runs functions',
        Tags: [{ Key: 'team', Value: 'core' }],
      }),
    );
    const role = created.Role;
    expect(role).toEqual({
      Path: path,
      RoleName,
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:role${path}${RoleName}`,
      CreateDate: expect.any(Date),
      AssumeRolePolicyDocument: rfc3986(document),
      // CreateRole leaves out the Description it was given (AWS's answer as LocalStack recorded it).
      Tags: [{ Key: 'team', Value: 'core' }],
    });
    // IAM reports dates to the second.
    expect(role?.CreateDate?.getMilliseconds()).toBe(0);

    const got = await iam.send(new GetRoleCommand({ RoleName }));
    expect(got.Role).toEqual({ ...role, Description: 'runs functions', MaxSessionDuration: 3600, RoleLastUsed: {} });

    const listed = await iam.send(new ListRolesCommand({ PathPrefix: path }));
    expect(listed).toMatchObject({ IsTruncated: false });
    expect(listed.Marker).toBeUndefined();
    // ListRoles leaves out tags, boundaries and last use.
    const { Tags: _tags, ...withoutTags } = role ?? {};
    expect(listed.Roles).toEqual([{ ...withoutTags, Description: 'runs functions', MaxSessionDuration: 3600 }]);

    await iam.send(new DeleteRoleCommand({ RoleName }));
    expect(await failure(iam.send(new GetRoleCommand({ RoleName })))).toEqual({
      name: 'NoSuchEntityException',
      message: `The role with name ${RoleName} cannot be found.`,
      status: 404,
    });
    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName })))).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
    });
  });

  it('echoes MaxSessionDuration on create only when it was set, and validates it', async () => {
    const iam = t.iam();
    const RoleName = randomName('role');
    const created = await iam.send(
      new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustPolicy(), MaxSessionDuration: 7200 }),
    );
    expect(created.Role?.MaxSessionDuration).toBe(7200);
    expect(
      await failure(
        iam.send(
          new CreateRoleCommand({
            RoleName: randomName(),
            AssumeRolePolicyDocument: trustPolicy(),
            MaxSessionDuration: 60,
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
      status: 400,
    });
  });

  it('refuses a second role of the same name, whatever its case, and finds roles regardless of case', async () => {
    const iam = t.iam();
    const RoleName = `Case-${randomName()}`;
    await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustPolicy() }));
    for (const name of [RoleName, RoleName.toLowerCase()]) {
      expect(
        await failure(iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy() }))),
      ).toEqual({
        name: 'EntityAlreadyExistsException',
        message: `Role with name ${name} already exists.`,
        status: 409,
      });
    }
    const got = await iam.send(new GetRoleCommand({ RoleName: RoleName.toUpperCase() }));
    expect(got.Role?.RoleName).toBe(RoleName);
  });

  it('validates names and paths whole, with the model patterns in the message', async () => {
    const iam = t.iam();
    expect(
      await failure(
        iam.send(new CreateRoleCommand({ RoleName: 'has space', AssumeRolePolicyDocument: trustPolicy() })),
      ),
    ).toEqual({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'has space' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      status: 400,
    });
    const badPath = await failure(
      iam.send(
        new CreateRoleCommand({ RoleName: randomName(), Path: 'no-slashes', AssumeRolePolicyDocument: trustPolicy() }),
      ),
    );
    expect(badPath).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(badPath.message).toContain("Value 'no-slashes' at 'path' failed to satisfy constraint");
    expect(
      (
        await failure(
          iam.send(new CreateRoleCommand({ RoleName: 'x'.repeat(65), AssumeRolePolicyDocument: trustPolicy() })),
        )
      ).message,
    ).toContain('Member must have length less than or equal to 64');
  });

  it('returns trust policies exactly as sent, URL-encoded (the JavaScript SDK does not decode them)', async () => {
    const iam = t.iam();
    const RoleName = randomName('role');
    // White space, a literal percent sign and characters encodeURIComponent leaves alone.
    const document = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "Allow(it)!",
    "Effect": "Allow",
    "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceArn": "arn%3Aaws%3Aapigateway 'quoted' *"}}
  }]
}`;
    await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: document }));
    const encoded = (await iam.send(new GetRoleCommand({ RoleName }))).Role?.AssumeRolePolicyDocument as string;
    expect(encoded).toBe(rfc3986(document));
    expect(encoded).toMatch(/^%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22/);
    expect(encoded).toContain('%28it%29%21');
    expect(encoded).toContain('arn%253Aaws%253Aapigateway%20%27quoted%27%20%2A');
    expect(decodeURIComponent(encoded)).toBe(document);
  });

  it('updates the description, session duration and trust policy', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    await iam.send(new UpdateRoleCommand({ RoleName, Description: 'first', MaxSessionDuration: 43200 }));
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role).toMatchObject({
      Description: 'first',
      MaxSessionDuration: 43200,
    });
    const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName, Description: 'second' }));
    // UpdateRoleDescription answers with CreateRole's members (AWS's answer as LocalStack recorded it).
    expect(described.Role).toMatchObject({ RoleName, Description: 'second' });
    expect(described.Role?.MaxSessionDuration).toBeUndefined();
    expect(described.Role?.RoleLastUsed).toBeUndefined();

    const ec2 = trustPolicy('ec2.amazonaws.com');
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: ec2 }));
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role?.AssumeRolePolicyDocument).toBe(rfc3986(ec2));
    expect(
      (await failure(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: '{"Statement": [' }))))
        .message,
    ).toBe('This policy contains invalid Json');
    const missing = randomName('missing');
    for (const call of [
      () => iam.send(new UpdateRoleCommand({ RoleName: missing, Description: 'x' })),
      () => iam.send(new UpdateRoleDescriptionCommand({ RoleName: missing, Description: 'x' })),
      () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: missing, PolicyDocument: ec2 })),
    ]) {
      expect(await failure(call())).toEqual({
        name: 'NoSuchEntityException',
        message: `The role with name ${missing} cannot be found.`,
        status: 404,
      });
    }
  });

  it('tags and untags roles (keys are case-insensitive) and pages through tags', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    await iam.send(
      new TagRoleCommand({
        RoleName,
        Tags: [
          { Key: 'env', Value: 'dev' },
          { Key: 'team', Value: 'core' },
          { Key: 'cost', Value: '' },
        ],
      }),
    );
    await iam.send(new TagRoleCommand({ RoleName, Tags: [{ Key: 'ENV', Value: 'prod' }] }));
    const first = await iam.send(new ListRoleTagsCommand({ RoleName, MaxItems: 2 }));
    expect(first).toMatchObject({
      Tags: [
        { Key: 'team', Value: 'core' },
        { Key: 'cost', Value: '' },
      ],
      IsTruncated: true,
    });
    const rest = await iam.send(new ListRoleTagsCommand({ RoleName, Marker: first.Marker }));
    expect(rest).toMatchObject({ Tags: [{ Key: 'ENV', Value: 'prod' }], IsTruncated: false });

    await iam.send(new UntagRoleCommand({ RoleName, TagKeys: ['Team', 'absent'] }));
    expect((await iam.send(new ListRoleTagsCommand({ RoleName }))).Tags?.map((tag) => tag.Key)).toEqual([
      'cost',
      'ENV',
    ]);
    expect(
      await failure(
        iam.send(
          new TagRoleCommand({
            RoleName,
            Tags: [
              { Key: 'a', Value: '1' },
              { Key: 'A', Value: '2' },
            ],
          }),
        ),
      ),
    ).toEqual({
      name: 'InvalidInputException',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      status: 400,
    });
  });

  it('pages through ListRoles with Marker and MaxItems, by name, under a path prefix', async () => {
    const iam = t.iam();
    const path = `/${randomName('paging')}/`;
    const names = await Promise.all(Array.from({ length: 5 }, () => newRole(iam, path)));
    names.sort();
    const first = await iam.send(new ListRolesCommand({ PathPrefix: path, MaxItems: 2 }));
    expect(first.Roles?.map((r) => r.RoleName)).toEqual(names.slice(0, 2));
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    // Deleting a role already listed does not shift the next page.
    await iam.send(new DeleteRoleCommand({ RoleName: names[0] }));
    const second = await iam.send(new ListRolesCommand({ PathPrefix: path, MaxItems: 2, Marker: first.Marker }));
    expect(second.Roles?.map((r) => r.RoleName)).toEqual(names.slice(2, 4));
    const all: string[] = [];
    for await (const page of paginateListRoles({ client: iam, pageSize: 1 }, { PathPrefix: path })) {
      all.push(...(page.Roles ?? []).map((r) => r.RoleName as string));
    }
    expect(all).toEqual(names.slice(1));
    // The prefix is a prefix of the path, not a path segment.
    const partial = await iam.send(new ListRolesCommand({ PathPrefix: path.slice(0, -3) }));
    expect(partial.Roles?.length).toBe(4);
  });

  it('sets, shows and removes a permissions boundary', async () => {
    const iam = t.iam();
    const RoleName = randomName('role');
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: trustPolicy(),
        PermissionsBoundary: BASIC_EXECUTION,
      }),
    );
    // AWS answers the type `Policy`, whatever the model's enum says (LocalStack's recordings).
    const boundary = { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BASIC_EXECUTION };
    expect(created.Role?.PermissionsBoundary).toEqual(boundary);
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role?.PermissionsBoundary).toEqual(boundary);
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName }));
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role?.PermissionsBoundary).toBeUndefined();
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: admin }));
    expect((await iam.send(new GetRoleCommand({ RoleName }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(
      admin,
    );
    const nowhere = `arn:aws:iam::${ACCOUNT}:policy/${randomName('none')}`;
    expect(
      await failure(iam.send(new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: nowhere }))),
    ).toEqual({
      name: 'NoSuchEntityException',
      message: `Scope ARN: ${nowhere} does not exist or is not attachable.`,
      status: 404,
    });
  });
});

describe('trust policy validation', () => {
  const statement = { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };
  const cases: [string, unknown, string][] = [
    ['a trailing comma', '{"Version": "2012-10-17", "Statement": [],}', 'This policy contains invalid Json'],
    ['an array', [statement], 'Syntax errors in policy.'],
    ['no Statement', { Version: '2012-10-17' }, 'Syntax errors in policy.'],
    [
      'an unknown element',
      { Version: '2012-10-17', Statement: [{ ...statement, Extra: 1 }] },
      'Syntax errors in policy.',
    ],
    ['an unknown Version', { Version: '2020-01-01', Statement: [statement] }, 'Syntax errors in policy.'],
    ['a lower-case Effect', { Statement: [{ ...statement, Effect: 'allow' }] }, 'The policy failed legacy parsing'],
    [
      'no principal',
      { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] },
      'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!',
    ],
    ['a Resource', { Statement: [{ ...statement, Resource: '*' }] }, 'Has prohibited field Resource'],
    [
      'an action other than STS AssumeRole',
      { Statement: [{ ...statement, Action: ['sts:AssumeRole', 's3:GetObject'] }] },
      'AssumeRole policy may only specify STS AssumeRole actions.',
    ],
    ['no Action', { Statement: [{ Effect: 'Allow', Principal: '*' }] }, 'Policy statement must contain actions.'],
    [
      'an action without a vendor',
      { Statement: [{ ...statement, Action: 'AssumeRole' }] },
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      'repeated statement ids',
      {
        Statement: [
          { ...statement, Sid: 'one' },
          { ...statement, Sid: 'one' },
        ],
      },
      'Statement IDs (SID) in a single policy must be unique.',
    ],
  ];
  for (const [what, document, message] of cases) {
    it(`refuses a trust policy with ${what}`, async () => {
      const AssumeRolePolicyDocument = typeof document === 'string' ? document : JSON.stringify(document);
      expect(
        await failure(t.iam().send(new CreateRoleCommand({ RoleName: randomName(), AssumeRolePolicyDocument }))),
      ).toEqual({ name: 'MalformedPolicyDocumentException', message, status: 400 });
    });
  }

  it('accepts a statement object, a version-less document and a wildcard principal', async () => {
    const AssumeRolePolicyDocument = JSON.stringify({ Statement: { ...statement, Principal: '*' } });
    const created = await t.iam().send(new CreateRoleCommand({ RoleName: randomName(), AssumeRolePolicyDocument }));
    expect(created.Role?.AssumeRolePolicyDocument).toBe(rfc3986(AssumeRolePolicyDocument));
  });

  it('enforces the 2048-character quota, not counting white space', async () => {
    const padded = JSON.stringify({ Statement: [{ ...statement, Sid: 'x'.repeat(1900) }] }, null, 8);
    await t.iam().send(new CreateRoleCommand({ RoleName: randomName(), AssumeRolePolicyDocument: padded }));
    const tooLong = JSON.stringify({ Statement: [{ ...statement, Sid: 'x'.repeat(2000) }] });
    expect(
      await failure(t.iam().send(new CreateRoleCommand({ RoleName: randomName(), AssumeRolePolicyDocument: tooLong }))),
    ).toEqual({ name: 'LimitExceededException', message: 'Cannot exceed quota for ACLSizePerRole: 2048', status: 409 });
  });
});
