/**
 * awsJson1_0 / awsJson1_1 (CloudWatch Logs, Kinesis, DynamoDB, SQS). POST / with
 * `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body of the input members. Errors:
 * `{"__type": "<Code>", "message": "..."}` plus `x-amzn-ErrorType`.
 */
import { AwsError } from '../errors.js';
import { type Codec, headerValue, type ResponseMeta, type WireRequest, type WireResponse } from './codec.js';
import type { OperationModel, ServiceModel } from './model.js';
import { parseJsonBody } from './rest-json.js';
import { fromJsonValue, toJsonValue } from './shape-json.js';

export class JsonCodec implements Codec {
  readonly bodyNeededToRoute = false;
  readonly validationErrorCode = 'ValidationException';
  private readonly contentType: string;

  constructor(readonly model: ServiceModel) {
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
    const body = parseJsonBody(req.body);
    return (fromJsonValue(this.model, op.input, body) ?? {}) as Record<string, unknown>;
  }

  serialize(op: OperationModel, output: unknown, _meta: ResponseMeta): WireResponse {
    const body = op.output ? toJsonValue(this.model, op.output, output ?? {}) : {};
    return { status: 200, headers: { 'content-type': this.contentType }, body: JSON.stringify(body ?? {}) };
  }

  serializeError(error: AwsError, _meta: ResponseMeta): WireResponse {
    return {
      status: error.status,
      headers: { ...error.headers, 'content-type': this.contentType, 'x-amzn-errortype': error.code },
      body: JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
    };
  }
}
