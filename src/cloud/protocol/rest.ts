/**
 * What restJson1 and restXml share: matching a request to an operation by method, URI template,
 * query literals and required header/query members, and binding URI labels, query parameters
 * and headers to input members (and output members to status and headers).
 */
import type { AwsError } from '../errors.js';
import { HttpStatus } from '../service.js';
import { type Codec, headerValue, type WireRequest } from './codec.js';
import { type OperationModel, type ServiceModel, type Shape, type ShapeRef, shapeOf } from './model.js';
import { readScalar } from './shape-xml.js';
import { formatTimestamp, toBuffer } from './values.js';

interface RouteMatcher {
  op: OperationModel;
  method: string;
  pattern: RegExp;
  labels: { name: string; greedy: boolean }[];
  /** Query keys in the requestUri (`?uploads`, `?list-type=2`). */
  literals: [string, string | undefined][];
  requiredQuery: string[];
  requiredHeaders: string[];
}

/** A service's matchers by HTTP method (a request is only tried against its own method's), and by operation. */
interface Matchers {
  byMethod: Map<string, RouteMatcher[]>;
  byOperation: Map<OperationModel, RouteMatcher>;
}

const matcherCache = new WeakMap<ServiceModel, Matchers>();

function matchersOf(model: ServiceModel): Matchers {
  let matchers = matcherCache.get(model);
  if (!matchers) {
    const byMethod = new Map<string, RouteMatcher[]>();
    const byOperation = new Map<OperationModel, RouteMatcher>();
    for (const m of buildMatchers(model)) {
      byMethod.set(m.method, [...(byMethod.get(m.method) ?? []), m]);
      byOperation.set(m.op, m);
    }
    matchers = { byMethod, byOperation };
    matcherCache.set(model, matchers);
  }
  return matchers;
}

function buildMatchers(model: ServiceModel): RouteMatcher[] {
  const matchers: RouteMatcher[] = [];
  for (const op of Object.values(model.operations)) {
    const [pathPart = '/', queryPart] = op.http.requestUri.split('?');
    const labels: RouteMatcher['labels'] = [];
    let source = '';
    for (const piece of pathPart.split(/(\{[^}]+\})/)) {
      const label = /^\{([^}+]+)(\+?)\}$/.exec(piece);
      if (label) {
        labels.push({ name: label[1] as string, greedy: label[2] === '+' });
        source += label[2] === '+' ? '(.+)' : '([^/]+)';
      } else {
        source += piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
    }
    // A trailing slash is optional on the wire (`/bucket` and `/bucket/` are the same request).
    source = source.endsWith('/') ? `${source}?` : `${source}/?`;
    const literals: RouteMatcher['literals'] = [];
    for (const pair of queryPart ? queryPart.split('&') : []) {
      const eq = pair.indexOf('=');
      literals.push(eq < 0 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)]);
    }
    const requiredQuery: string[] = [];
    const requiredHeaders: string[] = [];
    if (op.input) {
      const input = shapeOf(model, op.input);
      for (const name of input.required ?? []) {
        const ref = input.members?.[name];
        if (ref?.location === 'querystring') requiredQuery.push(ref.locationName ?? name);
        if (ref?.location === 'header') requiredHeaders.push((ref.locationName ?? name).toLowerCase());
      }
    }
    matchers.push({
      op,
      method: op.http.method,
      pattern: new RegExp(`^${source}$`),
      labels,
      literals,
      requiredQuery,
      requiredHeaders,
    });
  }
  return matchers;
}

