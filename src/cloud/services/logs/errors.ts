/** CloudWatch Logs' errors, worded as the service words them (all 400s). */
import { AwsError, validationMessage } from '../../errors.js';
import { problemText } from '../../protocol/validate.js';

export function groupNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
}

export function streamNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
}

// (AWS words these two without a final period, unlike the not-found ones.)
export function groupExists(): AwsError {
  return new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
}

export function streamExists(): AwsError {
  return new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

export function invalidToken(): AwsError {
  return invalidParameter('The specified nextToken is invalid.');
}

/** The generic `1 validation error detected: ...` for constraints the model does not carry (or carries unanchored). */
export function constraintViolation(member: string, value: string | number, constraint: string): AwsError {
  return invalidParameter(validationMessage([problemText({ path: member, value: String(value), constraint })]));
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]*$/;

/** The model's name patterns, anchored: the generic validator tests them as substrings, AWS as whole names. */
export function checkGroupName(name: string, member = 'logGroupName'): void {
  if (!GROUP_NAME.test(name)) {
    throw constraintViolation(member, name, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  }
}

export function checkStreamName(name: string, member = 'logStreamName'): void {
  if (!STREAM_NAME.test(name)) {
    throw constraintViolation(member, name, 'Member must satisfy regular expression pattern: [^:*]*');
  }
}

/**
 * A malformed filter pattern, as FilterLogEvents and TestMetricFilter answer it: AWS's wording is
 * `Invalid filter pattern: Invalid character(s) in term '...'` (no final period); the details of
 * other syntax errors are ours, after the same prefix.
 */
export function invalidPattern(detail: string): AwsError {
  return invalidParameter(`Invalid filter pattern: ${detail}`);
}

export function invalidTerm(term: string): AwsError {
  return invalidPattern(`Invalid character(s) in term '${term}'`);
}

/** AWS's own words for a JSON pattern without its closing brace. */
export function unclosedJsonPattern(): AwsError {
  return invalidParameter("If a filter pattern starts with '{' it must end with '}'");
}
