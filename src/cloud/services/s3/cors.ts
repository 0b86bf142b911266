/**
 * S3 CORS: a bucket's CORS configuration (Put/Get/DeleteBucketCors), the preflight `OPTIONS`
 * request browsers send before a cross-origin request, and the `Access-Control-*` headers on the
 * answers to requests that carry an `Origin` a rule allows. Rules are matched as S3 documents it:
 * the first rule whose AllowedOrigin matches the Origin, whose AllowedMethod includes the method
 * (the preflight's Access-Control-Request-Method), and whose AllowedHeader patterns cover every
 * header of Access-Control-Request-Headers. Preflights carry no signature, as browsers send them.
 */
import type { CORSRule, DeleteBucketCorsRequest, GetBucketCorsRequest, PutBucketCorsRequest } from '@aws-sdk/client-s3';
import { AwsError } from '../../errors.js';
import { headerValue, type WireResponse } from '../../protocol/codec.js';
import type { HttpRequest, RequestContext } from '../../service.js';
import { type Migration, SqlState } from '../../store/database.js';
import { S3Errors } from './errors.js';
import type { S3Service } from './s3-service.js';

export const corsMigrations: Migration[] = [
  { id: 's3-cors-001-configuration', sql: 'ALTER TABLE s3_buckets ADD COLUMN cors TEXT;' },
];

/** The methods a CORS rule may allow. */
const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);
/** Most rules one configuration may hold. */
const MAX_RULES = 100;
/** The Vary header S3 sends with every CORS answer. */
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

const CORS_DENIED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

