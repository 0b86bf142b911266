/**
 * A step's error -> StepFailure: the deploy tool's code, the AWS error code, HTTP status and
 * request id when AWS refused a call (read from the SDK exception, also when a task wrapped it
 * as the cause of a PipelineError), the message, and what to do.
 */
import { codeAndMessage, GENERIC_HINTS, isServiceError } from '../tasks/aws-errors.js';
import { PipelineError } from './errors.js';
import type { StepFailure } from './events.js';

/** What to do, by AWS error code, when the task gave no hint of its own. */
const AWS_HINTS: Readonly<Record<string, string>> = {
  ...GENERIC_HINTS,
  ResourceNotFoundException: 'check the name or ARN, or create the resource in an earlier step',
  NoSuchBucket: 'check the bucket name, or create the bucket in an earlier step',
  NoSuchKey: 'check the key, or upload the object in an earlier step',
  ResourceConflictException: 'another change to the resource is in progress: wait for it and run again',
  InvalidParameterValueException: "check the step's parameters against the AWS API reference",
  ValidationError: "check the step's parameters against the AWS API reference",
  ValidationException: "check the step's parameters against the AWS API reference",
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN']);

export function describeFailure(stepId: string, error: unknown): StepFailure {
  const sdk = isServiceError(error)
    ? error
    : error instanceof Error && isServiceError(error.cause)
      ? error.cause
      : undefined;
  const aws = sdk
    ? {
        awsCode: sdk.name,
        ...(sdk.$metadata.httpStatusCode !== undefined ? { httpStatus: sdk.$metadata.httpStatusCode } : {}),
        ...(sdk.$metadata.requestId ? { requestId: sdk.$metadata.requestId } : {}),
      }
    : {};
  if (error instanceof PipelineError) {
    const hint = error.hint ?? (sdk ? AWS_HINTS[sdk.name] : undefined);
    return { stepId, code: error.code, ...aws, message: error.message, ...(hint ? { hint } : {}) };
  }
  if (sdk) {
    const hint = AWS_HINTS[sdk.name] ?? 'see the AWS error: fix the parameters or permissions it names and run again';
    return { stepId, code: 'AwsError', ...aws, message: codeAndMessage(sdk), hint };
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return {
      stepId,
      code: 'ConnectionFailed',
      message: (error as Error).message,
      hint: "check that the connection's endpoint is reachable",
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    stepId,
    code: 'ActionFailed',
    message,
    hint: 'this looks like a bug in the task: please report it with the pipeline file',
  };
}
