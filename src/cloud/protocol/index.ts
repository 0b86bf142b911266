/** Picks the codec for a service model's protocol. */
import type { Codec } from './codec.js';
import { JsonCodec } from './json.js';
import type { ServiceModel } from './model.js';
import { QueryCodec } from './query.js';
import { RestJsonCodec } from './rest-json.js';
import { RestXmlCodec } from './rest-xml.js';

export function codecFor(model: ServiceModel, xmlRootNames?: Record<string, string>): Codec {
  switch (model.metadata.protocol) {
    case 'rest-xml':
      return new RestXmlCodec(model, xmlRootNames);
    case 'rest-json':
      return new RestJsonCodec(model);
    case 'json':
      return new JsonCodec(model);
    case 'query':
      return new QueryCodec(model);
    default:
      throw new Error(`protocol ${model.metadata.protocol} is not supported`);
  }
}

export type { Codec, ResponseMeta, WireRequest, WireResponse } from './codec.js';
