/**
 * The Lambda Runtime API (2018-06-01) for one execution environment: a loopback HTTP server on
 * port 0 whose address the process gets as AWS_LAMBDA_RUNTIME_API. It only speaks HTTP; what a
 * call means for the invocation is the environment's business (RuntimeApiHandlers).
 *
 * Function code controls the other end, so nothing it sends may hurt the server: malformed HTTP
 * is answered 400 and dropped, bodies are capped at the response limit (the rest is drained, not
 * buffered), handler exceptions become 500s, and a /next whose socket closed is never used.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** AWS's limit for a synchronous invocation's response (6 MB plus a little framing allowance). */
export const MAX_RESPONSE_BYTES = 6_291_556;

const PREFIX = '/2018-06-01/runtime/';
const NEXT = `${PREFIX}invocation/next`;
const INVOCATION = `${PREFIX}invocation/`;
const INIT_ERROR = `${PREFIX}init/error`;

/** A parked GET /next: the long poll that an invocation answers. */
export interface NextReply {
  /** False once the runtime's socket closed: such a reply can no longer take an invocation. */
  readonly open: boolean;
  send(headers: Record<string, string>, body: Buffer): void;
}

/** How a Runtime API call is answered (the body is JSON). */
export interface ApiAnswer {
  status: number;
  body?: Record<string, unknown>;
}

export const ACCEPTED: ApiAnswer = { status: 202, body: { status: 'OK' } };

export function apiError(status: number, errorType: string, errorMessage: string): ApiAnswer {
  return { status, body: { errorMessage, errorType } };
}

export interface RuntimeApiHandlers {
  /** Parks the reply (undefined) or refuses the call. */
  next(reply: NextReply): ApiAnswer | undefined;
  /** `body` is undefined when it was larger than MAX_RESPONSE_BYTES. */
  response(requestId: string, body: Buffer | undefined): ApiAnswer;
  error(requestId: string, errorType: string | undefined, body: Buffer | undefined): ApiAnswer;
  initError(errorType: string | undefined, body: Buffer | undefined): ApiAnswer;
}

export class RuntimeApiServer {
  private constructor(
    private readonly server: Server,
    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    readonly address: string,
  ) {}

  static async listen(handlers: RuntimeApiHandlers, log: (line: string) => void): Promise<RuntimeApiServer> {
    const server = createServer({ noDelay: true }, (req, res) => route(handlers, req, res, log));
    // The /next long poll may wait for as long as the environment lives; the runtime keeps one
    // connection open for its whole life. No server-side timeouts apply.
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      // A process that dies mid-request resets its connection: expected, not worth a line.
      if (error.code !== 'ECONNRESET')
        log(`lambda: Runtime API: malformed request from the function (${error.message})`);
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new RuntimeApiServer(server, `127.0.0.1:${port}`);
  }

  /** Stops listening and drops every connection (parked /next included). */
  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}

/**
 * Calls on one connection are handled in the order they arrived. A runtime may pipeline them (ours
 * posts a response and its next GET /next in one write), and Node parses both at once: the GET
 * would otherwise be handled before the POST's body has ended, while the invocation still runs.
 */
const queues = new WeakMap<Socket, ((done: () => void) => void)[]>();

function inOrder(socket: Socket, task: (done: () => void) => void): void {
  const queue = queues.get(socket);
  if (queue) {
    queue.push(task);
    return;
  }
  const fresh: ((done: () => void) => void)[] = [];
  queues.set(socket, fresh);
  const run = (current: (done: () => void) => void): void => {
    let finished = false;
    current(() => {
      if (finished) return;
      finished = true;
      const next = fresh.shift();
      if (next) run(next);
      else queues.delete(socket);
    });
  };
  run(task);
}

function route(
  handlers: RuntimeApiHandlers,
  req: IncomingMessage,
  res: ServerResponse,
  log: (l: string) => void,
): void {
  req.on('error', () => {});
  res.on('error', () => {});
  // Handlers see what function code sent; a bug they hit answers 500 instead of reaching the server.
  const reply = (handle: () => ApiAnswer | undefined) => {
    try {
      const result = handle();
      if (result) answer(res, result);
    } catch (error) {
      log(
        `lambda: Runtime API handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      answer(res, apiError(500, 'InternalError', 'Internal error'));
    }
  };
  const url = req.url ?? '';
  const method = req.method ?? '';
  const call = method === 'POST' && url.startsWith(INVOCATION) ? invocationCall(url) : undefined;
  inOrder(req.socket, (done) => {
    if (url === NEXT && method === 'GET') {
      req.resume();
      reply(() => handlers.next(parked(req, res)));
      done();
    } else if (url === INIT_ERROR && method === 'POST') {
      const type = errorTypeHeader(req);
      readBody(req, (body) => {
        reply(() => handlers.initError(type, body));
        done();
      });
    } else if (call) {
      const type = errorTypeHeader(req);
      readBody(req, (body) => {
        reply(() =>
          call.action === 'response' ? handlers.response(call.id, body) : handlers.error(call.id, type, body),
        );
        done();
      });
    } else {
      req.resume();
      answer(res, apiError(404, 'NotFound', 'Not found'));
      done();
    }
  });
}

/** `/2018-06-01/runtime/invocation/{id}/response|error` -> id and action. */
function invocationCall(url: string): { id: string; action: 'response' | 'error' } | undefined {
  const rest = url.slice(INVOCATION.length);
  const slash = rest.lastIndexOf('/');
  const action = rest.slice(slash + 1);
  const id = slash > 0 ? decode(rest.slice(0, slash)) : undefined;
  if (!id || (action !== 'response' && action !== 'error')) return undefined;
  return { id, action };
}

function parked(req: IncomingMessage, res: ServerResponse): NextReply {
  return {
    get open() {
      return !res.writableEnded && !res.destroyed && !req.socket.destroyed;
    },
    send(headers, body) {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    },
  };
}

function errorTypeHeader(req: IncomingMessage): string | undefined {
  const value = req.headers['lambda-runtime-function-error-type'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function decode(id: string): string | undefined {
  try {
    return decodeURIComponent(id);
  } catch {
    return undefined;
  }
}

/** Collects a body up to MAX_RESPONSE_BYTES; past that it is drained and reported as undefined. */
function readBody(req: IncomingMessage, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () =>
    done(tooLarge ? undefined : chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)),
  );
}

function answer(res: ServerResponse, { status, body }: ApiAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const text = body ? JSON.stringify(body) : '';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