const CorsErrors = {
  noSuchConfiguration: (bucket: string) =>
    new AwsError('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, { BucketName: bucket }),
  unsupportedMethod: (method: string) =>
    S3Errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`),
  originNeeded: () => new AwsError('BadRequest', 'Insufficient information. Origin request header needed.', 400),
  invalidRequestMethod: (method: string | undefined) =>
    new AwsError('BadRequest', `Invalid Access-Control-Request-Method: ${method ?? 'null'}`, 400),
  forbidden: (message: string, method: string, resourceType: 'BUCKET' | 'OBJECT') =>
    new AwsError('AccessForbidden', message, 403, { Method: method, ResourceType: resourceType }),
};

/** The bucket's CORS rules, in the bucket's row. */
export class CorsStore extends SqlState {
  /** The bucket's rules; undefined when it has none (or does not exist). */
  rules(bucket: string): CORSRule[] | undefined {
    const rules = this.bucketRules(bucket);
    return rules?.length ? rules : undefined;
  }

  /** undefined when the bucket does not exist; [] when it has no CORS configuration. */
  bucketRules(bucket: string): CORSRule[] | undefined {
    const row = this.sql('SELECT cors FROM s3_buckets WHERE name = ?').get(bucket) as
      | { cors: string | null }
      | undefined;
    if (!row) return undefined;
    return row.cors ? (JSON.parse(row.cors) as CORSRule[]) : [];
  }

  set(bucket: string, rules: CORSRule[] | undefined): void {
    this.sql('UPDATE s3_buckets SET cors = ? WHERE name = ?').run(rules ? JSON.stringify(rules) : null, bucket);
  }
}

/** One `*` at most, as S3 allows in AllowedOrigin and AllowedHeader. */
function checkWildcards(member: 'AllowedOrigin' | 'AllowedHeader', value: string): void {
  if (value.indexOf('*') !== value.lastIndexOf('*'))
    throw S3Errors.invalidRequest(`${member} "${value}" can not have more than one wildcard.`);
}

/** Checks a configuration as PutBucketCors does, and returns its rules as S3 keeps them. */
export function validateCorsRules(rules: CORSRule[] | undefined): CORSRule[] {
  if (!rules || rules.length === 0 || rules.length > MAX_RULES) throw S3Errors.malformedXml();
  return rules.map((rule) => {
    if (!rule.AllowedMethods?.length || !rule.AllowedOrigins?.length) throw S3Errors.malformedXml();
    for (const method of rule.AllowedMethods) if (!CORS_METHODS.has(method)) throw CorsErrors.unsupportedMethod(method);
    for (const origin of rule.AllowedOrigins) checkWildcards('AllowedOrigin', origin);
    for (const header of rule.AllowedHeaders ?? []) checkWildcards('AllowedHeader', header);
    for (const header of rule.ExposeHeaders ?? []) {
      if (header.includes('*'))
        throw S3Errors.invalidRequest(
          `ExposeHeader "${header}" contains wildcard. We currently do not support wildcard for ExposeHeader.`,
        );
    }
    if (rule.ID !== undefined && rule.ID.length > 255) throw S3Errors.malformedXml();
    const kept: CORSRule = { AllowedMethods: rule.AllowedMethods, AllowedOrigins: rule.AllowedOrigins };
    if (rule.ID !== undefined) kept.ID = rule.ID;
    if (rule.AllowedHeaders?.length) kept.AllowedHeaders = rule.AllowedHeaders;
    if (rule.ExposeHeaders?.length) kept.ExposeHeaders = rule.ExposeHeaders;
    if (rule.MaxAgeSeconds !== undefined) kept.MaxAgeSeconds = rule.MaxAgeSeconds;
    return kept;
  });
}

/** A pattern with at most one `*` (any run of characters), compared whole. */
function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** The headers a preflight asks for (Access-Control-Request-Headers), lower-cased. */
function requestedHeaders(headers: HttpRequest['headers']): string[] {
  return (headerValue(headers, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

/** The first rule that allows `origin` to use `method` with `headers`. */
export function matchingRule(
  rules: readonly CORSRule[],
  origin: string,
  method: string,
  headers: readonly string[],
): CORSRule | undefined {
  return rules.find(
    (rule) =>
      rule.AllowedMethods?.includes(method) &&
      rule.AllowedOrigins?.some((allowed) => wildcardMatches(allowed, origin, false)) &&
      headers.every((header) => rule.AllowedHeaders?.some((allowed) => wildcardMatches(allowed, header, true))),
  );
}

/** The Access-Control-* headers S3 answers a request from `origin` that `rule` allowed. */
function corsHeaders(rule: CORSRule, origin: string, allowHeaders: readonly string[]): Record<string, string> {
  const anyOrigin = rule.AllowedOrigins?.includes('*') ?? false;
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': anyOrigin ? '*' : origin,
    'Access-Control-Allow-Methods': (rule.AllowedMethods ?? []).join(', '),
    Vary: VARY,
  };
  // S3 allows credentials whenever it names the origin (not for `*`, where browsers refuse them).
  if (!anyOrigin) headers['Access-Control-Allow-Credentials'] = 'true';
  if (allowHeaders.length) headers['Access-Control-Allow-Headers'] = allowHeaders.join(', ');
  if (rule.ExposeHeaders?.length) headers['Access-Control-Expose-Headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds) headers['Access-Control-Max-Age'] = String(rule.MaxAgeSeconds);
  return headers;
}

/** `/bucket/key` -> the bucket and whether a key follows; undefined for `/`. */
function bucketOfPath(path: string): { bucket: string; object: boolean } | undefined {
  const slash = path.indexOf('/', 1);
  const segment = slash < 0 ? path.slice(1) : path.slice(1, slash);
  if (!segment) return undefined;
  let bucket: string;
  try {
    bucket = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  return { bucket, object: slash >= 0 && slash < path.length - 1 };
}

/** S3's answer to a CORS preflight (`OPTIONS`): 200 with the rule's headers, or the error S3 gives. */
export function preflight(store: CorsStore, request: HttpRequest): WireResponse {
  const origin = headerValue(request.headers, 'origin');
  if (!origin) throw CorsErrors.originNeeded();
  const requestMethod = headerValue(request.headers, 'access-control-request-method');
  const target = bucketOfPath(request.path);
  const rules = target ? store.bucketRules(target.bucket) : undefined;
  if (!rules) throw CorsErrors.forbidden('CORSResponse: Bucket not found', requestMethod ?? 'OPTIONS', 'BUCKET');
  if (rules.length === 0)
    throw CorsErrors.forbidden(
      'CORSResponse: CORS is not enabled for this bucket.',
      requestMethod ?? 'OPTIONS',
      'BUCKET',
    );
  if (!requestMethod || !CORS_METHODS.has(requestMethod)) throw CorsErrors.invalidRequestMethod(requestMethod);
  const wanted = requestedHeaders(request.headers);
  const rule = matchingRule(rules, origin, requestMethod, wanted);
  if (!rule) throw CorsErrors.forbidden(CORS_DENIED, requestMethod, target?.object ? 'OBJECT' : 'BUCKET');
  return { status: 200, headers: corsHeaders(rule, origin, wanted), body: '' };
}

/**
 * The CORS headers for the answer to a request with an `Origin` (undefined without one, or when no
 * rule allows it: S3 then answers as usual, without them, and the browser refuses the answer).
 */
export function requestCorsHeaders(store: CorsStore, request: HttpRequest): Record<string, string> | undefined {
  const origin = headerValue(request.headers, 'origin');
  if (!origin || request.method === 'OPTIONS') return undefined;
  const target = bucketOfPath(request.path);
  const rules = target ? store.rules(target.bucket) : undefined;
  if (!rules) return undefined;
  const rule = matchingRule(rules, origin, request.method, []);
  return rule ? corsHeaders(rule, origin, []) : undefined;
}

export function corsHandlers(s3: S3Service, store: CorsStore) {
  return {
    PutBucketCors(input: PutBucketCorsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      store.set(bucket.name, validateCorsRules(input.CORSConfiguration?.CORSRules));
      return {};
    },

    GetBucketCors(input: GetBucketCorsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      const rules = store.rules(bucket.name);
      if (!rules) throw CorsErrors.noSuchConfiguration(bucket.name);
      return { CORSRules: rules };
    },

    DeleteBucketCors(input: DeleteBucketCorsRequest, ctx: RequestContext) {
      const bucket = s3.bucket(input.Bucket, ctx);
      store.set(bucket.name, undefined);
      return {};
    },
  };
}
