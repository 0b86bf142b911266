/**
 * restJson1 (Lambda). Input: URI/query/header bindings plus a JSON body (or a blob payload, as
 * Invoke's). Output: headers plus JSON (or the raw blob payload). Errors carry the code in
 * `x-amzn-ErrorType` and a JSON body with the error shape's members (`Type`, `Message`...).
 */
import { Readable } from 'node:stream';
import { AwsError } from '../errors.js';
import type { Codec, ResponseMeta, WireRequest, WireResponse } from './codec.js';
import { type OperationModel, type ServiceModel, type ShapeRef, shapeOf } from './model.js';
import { bindRestInput, isStreamingPayload, restOutputHeaders, routeRest } from './rest.js';
import { fromJsonValue, toJsonValue } from './shape-json.js';
import { toBuffer } from './values.js';

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'Could not parse the request body as JSON.');
  }
}

export class RestJsonCodec implements Codec {
  readonly bodyNeededToRoute = false;
  readonly validationErrorCode = 'ValidationException';

  constructor(readonly model: ServiceModel) {}

  route(req: WireRequest): OperationModel {
    return routeRest(
      this.model,
      req,
      () => new AwsError('UnknownOperationException', `Unknown operation ${req.method} ${req.path}`, 404),
    );
  }

  isStreamingInput(op: OperationModel): boolean {
    return isStreamingPayload(this.model, op);
  }

  parse(op: OperationModel, req: WireRequest): Record<string, unknown> {
    const { input, shape } = bindRestInput(this.model, op, req);
    if (!shape || !Buffer.isBuffer(req.body)) return input;
    if (shape.payload) {
      const ref = shape.members?.[shape.payload] as ShapeRef;
      const payloadShape = shapeOf(this.model, ref);
      if (payloadShape.type === 'blob') input[shape.payload] = req.body;
      else if (payloadShape.type === 'string') input[shape.payload] = req.body.toString('utf8');
      else if (req.body.length) input[shape.payload] = fromJsonValue(this.model, ref, parseJsonBody(req.body));
      return input;
    }
    const hasBodyMembers = Object.values(shape.members ?? {}).some((ref) => !ref.location);
    if (hasBodyMembers && req.body.length) {
      Object.assign(input, fromJsonValue(this.model, op.input as ShapeRef, parseJsonBody(req.body)));
    }
    return input;
  }

  serialize(op: OperationModel, output: unknown, _meta: ResponseMeta): WireResponse {
    const record = (output ?? {}) as Record<string, unknown>;
    const { status, headers } = restOutputHeaders(this.model, op, record);
    if (!op.output) return { status, headers };
    const shape = shapeOf(this.model, op.output);
    if (shape.payload) {
      const ref = shape.members?.[shape.payload] as ShapeRef;
      const value = record[shape.payload];
      const payloadShape = shapeOf(this.model, ref);
      if (value === undefined || value === null) return { status, headers };
      if (payloadShape.type === 'blob') {
        return { status, headers, body: value instanceof Readable ? value : toBuffer(value) };
      }
      if (payloadShape.type === 'string') return { status, headers, body: String(value) };
      headers['content-type'] = 'application/json';
      return { status, headers, body: JSON.stringify(toJsonValue(this.model, ref, value)) };
    }
    headers['content-type'] = 'application/json';
    return { status, headers, body: JSON.stringify(toJsonValue(this.model, op.output, record)) };
  }

  serializeError(error: AwsError, _meta: ResponseMeta): WireResponse {
    const errorShape = this.model.shapes[error.code];
    const messageKey = errorShape?.members?.['Message'] ? 'Message' : 'message';
    const body: Record<string, unknown> = {};
    if (errorShape?.members?.['Type']) body['Type'] = error.senderFault ? 'User' : 'Service';
    Object.assign(body, error.fields);
    body[messageKey] = error.message;
    return {
      status: error.status,
      headers: { ...error.headers, 'x-amzn-errortype': error.code, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  }
}
