/**
 * Event source mapping errors as Lambda words them. Sources: responses recorded against AWS
 * (LocalStack's test_lambda_api, test_lambda_integration_{sqs,kinesis,dynamodbstreams} snapshots),
 * the API reference's error list, and messages users quote from AWS (Terraform, SAM, CDK issues).
 * Messages marked "inferred" follow AWS's wording for a sibling case where no recording exists.
 */
import { AwsError } from '../../../errors.js';
import { LambdaErrors } from '../errors.js';

export const MappingErrors = {
  /** Get, Update and Delete of an unknown UUID (404). */
  notFound: () => LambdaErrors.notFound('The resource you requested does not exist.'),
  /** Tag operations on an unknown mapping ARN (404). */
  arnNotFound: (arn: string) => LambdaErrors.notFound(`Event source mapping not found: ${arn}`),
  unrecognizedSource: () => LambdaErrors.invalidParameter('Unrecognized event source.'),
  functionDoesNotExist: () => LambdaErrors.invalidParameter('Function does not exist'),
  streamNotFound: (arn: string) => LambdaErrors.invalidParameter(`Stream not found: ${arn}`),
  queueNotFound: () =>
    LambdaErrors.invalidParameter(
      'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.',
    ),
  startingPositionMissing: () =>
    LambdaErrors.invalidParameter(
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
    ),
  startingPositionForQueue: () => LambdaErrors.invalidParameter('StartingPosition is not valid for SQS event sources.'),
  startingPositionForArn: (arn: string) =>
    LambdaErrors.invalidParameter(`Unsupported starting position for arn type: ${arn}`),
  timestampWithoutAtTimestamp: () =>
    LambdaErrors.invalidParameter('Timestamp only valid with StartingPosition AT_TIMESTAMP'),
  /** inferred: AT_TIMESTAMP without the timestamp it reads from. */
  atTimestampWithoutTimestamp: () =>
    LambdaErrors.invalidParameter('StartingPositionTimestamp must be provided with StartingPosition AT_TIMESTAMP'),
  batchWindowRequired: () =>
    LambdaErrors.invalidParameter(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    ),
  /** inferred: the API reference's FIFO limit of 10. */
  fifoBatchSize: (size: number) =>
    LambdaErrors.invalidParameter(`BatchSize ${size} exceeds the maximum of 10 for a FIFO queue event source.`),
  recordAge: () =>
    LambdaErrors.invalidParameter(
      'MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)',
    ),
  /** Recorded for DestinationConfig; the same words for every member the source kind does not take. */
  unsupportedMember: (member: string) =>
    LambdaErrors.invalidParameter(`Unsupported ${member} parameter for given event source mapping type.`),
  /** inferred: the async invoke config's wording for a destination of a service that cannot be one. */
  invalidOnFailure: (arn: string) =>
    LambdaErrors.invalidParameter(
      `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${arn})) is invalid.`,
    ),
  invalidFilterPattern: () => LambdaErrors.invalidParameter('Invalid filter pattern definition.'),
  /** inferred: the event filtering guide says Lambda refuses more filters than the quota. */
  tooManyFilters: (count: number, limit: number) =>
    LambdaErrors.invalidParameter(
      `The number of filters (${count}) exceeds the maximum number of filters allowed for an event source mapping (${limit}).`,
    ),
  duplicateQueue: (sourceArn: string, functionName: string, uuid: string) =>
    LambdaErrors.conflict(
      `An event source mapping with SQS arn (" ${sourceArn} ") and function (" ${functionName} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    ),
  duplicateStream: (sourceArn: string, functionName: string, uuid: string) =>
    LambdaErrors.conflict(
      `The event source arn (" ${sourceArn} ") and function (" ${functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${uuid}`,
    ),
  updateInUse: () => userInUse('Cannot update the event source mapping because it is in use.'),
  deleteInUse: () => userInUse('Cannot delete the event source mapping because it is in use.'),
};

function userInUse(message: string): AwsError {
  return new AwsError('ResourceInUseException', message, 400, { Type: 'User' });
}
