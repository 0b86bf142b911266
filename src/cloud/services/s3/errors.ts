/** S3's errors, with the codes, statuses, messages and extra elements AWS returns. */
import { AwsError } from '../../errors.js';

export const S3Errors = {
  noSuchBucket: (bucket: string) =>
    new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  accessDenied: () => new AwsError('AccessDenied', 'Access Denied', 403),
  noSuchKey: (key: string, headers: Record<string, string> = {}) =>
    new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }, headers),
  noSuchVersion: (key: string, versionId: string) =>
    new AwsError('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId }),
  invalidVersionId: (versionId: string) =>
    new AwsError('InvalidArgument', 'Invalid version id specified', 400, {
      ArgumentName: 'versionId',
      ArgumentValue: versionId,
    }),
  deleteMarkerNotAllowed: (method: string, headers: Record<string, string>) =>
    new AwsError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      { Method: method, ResourceType: 'DeleteMarker' },
      headers,
    ),
  invalidBucketName: (bucket: string) =>
    new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new AwsError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: bucket },
    ),
  bucketAlreadyExists: (bucket: string) =>
    new AwsError(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      409,
      { BucketName: bucket },
    ),
  bucketNotEmpty: (bucket: string, versioned: boolean) =>
    new AwsError(
      'BucketNotEmpty',
      versioned
        ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.'
        : 'The bucket you tried to delete is not empty',
      409,
      { BucketName: bucket },
    ),
  illegalLocationConstraint: (constraint: string | undefined) =>
    new AwsError(
      'IllegalLocationConstraintException',
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    ),
  invalidLocationConstraint: (constraint: string) =>
    new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
      LocationConstraint: constraint,
    }),
  noSuchBucketPolicy: (bucket: string) =>
    new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket }),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicy', message, 400),
  noSuchTagSet: (bucket: string) =>
    new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: bucket }),
  invalidTag: (message: string, fields: Record<string, string> = {}) =>
    new AwsError('InvalidTag', message, 400, fields),
  malformedXml: () =>
    new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    ),
  preconditionFailed: (condition: string) =>
    new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: condition,
    }),
  notModified: () => new AwsError('NotModified', 'Not Modified', 304),
  invalidPartNumber: (requested: number, actual: number) =>
    new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
      PartNumberRequested: requested,
      ActualPartCount: actual,
    }),
  conditionalRequestConflict: (condition: string, key: string) =>
    new AwsError(
      'ConditionalRequestConflict',
      'The conditional request cannot succeed due to a conflicting operation against this resource.',
      409,
      { Condition: condition, Key: key },
    ),
  invalidBucketState: (message: string) => new AwsError('InvalidBucketState', message, 409),
  objectLockConfigurationNotFound: (bucket: string) =>
    new AwsError(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
      404,
      {
        BucketName: bucket,
      },
    ),
  noSuchObjectLockConfiguration: () =>
    new AwsError('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', 404),
  missingObjectLockConfiguration: () =>
    new AwsError('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400),
  protectedByObjectLock: () =>
    new AwsError('AccessDenied', 'Access Denied because object protected by object lock.', 403),
  invalidTargetBucketForLogging: (target: string, message: string) =>
    new AwsError('InvalidTargetBucketForLogging', message, 400, { TargetBucket: target }),
  invalidRange: (size: number, requested?: string) =>
    new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: requested,
      ActualObjectSize: size,
    }),
  badDigestMd5: (expected: string, calculated: string) =>
    new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, {
      ExpectedDigest: expected,
      CalculatedDigest: calculated,
    }),
  invalidDigest: (contentMd5: string) =>
    new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': contentMd5 }),
  badChecksum: (algorithm: string) =>
    new AwsError('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`, 400),
  invalidChecksumValue: (algorithm: string) =>
    new AwsError('InvalidRequest', `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`, 400),
  invalidRequest: (message: string) => new AwsError('InvalidRequest', message, 400),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new AwsError('InvalidArgument', message, 400, { ArgumentName: name, ArgumentValue: value }),
  noSuchUpload: (uploadId: string) =>
    new AwsError(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      404,
      { UploadId: uploadId },
    ),
  invalidPart: (uploadId: string, partNumber: number, etag: string | undefined) =>
    new AwsError(
      'InvalidPart',
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      400,
      { UploadId: uploadId, PartNumber: partNumber, ETag: etag?.replaceAll('"', '') },
    ),
  invalidPartOrder: (uploadId: string) =>
    new AwsError(
      'InvalidPartOrder',
      'The list of parts was not in ascending order. Parts must be ordered by part number.',
      400,
      { UploadId: uploadId },
    ),
  entityTooSmall: (partNumber: number, etag: string, size: number) =>
    new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
      ProposedSize: size,
      MinSizeAllowed: 5 * 1024 * 1024,
      PartNumber: partNumber,
      ETag: etag.replaceAll('"', ''),
    }),
  keyTooLong: (size: number) =>
    new AwsError('KeyTooLongError', 'Your key is too long', 400, { MaxSizeAllowed: 1024, Size: size }),
  entityTooLarge: (size: number, max: number) =>
    new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: size,
      MaxSizeAllowed: max,
    }),
};
