/**
 * The web console the local cloud serves under /_console/ (bucket names cannot start with `_`, so
 * no S3 path collides): the page, its bundle, a small JSON API over the services' own handlers,
 * and live updates. See access.ts for who may use it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudContext } from '../cloud/context.js';
import { AwsError } from '../cloud/errors.js';
import type { RequestLogEntry } from '../cloud/server.js';
import type { ServiceDefinition } from '../cloud/service.js';
import type { ServiceCall } from '../cloud/service-caller.js';
import { ConsoleAccess, hostForm, TOKEN_COOKIE } from './access.js';
import { ActivityLog } from './activity-log.js';
import { fromJson, toJson } from './json-values.js';
import { LiveUpdates } from './live-updates.js';
import { resourceCounts } from './overview.js';
import { CONSOLE_PREFIX } from './paths.js';
import { consoleCaller } from './service-calls.js';
import { type Asset, findWebRoot, StaticAssets } from './static-assets.js';

/** Largest JSON body the console's API takes (an S3 upload from the page is base64 in it). */
const MAX_API_BODY_BYTES = 8 * 1024 * 1024;

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export interface WebConsoleOptions {
  context: CloudContext;
  services: () => Record<string, ServiceDefinition>;
  /** The address the cloud listens on. */
  host: string;
  /** @default built from dist/console/web */
  assets?: StaticAssets;
}

export class WebConsole {
  readonly access: ConsoleAccess;
  private readonly activity: ActivityLog;
  private readonly live: LiveUpdates;
  private readonly call: ServiceCall;
  private readonly assets: StaticAssets;
  private baseUrl = '';

  constructor(private readonly options: WebConsoleOptions) {
    this.access = new ConsoleAccess({ host: options.host });
    this.activity = new ActivityLog(options.context.events);
    this.live = new LiveUpdates(options.context.events);
    this.call = consoleCaller(options.context, options.services);
    this.assets = options.assets ?? new StaticAssets(findWebRoot());
  }

  /** Called once the cloud listens. */
  listening(host: string, port: number): void {
    this.access.listening(port);
    this.baseUrl = `http://${hostForm(host)}:${port}${CONSOLE_PREFIX}/`;
  }

  /**
   * The URL to open: with the token when the cloud listens beyond loopback (then the token is
   * needed for everything); on loopback the page itself hands its token to its own scripts.
   */
  get url(): string {
    return this.access.loopback ? this.baseUrl : `${this.baseUrl}?token=${this.access.token}`;
  }

  /** Every AWS API request the server answered: changes are announced to open consoles. */
  requestAnswered(entry: RequestLogEntry): void {
    this.live.requestAnswered(entry);
  }

  close(): void {
    this.activity.close();
  }

  /** True when the request is the console's (the server then leaves it to handle()). */
  claims(path: string): boolean {
    return path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      this.options.context.log(`console: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'InternalFailure', message: 'The console failed.' } });
      else res.destroy();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname.slice(CONSOLE_PREFIX.length);
    const method = req.method ?? 'GET';
    const api = path.startsWith('/api/');
    const changes = method !== 'GET' && method !== 'HEAD';
    const decision = this.access.check(req, url.searchParams, { api, changes });
    if (decision.type === 'refused') {
      sendJson(res, decision.status, { error: { code: 'AccessDenied', message: decision.reason } });
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (path === '') {
      res.writeHead(308, { location: `${CONSOLE_PREFIX}/${url.search}` }).end();
      return;
    }
    if (!api) {
      if (changes) return sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: `${method} ${path}` } });
      if (path.startsWith('/assets/')) {
        const asset = this.assets.asset(path.slice('/assets/'.length), gzip);
        if (asset) return sendAsset(res, asset, method);
        return sendJson(res, 404, { error: { code: 'NotFound', message: `No console asset ${path}` } });
      }
      // Every other path is the page (path routing would work too; the page routes by its hash).
      const page = this.assets.page({ token: this.access.token, region: this.options.context.region }, gzip);
      const headers: Record<string, string> = { ...page.headers, ...PAGE_HEADERS };
      if (!this.access.loopback && url.searchParams.get('token') === this.access.token) {
        headers['set-cookie'] =
          `${TOKEN_COOKIE}=${this.access.token}; Path=${CONSOLE_PREFIX}/; HttpOnly; SameSite=Strict`;
      }
      return sendAsset(res, { ...page, headers }, method);
    }
    const endpoint = `${method} ${path.slice('/api'.length)}`;
    switch (endpoint) {
      case 'GET /events':
        this.live.open(res);
        return;
      case 'GET /activity':
        return sendJson(res, 200, this.activity.snapshot());
      case 'GET /overview': {
        const served = new Set(Object.keys(this.options.services()));
        return sendJson(res, 200, {
          region: this.options.context.region,
          counts: await resourceCounts(this.call, served),
        });
      }
      case 'POST /call':
        return this.serviceCall(req, res);
      case 'GET /s3/object':
        return this.download(url.searchParams, res);
      default:
        return sendJson(res, 404, { error: { code: 'NotFound', message: `No console API ${endpoint}` } });
    }
  }

  /** `{ service, operation, input }` -> `{ output }`, or `{ error: { code, message } }` with AWS's status. */
  private async serviceCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let request: { service?: unknown; operation?: unknown; input?: unknown };
    try {
      request = JSON.parse((await readBody(req, MAX_API_BODY_BYTES)).toString('utf8'));
    } catch (error) {
      return sendJson(res, 400, {
        error: { code: 'BadRequest', message: `Not a JSON request: ${(error as Error).message}` },
      });
    }
    const { service, operation } = request;
    const input = request.input ?? {};
    if (typeof service !== 'string' || typeof operation !== 'string' || typeof input !== 'object' || input === null) {
      return sendJson(res, 400, {
        error: { code: 'BadRequest', message: 'Expected { "service": string, "operation": string, "input": object }' },
      });
    }
    const started = performance.now();
    try {
      const output = await this.call(service, operation, fromJson(input) as Record<string, unknown>);
      this.live.requestAnswered({ method: 'POST', service, operation, status: 200, ms: performance.now() - started });
      sendJson(res, 200, { output: await toJson(output) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    }
  }

  /** An S3 object as a download (a link the page opens; the token rides in the query). */
  private async download(query: URLSearchParams, res: ServerResponse): Promise<void> {
    const Bucket = query.get('bucket') ?? '';
    const Key = query.get('key') ?? '';
    try {
      const output = await this.call<{ Body?: NodeJS.ReadableStream | Uint8Array; ContentType?: string }>(
        's3',
        'GetObject',
        { Bucket, Key },
      );
      const name = Key.split('/').pop() || 'object';
      res.writeHead(200, {
        'content-type': output.ContentType ?? 'application/octet-stream',
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        'cache-control': 'no-store',
      });
      const body = output.Body;
      if (body instanceof Uint8Array) res.end(body);
      else if (body) body.pipe(res);
      else res.end();
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    }
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendAsset(res: ServerResponse, asset: Asset, method: string): void {
  res.writeHead(asset.status, { ...asset.headers, 'content-length': String(asset.body.length) });
  res.end(method === 'HEAD' ? undefined : asset.body);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new Error(`the body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
