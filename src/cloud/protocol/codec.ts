/** The contract between the server and the protocol codecs (one per AWS protocol). */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { AwsError } from '../errors.js';
import type { OperationModel, ServiceModel } from './model.js';

export interface WireRequest {
  method: string;
  /** Path as received (percent-encoded), without the query; for virtual-hosted S3 the bucket is prepended. */
  path: string;
  /** Decoded query parameters, in order. */
  query: [string, string][];
  headers: IncomingHttpHeaders;
  /** The buffered body, or the body stream for operations with a streaming payload. */
  body: Buffer | Readable;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string | Readable;
}

export interface ResponseMeta {
  requestId: string;
  method: string;
  /** The request's headers: a codec answers in the encoding the request used (Kinesis's CBOR). */
  requestHeaders: IncomingHttpHeaders;
}

export interface Codec {
  readonly model: ServiceModel;
  /** awsQuery carries the operation in the form body, so it must be read before routing. */
  readonly bodyNeededToRoute: boolean;
  /** Error code for failed model constraints (`ValidationException` / `ValidationError`), or undefined to skip generic validation. */
  readonly validationErrorCode: string | undefined;
  route(req: WireRequest): OperationModel;
  /** True when the operation's input payload is a streaming blob (S3 PutObject/UploadPart). */
  isStreamingInput(op: OperationModel): boolean;
  parse(op: OperationModel, req: WireRequest): Record<string, unknown>;
  serialize(op: OperationModel, output: unknown, meta: ResponseMeta): WireResponse;
  serializeError(error: AwsError, meta: ResponseMeta): WireResponse;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
