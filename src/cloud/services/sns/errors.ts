/**
 * SNS's errors, thrown with their awsQuery codes (`NotFound`, `InvalidParameter`); the SDKs map
 * those to the model's shapes (`NotFoundException` ...). Messages are AWS's, as recorded against
 * AWS in LocalStack's snapshots.
 */
import { AwsError } from '../../errors.js';

export function invalidParameter(detail: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: ${detail}`, 400);
}

export function invalidParameterValue(message: string): AwsError {
  return new AwsError('ParameterValueInvalid', message, 400);
}

export function topicNotFound(): AwsError {
  return new AwsError('NotFound', 'Topic does not exist', 404);
}

export function subscriptionNotFound(): AwsError {
  return new AwsError('NotFound', 'Subscription does not exist', 404);
}

export function resourceNotFound(): AwsError {
  return new AwsError('ResourceNotFound', 'Resource does not exist', 404);
}

export function authorizationError(callerArn: string, action: string, resource: string): AwsError {
  return new AwsError(
    'AuthorizationError',
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`,
    403,
  );
}
