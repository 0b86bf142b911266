/**
 * A function URL's CORS settings applied to its answers
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors): a request from
 * an allowed Origin gets Access-Control-Allow-Origin (and -Credentials, -Expose-Headers); a
 * preflight (OPTIONS with Access-Control-Request-Method) is answered from the settings alone,
 * with the allowed methods, headers and max age. Without a Cors config nothing is added and an
 * OPTIONS request goes to the function like any other.
 */
import type { IncomingMessage } from 'node:http';
import type { Cors } from '@aws-sdk/client-lambda';

/** The Origin when the config allows it (`*` allows any). */
function allowedOrigin(req: IncomingMessage, cors: Cors | undefined): string | undefined {
  const origin = req.headers.origin;
  if (!cors || !origin) return undefined;
  const origins = cors.AllowOrigins ?? [];
  if (origins.includes('*')) return cors.AllowCredentials ? origin : '*';
  return origins.some((o) => o.toLowerCase() === origin.toLowerCase()) ? origin : undefined;
}

export function isPreflight(req: IncomingMessage, cors: Cors | undefined): boolean {
  return cors !== undefined && req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/** Headers every answer to an allowed cross-origin request carries. */
export function corsHeaders(req: IncomingMessage, cors: Cors | undefined): Record<string, string> {
  const origin = allowedOrigin(req, cors);
  if (!cors || !origin) return {};
  return {
    'access-control-allow-origin': origin,
    ...(cors.AllowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    ...(cors.ExposeHeaders?.length ? { 'access-control-expose-headers': cors.ExposeHeaders.join(',') } : {}),
    ...(origin !== '*' ? { vary: 'Origin' } : {}),
  };
}

/** What a preflight from an allowed Origin is told (the CORS headers themselves come from corsHeaders). */
export function preflightHeaders(req: IncomingMessage, cors: Cors | undefined): Record<string, string> {
  if (!cors || !allowedOrigin(req, cors)) return {};
  return {
    ...(cors.AllowMethods?.length ? { 'access-control-allow-methods': cors.AllowMethods.join(',') } : {}),
    ...(cors.AllowHeaders?.length ? { 'access-control-allow-headers': cors.AllowHeaders.join(',') } : {}),
    ...(cors.MaxAge !== undefined ? { 'access-control-max-age': String(cors.MaxAge) } : {}),
  };
}
