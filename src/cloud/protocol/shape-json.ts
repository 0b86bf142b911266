/**
 * Shape-driven JSON for the awsJson1_0/1_1 and restJson1 protocols: blobs are base64, timestamps
 * epoch seconds unless the member says otherwise, member keys are the member names (or their
 * `locationName`). Reading is tolerant of missing members and strict about types (a type
 * mismatch is a SerializationException, as AWS answers).
 *
 * The same walk serves the CBOR form of awsJson (Kinesis's `application/x-amz-cbor-1.1`), which
 * differs only in its scalars: blobs are byte strings and timestamps are tag 1 with epoch
 * milliseconds, as the AWS SDKs for Java (and so the Kinesis Client Library) write and read them.
 */
import { AwsError } from '../errors.js';
import { CborTimestamp } from './cbor.js';
import { type ServiceModel, type ShapeRef, shapeOf } from './model.js';
import { formatTimestamp, parseTimestamp, toBuffer } from './values.js';

export type JsonEncoding = 'json' | 'cbor';

export function toJsonValue(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  encoding: JsonEncoding = 'json',
): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeOf(model, ref);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const record = value as Record<string, unknown>;
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        if (memberRef.location) continue;
        const converted = toJsonValue(model, memberRef, record[memberName], encoding);
        if (converted !== undefined) out[memberRef.locationName ?? memberName] = converted;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => toJsonValue(model, shape.member as ShapeRef, item, encoding));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = toJsonValue(model, shape.value as ShapeRef, v, encoding);
      }
      return out;
    }
    case 'timestamp':
      if (encoding === 'cbor') return new CborTimestamp(BigInt(Math.round(asDate(value).getTime())));
      return formatTimestamp(value as Date, ref.timestampFormat ?? shape.timestampFormat ?? 'unixTimestamp');
    case 'blob':
      return encoding === 'cbor' ? toBuffer(value) : toBuffer(value).toString('base64');
    default:
      return value;
  }
}

function mismatch(path: string, expected: string): AwsError {
  return new AwsError('SerializationException', `Unexpected value at '${path}': expected ${expected}`);
}

export function fromJsonValue(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  path = '',
  encoding: JsonEncoding = 'json',
): unknown {
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
        const converted = fromJsonValue(model, memberRef, record[key], path ? `${path}.${key}` : key, encoding);
        if (converted !== undefined) out[memberName] = converted;
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw mismatch(path, 'a list');
      return value.map((item, i) => fromJsonValue(model, shape.member as ShapeRef, item, `${path}.${i + 1}`, encoding));
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(path, 'a map');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = fromJsonValue(model, shape.value as ShapeRef, v, `${path}.${k}`, encoding);
      }
      return out;
    }
    case 'timestamp': {
      const date = encoding === 'cbor' ? cborTimestamp(value) : parseTimestamp(value);
      if (!date) throw mismatch(path, 'a timestamp');
      return date;
    }
    case 'blob':
      if (encoding === 'cbor') {
        if (!(value instanceof Uint8Array)) throw mismatch(path, 'a byte string');
        return toBuffer(value);
      }
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

function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : String(value));
}

/**
 * A CBOR timestamp: tag 1 (which the decoder leaves as a CborTimestamp) or a bare number. The
 * Java SDKs write epoch milliseconds there; RFC 8949 says seconds. Values beyond 1e11 cannot be
 * seconds of any date a stream holds (year 5138), so they are read as milliseconds.
 */
function cborTimestamp(value: unknown): Date | undefined {
  const raw = value instanceof CborTimestamp ? Number(value.value) : value;
  if (raw instanceof Date) return raw;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  return new Date(Math.abs(raw) >= 1e11 ? raw : raw * 1000);
}
