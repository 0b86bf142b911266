/**
 * The evaluator as a table: statements, a request, the decision IAM documents. Statements are the
 * ones Lambda's AddPermission stores and the SQS, SNS and S3 policies from AWS's own examples.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessRequest,
  allowsAccount,
  allowsServicePush,
  type Decision,
  evaluatePolicies,
  MalformedPolicyError,
  type PolicyDocument,
  parsePolicy,
} from '../../../src/cloud/policy/index.js';

const OWNER = '123456789012';
const OTHER = '111122223333';
const FN = `arn:aws:lambda:us-east-1:${OWNER}:function:my-function`;
const BUCKET = 'arn:aws:s3:::my-bucket';
const TOPIC = `arn:aws:sns:us-east-1:${OWNER}:my-topic`;
const QUEUE = `arn:aws:sqs:us-east-1:${OWNER}:my-queue`;

const s3Push = (resource = FN, sourceArn = BUCKET, sourceAccount = OWNER): AccessRequest => ({
  principal: { type: 'Service', service: 's3.amazonaws.com' },
  action: 'lambda:InvokeFunction',
  resource,
  context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceAccount },
});
const account = (accountId: string, action: string, resource: string, arn = `arn:aws:iam::${accountId}:root`) =>
  ({ principal: { type: 'AWS', accountId, arn }, action, resource }) satisfies AccessRequest;

const policy = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (extra: Record<string, unknown>) => ({ Effect: 'Allow', ...extra });
const deny = (extra: Record<string, unknown>) => ({ Effect: 'Deny', ...extra });

/** What AddPermission stores for `--principal s3.amazonaws.com --source-arn ... --source-account ...`. */
const addPermission = (
  condition?: Record<string, unknown>,
  resource = FN,
  principal: unknown = { Service: 's3.amazonaws.com' },
) => ({
  Sid: 's3-invoke',
  Effect: 'Allow',
  Principal: principal,
  Action: 'lambda:InvokeFunction',
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

interface Case {
  name: string;
  documents: PolicyDocument[];
  request: AccessRequest;
  expected: Decision;
}

const cases: Case[] = [
  // Lambda AddPermission statements
  {
    name: 'service principal, no condition',
    documents: [policy(addPermission())],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'another service principal',
    documents: [policy(addPermission(undefined, FN, { Service: 'sns.amazonaws.com' }))],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  {
    name: 'service principal list',
    documents: [policy(addPermission(undefined, FN, { Service: ['sns.amazonaws.com', 's3.amazonaws.com'] }))],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'SourceArn ArnLike matches',
    documents: [policy(addPermission({ ArnLike: { 'AWS:SourceArn': BUCKET } }))],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'SourceArn ArnLike other bucket',
    documents: [policy(addPermission({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::other' } }))],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  {
    name: 'SourceArn wildcard',
    documents: [policy(addPermission({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-*' } }))],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'SourceArn with ? wildcard',
    documents: [policy(addPermission({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-buck?t' } }))],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'ArnLike region wildcard does not cross parts',
    documents: [
      policy(
        addPermission({ ArnLike: { 'AWS:SourceArn': `arn:aws:sns:*:${OWNER}:my-topic` } }, FN, {
          Service: 'sns.amazonaws.com',
        }),
      ),
    ],
    request: { ...s3Push(FN, TOPIC), principal: { type: 'Service', service: 'sns.amazonaws.com' } },
    expected: 'Allow',
  },
  {
    name: 'ArnEquals exact',
    documents: [policy(addPermission({ ArnEquals: { 'aws:SourceArn': BUCKET } }))],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'SourceAccount StringEquals + SourceArn (AND)',
    documents: [
      policy(addPermission({ StringEquals: { 'AWS:SourceAccount': OWNER }, ArnLike: { 'AWS:SourceArn': BUCKET } })),
    ],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'SourceAccount mismatch fails the AND',
    documents: [
      policy(addPermission({ StringEquals: { 'AWS:SourceAccount': OTHER }, ArnLike: { 'AWS:SourceArn': BUCKET } })),
    ],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  {
    name: 'PrincipalOrgID missing from request',
    documents: [policy(addPermission({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }, FN, '*'))],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  {
    name: 'FunctionUrlAuthType missing',
    documents: [policy(addPermission({ StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }, FN, '*'))],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  {
    name: 'FunctionUrlAuthType given',
    documents: [policy(addPermission({ StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }, FN, '*'))],
    request: { ...s3Push(), context: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    expected: 'Allow',
  },
  {
    name: 'action case-insensitive',
    documents: [policy({ ...addPermission(), Action: 'Lambda:invokefunction' })],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'action wildcard lambda:*',
    documents: [policy({ ...addPermission(), Action: 'lambda:*' })],
    request: s3Push(),
    expected: 'Allow',
  },
  {
    name: 'other action',
    documents: [policy({ ...addPermission(), Action: 'lambda:GetFunction' })],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  // Lambda ARN forms
  {
    name: 'unqualified statement, qualified invoke',
    documents: [policy(addPermission())],
    request: s3Push(`${FN}:prod`),
    expected: 'ImplicitDeny',
  },
  {
    name: ':* statement, qualified invoke',
    documents: [policy(addPermission(undefined, `${FN}:*`))],
    request: s3Push(`${FN}:prod`),
    expected: 'Allow',
  },
  {
    name: ':* statement, unqualified invoke',
    documents: [policy(addPermission(undefined, `${FN}:*`))],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  {
    name: 'alias statement, alias invoke',
    documents: [policy(addPermission(undefined, `${FN}:prod`))],
    request: s3Push(`${FN}:prod`),
    expected: 'Allow',
  },
  {
    name: 'alias statement, other alias',
    documents: [policy(addPermission(undefined, `${FN}:prod`))],
    request: s3Push(`${FN}:dev`),
    expected: 'ImplicitDeny',
  },
  {
    name: 'resource list',
    documents: [policy(addPermission(undefined, [FN, `${FN}:*`] as unknown as string))],
    request: s3Push(`${FN}:1`),
    expected: 'Allow',
  },
  {
    name: 'resource is case-sensitive',
    documents: [policy(addPermission(undefined, FN.toUpperCase()))],
    request: s3Push(),
    expected: 'ImplicitDeny',
  },
  // Cross-account principals
  {
    name: 'account id principal',
    documents: [policy(addPermission(undefined, FN, { AWS: OTHER }))],
    request: account(OTHER, 'lambda:InvokeFunction', FN),
    expected: 'Allow',
  },
  {
    name: 'account root ARN names its users',
    documents: [policy(addPermission(undefined, FN, { AWS: `arn:aws:iam::${OTHER}:root` }))],
    request: account(OTHER, 'lambda:InvokeFunction', FN, `arn:aws:iam::${OTHER}:user/x`),
    expected: 'Allow',
  },
  {
    name: 'user ARN principal, other user',
    documents: [policy(addPermission(undefined, FN, { AWS: `arn:aws:iam::${OTHER}:user/a` }))],
    request: account(OTHER, 'lambda:InvokeFunction', FN, `arn:aws:iam::${OTHER}:user/b`),
    expected: 'ImplicitDeny',
  },
  {
    name: 'role ARN names its sessions',
    documents: [policy(addPermission(undefined, FN, { AWS: [`arn:aws:iam::${OTHER}:role/path/r`] }))],
    request: account(OTHER, 'lambda:InvokeFunction', FN, `arn:aws:sts::${OTHER}:assumed-role/r/session`),
    expected: 'Allow',
  },
  {
    name: 'AWS * names everyone',
    documents: [policy(addPermission(undefined, FN, { AWS: '*' }))],
    request: account(OTHER, 'lambda:InvokeFunction', FN),
    expected: 'Allow',
  },
  {
    name: 'other account not named',
    documents: [policy(addPermission(undefined, FN, { AWS: OWNER }))],
    request: account(OTHER, 'lambda:InvokeFunction', FN),
    expected: 'ImplicitDeny',
  },
  {
    name: 'NotPrincipal deny spares the named',
    documents: [
      policy(
        allow({ Principal: '*', Action: 'sqs:*', Resource: QUEUE }),
        deny({ NotPrincipal: { AWS: OWNER }, Action: 'sqs:*', Resource: QUEUE }),
      ),
    ],
    request: account(OWNER, 'sqs:SendMessage', QUEUE),
    expected: 'Allow',
  },
  {
    name: 'NotPrincipal deny hits others',
    documents: [
      policy(
        allow({ Principal: '*', Action: 'sqs:*', Resource: QUEUE }),
        deny({ NotPrincipal: { AWS: OWNER }, Action: 'sqs:*', Resource: QUEUE }),
      ),
    ],
    request: account(OTHER, 'sqs:SendMessage', QUEUE),
    expected: 'ExplicitDeny',
  },
  {
    name: 'anonymous only by *',
    documents: [policy(allow({ Principal: { AWS: OWNER }, Action: 's3:GetObject', Resource: `${BUCKET}/*` }))],
    request: { principal: { type: 'Anonymous' }, action: 's3:GetObject', resource: `${BUCKET}/k` },
    expected: 'ImplicitDeny',
  },
  // SQS (AWS's "allow SNS to send" example) and SNS (the default topic policy)
  {
    name: 'SQS policy for an SNS topic',
    documents: [
      policy(
        allow({
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: QUEUE,
          Condition: { ArnEquals: { 'aws:SourceArn': TOPIC } },
        }),
      ),
    ],
    request: {
      principal: { type: 'Service', service: 'sns.amazonaws.com' },
      action: 'sqs:SendMessage',
      resource: QUEUE,
      context: { 'aws:SourceArn': TOPIC },
    },
    expected: 'Allow',
  },
  {
    name: 'sqs:Send* wildcard',
    documents: [policy(allow({ Principal: '*', Action: 'sqs:Send*', Resource: QUEUE }))],
    request: account(OTHER, 'sqs:SendMessageBatch', QUEUE),
    expected: 'Allow',
  },
  {
    name: 'sqs:Send* not Receive',
    documents: [policy(allow({ Principal: '*', Action: 'sqs:Send*', Resource: QUEUE }))],
    request: account(OTHER, 'sqs:ReceiveMessage', QUEUE),
    expected: 'ImplicitDeny',
  },
  {
    name: 'NotAction',
    documents: [policy(allow({ Principal: '*', NotAction: 'sqs:Delete*', Resource: QUEUE }))],
    request: account(OTHER, 'sqs:DeleteMessage', QUEUE),
    expected: 'ImplicitDeny',
  },
  {
    name: 'NotResource',
    documents: [policy(allow({ Principal: '*', Action: '*', NotResource: 'arn:aws:sqs:*:*:secret-*' }))],
    request: account(OTHER, 'sqs:SendMessage', QUEUE),
    expected: 'Allow',
  },
  {
    name: 'SNS default policy: SourceOwner',
    documents: [
      policy(
        allow({
          Sid: '__default_statement_ID',
          Principal: { AWS: '*' },
          Action: ['SNS:GetTopicAttributes', 'SNS:Subscribe', 'SNS:Publish'],
          Resource: TOPIC,
          Condition: { StringEquals: { 'AWS:SourceOwner': OWNER } },
        }),
      ),
    ],
    request: { ...account(OTHER, 'sns:Publish', TOPIC), context: { 'aws:SourceOwner': OWNER } },
    expected: 'Allow',
  },
  {
    name: 'S3 may publish to the topic from its bucket',
    documents: [
      policy(
        allow({
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'SNS:Publish',
          Resource: TOPIC,
          Condition: { ArnLike: { 'aws:SourceArn': BUCKET }, StringEquals: { 'aws:SourceAccount': OWNER } },
        }),
      ),
    ],
    request: {
      principal: { type: 'Service', service: 's3.amazonaws.com' },
      action: 'sns:Publish',
      resource: TOPIC,
      context: { 'aws:SourceArn': BUCKET, 'aws:SourceAccount': OWNER },
    },
    expected: 'Allow',
  },
  // S3 bucket policy
  {
    name: 'bucket policy object wildcard',
    documents: [
      policy(
        allow({
          Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: `${BUCKET}/*`,
        }),
      ),
    ],
    request: account(OTHER, 's3:GetObject', `${BUCKET}/a/b.txt`),
    expected: 'Allow',
  },
  {
    name: 'bucket policy: object grant is not ListBucket',
    documents: [policy(allow({ Principal: { AWS: OTHER }, Action: 's3:*', Resource: `${BUCKET}/*` }))],
    request: account(OTHER, 's3:ListBucket', BUCKET),
    expected: 'ImplicitDeny',
  },
  // Decision order
  {
    name: 'Deny wins over Allow',
    documents: [policy(addPermission(), deny({ Principal: '*', Action: 'lambda:*', Resource: '*' }))],
    request: s3Push(),
    expected: 'ExplicitDeny',
  },
  {
    name: 'Deny in another document wins',
    documents: [policy(addPermission()), policy(deny({ Principal: '*', Action: '*', Resource: '*' }))],
    request: s3Push(),
    expected: 'ExplicitDeny',
  },
  { name: 'no statement applies', documents: [], request: s3Push(), expected: 'ImplicitDeny' },
  {
    name: 'Statement as an object',
    documents: [JSON.stringify({ Statement: addPermission() })],
    request: s3Push(),
    expected: 'Allow',
  },
  { name: 'parsed document', documents: [{ Statement: [addPermission()] }], request: s3Push(), expected: 'Allow' },
  {
    name: 'malformed document grants nothing',
    documents: ['{not json', policy(addPermission())],
    request: s3Push(),
    expected: 'Allow',
  },
];

describe('evaluatePolicies', () => {
  it.each(cases)('$name → $expected', ({ documents, request, expected }) => {
    expect(evaluatePolicies(documents, request)).toBe(expected);
  });
});

interface ConditionCase {
  condition: Record<string, unknown>;
  context: AccessRequest['context'];
  holds: boolean;
}

/** One Allow statement with the condition; holds ⇔ Allow. */
const conditionCases: ConditionCase[] = [
  {
    condition: { StringEquals: { 'aws:SourceAccount': ['1', OWNER] } },
    context: { 'aws:SourceAccount': OWNER },
    holds: true,
  },
  { condition: { StringEquals: { 'aws:SourceAccount': '1' } }, context: { 'aws:SourceAccount': OWNER }, holds: false },
  { condition: { StringEquals: { 'AWS:SOURCEACCOUNT': OWNER } }, context: { 'aws:sourceaccount': OWNER }, holds: true },
  { condition: { StringEquals: { k: 'Abc' } }, context: { k: 'abc' }, holds: false },
  { condition: { StringEqualsIgnoreCase: { k: 'Abc' } }, context: { k: 'aBC' }, holds: true },
  { condition: { StringNotEquals: { k: 'a' } }, context: { k: 'b' }, holds: true },
  { condition: { StringNotEquals: { k: ['a', 'b'] } }, context: { k: 'b' }, holds: false },
  { condition: { StringNotEquals: { k: 'a' } }, context: {}, holds: true },
  { condition: { StringNotEqualsIgnoreCase: { k: 'A' } }, context: { k: 'a' }, holds: false },
  { condition: { StringLike: { k: 'photos/*.jp?' } }, context: { k: 'photos/x/y.jpg' }, holds: true },
  { condition: { StringLike: { k: 'photos/*' } }, context: { k: 'docs/y' }, holds: false },
  { condition: { StringNotLike: { k: 'photos/*' } }, context: { k: 'docs/y' }, holds: true },
  { condition: { StringEquals: { k: 'a' } }, context: {}, holds: false },
  { condition: { StringEqualsIfExists: { k: 'a' } }, context: {}, holds: true },
  { condition: { StringEqualsIfExists: { k: 'a' } }, context: { k: 'b' }, holds: false },
  {
    condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::other*' } },
    context: { 'aws:SourceArn': BUCKET },
    holds: true,
  },
  { condition: { ArnNotEquals: { 'aws:SourceArn': BUCKET } }, context: { 'aws:SourceArn': BUCKET }, holds: false },
  {
    condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:us-*:*:q' } },
    context: { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:1:q' },
    holds: true,
  },
  {
    condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:q' } },
    context: { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:1:q' },
    holds: true,
  },
  { condition: { NumericLessThan: { 's3:max-keys': 10 } }, context: { 's3:max-keys': '9' }, holds: true },
  { condition: { NumericLessThanEquals: { n: '10' } }, context: { n: '10' }, holds: true },
  { condition: { NumericGreaterThan: { n: '10' } }, context: { n: '10' }, holds: false },
  { condition: { NumericGreaterThanEquals: { n: '10' } }, context: { n: '10.5' }, holds: true },
  { condition: { NumericEquals: { n: '10' } }, context: { n: 'ten' }, holds: false },
  { condition: { NumericNotEquals: { n: '10' } }, context: { n: '11' }, holds: true },
  {
    condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
    context: { 'aws:CurrentTime': '2024-06-01T12:00:00Z' },
    holds: true,
  },
  {
    condition: { DateGreaterThan: { 'aws:EpochTime': '1700000000' } },
    context: { 'aws:EpochTime': '1600000000' },
    holds: false,
  },
  { condition: { DateEquals: { d: '2024-01-01T00:00:00Z' } }, context: { d: '1704067200' }, holds: true },
  { condition: { DateNotEquals: { d: '2024-01-01T00:00:00Z' } }, context: { d: '2024-01-02T00:00:00Z' }, holds: true },
  { condition: { DateLessThanEquals: { d: '2024-01-01' } }, context: { d: '2024-01-01' }, holds: true },
  { condition: { DateGreaterThanEquals: { d: '2024-01-01' } }, context: { d: 'never' }, holds: false },
  { condition: { Bool: { 'aws:SecureTransport': 'false' } }, context: { 'aws:SecureTransport': 'false' }, holds: true },
  { condition: { Bool: { 'aws:SecureTransport': true } }, context: { 'aws:SecureTransport': 'false' }, holds: false },
  { condition: { Null: { 'aws:SourceArn': 'true' } }, context: {}, holds: true },
  { condition: { Null: { 'aws:SourceArn': 'false' } }, context: {}, holds: false },
  { condition: { Null: { 'aws:SourceArn': 'false' } }, context: { 'aws:SourceArn': BUCKET }, holds: true },
  {
    condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    context: { 'aws:SourceIp': '203.0.113.7' },
    holds: true,
  },
  {
    condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
    context: { 'aws:SourceIp': '2001:db8::1' },
    holds: true,
  },
  {
    condition: { IpAddress: { 'aws:SourceIp': '203.0.113.7' } },
    context: { 'aws:SourceIp': '203.0.113.8' },
    holds: false,
  },
  {
    condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    context: { 'aws:SourceIp': '198.51.100.1' },
    holds: true,
  },
  { condition: { 'ForAnyValue:StringEquals': { tags: ['a', 'b'] } }, context: { tags: ['x', 'b'] }, holds: true },
  { condition: { 'ForAnyValue:StringEquals': { tags: ['a'] } }, context: {}, holds: false },
  { condition: { 'ForAllValues:StringEquals': { tags: ['a', 'b'] } }, context: { tags: ['a', 'b'] }, holds: true },
  { condition: { 'ForAllValues:StringEquals': { tags: ['a', 'b'] } }, context: { tags: ['a', 'c'] }, holds: false },
  { condition: { 'ForAllValues:StringEquals': { tags: ['a'] } }, context: {}, holds: true },
  { condition: { 'ForAllValues:StringLike': { tags: ['env-*'] } }, context: { tags: ['env-a', 'env-b'] }, holds: true },
  { condition: { 'ForAnyValue:StringNotEquals': { tags: ['a'] } }, context: { tags: ['a', 'z'] }, holds: true },
  { condition: { StringEquals: { a: '1', b: '2' } }, context: { a: '1', b: '3' }, holds: false },
  { condition: { StringEquals: { a: '1' }, StringLike: { b: '2*' } }, context: { a: '1', b: '22' }, holds: true },
  { condition: { UnknownOperator: { a: '1' } }, context: { a: '1' }, holds: false },
];

describe('conditions', () => {
  it.each(conditionCases)('$condition with $context → $holds', ({ condition, context, holds }) => {
    const document = policy(
      allow({ Principal: '*', Action: 'sqs:SendMessage', Resource: QUEUE, Condition: condition }),
    );
    const request: AccessRequest = { ...account(OTHER, 'sqs:SendMessage', QUEUE), ...(context ? { context } : {}) };
    expect(evaluatePolicies([document], request)).toBe(holds ? 'Allow' : 'ImplicitDeny');
  });

  it('derives aws:PrincipalAccount from the caller', () => {
    const document = policy(
      allow({
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } },
      }),
    );
    expect(evaluatePolicies([document], account(OTHER, 'sqs:SendMessage', QUEUE))).toBe('Allow');
    expect(evaluatePolicies([document], account(OWNER, 'sqs:SendMessage', QUEUE))).toBe('ImplicitDeny');
  });
});

describe('helpers', () => {
  const grant = policy(allow({ Principal: { AWS: OTHER }, Action: 'sns:Publish', Resource: TOPIC }));
  const denyAll = policy(deny({ Principal: '*', Action: 'sns:Publish', Resource: TOPIC }));

  it.each([
    { name: 'owner without policy', policy: undefined, caller: OWNER, allowed: true },
    { name: 'other account without policy', policy: undefined, caller: OTHER, allowed: false },
    { name: 'other account granted', policy: grant, caller: OTHER, allowed: true },
    { name: 'owner not named in a policy', policy: grant, caller: OWNER, allowed: true },
    { name: 'owner explicitly denied', policy: denyAll, caller: OWNER, allowed: false },
    { name: 'third account', policy: grant, caller: '444455556666', allowed: false },
  ])('allowsAccount: $name → $allowed', ({ policy: document, caller, allowed }) => {
    expect(allowsAccount(document, caller, `arn:aws:iam::${caller}:root`, 'sns:Publish', TOPIC)).toBe(allowed);
  });

  it('SNS’s default topic policy lets only the owner account publish and subscribe', () => {
    const defaultPolicy = policy(
      allow({
        Sid: '__default_statement_ID',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:Subscribe', 'SNS:Publish'],
        Resource: TOPIC,
        Condition: { StringEquals: { 'AWS:SourceOwner': OWNER } },
      }),
    );
    const may = (caller: string, action: string) =>
      allowsAccount(defaultPolicy, caller, `arn:aws:iam::${caller}:root`, action, TOPIC);
    expect(may(OWNER, 'sns:Publish')).toBe(true);
    expect(may(OWNER, 'sns:Subscribe')).toBe(true);
    expect(may(OTHER, 'sns:Publish')).toBe(false);
    expect(may(OTHER, 'sns:Subscribe')).toBe(false);
  });

  it('allowsServicePush needs an Allow and a matching source', () => {
    const document = policy(addPermission({ ArnLike: { 'AWS:SourceArn': BUCKET } }));
    const push = {
      service: 's3.amazonaws.com',
      action: 'lambda:InvokeFunction',
      resource: FN,
      sourceArn: BUCKET,
      sourceAccount: OWNER,
    };
    expect(allowsServicePush(document, push)).toBe(true);
    expect(allowsServicePush(document, { ...push, sourceArn: 'arn:aws:s3:::other' })).toBe(false);
    expect(allowsServicePush(undefined, push)).toBe(false);
  });

  it('parsePolicy rejects what IAM rejects', () => {
    expect(() => parsePolicy('{')).toThrow(MalformedPolicyError);
    expect(() => parsePolicy('{"Statement":[{"Effect":"Maybe","Action":"*"}]}')).toThrow(/Invalid effect/);
    expect(() => parsePolicy('{"Statement":[{"Effect":"Allow"}]}')).toThrow(/Action or NotAction/);
    expect(() => parsePolicy('{"Version":"2012-10-17"}')).toThrow(/Statement/);
  });

  it('parses a document once per text', () => {
    const text = policy(addPermission());
    expect(parsePolicy(text)).toBe(parsePolicy(text));
  });
});
