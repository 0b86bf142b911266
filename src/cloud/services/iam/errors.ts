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
  roleHasAttachedPolicies: 'Cannot delete entity, must detach all policies first.',
  roleHasInlinePolicies: 'Cannot delete entity, must delete policies first.',
  policyAttached: 'Cannot delete a policy attached to entities.',
  policyHasVersions:
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  defaultVersion: 'Cannot delete the default version of a policy.',
  tooManyVersions:
    'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
  duplicateTags: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
};
