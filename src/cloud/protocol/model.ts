/**
 * The AWS API models (botocore's JSON form of the Smithy models, committed under models/) and
 * the few lookups the codecs need. Models are loaded lazily, once per process, so starting the
 * server does not pay for services nobody calls.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ProtocolName = 'query' | 'json' | 'rest-json' | 'rest-xml' | 'ec2';

export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  xmlNamespace?: { uri: string; prefix?: string };
  xmlAttribute?: boolean;
  flattened?: boolean;
  timestampFormat?: TimestampFormat;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
  eventpayload?: boolean;
  streaming?: boolean;
  resultWrapper?: string;
}

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'boolean'
    | 'timestamp'
    | 'blob'
    | 'float'
    | 'double';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  payload?: string;
  streaming?: boolean;
  requiresLength?: boolean;
  flattened?: boolean;
  locationName?: string;
  xmlNamespace?: { uri: string };
  timestampFormat?: TimestampFormat;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  exception?: boolean;
  sensitive?: boolean;
  event?: boolean;
  eventstream?: boolean;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
  deprecated?: boolean;
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    protocol: ProtocolName;
    protocols?: ProtocolName[];
    jsonVersion?: string;
    targetPrefix?: string;
    signingName?: string;
    serviceId: string;
    xmlNamespace?: string;
    awsQueryCompatible?: Record<string, never>;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

const modelsDir = fileURLToPath(new URL('../../../models/', import.meta.url));
const cache = new Map<string, ServiceModel>();

/** Loads models/<name>.json (e.g. `s3`, `lambda`). */
export function loadModel(name: string): ServiceModel {
  let model = cache.get(name);
  if (!model) {
    model = JSON.parse(readFileSync(`${modelsDir}${name}.json`, 'utf8')) as ServiceModel;
    cache.set(name, model);
  }
  return model;
}

export function shapeOf(model: ServiceModel, ref: ShapeRef | string): Shape {
  const name = typeof ref === 'string' ? ref : ref.shape;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`model ${model.metadata.serviceId} has no shape ${name}`);
  return shape;
}
