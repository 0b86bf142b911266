/**
 * One port for HTTP/1.1, cleartext HTTP/2 (h2c with prior knowledge) and HTTPS. The AWS SDK for
 * JavaScript v3 talks HTTP/2 to Kinesis (its client uses an HTTP/2 handler for every operation,
 * for SubscribeToShard's event stream), while every other client and service uses HTTP/1.1. Each
 * connection's first bytes decide: the HTTP/2 connection preface starts with `PRI `, a method no
 * HTTP/1 request has, and a TLS connection starts with a handshake record (byte 0x16), which no
 * HTTP method starts with; inside TLS, ALPN picks HTTP/2 or HTTP/1.1 as an HTTPS server does. All
 * call the same request handler (Node's HTTP/2 compatibility API gives it request and response
 * objects shaped like HTTP/1's).
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type * as Http2 from 'node:http2';
import type { Http2SecureServer, Http2Server, Http2ServerRequest } from 'node:http2';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * node:http2 is loaded on the first HTTP/2 or TLS connection: most clients speak HTTP/1.1, and
 * loading it costs every start of the cloud a few milliseconds.
 */
let http2Module: typeof Http2 | undefined;
const http2 = () => {
  http2Module ??= createRequire(import.meta.url)('node:http2') as typeof Http2;
  return http2Module;
};

export interface CloudListener extends Server {
  /** Ends every open connection (keep-alive and HTTP/2 sessions), so close() completes at once. */
  closeAllConnections(): void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const HTTP2_PREFACE_START = Buffer.from('PRI ');
/** The first byte of a TLS record carrying a handshake message (the ClientHello). */
const TLS_HANDSHAKE = 0x16;

/** The server certificate and key in PEM. */
export interface TlsCredentials {
  key: string;
  cert: string;
}

/** `tls` gives the certificate for HTTPS connections, asked for on the first one. */
export function createListener(handler: RequestHandler, tls?: () => TlsCredentials): CloudListener {
  const http1 = createHttp1Server(handler);
  http1.keepAliveTimeout = 65_000;
  let cleartextHttp2: Http2Server | undefined;
  const http2Server = () =>
    (cleartextHttp2 ??= http2().createServer({}, (req, res) =>
      handler(asHttp1Request(req), res as unknown as ServerResponse),
    ));
  // Node's secure HTTP/2 server answers HTTP/1.1 too (allowHTTP1) when ALPN picks it: the HTTPS
  // server, made on the first TLS connection.
  let https: Http2SecureServer | undefined;
  const secureServer = (credentials: TlsCredentials) =>
    (https ??= http2().createSecureServer({ ...credentials, allowHTTP1: true }, (req, res) =>
      handler(asHttp1Request(req), res as unknown as ServerResponse),
    ));
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (head: Buffer) => {
      socket.pause();
      if (tls && head[0] === TLS_HANDSHAKE) {
        secureServer(tls()).emit('connection', replaying(head, socket));
        return;
      }
      if (head.subarray(0, HTTP2_PREFACE_START.length).equals(HTTP2_PREFACE_START)) {
        http2Server().emit('connection', replaying(head, socket));
        return;
      }
      // HTTP/1's parser reads bytes that are in the socket's buffer before the ones still to come.
      socket.unshift(head);
      http1.emit('connection', socket);
      socket.resume();
    });
  }) as CloudListener;
  // Every connection, HTTP/1.1 or HTTP/2, is one of these sockets.
  server.closeAllConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  return server;
}

/** The listening server's URL (`http://127.0.0.1:4566`; an IPv6 host in brackets). */
export function serverUrl(server: Server, host: string): string {
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${address.port}`;
}

/**
 * The socket as a stream that first replays the bytes already read. HTTP/2 sessions read a native
 * socket's handle directly, past anything put back into its JavaScript buffer, so the preface would
 * be lost; given a plain Duplex, the session reads through it instead. Only HTTP/2 connections
 * (the JavaScript SDK's Kinesis client) pay for the extra copy.
 */
function replaying(head: Buffer, socket: Socket): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (error) => stream.destroy(error));
  return stream;
}

/**
 * HTTP/2 carries the host in the `:authority` pseudo-header; SigV4 signs it as `host`, and the
 * handler reads `host` for the server's own URL. Pseudo-headers are left out of rawHeaders.
 */
function asHttp1Request(req: Http2ServerRequest): IncomingMessage {
  const authority = req.headers[':authority'];
  if (authority && !req.headers.host) {
    req.headers.host = authority;
    const raw = req.rawHeaders.filter((_, i, all) => !(all[i - (i % 2)] as string).startsWith(':'));
    Object.defineProperty(req, 'rawHeaders', { value: ['host', authority, ...raw] });
  }
  return req as unknown as IncomingMessage;
}
