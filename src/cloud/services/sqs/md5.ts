/**
 * The digests SQS returns and the SDKs verify: MD5 of the body (UTF-8), and MD5 of the message
 * (or system) attributes computed over AWS's binary encoding: the attributes sorted by name, each
 * as name, data type, a transport byte (1 = String/Number, 2 = Binary) and the value, every
 * variable-length part preceded by its length as a 4-byte big-endian integer.
 */
import { createHash } from 'node:crypto';

export interface AttributeValue {
  DataType?: string | undefined;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** undefined for no attributes (AWS then leaves the digest out). */
export function md5OfAttributes(attributes: Record<string, AttributeValue> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort();
  if (!attributes || names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of names) {
    const value = attributes[name] as AttributeValue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType ?? '', 'utf8'));
    if (value.BinaryValue !== undefined && value.StringValue === undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(value.BinaryValue);
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
