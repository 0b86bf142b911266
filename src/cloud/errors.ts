/**
 * The one error type service handlers throw. The protocol layer turns it into the wire error
 * shape of the service's protocol (XML `<Error>`, JSON `__type`, query `<ErrorResponse>`); anything
 * else thrown becomes `InternalFailure` (500) without detail on the wire.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    /** The AWS error code, e.g. `NoSuchBucket`, `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    /** HTTP status. */
    readonly status = 400,
    /**
     * Extra members serialized beside Code/Message (S3's `<BucketName>`, Lambda's `Type`,
     * DynamoDB's `CancellationReasons`...), as handler values: the JSON codecs convert members the
     * error's shape declares (blobs, timestamps) as they convert outputs.
     */
    readonly fields: Record<string, unknown> = {},
    /** Extra response headers (e.g. S3's `x-amz-delete-marker` on a 404 for a delete marker). */
    readonly headers: Record<string, string> = {},
    /** true when the caller is at fault (4xx), used for the `Sender` / `Receiver` type in query errors. */
    readonly senderFault = status < 500,
  ) {
    super(message);
  }
}

/** `1 validation error detected: ...` as the AWS JSON and query services word it. */
export function validationMessage(problems: string[]): string {
  const n = problems.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}
