/** Scalar conversions shared by the codecs: timestamps, numbers, booleans, blobs. */
import type { TimestampFormat } from './model.js';

/** Formats a timestamp as the protocol location requires (Smithy's timestampFormat trait). */
export function formatTimestamp(value: Date | number | string, format: TimestampFormat): string | number {
  const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : value);
  switch (format) {
    case 'unixTimestamp':
      return Math.round(date.getTime()) / 1000;
    case 'rfc822':
      return date.toUTCString();
    default:
      return date.toISOString();
  }
}

export function parseTimestamp(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function parseBoolean(value: string): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function parseNumber(value: string, integer: boolean): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  if (Number.isNaN(n) || (integer && !Number.isInteger(n))) return undefined;
  return n;
}

export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(String(value), 'utf8');
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** Escapes XML text content (quotes stay as they are, as AWS writes them). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

/** Escapes an XML attribute value. */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c] ?? c);
}
