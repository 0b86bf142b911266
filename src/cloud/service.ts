/**
 * What a service is to the server: its model, its handlers, and how to recognise its requests.
 * Handlers take and return plain objects shaped like the AWS SDK's Input/Output types; they never
 * see HTTP (the protocol codecs do that).
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Credentials } from './auth/sigv4.js';
import type { CloudContext } from './context.js';
import type { AwsError } from './errors.js';
import type { QueryErrorCode, WireResponse } from './protocol/index.js';
import type { ValidationProblem } from './protocol/validate.js';

export interface RequestContext {
  requestId: string;
  region: string;
  accountId: string;
  /** The caller, as authenticated by SigV4 (undefined for anonymous requests). */
  credentials: Credentials | undefined;
  /** The server's own URL, for links such as Lambda's Code.Location. */
  endpoint: string;
  /** Trailer headers of an aws-chunked upload, resolved after the body has been read. */
  trailers: Promise<Record<string, string>>;
  cloud: CloudContext;
  /** Raw request headers (lower-case), for the few S3 semantics the model does not carry. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Aborted when the client goes away before the answer is sent (so a long poll ends with its
   * connection). Made on first use: most handlers never wait.
   */
  readonly signal?: AbortSignal;
}

// biome-ignore lint/suspicious/noExplicitAny: handler inputs and outputs are typed per service; the registry is heterogeneous.
export type Handler = (input: any, ctx: RequestContext) => unknown;

export interface ServiceDefinition {
  /** models/<model>.json */
  model: string;
  /** SigV4 signing name(s) that select this service, e.g. `s3`, `lambda`, `logs`. */
  signingNames: string[];
  /** Handlers by operation name; operations without one answer as not implemented. */
  handlers: Record<string, Handler>;
  /** Overrides of XML root element names for rest-xml output shapes that have no payload member. */
  xmlRootNames?: Record<string, string>;
  /**
   * For awsJson services with the awsQueryCompatible trait (SQS): each error shape's awsQuery code
   * and status, sent in `x-amzn-query-error`. Handlers throw the shape name (`QueueDoesNotExist`).
   */
  queryErrorCodes?: Record<string, QueryErrorCode>;
  /**
   * A second model for the older awsQuery form of the same API (SQS, whose SDKs before late 2023
   * send `Action=SendMessage&...` forms): requests without `X-Amz-Target` are read and answered
   * with it. Operation names are the same, so the handlers are shared.
   */
  queryModel?: string;
  /**
   * Links the service puts in what it sends (SNS's SigningCertURL, SubscribeURL, UnsubscribeURL),
   * answered without AWS credentials as AWS answers them: GETs whose path starts with `prefix`
   * (a path S3 cannot own: it starts with `/_`).
   */
  unsignedLinks?: {
    prefix: string;
    handle(
      path: string,
      query: URLSearchParams,
    ): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  };
  /** Largest non-streaming request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Error code for failed model constraints when the service differs from its protocol's default (Logs: InvalidParameterException). */
  validationErrorCode?: string;
  /**
   * false when the service checks its own input instead of the model's constraints (SQS: its
   * model types ReceiveMessage's AttributeNames as queue attribute names, yet SQS accepts message
   * attribute names there, and it reports a missing member as MissingParameter).
   */
  validateInput?: boolean;
  /** The service matches model patterns against whole values (IAM), not anywhere in them. */
  wholeValuePatterns?: boolean;
  /** Lets a service report some failed model constraints its own way (Lambda's runtime enum). */
  refineValidation?: (problems: ValidationProblem[]) => AwsError | undefined;
  /** What the service answers at the HTTP level besides its operations (S3: CORS, browser uploads). */
  http?: HttpHooks;
}

/** A request as a service's HTTP hooks see it: before authentication, routing and parsing. */
export interface HttpRequest {
  method: string;
  /** The path as received (percent-encoded); for virtual-hosted S3 the bucket is prepended. */
  path: string;
  query: [string, string][];
  headers: IncomingHttpHeaders;
  /** The body, unread. */
  body: Readable;
  requestId: string;
  /** The server's URL as the client reached it. */
  endpoint: string;
}

/**
 * Requests browsers send that carry no AWS signature, and headers browsers need on answers. S3's
 * CORS preflight (OPTIONS) and its POST Object form uploads authenticate by other means (none, or
 * a signed policy in the form), so the server asks `intercept` before it authenticates.
 */
export interface HttpHooks {
  /** Answers the request itself, or returns undefined to let it through to authentication and routing. */
  intercept?(request: HttpRequest): Promise<{ operation: string; response: WireResponse } | undefined>;
  /** Headers to add to the answer, errors included (S3: Access-Control-* for an Origin a CORS rule allows). */
  responseHeaders?(request: HttpRequest): Record<string, string> | undefined;
}

export type StreamingBody = Readable;

/** A handler may set this key on its output to answer with another HTTP status (S3's 206 for ranges). */
export const HttpStatus: unique symbol = Symbol('HttpStatus');

/**
 * The error code a service answers input that breaks its model's constraints with, or undefined
 * when its input is not validated: the protocol's own code (undefined for S3's REST-XML, which
 * AWS does not validate that way), unless the service names another or opts out. The server and
 * the console's in-process calls both decide through this.
 */
export function validationErrorCodeOf(
  definition: Pick<ServiceDefinition, 'validateInput' | 'validationErrorCode'>,
  protocolCode: string | undefined,
): string | undefined {
  if (definition.validateInput === false || !protocolCode) return undefined;
  return definition.validationErrorCode ?? protocolCode;
}
