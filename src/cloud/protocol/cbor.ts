/**
 * CBOR for the awsJson protocols (`application/x-amz-cbor-1.1`, which the AWS SDKs for Java and the
 * Kinesis Client Library send to Kinesis by default), with cbor-x. Maps decode to plain objects, byte
 * strings to Buffers, and tag 1 (an epoch timestamp) to a CborTimestamp whose unit the shape walk
 * decides; shape-json.ts turns the result into handler values from the same model as JSON.
 */
import { addExtension, Decoder, Encoder } from 'cbor-x';
import { AwsError } from '../errors.js';

export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

/** The number inside CBOR tag 1, as received or to be sent. */
export class CborTimestamp {
  constructor(readonly value: number | bigint) {}
}

addExtension({
  Class: CborTimestamp,
  tag: 1,
  encode: (timestamp: CborTimestamp, encode: (value: unknown) => Uint8Array) => encode(timestamp.value),
  decode: (value: unknown) => new CborTimestamp(typeof value === 'bigint' ? Number(value) : (value as number)),
});

const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });
const encoder = new Encoder({ mapsAsObjects: true, useRecords: false, tagUint8Array: false });

export function isCbor(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value?.split(';')[0]?.trim().toLowerCase() === CBOR_CONTENT_TYPE;
}

export function decodeCbor(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return decoder.decode(body);
  } catch {
    throw new AwsError('SerializationException', 'Could not parse the request body as CBOR.');
  }
}

export function encodeCbor(value: unknown): Buffer {
  return encoder.encode(value);
}
