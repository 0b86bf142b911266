/**
 * The Runtime API server over real sockets, with handlers that record what they get: interim
 * answers, connection handling, answer order behind a parked GET /next, and the body cap.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCEPTED,
  MAX_RESPONSE_BYTES,
  type NextReply,
  type RuntimeApiHandlers,
  RuntimeApiServer,
} from '../../../src/cloud/lambda/runtime-api.js';
import { waitFor } from '../../helpers/wait.js';

/** Polls a condition until it holds (with waitFor's deadline). */
const until = (what: string, condition: () => boolean) => waitFor(what, () => condition() || undefined);

const servers: RuntimeApiServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

interface Recorder {
  handlers: RuntimeApiHandlers;
  parked: NextReply[];
  responses: { id: string; body: string | undefined }[];
  log: string[];
}

async function start(): Promise<{ api: RuntimeApiServer; rec: Recorder }> {
  const rec: Recorder = {
    parked: [],
    responses: [],
    log: [],
    handlers: {
      next: (reply) => {
        rec.parked.push(reply);
        return undefined;
      },
      response: (id, body) => {
        rec.responses.push({ id, body: body?.toString() });
        return ACCEPTED;
      },
      error: () => ACCEPTED,
      initError: () => ACCEPTED,
    },
  };
  const api = await RuntimeApiServer.listen(rec.handlers, (line) => rec.log.push(line));
  servers.push(api);
  return { api, rec };
}

/** A raw connection that collects everything the server sends, and whether it closed. */
async function connect(api: RuntimeApiServer) {
  const [host, port] = api.address.split(':');
  const socket = net.connect(Number(port), host);
  await new Promise((resolve) => socket.once('connect', resolve));
  const state = { text: '', closed: false };
  socket.on('data', (chunk) => {
    state.text += chunk.toString('latin1');
  });
  socket.on('close', () => {
    state.closed = true;
  });
  socket.on('error', () => {});
  return { socket, state };
}

const POST = (id: string, body: string, extra = '') =>
  `POST /2018-06-01/runtime/invocation/${id}/response HTTP/1.1\r\nHost: api\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const NEXT = 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: api\r\n\r\n';
const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];

describe('the Runtime API server', () => {
  it('answers a pipelined call only after the parked GET /next before it', async () => {
    const { api, rec } = await start();
    const { socket, state } = await connect(api);
    socket.write(NEXT + POST('a', '"late"'));
    await until('the response handled', () => rec.responses.length === 1);
    expect(state.text).toBe(''); // the POST is handled, but its answer waits behind the GET's
    rec.parked[0]?.send({ 'Lambda-Runtime-Aws-Request-Id': 'a' }, Buffer.from('{"event":1}'));
    await until('two answers', () => statusLines(state.text).length === 2);
    expect(statusLines(state.text)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 202 Accepted']);
    expect(state.text).toContain('Lambda-Runtime-Aws-Request-Id: a\r\n');
    expect(state.text).toContain('\r\n\r\n{"event":1}HTTP/1.1 202');
    socket.destroy();
  });

  it('sends 100 Continue to a client that expects it, then takes the body', async () => {
    const { api, rec } = await start();
    const { socket, state } = await connect(api);
    socket.write(
      'POST /2018-06-01/runtime/invocation/b/response HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n',
    );
    await until('100 Continue', () => state.text.startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
    socket.write('"ok"');
    await until('202 Accepted', () => state.text.includes('202 Accepted'));
    expect(rec.responses).toEqual([{ id: 'b', body: '"ok"' }]);
    socket.destroy();
  });

  it('closes the connection after answering HTTP/1.0 calls and Connection: close', async () => {
    const { api } = await start();
    const ten = await connect(api);
    ten.socket.write('GET /nope HTTP/1.0\r\n\r\n');
    await until('the HTTP/1.0 connection closed', () => ten.state.closed);
    expect(statusLines(ten.state.text)).toEqual(['HTTP/1.1 404 Not Found']);
    const close = await connect(api);
    close.socket.write(`${POST('c', '1', 'Connection: close\r\n')}${POST('d', '2')}`);
    await until('the Connection: close connection closed', () => close.state.closed);
    expect(statusLines(close.state.text)).toEqual(['HTTP/1.1 202 Accepted']); // nothing after the close
  });

  it('refuses malformed calls with 400 and oversized headers with 431, and closes', async () => {
    const { api, rec } = await start();
    const bad = await connect(api);
    bad.socket.write('POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n');
    await until('the malformed call connection closed', () => bad.state.closed);
    expect(statusLines(bad.state.text)).toEqual(['HTTP/1.1 400 Bad Request']);
    const big = await connect(api);
    big.socket.write(`GET /x HTTP/1.1\r\nX-Big: ${'x'.repeat(70_000)}`);
    await until('the oversized call connection closed', () => big.state.closed);
    expect(statusLines(big.state.text)).toEqual(['HTTP/1.1 431 Request Header Fields Too Large']);
    expect(rec.log.filter((line) => line.includes('malformed request'))).toHaveLength(2);
  });

  it('drains a body over the response limit and reports it as missing', async () => {
    const { api, rec } = await start();
    const { socket, state } = await connect(api);
    socket.write(POST('big', 'x'.repeat(MAX_RESPONSE_BYTES + 1)));
    socket.write(POST('small', '"fine"'));
    await until('two answers', () => statusLines(state.text).length === 2);
    expect(rec.responses).toEqual([
      { id: 'big', body: undefined },
      { id: 'small', body: '"fine"' },
    ]);
    socket.destroy();
  });

  it('refuses connections beyond its limit, and takes new ones once others close', async () => {
    const { api } = await start();
    const open = await Promise.all(Array.from({ length: 32 }, () => connect(api)));
    const extra = await connect(api);
    await until('the extra connection refused', () => extra.state.closed);
    for (const c of open) c.socket.destroy();
    // The server sees the hang-ups a moment later: try until a new connection is answered.
    await waitFor('a new connection answered', async () => {
      const later = await connect(api);
      later.socket.write('GET /nope HTTP/1.1\r\n\r\n');
      await until('an answer or a refusal', () => later.state.closed || later.state.text.includes('404 Not Found'));
      later.socket.destroy();
      return later.state.text.includes('404 Not Found') || undefined;
    });
  });

  it('drops parked calls when it closes', async () => {
    const { api, rec } = await start();
    const { socket, state } = await connect(api);
    socket.write(NEXT);
    await until('GET /next parked', () => rec.parked.length === 1);
    expect(rec.parked[0]?.open).toBe(true);
    api.close();
    await until('the connection closed', () => state.closed);
    expect(rec.parked[0]?.open).toBe(false);
  });
});
