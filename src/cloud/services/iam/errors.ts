/**
 * IAM's errors, worded as IAM words them. Codes and statuses come from the model's error shapes
 * (NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409, LimitExceeded 409 ...); the
 * messages from AWS responses recorded by LocalStack's snapshot tests and from AWS error reports.
 */
import { AwsError, validationMessage } from '../../errors.js';

export const IamErrors = {
  noSuchRole: (name: string) => new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404),
  roleExists: (name: string) => new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409),
  noSuchRolePolicy: (name: string) =>
    new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404),
  /** GetPolicy, DeletePolicy, DetachRolePolicy (not attached) and the policy tag operations. */
  noSuchPolicy: (arn: string) => new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404),
  /** AttachRolePolicy and the version operations, where a policy must exist and be attachable. */
  notAttachable: (arn: string) =>
    new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404),
  noSuchPolicyVersion: (arn: string, versionId: string) =>
    new AwsError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`, 404),
  noSuchBoundary: (arn: string) =>
    new AwsError('NoSuchEntity', `Scope ARN: ${arn} does not exist or is not attachable.`, 404),
  noSuchUser: (name: string) => new AwsError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404),
  userExists: (name: string) => new AwsError('EntityAlreadyExists', `User with name ${name} already exists.`, 409),
  noSuchGroup: (name: string) => new AwsError('NoSuchEntity', `The group with name ${name} cannot be found.`, 404),
  groupExists: (name: string) => new AwsError('EntityAlreadyExists', `Group with name ${name} already exists.`, 409),
  /** GetUserPolicy, GetGroupPolicy, GetRolePolicy and their deletes: `kind` is user, group or role. */
  noSuchInlinePolicy: (kind: string, name: string) =>
    new AwsError('NoSuchEntity', `The ${kind} policy with name ${name} cannot be found.`, 404),
  noSuchAccessKey: (id: string) => new AwsError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`, 404),
  /** GetAccessKeyLastUsed of a key the caller cannot see: AWS answers as for a key of another account. */
  accessKeyNotVisible: (caller: string, id: string) =>
    new AwsError(
      'AccessDenied',
      `User: ${caller} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${id}`,
      403,
    ),
  noSuchCertificate: (id: string) =>
    new AwsError('NoSuchEntity', `The Certificate with id ${id} cannot be found.`, 404),
  noSuchSshKey: (id: string) => new AwsError('NoSuchEntity', `The Public Key with id ${id} cannot be found.`, 404),
  malformedCertificate: (body: string) => new AwsError('MalformedCertificate', `Certificate ${body} is malformed.`),
  noSuchLoginProfile: (user: string) =>
    new AwsError('NoSuchEntity', `Login Profile for User ${user} cannot be found.`, 404),
  loginProfileExists: (user: string) =>
    new AwsError('EntityAlreadyExists', `Login Profile for user ${user} already exists.`, 409),
  noSuchInstanceProfile: (name: string) =>
    new AwsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404),
  instanceProfileExists: (name: string) =>
    new AwsError('EntityAlreadyExists', `Instance Profile ${name} already exists.`, 409),
  roleNotInProfile: (role: string, profile: string) =>
    new AwsError('NoSuchEntity', `Role ${role} in Instance Profile ${profile} cannot be found.`, 404),
  /** What IAM answers when a call needs a user name and the caller is no user (root, a role). */
  userNameRequired: () =>
    new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials'),
  policyExists: (name: string) =>
    new AwsError(
      'EntityAlreadyExists',
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
      409,
    ),
  deleteConflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  limitExceeded: (message: string) => new AwsError('LimitExceeded', message, 409),
  malformed: (message: string) => new AwsError('MalformedPolicyDocument', message),
  invalidInput: (message: string) => new AwsError('InvalidInput', message),
  /**
   * What AttachRolePolicy answers for a PolicyArn that is not an ARN at all (AWS's answer as
   * LocalStack recorded it in 2026; older recordings had `Invalid ARN:  Could not be parsed!`).
   */
  arnNotValid: (arn: string) => new AwsError('ValidationError', `ARN ${arn} is not valid.`),
  /** What IAM answers for a PolicyArn that is not an ARN at all (two spaces included). */
  invalidArn: () => new AwsError('ValidationError', 'Invalid ARN:  Could not be parsed!'),
  validation: (problems: string[]) => new AwsError('ValidationError', validationMessage(problems)),
  /** AWS managed policies belong to AWS: an account may read and attach them, not change them. */
  notAuthorized: (caller: string, action: string, arn: string) =>
    new AwsError(
      'AccessDenied',
      `User: ${caller} is not authorized to perform: iam:${action} on resource: policy ${arn}`,
      403,
    ),
};

/** The messages of the DeleteConflict and LimitExceeded errors (several operations share them). */
export const IamMessages = {
  hasAttachedPolicies: 'Cannot delete entity, must detach all policies first.',
  hasInlinePolicies: 'Cannot delete entity, must delete policies first.',
  inInstanceProfile: 'Cannot delete entity, must remove roles from instance profile first.',
  hasAccessKeys: 'Cannot delete entity, must delete access keys first.',
  hasSigningCertificates: 'Cannot delete entity, must delete signing certificates first.',
  hasSshKeys: 'Cannot delete entity, must delete SSH public keys first.',
  hasLoginProfile: 'Cannot delete entity, must delete login profile first.',
  /** DeleteUser for a member of a group and DeleteGroup with members word it the same. */
  groupMembership: 'Cannot delete entity, must remove users from group first.',
  accessKeysPerUser: 'Cannot exceed quota for AccessKeysPerUser: 2',
  certificatesPerUser: 'Cannot exceed quota for CertificatesPerUser: 2',
  sshKeysPerUser: 'Cannot exceed quota for KeysPerUser: 5',
  rolesPerProfile: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
  policyAttached: 'Cannot delete a policy attached to entities.',
  policyHasVersions:
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  defaultVersion: 'Cannot delete the default version of a policy.',
  tooManyVersions:
    'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
  duplicateTags: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
  /** The managed policies' wording (their tag keys are case-sensitive). */
  duplicateCaseSensitiveTags: 'Duplicate tag keys found.',
};
