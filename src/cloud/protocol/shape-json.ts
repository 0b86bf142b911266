/**
 * Shape-driven JSON for the awsJson1_0/1_1 and restJson1 protocols: blobs are base64, timestamps
 * epoch seconds unless the member says otherwise, member keys are the member names (or their
 * `locationName`). Reading is tolerant of missing members and strict about types (a type
 * mismatch is a SerializationException, as AWS answers).
 */
import { AwsError } from '../errors.js';
import { type ServiceModel, type ShapeRef, shapeOf } from './model.js';
import { formatTimestamp, parseTimestamp, toBuffer } from './values.js';

export function toJsonValue(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeOf(model, ref);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const record = value as Record<string, unknown>;
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        if (memberRef.location) continue;
        const converted = toJsonValue(model, memberRef, record[memberName]);
        if (converted !== undefined) out[memberRef.locationName ?? memberName] = converted;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => toJsonValue(model, shape.member as ShapeRef, item));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = toJsonValue(model, shape.value as ShapeRef, v);
      }
      return out;
    }
    case 'timestamp':
      return formatTimestamp(value as Date, ref.timestampFormat ?? shape.timestampFormat ?? 'unixTimestamp');
    case 'blob':
      return toBuffer(value).toString('base64');
    default:
      return value;
  }
}

function mismatch(path: string, expected: string): AwsError {
  return new AwsError('SerializationException', `Unexpected value at '${path}': expected ${expected}`);
}

export function fromJsonValue(model: ServiceModel, ref: ShapeRef, value: unknown, path = ''): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeOf(model, ref);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(path, 'an object');
      const out: Record<string, unknown> = {};
      const record = value as Record<string, unknown>;
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        if (memberRef.location) continue;
        const key = memberRef.locationName ?? memberName;
        if (!(key in record)) continue;
        const converted = fromJsonValue(model, memberRef, record[key], path ? `${path}.${key}` : key);
        if (converted !== undefined) out[memberName] = converted;
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw mismatch(path, 'a list');
      return value.map((item, i) => fromJsonValue(model, shape.member as ShapeRef, item, `${path}.${i + 1}`));
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(path, 'a map');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = fromJsonValue(model, shape.value as ShapeRef, v, `${path}.${k}`);
      }
      return out;
    }
    case 'timestamp': {
      const date = parseTimestamp(value);
      if (!date) throw mismatch(path, 'a timestamp');
      return date;
    }
    case 'blob':
      if (typeof value !== 'string') throw mismatch(path, 'a base64 string');
      return Buffer.from(value, 'base64');
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(path, 'a boolean');
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(path, 'an integer');
      return value;
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw mismatch(path, 'a number');
      return value;
    default:
      if (typeof value !== 'string') throw mismatch(path, 'a string');
      return value;
  }
}
