/**
 * Function URLs answering over HTTP: the payload format 2.0 event the function receives (path,
 * query, joined headers, cookies, request context), the answer mapped back (a response object, a
 * plain result, a binary body, cookies, a function error), who may call (NONE with and without the
 * resource policy's grant, AWS_IAM signed and unsigned), CORS preflights, and an unknown URL id.
 * `*.localhost` does not resolve in Node, so requests go to 127.0.0.1 with the URL's Host; curl
 * resolves it as browsers do, and one request goes through curl.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type RequestOptions, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { promisify } from 'node:util';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  type FunctionUrlAuthType,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../auth/helpers.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { zip } from '../../helpers/zip.js';
import { deployFunction } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

/** Echoes the event, or answers as the path asks. */
const HANDLER = `
exports.handler = async (event) => {
  switch (event.rawPath) {
    case '/error': throw new Error('boom');
    case '/plain': return { hello: 'world' };
    case '/binary':
      return {
        statusCode: 201,
        headers: { 'Content-Type': 'application/octet-stream', 'X-Custom': 'yes' },
        cookies: ['session=abc; Path=/', 'theme=dark'],
        body: event.isBase64Encoded ? event.body : Buffer.from(event.body ?? '').toString('base64'),
        isBase64Encoded: true,
      };
    default:
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
  }
};
`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** `*.localhost` is loopback (as browsers and curl resolve it). */
const loopback: LookupFunction = (_host, options, callback) => {
  if (options.all)
    (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  else callback(null, '127.0.0.1', 4);
};

interface SendInit {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer;
}

function send(url: string, init: SendInit = {}): Promise<Answer> {
  const secure = url.startsWith('https:');
  const options: RequestOptions = {
    method: init.method ?? 'GET',
    ...(init.headers ? { headers: init.headers } : {}),
    lookup: loopback,
    // The cloud's certificate names `*.lambda-url.<region>.localhost` for every region: trust its CA.
    ...(secure ? { ca: readFileSync(t.cloud.caFile()) } : {}),
  };
  return new Promise<Answer>((resolve, reject) => {
    const req = (secure ? httpsRequest : request)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

/** A signed request, as `aws-sigv4` clients (and the SDK's signer) make them for service `lambda`. */
async function signed(url: string, service = 'lambda', body?: Buffer): Promise<Answer> {
  const u = new URL(url);
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service, sha256: NodeSha256 });
  const method = body ? 'POST' : 'GET';
  const request_ = await signer.sign({
    method,
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    query: Object.fromEntries(u.searchParams),
    headers: { host: u.host, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
  return send(url, { method, headers: request_.headers, ...(body ? { body } : {}) });
}

let functionName: string;
beforeAll(async () => {
  functionName = await deployFunction(t.lambda(), await zip({ 'index.js': HANDLER }));
});

/**
 * A URL with the given auth type for a new alias of the function (or for $LATEST, once); NONE URLs
 * get the public grant unless told not to.
 */
async function functionUrl(
  authType: FunctionUrlAuthType,
  options: { latest?: boolean; grant?: boolean; cors?: Record<string, unknown> } = {},
): Promise<string> {
  const lambda = t.lambda();
  let qualifier: string | undefined;
  if (!options.latest) {
    qualifier = randomName('alias');
    const version = await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
    await lambda.send(
      new CreateAliasCommand({ FunctionName: functionName, Name: qualifier, FunctionVersion: version.Version }),
    );
  }
  const target = { FunctionName: functionName, ...(qualifier ? { Qualifier: qualifier } : {}) };
  const created = await lambda.send(
    new CreateFunctionUrlConfigCommand({
      ...target,
      AuthType: authType,
      ...(options.cors ? { Cors: options.cors } : {}),
    }),
  );
  if (authType === 'NONE' && options.grant !== false) {
    await lambda.send(
      new AddPermissionCommand({
        ...target,
        StatementId: randomName('public'),
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    );
  }
  return created.FunctionUrl as string;
}

describe('function URLs: serving', () => {
  it('hands the function a payload format 2.0 event and returns its response', async () => {
    const url = await functionUrl('NONE');
    const urlId = new URL(url).hostname.split('.')[0] as string;
    const answer = await send(`${url}items/a%20b?tag=x&tag=y&q=hello%20world`, {
      headers: { 'User-Agent': 'serving-test', 'X-Multi': ['one', 'two'], Cookie: 'a=1; b=2' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const event = json(answer);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/items/a%20b',
      rawQueryString: 'tag=x&tag=y&q=hello%20world',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { tag: 'x,y', q: 'hello world' },
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        apiId: urlId,
        domainName: new URL(url).hostname,
        domainPrefix: urlId,
        http: {
          method: 'GET',
          path: '/items/a b',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'serving-test',
        },
        requestId: answer.headers['x-amzn-requestid'],
        routeKey: '$default',
        stage: '$default',
      },
    });
    const headers = event['headers'] as Record<string, string>;
    expect(headers).toMatchObject({ 'x-multi': 'one,two', 'user-agent': 'serving-test', 'x-forwarded-proto': 'http' });
    expect(headers).not.toHaveProperty('cookie');
    expect(event).not.toHaveProperty('body');
    const context = event['requestContext'] as Record<string, unknown>;
    expect(context).not.toHaveProperty('authorizer');
    expect(context['time']).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(Number(context['timeEpoch']) - Date.now())).toBeLessThan(60_000);

    // A result without statusCode is a JSON 200 body as it is.
    const plain = await send(`${url}plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/json');
    expect(json(plain)).toEqual({ hello: 'world' });

    // The same URL over HTTPS (the port speaks both).
    const secure = await send(`${url.replace(/^http:/, 'https:')}plain`);
    expect(secure.status).toBe(200);
    expect(json(secure)).toEqual({ hello: 'world' });
    const secureEvent = json(await send(url.replace(/^http:/, 'https:')));
    expect(secureEvent['headers']).toMatchObject({ 'x-forwarded-proto': 'https' });

    // curl resolves *.localhost to loopback, as browsers do.
    const { stdout } = await promisify(execFile)('curl', ['-s', `${url}plain`]);
    expect(JSON.parse(stdout)).toEqual({ hello: 'world' });
  });

  it('passes a binary body base64-encoded and answers binary, with cookies as Set-Cookie', async () => {
    const url = await functionUrl('NONE', { latest: true });
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 255]);
    const answer = await send(`${url}binary`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.equals(bytes)).toBe(true);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['x-custom']).toBe('yes');
    expect(answer.headers['set-cookie']).toEqual(['session=abc; Path=/', 'theme=dark']);

    // A text body reaches the function as text.
    const echoed = json(
      await send(`${url}echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('{"a":1}'),
      }),
    );
    expect(echoed).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    expect(echoed['requestContext']).toMatchObject({ http: { method: 'POST' } });
  });

  it('answers 502 when the function fails, 403 without the public grant, 404 for an unknown URL id', async () => {
    const url = await functionUrl('NONE');
    const failed = await send(`${url}error`);
    expect(failed.status).toBe(502);
    expect(json(failed)).toEqual({ Message: 'Internal Server Error' });

    const ungranted = await functionUrl('NONE', { grant: false });
    const refused = await send(ungranted);
    expect(refused.status).toBe(403);
    expect(json(refused)).toEqual({ Message: 'Forbidden' });

    const unknown = new URL(url);
    unknown.hostname = `${'0'.repeat(32)}.lambda-url.us-east-1.localhost`;
    const missing = await send(unknown.toString());
    expect(missing.status).toBe(404);
  });

  it('answers 413 to a body over the 6 MB synchronous payload limit, without invoking', async () => {
    const url = await functionUrl('NONE');
    const tooLarge = await send(url, { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 + 1, 'a') });
    expect(tooLarge.status).toBe(413);
    expect(json(tooLarge)).toEqual({ Message: 'Request Entity Too Large' });
    // The same URL still serves a body within the limit.
    expect((await send(url, { method: 'POST', body: Buffer.from('{}') })).status).toBe(200);
  });

  it('AWS_IAM: a SigV4 request for lambda is served with the caller in the event; unsigned or for another service, 403', async () => {
    const url = await functionUrl('AWS_IAM');
    const answer = await signed(`${url}who?x=1`);
    expect(answer.status).toBe(200);
    const event = json(answer);
    expect(event['requestContext']).toMatchObject({
      accountId: '000000000000',
      authorizer: {
        iam: {
          accessKey: TEST_CREDENTIALS.accessKeyId,
          accountId: '000000000000',
          userArn: 'arn:aws:iam::000000000000:root',
          cognitoIdentity: null,
          principalOrgId: null,
        },
      },
    });
    expect(event).toMatchObject({ rawPath: '/who', queryStringParameters: { x: '1' } });
    const posted = json(await signed(`${url}echo`, 'lambda', Buffer.from('{"signed":true}')));
    expect(posted).toMatchObject({ body: '{"signed":true}' });

    for (const refused of [await send(url), await signed(url, 's3')]) {
      expect(refused.status).toBe(403);
      expect(json(refused)).toEqual({ Message: 'Forbidden' });
    }
  });

  it('answers CORS preflights from the URL’s config and adds the CORS headers to answers', async () => {
    const cors = {
      AllowOrigins: ['https://app.example.com'],
      AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['x-token'],
      ExposeHeaders: ['x-custom'],
      MaxAge: 300,
      AllowCredentials: true,
    };
    const url = await functionUrl('NONE', { cors });
    const preflight = await send(`${url}error`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    // The function (which would fail on /error) does not run.
    expect(preflight.status).toBe(200);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'x-token',
      'access-control-max-age': '300',
      'access-control-allow-credentials': 'true',
    });

    const answer = await send(`${url}plain`, { headers: { Origin: 'https://app.example.com' } });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-expose-headers': 'x-custom',
    });
    const other = await send(`${url}plain`, { headers: { Origin: 'https://evil.example.com' } });
    expect(other.headers).not.toHaveProperty('access-control-allow-origin');
  });
});
