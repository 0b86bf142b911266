/**
 * awsJson1_0 / awsJson1_1 (CloudWatch Logs, Kinesis, DynamoDB, SQS). POST / with
 * `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body of the input members. Errors:
 * `{"__type": "<Code>", "message": "..."}` plus `x-amzn-ErrorType`.
 *
 * A request sent as CBOR (`application/x-amz-cbor-1.1`, Kinesis's default in the Java SDKs) is
 * parsed from CBOR and answered in CBOR, errors included.
 *
 * Services with the `awsQueryCompatible` trait (SQS) also name each error's awsQuery code in
 * `x-amzn-query-error: <code>;<Sender|Receiver>`, from which the SDKs take the error code.
 */
import { AwsError } from '../errors.js';
import { CBOR_CONTENT_TYPE, decodeCbor, encodeCbor, isCbor } from './cbor.js';
import { type Codec, headerValue, type ResponseMeta, type WireRequest, type WireResponse } from './codec.js';
import type { OperationModel, ServiceModel } from './model.js';
import { parseJsonBody } from './rest-json.js';
import { fromJsonValue, type JsonEncoding, toJsonValue } from './shape-json.js';

/** An error's awsQuery code and status, for services whose JSON errors stay query-compatible. */
export interface QueryErrorCode {
  code: string;
  status: number;
}

export class JsonCodec implements Codec {
  readonly bodyNeededToRoute = false;
  readonly validationErrorCode = 'ValidationException';
  private readonly contentType: string;

  constructor(
    readonly model: ServiceModel,
    /** awsQuery codes by error shape name (`QueueDoesNotExist` -> `AWS.SimpleQueueService.NonExistentQueue`). */
    private readonly queryErrorCodes?: Record<string, QueryErrorCode>,
  ) {
    this.contentType = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
  }

  route(req: WireRequest): OperationModel {
    const target = headerValue(req.headers, 'x-amz-target') ?? '';
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const name = target.slice(dot + 1);
    const op = this.model.operations[name];
    if (dot < 0 || prefix !== this.model.metadata.targetPrefix || !op) {
      throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
    }
    return op;
  }

  isStreamingInput(): boolean {
    return false;
  }

  parse(op: OperationModel, req: WireRequest): Record<string, unknown> {
    if (!op.input || !Buffer.isBuffer(req.body)) return {};
    const encoding = encodingOf(req.headers['content-type']);
    const body = encoding === 'cbor' ? decodeCbor(req.body) : parseJsonBody(req.body);
    return (fromJsonValue(this.model, op.input, body, '', encoding) ?? {}) as Record<string, unknown>;
  }

  serialize(op: OperationModel, output: unknown, meta: ResponseMeta): WireResponse {
    const encoding = encodingOf(meta.requestHeaders['content-type']);
    const body = (op.output ? toJsonValue(this.model, op.output, output ?? {}, encoding) : {}) ?? {};
    return encoding === 'cbor'
      ? { status: 200, headers: { 'content-type': CBOR_CONTENT_TYPE }, body: encodeCbor(body) }
      : { status: 200, headers: { 'content-type': this.contentType }, body: JSON.stringify(body) };
  }

  serializeError(error: AwsError, meta: ResponseMeta): WireResponse {
    const headers: Record<string, string> = { ...error.headers, 'x-amzn-errortype': error.code };
    const queryCode = this.model.metadata.awsQueryCompatible ? this.queryErrorCodes?.[error.code] : undefined;
    if (this.model.metadata.awsQueryCompatible) {
      headers['x-amzn-query-error'] = `${queryCode?.code ?? error.code};${error.senderFault ? 'Sender' : 'Receiver'}`;
    }
    const encoding = encodingOf(meta.requestHeaders['content-type']);
    const body = { __type: error.code, message: error.message, ...this.errorMembers(error, encoding) };
    if (encoding === 'cbor') {
      return {
        status: error.status,
        headers: { ...headers, 'content-type': CBOR_CONTENT_TYPE },
        body: encodeCbor(body),
      };
    }
    return {
      status: error.status,
      headers: { ...headers, 'content-type': this.contentType },
      body: JSON.stringify(body),
    };
  }

  /** An error's members in the request's encoding, converted by the error's shape where the model has one. */
  private errorMembers(error: AwsError, encoding: JsonEncoding): Record<string, unknown> {
    const members = this.model.shapes[error.code]?.members;
    if (!members || Object.keys(error.fields).length === 0) return error.fields;
    const declared = toJsonValue(this.model, { shape: error.code }, error.fields, encoding) as Record<string, unknown>;
    const undeclared = Object.entries(error.fields).filter(([name]) => !(name in members));
    return { ...Object.fromEntries(undeclared), ...declared };
  }
}

function encodingOf(contentType: string | string[] | undefined): JsonEncoding {
  return isCbor(contentType) ? 'cbor' : 'json';
}
