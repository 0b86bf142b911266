/**
 * restXml (S3). Input: URI/query/header bindings plus an XML or blob payload. Output: headers plus
 * an XML document whose root is the payload member's element, or (for outputs without a payload
 * member) the operation's result element, e.g. `<ListBucketResult>`; the S3 namespace on the root.
 * Errors: `<Error><Code/><Message/>...<RequestId/><HostId/></Error>`, no body on HEAD.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../errors.js';
import type { Codec, ResponseMeta, WireRequest, WireResponse } from './codec.js';
import { type OperationModel, type ServiceModel, type ShapeRef, shapeOf } from './model.js';
import { bindRestInput, isStreamingPayload, restOutputHeaders, routeRest } from './rest.js';
import { parseXmlDocument, readXmlValue, writeXmlElement } from './shape-xml.js';
import { escapeXml, toBuffer } from './values.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export class RestXmlCodec implements Codec {
  readonly bodyNeededToRoute = false;
  readonly validationErrorCode = undefined;

  constructor(
    readonly model: ServiceModel,
    private readonly rootNames: Record<string, string> = {},
  ) {}

  route(req: WireRequest): OperationModel {
    return routeRest(
      this.model,
      req,
      () => new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405),
    );
  }

  isStreamingInput(op: OperationModel): boolean {
    return isStreamingPayload(this.model, op);
  }

  parse(op: OperationModel, req: WireRequest): Record<string, unknown> {
    const { input, shape } = bindRestInput(this.model, op, req);
    if (!shape) return input;
    if (shape.payload) {
      const ref = shape.members?.[shape.payload] as ShapeRef;
      const payloadShape = shapeOf(this.model, ref);
      if (payloadShape.type === 'blob') {
        input[shape.payload] = req.body;
      } else if (payloadShape.type === 'string') {
        input[shape.payload] = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      } else if (Buffer.isBuffer(req.body) && req.body.length > 0) {
        input[shape.payload] = readXmlValue(this.model, ref, parseXmlDocument(req.body.toString('utf8')));
      }
    } else if (Buffer.isBuffer(req.body) && req.body.length > 0) {
      Object.assign(input, readXmlValue(this.model, op.input as ShapeRef, parseXmlDocument(req.body.toString('utf8'))));
    }
    return input;
  }

  serialize(op: OperationModel, output: unknown, _meta: ResponseMeta): WireResponse {
    const record = (output ?? {}) as Record<string, unknown>;
    const { status, headers } = restOutputHeaders(this.model, op, record);
    if (!op.output) return { status, headers };
    const shape = shapeOf(this.model, op.output);
    const ns = this.model.metadata.xmlNamespace ?? 'http://s3.amazonaws.com/doc/2006-03-01/';
    if (shape.payload) {
      const ref = shape.members?.[shape.payload] as ShapeRef;
      const value = record[shape.payload];
      if (value === undefined || value === null) return { status, headers };
      const payloadShape = shapeOf(this.model, ref);
      if (payloadShape.type === 'blob') {
        return { status, headers, body: value instanceof Readable ? value : toBuffer(value) };
      }
      if (payloadShape.type === 'string') return { status, headers, body: String(value) };
      const root = ref.locationName ?? payloadShape.locationName ?? shape.payload;
      headers['content-type'] = 'application/xml';
      return { status, headers, body: XML_DECLARATION + writeXmlElement(this.model, ref, value, root, ns) };
    }
    const hasBodyMembers = Object.entries(shape.members ?? {}).some(
      ([name, ref]) => !ref.location && record[name] !== undefined,
    );
    const rootOverride = this.rootNames[op.output.shape];
    if (!hasBodyMembers && !rootOverride) return { status, headers };
    const root = rootOverride ?? shape.locationName ?? op.output.shape.replace(/Output$/, 'Result');
    headers['content-type'] = 'application/xml';
    const selfRooted = shape.members?.[root];
    if (selfRooted) {
      // GetBucketLocation's document is the member itself: <LocationConstraint>eu-west-1</LocationConstraint>.
      const value = record[root];
      return {
        status,
        headers,
        body: `${XML_DECLARATION}<${root} xmlns="${ns}">${value === undefined || value === null ? '' : escapeXml(String(value))}</${root}>`,
      };
    }
    return { status, headers, body: XML_DECLARATION + writeXmlElement(this.model, op.output, record, root, ns) };
  }

  serializeError(error: AwsError, meta: ResponseMeta): WireResponse {
    const headers: Record<string, string> = { ...error.headers };
    if (meta.method === 'HEAD') return { status: error.status, headers };
    let fields = '';
    for (const [k, v] of Object.entries(error.fields)) {
      if (v !== undefined) fields += `<${k}>${escapeXml(String(v))}</${k}>`;
    }
    headers['content-type'] = 'application/xml';
    const body = `${XML_DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${fields}<RequestId>${meta.requestId}</RequestId><HostId>${hostId(meta.requestId)}</HostId></Error>`;
    return { status: error.status, headers, body };
  }
}

/** S3's `x-amz-id-2`: an opaque base64 token; derived from the request id so logs can correlate them. */
export function hostId(requestId: string): string {
  return Buffer.from(`lambda-tasks/${requestId}`).toString('base64');
}
