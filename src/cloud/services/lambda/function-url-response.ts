/**
 * A function URL's HTTP answer from the function's result, as AWS documents it
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload): a
 * JSON object with `statusCode` is a response (headers, body, isBase64Encoded, cookies as
 * Set-Cookie); any other result is the body of a 200 with `content-type: application/json`.
 */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  /** Each a Set-Cookie header. */
  cookies: string[];
  body: Buffer;
}

const JSON_TYPE = { 'content-type': 'application/json' };

export function httpAnswer(payload: Buffer): HttpAnswer {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    result = undefined;
  }
  if (!isResponse(result)) return { statusCode: 200, headers: { ...JSON_TYPE }, cookies: [], body: payload };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (value !== null && value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  headers['content-type'] ??= JSON_TYPE['content-type'];
  const body = result.body ?? '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    statusCode: result.statusCode,
    headers,
    cookies: Array.isArray(result.cookies) ? result.cookies.map(String) : [],
    body: result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}

interface ResponseObject {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
  isBase64Encoded?: unknown;
  cookies?: unknown;
}

function isResponse(value: unknown): value is ResponseObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const status = (value as Record<string, unknown>)['statusCode'];
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599;
}
