/** DynamoDB's and DynamoDB Streams' errors, worded as the services word them (all 400s). */
import { AwsError } from '../../errors.js';
import type { Item } from './attribute-values.js';

export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** `One or more parameter values were invalid: ...`, the prefix AWS puts on most item and key problems. */
export function invalidParameter(detail: string): AwsError {
  return validation(`One or more parameter values were invalid: ${detail}`);
}

/** Item operations name no table in their not-found message; DescribeTable and friends do (tableNotFound). */
export function resourceNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'Requested resource not found');
}

export function tableNotFound(name: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
}

export function resourceInUse(message: string): AwsError {
  return new AwsError('ResourceInUseException', message);
}

export function keySchemaMismatch(): AwsError {
  return validation('The provided key element does not match the schema');
}

/** `Item` is the item as it was, for ReturnValuesOnConditionCheckFailure (serialized by the error's shape). */
export function conditionalCheckFailed(item?: Item): AwsError {
  return new AwsError(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    400,
    item ? { Item: item } : {},
  );
}

export function itemTooLarge(): AwsError {
  return validation('Item size has exceeded the maximum allowed size');
}
