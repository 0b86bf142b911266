/**
 * The event a function URL hands its function: payload format version 2.0, as AWS documents it
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads). Headers are
 * lower-cased with repeated values joined by commas, the Cookie header becomes `cookies`, repeated
 * query parameters are joined by commas, and a body whose content type is not text is base64.
 * Members AWS leaves out when there is nothing to say (cookies, queryStringParameters, body) are
 * left out.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { VerifiedAuth } from '../../auth/sigv4.js';
import { parseQueryString } from '../../query-string.js';

export interface FunctionUrlEvent {
  version: '2.0';
  routeKey: '$default';
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: { iam: IamAuthorizer };
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: '$default';
    stage: '$default';
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

interface IamAuthorizer {
  accessKey: string;
  accountId: string;
  callerId: string;
  cognitoIdentity: null;
  principalOrgId: null;
  userArn: string;
  userId: string;
}

export interface EventSource {
  urlId: string;
  requestId: string;
  /** epoch ms */
  now: number;
  /** The verified signature of an AWS_IAM URL's caller. */
  auth?: VerifiedAuth;
}

/** Content types whose bodies reach the function as text; everything else is base64. */
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|yaml|x-yaml)\b)/i;

export function functionUrlEvent(req: IncomingMessage, body: Buffer, source: EventSource): FunctionUrlEvent {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQueryString = q < 0 ? '' : rawUrl.slice(q + 1);
  const headers = joinedHeaders(req);
  const cookies = headers['cookie']
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  delete headers['cookie'];
  const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  Object.assign(headers, {
    'x-forwarded-for': sourceIp,
    'x-forwarded-proto': secure ? 'https' : 'http',
    'x-forwarded-port': String(req.socket.localPort ?? ''),
  });
  const domainName = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  const query = queryParameters(rawQueryString);
  const text = TEXT_TYPES.test(headers['content-type'] ?? '');
  const auth = source.auth;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      // AWS says `anonymous` for a NONE URL's caller, the signer's account for AWS_IAM.
      accountId: auth ? auth.credentials.accountId : 'anonymous',
      apiId: source.urlId,
      ...(auth ? { authorizer: { iam: iamAuthorizer(auth) } } : {}),
      domainName,
      domainPrefix: source.urlId,
      http: {
        method: req.method ?? 'GET',
        path: decodePath(rawPath),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: source.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(source.now),
      timeEpoch: source.now,
    },
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** Lower-cased names, repeated headers joined by commas (not node's `, `), Host and all. */
function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    // Cookies are separated by `;` in one header; several Cookie headers join the same way.
    const separator = name === 'cookie' ? '; ' : ',';
    headers[name] = headers[name] === undefined ? value : `${headers[name]}${separator}${value}`;
  }
  return headers;
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const joined: Record<string, string> = {};
  for (const [name, value] of parseQueryString(rawQueryString)) {
    joined[name] = joined[name] === undefined ? (value ?? '') : `${joined[name]},${value ?? ''}`;
  }
  return Object.keys(joined).length ? joined : undefined;
}

function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

function iamAuthorizer(auth: VerifiedAuth): IamAuthorizer {
  const { accountId, accessKeyId, principalArn } = auth.credentials;
  const userArn = principalArn ?? `arn:aws:iam::${accountId}:root`;
  return {
    accessKey: accessKeyId,
    accountId,
    callerId: accountId,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn,
    userId: accountId,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`: the common log format's time, in UTC. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