/** Picks the operation: every literal and required query/header member must be present; the most specific wins. */
export function routeRest(model: ServiceModel, req: WireRequest, notFound: () => AwsError): OperationModel {
  const queryKeys = new Map(req.query);
  let best: { op: OperationModel; score: number } | undefined;
  for (const m of matchersOf(model).byMethod.get(req.method) ?? []) {
    if (!m.pattern.test(req.path)) continue;
    let score = 0;
    let ok = true;
    for (const [key, value] of m.literals) {
      const actual = queryKeys.get(key);
      if (actual === undefined || (value !== undefined && actual !== value)) {
        ok = false;
        break;
      }
      score += 10;
    }
    if (!ok) continue;
    for (const key of m.requiredQuery) {
      if (!queryKeys.has(key)) ok = false;
      score += 1;
    }
    for (const key of m.requiredHeaders) {
      if (req.headers[key] === undefined) ok = false;
      score += 1;
    }
    // Prefer literal path segments over labels (`/functions/{F}/policy` over `/functions/{F}/{X}`).
    score += m.pattern.source.length / 1000;
    // Deprecated operations share their route with their successors (GetBucketLifecycle and
    // GetBucketLifecycleConfiguration): the current one wins.
    if (m.op.deprecated) score -= 0.5;
    if (ok && (!best || score > best.score)) best = { op: m.op, score };
  }
  if (!best) throw notFound();
  return best.op;
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Binds URI labels, query parameters and headers to input members; returns the input and the payload/body members. */
export function bindRestInput(
  model: ServiceModel,
  op: OperationModel,
  req: WireRequest,
): { input: Record<string, unknown>; shape: Shape | undefined } {
  const input: Record<string, unknown> = {};
  if (!op.input) return { input, shape: undefined };
  const shape = shapeOf(model, op.input);
  const matcher = matchersOf(model).byOperation.get(op);
  const labelValues = new Map<string, string>();
  const match = matcher?.pattern.exec(req.path);
  if (matcher && match) {
    matcher.labels.forEach((label, i) => {
      labelValues.set(label.name, decodeLabel(match[i + 1] ?? ''));
    });
  }
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const memberShape = shapeOf(model, ref);
    const wireName = ref.locationName ?? name;
    switch (ref.location) {
      case 'uri': {
        const value = labelValues.get(wireName);
        if (value !== undefined) input[name] = readScalar(memberShape.type, value);
        break;
      }
      case 'querystring': {
        if (memberShape.type === 'map') {
          const consumed = new Set(
            Object.values(shape.members ?? {})
              .filter((r) => r.location === 'querystring' && r !== ref)
              .map((r) => r.locationName),
          );
          const map: Record<string, string> = {};
          for (const [k, v] of req.query) if (!consumed.has(k)) map[k] = v;
          input[name] = map;
        } else if (memberShape.type === 'list') {
          const values = req.query.filter(([k]) => k === wireName).map(([, v]) => v);
          if (values.length)
            input[name] = values.map((v) => readScalar(shapeOf(model, memberShape.member as ShapeRef).type, v));
        } else {
          const found = req.query.find(([k]) => k === wireName);
          if (found) input[name] = readScalar(memberShape.type, found[1]);
        }
        break;
      }
      case 'header': {
        const value = headerValue(req.headers, wireName.toLowerCase());
        if (value === undefined) break;
        if (memberShape.type === 'list') {
          input[name] = value.split(',').map((v) => v.trim());
        } else if (
          ref.jsonvalue ||
          (memberShape.type === 'string' && (memberShape as { jsonvalue?: boolean }).jsonvalue)
        ) {
          input[name] = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
        } else if (memberShape.type === 'timestamp') {
          input[name] = readScalar('timestamp', value);
        } else {
          input[name] = readScalar(memberShape.type, value);
        }
        break;
      }
      case 'headers': {
        const prefix = wireName.toLowerCase();
        const map: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (k.startsWith(prefix) && v !== undefined)
            map[k.slice(prefix.length)] = Array.isArray(v) ? v.join(', ') : v;
        }
        if (Object.keys(map).length) input[name] = map;
        break;
      }
      default:
        break;
    }
  }
  return { input, shape };
}

/** Status code and headers from output members with an HTTP location. */
export function restOutputHeaders(
  model: ServiceModel,
  op: OperationModel,
  output: Record<string, unknown>,
): { status: number; headers: Record<string, string> } {
  let status = (output as { [HttpStatus]?: number })[HttpStatus] ?? op.http.responseCode ?? 200;
  const headers: Record<string, string> = {};
  if (!op.output) return { status, headers };
  const shape = shapeOf(model, op.output);
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const value = output[name];
    if (value === undefined || value === null) continue;
    const memberShape = shapeOf(model, ref);
    const wireName = ref.locationName ?? name;
    if (ref.location === 'statusCode') status = Number(value);
    else if (ref.location === 'header') {
      if (memberShape.type === 'timestamp') {
        headers[wireName] = String(
          formatTimestamp(value as Date, ref.timestampFormat ?? memberShape.timestampFormat ?? 'rfc822'),
        );
      } else if (memberShape.type === 'list') {
        headers[wireName] = (value as unknown[]).join(',');
      } else if (ref.jsonvalue) {
        headers[wireName] = Buffer.from(JSON.stringify(value)).toString('base64');
      } else if (memberShape.type === 'blob') {
        headers[wireName] = toBuffer(value).toString('base64');
      } else {
        headers[wireName] = String(value);
      }
    } else if (ref.location === 'headers') {
      for (const [k, v] of Object.entries(value as Record<string, string>)) headers[`${wireName}${k}`] = v;
    }
  }
  return { status, headers };
}

export function isStreamingPayload(model: ServiceModel, op: OperationModel): boolean {
  if (!op.input) return false;
  const shape = shapeOf(model, op.input);
  if (!shape.payload) return false;
  const ref = shape.members?.[shape.payload];
  if (!ref) return false;
  const payload = shapeOf(model, ref);
  return payload.type === 'blob' && (ref.streaming === true || payload.streaming === true);
}

export type RestCodec = Codec;
