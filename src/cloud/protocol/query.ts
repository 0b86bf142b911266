/**
 * awsQuery (STS, CloudFormation, IAM, SNS). Input: form-encoded `Action`, `Version` and members
 * flattened as `Name.member.N` (lists), `Name.entry.N.key|value` (maps), `Name.Sub` (structures).
 * Output: `<XResponse xmlns><XResult>...</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>`.
 * Errors: `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import { AwsError } from '../errors.js';
import type { Codec, ResponseMeta, WireRequest, WireResponse } from './codec.js';
import type { QueryErrorCode } from './json.js';
import { type OperationModel, type ServiceModel, type ShapeRef, shapeOf } from './model.js';
import { readScalar, writeXmlElement } from './shape-xml.js';
import { escapeXml } from './values.js';

export class QueryCodec implements Codec {
  readonly bodyNeededToRoute = true;
  readonly validationErrorCode = 'ValidationError';
  private readonly xmlns: string;

  constructor(
    readonly model: ServiceModel,
    /** Codes to answer in place of handlers' error shape names (SQS: `AWS.SimpleQueueService.NonExistentQueue`). */
    private readonly queryErrorCodes?: Record<string, QueryErrorCode>,
  ) {
    this.xmlns =
      model.metadata.xmlNamespace ??
      `https://${model.metadata.endpointPrefix}.amazonaws.com/doc/${model.metadata.apiVersion}/`;
  }

  private params(req: WireRequest): Map<string, string> {
    const params = new Map<string, string>(req.query);
    if (Buffer.isBuffer(req.body) && req.body.length) {
      for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.set(k, v);
    }
    return params;
  }

  route(req: WireRequest): OperationModel {
    const action = this.params(req).get('Action');
    if (!action) throw new AwsError('MissingAction', 'Missing Action');
    const op = this.model.operations[action];
    if (!op) throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
    return op;
  }

  isStreamingInput(): boolean {
    return false;
  }

  parse(op: OperationModel, req: WireRequest): Record<string, unknown> {
    if (!op.input) return {};
    return (this.readMember(op.input, '', this.params(req)) ?? {}) as Record<string, unknown>;
  }

  private readMember(ref: ShapeRef, prefix: string, params: Map<string, string>): unknown {
    const shape = shapeOf(this.model, ref);
    const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        let any = prefix === '';
        for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
          const value = this.readMember(memberRef, at(memberRef.locationName ?? name), params);
          if (value !== undefined) {
            out[name] = value;
            any = true;
          }
        }
        return any ? out : undefined;
      }
      case 'list': {
        const member = shape.member as ShapeRef;
        // A flattened list whose member has a name is sent under that name in place of its own
        // (SQS: `AttributeNames` travels as `AttributeName.1`), as botocore's serializer does.
        const base =
          ref.flattened || shape.flattened
            ? member.locationName
              ? [...prefix.split('.').slice(0, -1), member.locationName].join('.')
              : prefix
            : `${prefix}.${member.locationName ?? 'member'}`;
        // An empty list is sent as `Name=` with no members.
        const items: unknown[] = [];
        for (let i = 1; ; i++) {
          const item = this.readMember(member, `${base}.${i}`, params);
          if (item === undefined) break;
          items.push(item);
        }
        if (items.length === 0) return params.has(prefix) ? [] : undefined;
        return items;
      }
      case 'map': {
        const base = ref.flattened || shape.flattened ? prefix : `${prefix}.entry`;
        const keyName = shape.key?.locationName ?? 'key';
        const valueName = shape.value?.locationName ?? 'value';
        const out: Record<string, unknown> = {};
        let found = false;
        for (let i = 1; ; i++) {
          const key = params.get(`${base}.${i}.${keyName}`);
          if (key === undefined) break;
          out[key] = this.readMember(shape.value as ShapeRef, `${base}.${i}.${valueName}`, params);
          found = true;
        }
        return found ? out : undefined;
      }
      default: {
        const text = params.get(prefix);
        return text === undefined ? undefined : readScalar(shape.type, text);
      }
    }
  }

  serialize(op: OperationModel, output: unknown, meta: ResponseMeta): WireResponse {
    const name = op.name;
    let result = '';
    if (op.output) {
      const wrapper = op.output.resultWrapper ?? `${name}Result`;
      result = writeXmlElement(this.model, op.output, output ?? {}, wrapper);
    }
    const body = `<${name}Response xmlns="${this.xmlns}">${result}<ResponseMetadata><RequestId>${meta.requestId}</RequestId></ResponseMetadata></${name}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  }

  serializeError(error: AwsError, meta: ResponseMeta): WireResponse {
    const mapped = this.queryErrorCodes?.[error.code];
    const code = mapped?.code ?? error.code;
    const status = mapped?.status ?? error.status;
    const body = `<ErrorResponse xmlns="${this.xmlns}"><Error><Type>${error.senderFault ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${meta.requestId}</RequestId></ErrorResponse>`;
    return { status, headers: { ...error.headers, 'content-type': 'text/xml' }, body };
  }
}
