/**
 * The Lambda Runtime API (2018-06-01) for one execution environment: a loopback HTTP/1.1 server on
 * port 0 whose address the process gets as AWS_LAMBDA_RUNTIME_API. It only speaks HTTP; what a
 * call means for the invocation is the environment's business (RuntimeApiHandlers).
 *
 * Plain sockets and http-request-parser.ts instead of node:http: two calls per invocation make
 * this server part of every warm invoke's cost (see the parser for the numbers).
 *
 * Calls on one connection are handled and answered in the order they arrived, so a runtime may
 * pipeline them (ours posts a response and its next GET /next in one write).
 *
 * Function code controls the other end, so nothing it sends may hurt the server: malformed HTTP
 * is answered 400 and the connection closed, bodies are capped at the response limit (the rest is
 * drained, not buffered), a client that sends without reading is paused, handler exceptions become
 * 500s, and a /next whose socket closed is never used.
 */
import { STATUS_CODES } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { HttpParseError, HttpRequestParser, type RequestHead } from './http-request-parser.js';

/** AWS's limit for a synchronous invocation's response (6 MB plus a little framing allowance). */
export const MAX_RESPONSE_BYTES = 6_291_556;

/** Connections one environment may hold open at once. */
const MAX_CONNECTIONS = 32;

const PREFIX = '/2018-06-01/runtime/';
const NEXT = `${PREFIX}invocation/next`;
const INVOCATION = `${PREFIX}invocation/`;
const INIT_ERROR = `${PREFIX}init/error`;
/**
 * Not AWS's: a pre-started runtime process (pool.ts) long-polls here for the function it is to
 * become; the answer is that function's environment variables and working directory.
 */
export const ASSIGNMENT_PATH = '/lambda-tasks/runtime-pool/assignment';

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
  /** Parks a pre-started process's request for its assignment (undefined) or refuses it. */
  assignment?(reply: NextReply): ApiAnswer | undefined;
}

export class RuntimeApiServer {
  private readonly connections = new Set<Connection>();

  private constructor(
    private readonly server: Server,
    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    readonly address: string,
  ) {}

  static async listen(handlers: RuntimeApiHandlers, log: (line: string) => void): Promise<RuntimeApiServer> {
    // The /next long poll may wait for as long as the environment lives; the runtime keeps one
    // connection open for its whole life. No server-side timeouts apply.
    let api: RuntimeApiServer | undefined;
    const server = createServer({ noDelay: true }, (socket) => {
      const connection = new Connection(socket, handlers, log);
      api?.connections.add(connection);
      socket.once('close', () => api?.connections.delete(connection));
    });
    // A runtime needs one or two connections; function code that opens thousands gets refused.
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    api = new RuntimeApiServer(server, `127.0.0.1:${port}`);
    return api;
  }

  /** Stops listening and drops every connection (parked /next included). */
  close(): void {
    this.server.close();
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }
}

/** A call's place in the connection's answer order; `data` once it is answered. */
interface Slot {
  data: Buffer | undefined;
  keepAlive: boolean;
}

/** Pipelined calls waiting for their answer before reading stops (a client that does not read). */
const MAX_PENDING_ANSWERS = 16;

