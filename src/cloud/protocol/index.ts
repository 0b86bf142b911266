/** Picks the codec for a service model's protocol. */
import type { Codec } from './codec.js';
import { JsonCodec, type QueryErrorCode } from './json.js';
import type { ServiceModel } from './model.js';
import { QueryCodec } from './query.js';
import { RestJsonCodec } from './rest-json.js';
import { RestXmlCodec } from './rest-xml.js';

export interface CodecOptions {
  /** rest-xml: root element names for outputs without a payload member. */
  xmlRootNames?: Record<string, string> | undefined;
  /** awsJson with awsQueryCompatible, and awsQuery beside it: each error shape's awsQuery code. */
  queryErrorCodes?: Record<string, QueryErrorCode> | undefined;
}

export function codecFor(model: ServiceModel, options: CodecOptions = {}): Codec {
  switch (model.metadata.protocol) {
    case 'rest-xml':
      return new RestXmlCodec(model, options.xmlRootNames);
    case 'rest-json':
      return new RestJsonCodec(model);
    case 'json':
      return new JsonCodec(model, options.queryErrorCodes);
    case 'query':
      return new QueryCodec(model, options.queryErrorCodes);
    default:
      throw new Error(`protocol ${model.metadata.protocol} is not supported`);
  }
}

export type { Codec, ResponseMeta, WireRequest, WireResponse } from './codec.js';
export type { QueryErrorCode } from './json.js';
