/**
 * Shape-driven XML: writes output values as the rest-xml and query protocols lay them out, and
 * reads request XML (S3 configuration bodies) into input values. Lists are wrapped in
 * `<member>` unless flattened; maps are `<entry><key/><value/></entry>`.
 */
import { XMLParser } from 'fast-xml-parser';
import { AwsError } from '../errors.js';
import { type ServiceModel, type ShapeRef, shapeOf } from './model.js';
import {
  escapeXml,
  escapeXmlAttribute,
  formatTimestamp,
  parseBoolean,
  parseNumber,
  parseTimestamp,
  toBuffer,
} from './values.js';

export function writeXmlElement(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  name: string,
  xmlns?: string,
): string {
  const shape = shapeOf(model, ref);
  const ns = xmlns ? ` xmlns="${escapeXmlAttribute(xmlns)}"` : '';
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      let attrs = '';
      let inner = '';
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        const memberValue = record[memberName];
        if (memberValue === undefined || memberValue === null || memberRef.location) continue;
        const memberElement = memberRef.locationName ?? memberName;
        if (memberRef.xmlAttribute) {
          attrs += ` ${memberElement}="${escapeXmlAttribute(String(memberValue))}"`;
          continue;
        }
        inner += writeMember(model, memberRef, memberValue, memberElement);
      }
      return `<${name}${ns}${attrs}>${inner}</${name}>`;
    }
    case 'list':
    case 'map':
      return `<${name}${ns}>${writeItems(model, ref, value, 'member', 'entry')}</${name}>`;
    default:
      return `<${name}${ns}>${scalarText(model, ref, value)}</${name}>`;
  }
}

function writeMember(model: ServiceModel, ref: ShapeRef, value: unknown, name: string): string {
  const shape = shapeOf(model, ref);
  if ((shape.type === 'list' || shape.type === 'map') && (ref.flattened || shape.flattened)) {
    return writeItems(model, ref, value, name, name);
  }
  return writeXmlElement(model, ref, value, name);
}

/**
 * The items of a list or map. Wrapped collections name items `member` and map entries `entry`
 * (inside the collection's element); flattened ones repeat the collection's own element name.
 */
function writeItems(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  defaultItemName: string,
  entryName: string,
): string {
  const shape = shapeOf(model, ref);
  if (shape.type === 'list' && shape.member) {
    const itemName = shape.member.locationName ?? defaultItemName;
    return (value as unknown[])
      .map((item) => writeXmlElement(model, shape.member as ShapeRef, item, itemName))
      .join('');
  }
  if (shape.type === 'map' && shape.key && shape.value) {
    const keyName = shape.key.locationName ?? 'key';
    const valueName = shape.value.locationName ?? 'value';
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([k, v]) =>
          `<${entryName}>${writeXmlElement(model, shape.key as ShapeRef, k, keyName)}${writeXmlElement(model, shape.value as ShapeRef, v, valueName)}</${entryName}>`,
      )
      .join('');
  }
  return '';
}

function scalarText(model: ServiceModel, ref: ShapeRef, value: unknown): string {
  const shape = shapeOf(model, ref);
  switch (shape.type) {
    case 'timestamp':
      return String(formatTimestamp(value as Date, ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601'));
    case 'blob':
      return toBuffer(value).toString('base64');
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return escapeXml(String(value));
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  removeNSPrefix: true,
  trimValues: false,
  processEntities: true,
  ignoreDeclaration: true,
});

/** Parses an XML document and returns the root element's content, or throws MalformedXML. */
export function parseXmlDocument(text: string, malformedCode = 'MalformedXML'): unknown {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch {
    throw new AwsError(
      malformedCode,
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1) {
    throw new AwsError(
      malformedCode,
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  }
  return doc[roots[0] as string];
}

/** Converts a parsed XML node into a value of the given shape. */
export function readXmlValue(model: ServiceModel, ref: ShapeRef, node: unknown): unknown {
  const shape = shapeOf(model, ref);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (node === null || typeof node !== 'object') return out;
      const record = node as Record<string, unknown>;
      for (const [memberName, memberRef] of Object.entries(shape.members ?? {})) {
        if (memberRef.location) continue;
        const memberShape = shapeOf(model, memberRef);
        const flattened = memberRef.flattened || memberShape.flattened;
        const elementName =
          flattened && memberShape.type === 'list'
            ? (memberRef.locationName ?? memberShape.member?.locationName ?? memberName)
            : (memberRef.locationName ?? memberName);
        const child = record[elementName];
        if (child === undefined) continue;
        if (flattened && memberShape.type === 'list' && memberShape.member) {
          const items = Array.isArray(child) ? child : [child];
          out[memberName] = items.map((item) => readXmlValue(model, memberShape.member as ShapeRef, item));
        } else {
          out[memberName] = readXmlValue(model, memberRef, child);
        }
      }
      return out;
    }
    case 'list': {
      if (!shape.member) return [];
      if (node === null || typeof node !== 'object') return [];
      const itemName = shape.member.locationName ?? 'member';
      const items = (node as Record<string, unknown>)[itemName];
      const list = items === undefined ? [] : Array.isArray(items) ? items : [items];
      return list.map((item) => readXmlValue(model, shape.member as ShapeRef, item));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      if (!shape.key || !shape.value || node === null || typeof node !== 'object') return out;
      const entries = (node as Record<string, unknown>)['entry'];
      const list = entries === undefined ? [] : Array.isArray(entries) ? entries : [entries];
      for (const entry of list as Record<string, unknown>[]) {
        const key = String(entry[shape.key.locationName ?? 'key'] ?? '');
        out[key] = readXmlValue(model, shape.value, entry[shape.value.locationName ?? 'value']);
      }
      return out;
    }
    default:
      return readScalar(shape.type, typeof node === 'string' ? node : node === undefined ? '' : String(node));
  }
}

/** Reads a scalar from its text form (XML text, query string value, header value). */
export function readScalar(type: string, text: string): unknown {
  switch (type) {
    case 'boolean':
      return parseBoolean(text.trim()) ?? text;
    case 'integer':
    case 'long':
      return parseNumber(text, true) ?? text;
    case 'float':
    case 'double':
      return parseNumber(text, false) ?? text;
    case 'timestamp':
      return parseTimestamp(text) ?? text;
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}