/** One runtime connection: parses calls, hands them to the handlers in order, answers in order. */
class Connection {
  private readonly parser: HttpRequestParser;
  private readonly slots: Slot[] = [];
  private request: { head: RequestHead; slot: Slot; chunks: Buffer[]; size: number; tooLarge: boolean } | undefined;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly handlers: RuntimeApiHandlers,
    private readonly log: (line: string) => void,
  ) {
    this.parser = new HttpRequestParser({
      head: (head) => this.onHead(head),
      body: (chunk) => this.onBody(chunk),
      end: () => this.onEnd(),
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.resumeIfRoom());
    // A process that dies mid-request resets its connection: expected, nothing to report.
    socket.on('error', () => socket.destroy());
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    try {
      this.parser.push(chunk);
    } catch (error) {
      const status = error instanceof HttpParseError ? error.status : 400;
      this.log(`lambda: Runtime API: malformed request from the function (${(error as Error).message})`);
      this.closing = true;
      this.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
  }

  private onHead(head: RequestHead): void {
    const slot: Slot = { data: undefined, keepAlive: head.keepAlive };
    // The interim answer goes out only when nothing is waiting to be answered before it; a client
    // that gets none sends its body after a pause anyway (curl waits one second).
    if (head.expectContinue && this.slots.length === 0) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    this.slots.push(slot);
    this.request = { head, slot, chunks: [], size: 0, tooLarge: false };
    if (this.slots.length >= MAX_PENDING_ANSWERS) this.socket.pause();
  }

  private onBody(chunk: Buffer): void {
    const request = this.request;
    if (!request || request.tooLarge) return;
    request.size += chunk.length;
    if (request.size > MAX_RESPONSE_BYTES) {
      request.tooLarge = true;
      request.chunks = [];
      return;
    }
    request.chunks.push(chunk);
  }

  private onEnd(): void {
    const request = this.request;
    this.request = undefined;
    if (!request) return;
    const { head, slot } = request;
    const body = request.tooLarge
      ? undefined
      : request.chunks.length === 1
        ? (request.chunks[0] as Buffer)
        : Buffer.concat(request.chunks, request.size);
    const path = head.target;
    const call = head.method === 'POST' && path.startsWith(INVOCATION) ? invocationCall(path) : undefined;
    // Handlers see what function code sent; a bug they hit answers 500 instead of reaching the server.
    let answer: ApiAnswer | undefined;
    try {
      if (path === NEXT && head.method === 'GET') answer = this.handlers.next(this.parked(slot));
      else if (path === ASSIGNMENT_PATH && head.method === 'GET' && this.handlers.assignment) {
        answer = this.handlers.assignment(this.parked(slot));
      } else if (path === INIT_ERROR && head.method === 'POST') {
        answer = this.handlers.initError(errorTypeHeader(head), body);
      } else if (call) {
        answer =
          call.action === 'response'
            ? this.handlers.response(call.id, body)
            : this.handlers.error(call.id, errorTypeHeader(head), body);
      } else answer = apiError(404, 'NotFound', 'Not found');
    } catch (error) {
      this.log(
        `lambda: Runtime API handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      answer = apiError(500, 'InternalError', 'Internal error');
    }
    if (answer) this.fill(slot, json(answer.status, {}, answer.body ? JSON.stringify(answer.body) : ''));
  }

  private parked(slot: Slot): NextReply {
    const socket = this.socket;
    const connection = this;
    return {
      get open() {
        return slot.data === undefined && !connection.closing && !socket.destroyed;
      },
      send(headers, body) {
        connection.fill(slot, json(200, headers, body));
      },
    };
  }

  /** Answers a call, then writes every answer that is no longer waiting for an earlier one. */
  private fill(slot: Slot, data: Buffer): void {
    if (slot.data !== undefined || this.closing || this.socket.destroyed) return;
    slot.data = data;
    const ready: Buffer[] = [];
    let close = false;
    while (this.slots[0]?.data !== undefined) {
      const done = this.slots.shift() as Slot;
      ready.push(done.data as Buffer);
      if (!done.keepAlive) {
        close = true;
        break;
      }
    }
    if (ready.length === 0) return;
    const bytes = ready.length === 1 ? (ready[0] as Buffer) : Buffer.concat(ready);
    if (close) {
      this.closing = true;
      this.socket.end(bytes);
      return;
    }
    if (this.socket.write(bytes)) this.resumeIfRoom();
  }

  private resumeIfRoom(): void {
    if (this.slots.length < MAX_PENDING_ANSWERS && !this.socket.writableNeedDrain) this.socket.resume();
  }
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

function errorTypeHeader(head: RequestHead): string | undefined {
  const value = head.headers.get('lambda-runtime-function-error-type');
  return value !== undefined && value !== '' ? value : undefined;
}

function decode(id: string): string | undefined {
  try {
    return decodeURIComponent(id);
  } catch {
    return undefined;
  }
}

/** A whole HTTP/1.1 answer with a JSON body, headers and body in one buffer. */
function json(status: number, headers: Record<string, string>, body: Buffer | string): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nDate: ${httpDate()}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    // Values come from the server, but a line break must never split the answer.
    head += `${name}: ${/[\r\n]/.test(value) ? value.replace(/[\r\n]/g, ' ') : value}\r\n`;
  }
  const headBytes = Buffer.from(`${head}\r\n`, 'latin1');
  return payload.length === 0 ? headBytes : Buffer.concat([headBytes, payload], headBytes.length + payload.length);
}

let dateSecond = 0;
let dateText = '';

/** The Date header's value, formatted once per second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
