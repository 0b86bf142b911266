/** Lambda's errors, worded as the service words them (see the research notes in the issue log). */
import { AwsError, validationMessage } from '../../errors.js';
import { problemText, type ValidationProblem } from '../../protocol/validate.js';
import { functionArn } from './arns.js';
import type { FunctionKey } from './state.js';

const userError = (code: string, message: string, status = 400, fields: Record<string, string> = {}) =>
  new AwsError(code, message, status, { Type: 'User', ...fields });

export const LambdaErrors = {
  functionNotFound: (key: FunctionKey, qualifier?: string) =>
    userError('ResourceNotFoundException', `Function not found: ${functionArn(key, qualifier)}`, 404),
  aliasNotFound: (key: FunctionKey, alias: string) =>
    userError('ResourceNotFoundException', `Cannot find alias arn: ${functionArn(key, alias)}`, 404),
  functionExists: (name: string) => userError('ResourceConflictException', `Function already exist: ${name}`, 409),
  updateInProgress: (key: FunctionKey) =>
    userError(
      'ResourceConflictException',
      `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(key)}`,
      409,
    ),
  functionPending: () =>
    userError(
      'ResourceConflictException',
      'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      409,
    ),
  revisionMismatch: (api = 'GetFunction/GetAlias') =>
    userError(
      'PreconditionFailedException',
      `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
      412,
    ),
  invalidParameter: (message: string) => userError('InvalidParameterValueException', message),
  validation: (problems: string[]) => new AwsError('ValidationException', validationMessage(problems)),
  throttled: (reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded') =>
    userError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: reason }),
  /** AWS sends RequestEntityTooLargeException (no Type), though the model names RequestTooLargeException. */
  requestTooLarge: (message: string) => new AwsError('RequestEntityTooLargeException', message, 413),
  invalidRequestContent: (detail: string) =>
    userError('InvalidRequestContentException', `Could not parse request body into json: ${detail}`),
  notFound: (message: string) => userError('ResourceNotFoundException', message, 404),
  conflict: (message: string) => userError('ResourceConflictException', message, 409),
  policyTooLarge: (size: number, limit: number) =>
    userError('PolicyLengthExceededException', `The final policy size (${size}) is bigger than the limit (${limit}).`),
};

/**
 * Lambda reports an unknown runtime as InvalidParameterValueException, without the usual
 * "1 validation error detected" prefix or quotes, and allowing an ARN.
 */
export function refineLambdaValidation(problems: ValidationProblem[]): AwsError | undefined {
  const runtime = problems.find(
    (p) => p.path === 'runtime' && p.constraint.startsWith('Member must satisfy enum value set'),
  );
  if (!runtime) return undefined;
  return userError(
    'InvalidParameterValueException',
    `Value ${String(runtime.value)} at 'runtime' failed to satisfy constraint: ${runtime.constraint} or be a valid ARN`,
  );
}

/** `Value '901' at 'timeout' failed to satisfy constraint: ...` for checks the model does not carry. */
export function constraintProblem(value: unknown, path: string, constraint: string): string {
  return problemText({ path, value: String(value), constraint });
}
