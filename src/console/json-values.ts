/**
 * Handler values <-> JSON for the console's API. Handlers take and return SDK-shaped objects,
 * which hold bytes (Lambda's Payload, S3's Body, DynamoDB's B) and streams (S3's GetObject body):
 * the page sends bytes as `{ "$bytes": base64 }` and receives them the same way, with the UTF-8
 * text beside them when they are text. Streams are read up to a limit (a preview, not a download).
 */
import { Readable } from 'node:stream';

/** How much of a streamed body the console reads for display. */
export const PREVIEW_BYTES = 256 * 1024;

export interface JsonBytes {
  $bytes: string;
  /** The bytes as text, when they are valid UTF-8. */
  text?: string;
  /** True when a stream was longer than PREVIEW_BYTES and was cut. */
  truncated?: boolean;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `{ $bytes }` objects from the page become Buffers. */
export function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record['$bytes'] === 'string' && Object.keys(record).length === 1) {
      return Buffer.from(record['$bytes'], 'base64');
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromJson(v)]));
  }
  return value;
}

/** A handler's output made JSON-ready: bytes and streams become `{ $bytes, text? }`, dates ISO strings. */
export async function toJson(value: unknown): Promise<unknown> {
  if (value instanceof Uint8Array) return bytesToJson(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof Readable) return readPreview(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Set) return toJson([...value]);
  if (Array.isArray(value)) return Promise.all(value.map(toJson));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(async ([k, v]) => [k, await toJson(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

function bytesToJson(bytes: Buffer, truncated = false): JsonBytes {
  const out: JsonBytes = { $bytes: bytes.toString('base64') };
  try {
    out.text = STRICT_UTF8.decode(bytes);
  } catch {
    // Binary: the page offers the bytes only.
  }
  if (truncated) out.truncated = true;
  return out;
}

async function readPreview(stream: Readable): Promise<JsonBytes> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size > PREVIEW_BYTES) {
      stream.destroy();
      return bytesToJson(Buffer.concat(chunks).subarray(0, PREVIEW_BYTES), true);
    }
  }
  return bytesToJson(Buffer.concat(chunks));
}
