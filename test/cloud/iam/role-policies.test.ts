/** A role's inline policies and attached managed policies, and what they block on delete. */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, allowPolicy, BASIC_EXECUTION, newRole, rfc3986 } from './support.js';

const t = useCloud();

describe('inline role policies', () => {
  it('puts, replaces, reads, lists and deletes inline policies', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    const logs = allowPolicy('logs:CreateLogStream', 'logs:PutLogEvents');
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'logs', PolicyDocument: logs }));
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'Apps', PolicyDocument: allowPolicy('s3:*') }));
    const s3 = allowPolicy('s3:GetObject');
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'Apps', PolicyDocument: s3 }));

    const got = await iam.send(new GetRolePolicyCommand({ RoleName: RoleName.toUpperCase(), PolicyName: 'Apps' }));
    expect(got).toMatchObject({ RoleName, PolicyName: 'Apps', PolicyDocument: rfc3986(s3) });
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument as string))).toEqual(JSON.parse(s3));

    const listed = await iam.send(new ListRolePoliciesCommand({ RoleName }));
    expect(listed).toMatchObject({ PolicyNames: ['Apps', 'logs'], IsTruncated: false });
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName, MaxItems: 1 }));
    expect(page).toMatchObject({ PolicyNames: ['Apps'], IsTruncated: true });
    expect(
      (await iam.send(new ListRolePoliciesCommand({ RoleName, MaxItems: 1, Marker: page.Marker }))).PolicyNames,
    ).toEqual(['logs']);

    // Inline policy names are case-sensitive.
    expect(await failure(iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'apps' })))).toEqual({
      name: 'NoSuchEntityException',
      message: 'The role policy with name apps cannot be found.',
      status: 404,
    });
    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete policies first.',
      status: 409,
    });

    await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: 'Apps' }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: 'logs' }));
    expect(await failure(iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: 'logs' })))).toEqual({
      name: 'NoSuchEntityException',
      message: 'The role policy with name logs cannot be found.',
      status: 404,
    });
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames).toEqual([]);
    await iam.send(new DeleteRoleCommand({ RoleName }));
  });

  it('answers NoSuchEntity for a missing role', async () => {
    const iam = t.iam();
    const RoleName = randomName('missing');
    const noRole = {
      name: 'NoSuchEntityException',
      message: `The role with name ${RoleName} cannot be found.`,
      status: 404,
    };
    expect(
      await failure(
        iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'p', PolicyDocument: allowPolicy('s3:*') })),
      ),
    ).toEqual(noRole);
    expect(await failure(iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'p' })))).toEqual(noRole);
    expect(await failure(iam.send(new ListRolePoliciesCommand({ RoleName })))).toEqual(noRole);
  });

  it('validates identity policy documents', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    const put = (document: unknown) =>
      failure(
        iam.send(
          new PutRolePolicyCommand({
            RoleName,
            PolicyName: 'p',
            PolicyDocument: typeof document === 'string' ? document : JSON.stringify(document),
          }),
        ),
      );
    const malformed = (message: string) => ({ name: 'MalformedPolicyDocumentException', message, status: 400 });
    expect(await put('not json')).toEqual(malformed('This policy contains invalid Json'));
    expect(await put({ Statement: [{ Effect: 'Allow', Action: 's3:*' }] })).toEqual(
      malformed('Policy statement must contain resources.'),
    );
    expect(await put({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: '*' }] })).toEqual(
      malformed('Policy document should not specify a principal.'),
    );
    expect(await put({ Statement: [{ Effect: 'Allow', Action: 's3:Get:Object', Resource: '*' }] })).toEqual(
      malformed('Actions/Condition can contain only one colon.'),
    );
    expect(await put({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'my-bucket' }] })).toEqual(
      malformed('Resource my-bucket must be in ARN format or "*".'),
    );
    // Outside the characters IAM accepts in documents (tab, newline, U+0020 to U+00FF).
    expect((await put('{"Statement": "\u0101"}')).message).toContain(
      "at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
  });

  it('limits the inline policies of a role to 10240 characters together', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    const big = (n: number) =>
      allowPolicy(...Array.from({ length: n }, (_, i) => `s3:Action${String(i).padStart(6, '0')}`));
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'one', PolicyDocument: big(300) }));
    // Replacing a policy counts its new size only.
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'one', PolicyDocument: big(300) }));
    expect(
      await failure(iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'two', PolicyDocument: big(300) }))),
    ).toEqual({
      name: 'LimitExceededException',
      message: `Maximum policy size of 10240 bytes exceeded for role ${RoleName}`,
      status: 409,
    });
  });
});

