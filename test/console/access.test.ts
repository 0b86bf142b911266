/**
 * Who may use the console, with plain HTTP requests and forged headers: a page of another origin
 * and a DNS-rebinding Host are refused, the API needs the per-start token, and the page and its
 * bundle are served with the right caching headers. `console: false` serves none of it.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloud } from '../../src/cloud/cloud.js';
import { useCloud } from '../helpers/cloud.js';
import { ensureConsoleBuilt } from './support.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request (fetch would not let a test forge Host). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The token a page finds in index.html. */
function tokenOf(html: string): string {
  const match = /<script id="console-config" type="application\/json">(.*?)<\/script>/.exec(html);
  return (JSON.parse(match?.[1] ?? '{}') as { token: string }).token;
}

describe('on loopback', () => {
  beforeAll(ensureConsoleBuilt);
  const t = useCloud();
  const base = () => `${t.url}/_console`;
  const host = () => new URL(t.url).host;
  const listCall = JSON.stringify({ service: 'sqs', operation: 'ListQueues', input: {} });

  it('serves the page uncached with its token, and hashed bundles as immutable', async () => {
    expect(t.cloud.consoleUrl).toBe(`${t.url}/_console/`);
    const page = await send(`${base()}/`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(tokenOf(page.body)).toMatch(/^[\w-]{32}$/);
    const script = /src="(assets\/console-\w+\.js)"/.exec(page.body)?.[1];
    const bundle = await send(`${base()}/${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(bundle.headers['content-encoding']).toBe('gzip');
    expect((await send(`${base()}/assets/nothing.js`)).status).toBe(404);
    expect((await send(`${t.url}/_console`)).headers['location']).toBe('/_console/');
  });

  it('answers the API with the token, from its own origin', async () => {
    const token = tokenOf((await send(`${base()}/`)).body);
    const answer = await send(`${base()}/api/call`, {
      method: 'POST',
      headers: { 'x-console-token': token, origin: `http://${host()}`, 'content-type': 'application/json' },
      body: listCall,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ output: {} });
  });

  it('refuses a cross-origin request even with the token', async () => {
    const token = tokenOf((await send(`${base()}/`)).body);
    const answer = await send(`${base()}/api/call`, {
      method: 'POST',
      headers: { 'x-console-token': token, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: listCall,
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe('AccessDenied');
    // A state change with no Origin at all is not the console's page either.
    const noOrigin = await send(`${base()}/api/call`, {
      method: 'POST',
      headers: { 'x-console-token': token },
      body: listCall,
    });
    expect(noOrigin.status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) for the page and the API', async () => {
    const evil = { host: `evil.example:${new URL(t.url).port}` };
    expect((await send(`${base()}/`, { headers: evil })).status).toBe(403);
    const answer = await send(`${base()}/api/activity`, { headers: { ...evil, origin: `http://${evil.host}` } });
    expect(answer.status).toBe(403);
    // localhost names this server too.
    expect((await send(`${base()}/`, { headers: { host: `localhost:${new URL(t.url).port}` } })).status).toBe(200);
  });

  it('refuses the API without the token or with a wrong one', async () => {
    expect((await send(`${base()}/api/activity`)).status).toBe(403);
    expect((await send(`${base()}/api/activity`, { headers: { 'x-console-token': 'x'.repeat(32) } })).status).toBe(403);
    const events = await send(`${base()}/api/overview?token=wrong`);
    expect(events.status).toBe(403);
  });

  it('answers bad calls with the service error, never a crash', async () => {
    const token = tokenOf((await send(`${base()}/`)).body);
    const post = (body: string) =>
      send(`${base()}/api/call`, {
        method: 'POST',
        headers: { 'x-console-token': token, origin: `http://${host()}` },
        body,
      });
    const missing = await post(JSON.stringify({ service: 'sqs', operation: 'GetQueueUrl', input: {} }));
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toMatchObject({ code: 'MissingParameter' });
    const notFound = await post(
      JSON.stringify({ service: 'lambda', operation: 'GetFunction', input: { FunctionName: 'nope' } }),
    );
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.body).error.code).toBe('ResourceNotFoundException');
    expect((await post('{nope')).status).toBe(400);
    expect((await post(JSON.stringify({ service: 'ec2', operation: 'RunInstances' }))).status).toBe(404);
    expect(t.logs.filter((line) => line.includes('console'))).toEqual([]);
  });
});

describe('beyond loopback', () => {
  let cloud: RunningCloud;
  beforeAll(async () => {
    ensureConsoleBuilt();
    cloud = await startCloud({ host: '0.0.0.0', port: 0, ephemeral: true });
  });
  afterAll(() => cloud.close());

  it('needs the printed token for the page too, then carries it in a console-only cookie', async () => {
    const consoleUrl = cloud.consoleUrl ?? '';
    const token = new URL(consoleUrl).searchParams.get('token');
    expect(token).toMatch(/^[\w-]{32}$/);
    const local = `http://127.0.0.1:${cloud.port}/_console/`;
    expect((await send(local)).status).toBe(403);
    const page = await send(`${local}?token=${token}`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/_console/');
    // Any Host is accepted here (the machine's names are not all known): the token is the guard.
    const withCookie = await send(local, {
      headers: { cookie: cookie.split(';')[0] ?? '', host: `box.lan:${cloud.port}` },
    });
    expect(withCookie.status).toBe(200);
  });
});

describe('turned off', () => {
  let cloud: RunningCloud;
  beforeAll(async () => {
    cloud = await startCloud({ port: 0, ephemeral: true, console: false });
  });
  afterAll(() => cloud.close());

  it('serves no console and prints no URL', async () => {
    expect(cloud.consoleUrl).toBeUndefined();
    const answer = await send(`${cloud.url}/_console/`);
    expect(answer.status).not.toBe(200);
    expect(answer.body).not.toContain('console-config');
  });
});
