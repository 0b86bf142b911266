/**
 * How each authentication failure is reported: S3 has its own codes and extra fields, the
 * query services (STS, IAM, CloudFormation) and the JSON services (Lambda, Logs) use theirs.
 * Codes, statuses and messages as AWS returns them.
 */
import type { AuthFailure } from './auth/sigv4.js';
import { AwsError } from './errors.js';
import type { ProtocolName } from './protocol/model.js';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const S3_SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

export function authError(failure: AuthFailure, protocol: ProtocolName): AwsError {
  const d = failure.detail;
  if (protocol === 'rest-xml') {
    switch (failure.kind) {
      case 'MissingAuthentication':
        return new AwsError('AccessDenied', 'Access Denied', 403);
      case 'MalformedAuthorization':
        return new AwsError(
          d['presigned'] === 'true' ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
          failure.message,
          400,
        );
      case 'UnknownAccessKey':
        return new AwsError(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
          403,
          {
            AWSAccessKeyId: d['accessKeyId'],
          },
        );
      case 'SignatureMismatch':
        return new AwsError('SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH, 403, {
          AWSAccessKeyId: d['accessKeyId'],
          SignatureProvided: d['signatureProvided'],
          StringToSign: d['stringToSign'],
          CanonicalRequest: d['canonicalRequest'],
        });
      case 'RequestTimeSkewed':
        return new AwsError(
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          403,
          {
            RequestTime: d['requestTime'],
            ServerTime: d['serverTime'],
            MaxAllowedSkewMilliseconds: 900000,
          },
        );
      case 'PresignedExpired':
        return new AwsError('AccessDenied', 'Request has expired', 403, {
          'X-Amz-Expires': d['xAmzExpires'],
          Expires: d['expires'],
          ServerTime: d['serverTime'],
        });
      case 'ExpiredToken':
        return new AwsError('ExpiredToken', 'The provided token has expired.', 400);
      case 'InvalidToken':
        return new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
      case 'MissingContentSha256':
        return new AwsError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256', 400);
    }
  }
  const json = protocol === 'json' || protocol === 'rest-json';
  switch (failure.kind) {
    case 'MissingAuthentication':
      return json
        ? new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403)
        : new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'MalformedAuthorization':
      return new AwsError('IncompleteSignature', failure.message, 400);
    case 'UnknownAccessKey':
    case 'InvalidToken':
      return json
        ? new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403)
        : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'SignatureMismatch':
      return new AwsError(json ? 'InvalidSignatureException' : 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, 403);
    case 'RequestTimeSkewed': {
      const requestTime = d['requestTime'] ?? '';
      const serverTime = d['serverTime'] ?? '';
      const future = requestTime > serverTime;
      const limit = formatBasic(parseBasic(serverTime) + (future ? 1 : -1) * 15 * 60_000);
      const message = future
        ? `Signature not yet current: ${requestTime} is still later than ${limit} (${serverTime} + 15 min.)`
        : `Signature expired: ${requestTime} is now earlier than ${limit} (${serverTime} - 15 min.)`;
      return new AwsError(json ? 'InvalidSignatureException' : 'SignatureDoesNotMatch', message, 403);
    }
    case 'PresignedExpired':
      return new AwsError(json ? 'InvalidSignatureException' : 'SignatureDoesNotMatch', 'Signature expired', 403);
    case 'ExpiredToken':
      return json
        ? new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 403)
        : new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    case 'MissingContentSha256':
      return new AwsError('IncompleteSignature', failure.message, 400);
  }
}

/** 20260101T000000Z <-> epoch ms */
function parseBasic(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m
    ? Date.UTC(
        +(m[1] as string),
        +(m[2] as string) - 1,
        +(m[3] as string),
        +(m[4] as string),
        +(m[5] as string),
        +(m[6] as string),
      )
    : 0;
}

function formatBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
