/**
 * AWS errors as the deploy tool reports them: `PipelineError('AwsError', '<Code>: <message>')`
 * with the SDK's exception as the cause and a hint saying what to do. Shared by every task;
 * anything that is not an AWS service error (a bug, a network failure) passes through untouched,
 * and so does a PipelineError.
 */
import { PipelineError } from '../pipeline/errors.js';

/** What an SDK service exception looks like (the SDK's `ServiceException` without importing it). */
export interface ServiceError extends Error {
  $metadata: { httpStatusCode?: number; requestId?: string };
  $fault?: 'client' | 'server';
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).$metadata === 'object';
}

/** Whether `error` is an AWS service error with one of `codes`. */
export function isAwsError(error: unknown, ...codes: string[]): error is ServiceError {
  return isServiceError(error) && codes.includes(error.name);
}

/** An S3 object or bucket, or a Lambda resource, that is not there (HeadObject's bare 404 is `NotFound`). */
export function isNotFound(error: unknown): error is ServiceError {
  return (
    isAwsError(error, 'NotFound', 'NoSuchKey', 'NoSuchBucket', 'NoSuchVersion', 'ResourceNotFoundException') ||
    (isServiceError(error) && error.$metadata.httpStatusCode === 404)
  );
}

/** Hints that hold whatever the call was. */
export const GENERIC_HINTS: Readonly<Record<string, string>> = {
  AccessDenied: "the connection's identity lacks a permission: check its IAM policy (or the resource's policy)",
  AccessDeniedException:
    "the connection's identity lacks a permission: check its IAM policy (or the resource's policy)",
  UnrecognizedClientException: "the connection's credentials are not valid for this endpoint",
  InvalidAccessKeyId: "the connection's access key is not known to this endpoint",
  InvalidClientTokenId: "the connection's access key is not known to this endpoint",
  SignatureDoesNotMatch: "the connection's secret key does not match its access key",
  ExpiredToken: "the connection's session credentials expired: refresh them (or the assumed role's session)",
  ExpiredTokenException: "the connection's session credentials expired: refresh them",
  ThrottlingException: 'AWS throttled the calls even after retries: run fewer steps at once, or try again',
  Throttling: 'AWS throttled the calls even after retries: run fewer steps at once, or try again',
  TooManyRequestsException: 'AWS throttled the calls even after retries: run fewer steps at once, or try again',
  ServiceException: 'AWS failed internally: try again',
  NoSuchBucket: 'create the bucket first (s3-object upload creates it with createBucket: true)',
};

/** The hint itself, hints by error code, or a function choosing one (it may look at the message). */
export type Hints =
  | string
  | Readonly<Record<string, string>>
  | ((code: string, error: ServiceError) => string | undefined);

/**
 * The error to throw for a failed AWS call: an AWS service error becomes
 * `PipelineError('AwsError', '<Code>: <message> (<context>)')` with a hint (the call's own
 * `hints` first, then generic ones); anything else is returned as it is.
 * @param context what was being done, e.g. `UpdateFunctionCode hello`
 */
export function awsFailure(error: unknown, context?: string, hints?: Hints): unknown {
  if (error instanceof PipelineError || !isServiceError(error)) return error;
  const code = error.name;
  const own = typeof hints === 'function' ? hints(code, error) : typeof hints === 'string' ? hints : hints?.[code];
  const hint = own ?? GENERIC_HINTS[code];
  const text = `${codeAndMessage(error)}${context ? ` (${context})` : ''}`;
  return new PipelineError('AwsError', text, { cause: error, ...(hint ? { hint } : {}) });
}

/** `<Code>: <message>`, or the code alone when the message says nothing more. */
export function codeAndMessage(error: ServiceError): string {
  // S3's HEAD errors have no body, so the SDK's message is just "UnknownError" or the code.
  const message =
    error.message && error.message !== 'UnknownError' && error.message !== error.name ? error.message : '';
  return `${error.name}${message ? `: ${message}` : ''}`;
}

/** Runs one SDK call, converting its failure with `awsFailure`. */
export async function awsCall<T>(context: string, call: () => Promise<T>, hints?: Hints): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsFailure(error, context, hints);
  }
}
