/**
 * SQS's errors. Handlers throw the model's error shape names (`QueueDoesNotExist`); the JSON codec
 * adds each shape's awsQuery code in `x-amzn-query-error`, from which every SDK takes the code it
 * reports (boto3: `AWS.SimpleQueueService.NonExistentQueue`). Where AWS answers with a code that has
 * no shape (`InvalidParameterValue`, `MissingParameter`), that plain code is thrown and sent as is.
 */
import { AwsError } from '../../errors.js';
import type { QueryErrorCode } from '../../protocol/index.js';

/**
 * The Smithy model's awsQueryError traits (botocore's JSON model lacks them; the SDK's
 * `@aws-sdk/client-sqs` schema carries them).
 */
export const SQS_QUERY_ERROR_CODES: Record<string, QueryErrorCode> = {
  BatchEntryIdsNotDistinct: { code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', status: 400 },
  BatchRequestTooLong: { code: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 400 },
  EmptyBatchRequest: { code: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400 },
  InvalidAddress: { code: 'InvalidAddress', status: 404 },
  InvalidBatchEntryId: { code: 'AWS.SimpleQueueService.InvalidBatchEntryId', status: 400 },
  InvalidSecurity: { code: 'InvalidSecurity', status: 403 },
  MessageNotInflight: { code: 'AWS.SimpleQueueService.MessageNotInflight', status: 400 },
  OverLimit: { code: 'OverLimit', status: 403 },
  PurgeQueueInProgress: { code: 'AWS.SimpleQueueService.PurgeQueueInProgress', status: 403 },
  QueueDeletedRecently: { code: 'AWS.SimpleQueueService.QueueDeletedRecently', status: 400 },
  QueueDoesNotExist: { code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 },
  QueueNameExists: { code: 'QueueAlreadyExists', status: 400 },
  ReceiptHandleIsInvalid: { code: 'ReceiptHandleIsInvalid', status: 404 },
  RequestThrottled: { code: 'RequestThrottled', status: 403 },
  ResourceNotFoundException: { code: 'ResourceNotFoundException', status: 404 },
  TooManyEntriesInBatchRequest: { code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', status: 400 },
  UnsupportedOperation: { code: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
};

/** An error shape, answered with the status its awsQueryError trait gives. */
function shaped(shape: string, message: string): AwsError {
  return new AwsError(shape, message, SQS_QUERY_ERROR_CODES[shape]?.status ?? 400);
}

export function queueDoesNotExist(): AwsError {
  return shaped('QueueDoesNotExist', 'The specified queue does not exist.');
}

export function queueNameExists(attribute: string): AwsError {
  return shaped(
    'QueueNameExists',
    `A queue already exists with the same name and a different value for attribute ${attribute}`,
  );
}

export function queueDeletedRecently(): AwsError {
  return shaped(
    'QueueDeletedRecently',
    'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
  );
}

export function purgeInProgress(queueName: string): AwsError {
  return shaped('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`);
}

export function invalidAttributeName(message: string): AwsError {
  return shaped('InvalidAttributeName', message);
}

export function unknownAttribute(name: string): AwsError {
  return invalidAttributeName(`Unknown Attribute ${name}.`);
}

export function invalidAttributeValue(message: string): AwsError {
  return shaped('InvalidAttributeValue', message);
}

export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message);
}

/** `Value <v> for parameter <name> is invalid. Reason: <reason>`, AWS's usual wording. */
export function invalidParameter(name: string, value: unknown, reason: string): AwsError {
  return invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);
}

export function missingParameter(name: string): AwsError {
  return new AwsError('MissingParameter', `The request must contain the parameter ${name}.`);
}

export function receiptHandleIsInvalid(handle: string): AwsError {
  return shaped('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
}

export function invalidMessageContents(): AwsError {
  return new AwsError(
    'InvalidMessageContents',
    'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  );
}

export function resourceNotFound(message: string): AwsError {
  return shaped('ResourceNotFoundException', message);
}

/** `entryShape`: the operation's entry type, e.g. `SendMessageBatchRequestEntry`. */
export function emptyBatch(entryShape: string): AwsError {
  return shaped('EmptyBatchRequest', `There should be at least one ${entryShape} in the request.`);
}

export function tooManyEntries(count: number): AwsError {
  return shaped(
    'TooManyEntriesInBatchRequest',
    `Maximum number of entries per request are 10. You have sent ${count}.`,
  );
}

export function batchIdsNotDistinct(id: string): AwsError {
  return shaped('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
}

export function invalidBatchEntryId(): AwsError {
  return shaped(
    'InvalidBatchEntryId',
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );
}

export function batchTooLong(limit: number, sent: number): AwsError {
  return shaped(
    'BatchRequestTooLong',
    `Batch requests cannot be longer than ${limit} bytes. You have sent ${sent} bytes.`,
  );
}