describe('attached managed policies', () => {
  it('attaches and detaches AWS managed and own policies', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    const own = (
      await iam.send(new CreatePolicyCommand({ PolicyName: randomName('own'), PolicyDocument: allowPolicy('sqs:*') }))
    ).Policy;
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    for (const PolicyArn of [BASIC_EXECUTION, own?.Arn, admin, BASIC_EXECUTION]) {
      await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
    }
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
    expect(attached).toMatchObject({
      AttachedPolicies: [
        { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC_EXECUTION },
        { PolicyName: own?.PolicyName, PolicyArn: own?.Arn },
        { PolicyName: 'AdministratorAccess', PolicyArn: admin },
      ],
      IsTruncated: false,
    });
    const serviceRoles = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName, PathPrefix: '/service-role/' }),
    );
    expect(serviceRoles.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['AWSLambdaBasicExecutionRole']);
    const paged = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName, MaxItems: 2 }));
    expect(paged.IsTruncated).toBe(true);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker: paged.Marker }))).AttachedPolicies,
    ).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: admin }]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: BASIC_EXECUTION }))).Policy?.AttachmentCount).toBe(1);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: own?.Arn }))).Policy?.AttachmentCount).toBe(1);

    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
      status: 409,
    });
    for (const PolicyArn of [BASIC_EXECUTION, own?.Arn, admin]) {
      await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }));
    }
    expect(await failure(iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: admin })))).toEqual({
      name: 'NoSuchEntityException',
      message: `Policy ${admin} was not found.`,
      status: 404,
    });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: BASIC_EXECUTION }))).Policy?.AttachmentCount).toBe(0);
    await iam.send(new DeleteRoleCommand({ RoleName }));
  });

  it('refuses policies that are not ARNs, do not exist or belong to another account', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    expect(
      await failure(iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: 'longpolicynamebutnoarn' }))),
    ).toEqual({ name: 'ValidationError', message: 'ARN longpolicynamebutnoarn is not valid.', status: 400 });
    for (const PolicyArn of [
      `arn:aws:iam::${ACCOUNT}:policy/${randomName('none')}`,
      'arn:aws:iam::aws:policy/NoSuchManagedPolicy',
      'arn:aws:iam::111111111111:policy/elsewhere',
      'arn:aws:s3:::not-a-policy-at-all',
    ]) {
      expect(await failure(iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn })))).toEqual({
        name: 'NoSuchEntityException',
        message: `Policy ${PolicyArn} does not exist or is not attachable.`,
        status: 404,
      });
    }
    const missing = randomName('missing');
    expect(
      await failure(iam.send(new AttachRolePolicyCommand({ RoleName: missing, PolicyArn: BASIC_EXECUTION }))),
    ).toEqual({
      name: 'NoSuchEntityException',
      message: `The role with name ${missing} cannot be found.`,
      status: 404,
    });
  });

  it('limits a role to 10 attached policies', async () => {
    const iam = t.iam();
    const RoleName = await newRole(iam);
    for (let i = 0; i < 10; i++) {
      const { Policy } = await iam.send(
        new CreatePolicyCommand({ PolicyName: randomName(`p${i}`), PolicyDocument: allowPolicy('s3:*') }),
      );
      await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: Policy?.Arn }));
    }
    // Attaching one already attached is not an eleventh.
    const first = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies?.[0]?.PolicyArn;
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: first }));
    expect(await failure(iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: BASIC_EXECUTION })))).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for PoliciesPerRole: 10',
      status: 409,
    });
  });
});
