/** The Runtime API's request parser: what it accepts, split anywhere, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { HttpParseError, HttpRequestParser, MAX_HEAD_BYTES } from '../../../src/cloud/lambda/http-request-parser.js';

interface Parsed {
  method: string;
  target: string;
  headers: Record<string, string>;
  keepAlive: boolean;
  expectContinue: boolean;
  body: string;
}

/** Feeds the pieces in order; returns the requests seen (complete ones only). */
function parse(pieces: Buffer[]): Parsed[] {
  const done: Parsed[] = [];
  let current: Parsed | undefined;
  const parser = new HttpRequestParser({
    head: (h) => {
      current = { ...h, headers: Object.fromEntries(h.headers), body: '' };
    },
    body: (chunk) => {
      if (current) current.body += chunk.toString('latin1');
    },
    end: () => {
      if (current) done.push(current);
      current = undefined;
    },
  });
  for (const piece of pieces) parser.push(piece);
  return done;
}

function parseError(text: string): HttpParseError {
  try {
    parse([Buffer.from(text, 'latin1')]);
  } catch (error) {
    if (error instanceof HttpParseError) return error;
    throw error;
  }
  throw new Error(`parsed without an error: ${JSON.stringify(text)}`);
}

const PIPELINE = [
  '\r\nGET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: api\r\n\r\n',
  'POST /2018-06-01/runtime/invocation/a/response HTTP/1.1\r\nHost: api\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{"ok":true}',
  'POST /2018-06-01/runtime/invocation/b/error HTTP/1.1\r\nTransfer-Encoding: Chunked\r\nLambda-Runtime-Function-Error-Type: Custom.Error\r\n\r\n',
  '4;ext=1\r\n{"er\r\n9\r\nror":"x"}\r\n0\r\nX-Trailer: dropped\r\n\r\n',
  'POST /2018-06-01/runtime/init/error HTTP/1.0\r\nConnection: keep-alive\r\nX-Repeated: a\r\nx-repeated: b\r\nContent-Length: 2\r\n\r\n{}',
  'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nConnection: close\r\nExpect: 100-continue\r\n\r\n',
].join('');

const EXPECTED: Parsed[] = [
  {
    method: 'GET',
    target: '/2018-06-01/runtime/invocation/next',
    headers: { host: 'api' },
    keepAlive: true,
    expectContinue: false,
    body: '',
  },
  {
    method: 'POST',
    target: '/2018-06-01/runtime/invocation/a/response',
    headers: { host: 'api', 'content-length': '11', 'content-type': 'application/json' },
    keepAlive: true,
    expectContinue: false,
    body: '{"ok":true}',
  },
  {
    method: 'POST',
    target: '/2018-06-01/runtime/invocation/b/error',
    headers: { 'transfer-encoding': 'Chunked', 'lambda-runtime-function-error-type': 'Custom.Error' },
    keepAlive: true,
    expectContinue: false,
    body: '{"error":"x"}',
  },
  {
    method: 'POST',
    target: '/2018-06-01/runtime/init/error',
    headers: { connection: 'keep-alive', 'x-repeated': 'a, b', 'content-length': '2' },
    keepAlive: true,
    expectContinue: false,
    body: '{}',
  },
  {
    method: 'GET',
    target: '/2018-06-01/runtime/invocation/next',
    headers: { connection: 'close', expect: '100-continue' },
    keepAlive: false,
    expectContinue: true,
    body: '',
  },
];

describe('HttpRequestParser', () => {
  it('parses pipelined requests: Content-Length, chunked with extensions and trailers, HTTP/1.0', () => {
    expect(parse([Buffer.from(PIPELINE, 'latin1')])).toEqual(EXPECTED);
  });

  it('gives the same requests however the bytes are split', () => {
    const bytes = Buffer.from(PIPELINE, 'latin1');
    const byteByByte = [...bytes].map((b) => Buffer.from([b]));
    expect(parse(byteByByte)).toEqual(EXPECTED);
    // Deterministic pseudo-random split points (a fixed LCG), many different splittings.
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 40);
        pieces.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(parse(pieces)).toEqual(EXPECTED);
    }
  });

  it('keeps HTTP/1.0 connections only when asked, and HTTP/1.1 ones unless told to close', () => {
    const [ten, tenKeep, eleven, elevenClose] = parse([
      Buffer.from(
        'GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: Close\r\n\r\n',
      ),
    ]);
    expect([ten?.keepAlive, tenKeep?.keepAlive, eleven?.keepAlive, elevenClose?.keepAlive]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it.each([
    ['not HTTP at all', 'this is not HTTP\r\n\r\n'],
    ['a lower-case method', 'get / HTTP/1.1\r\n\r\n'],
    ['HTTP/2 on the request line', 'GET / HTTP/2.0\r\n\r\n'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost api\r\n\r\n'],
    ['a folded header line', 'GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n'],
    ['a space in a header name', 'GET / HTTP/1.1\r\nX A: 1\r\n\r\n'],
    ['a Content-Length that is not a number', 'POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n'],
    ['a negative Content-Length', 'POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n'],
    ['two different Content-Lengths', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    [
      'Content-Length and chunked together',
      'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    ],
    ['a transfer coding other than chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'],
    ['a negative chunk size', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n'],
    ['a chunk size that is not hex', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a huge chunk size', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n'],
    ['chunk data longer than its size', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n'],
  ])('refuses %s with 400', (_name, text) => {
    expect(parseError(text).status).toBe(400);
  });

  it('refuses headers over the limit with 431, whether or not they ever end', () => {
    const big = 'x'.repeat(MAX_HEAD_BYTES);
    expect(parseError(`GET / HTTP/1.1\r\nX-Big: ${big}\r\n\r\n`).status).toBe(431);
    expect(parseError(`GET / HTTP/1.1\r\nX-Big: ${big}`).status).toBe(431);
    expect(parseError(`POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${'1'.repeat(5000)}`).status).toBe(400);
  });

  it('stops after an error: later bytes are ignored', () => {
    const seen: string[] = [];
    const parser = new HttpRequestParser({ head: (h) => seen.push(h.target), body: () => {}, end: () => {} });
    expect(() => parser.push(Buffer.from('nonsense\r\n\r\n'))).toThrow(HttpParseError);
    parser.push(Buffer.from('GET /after HTTP/1.1\r\n\r\n'));
    expect(seen).toEqual([]);
  });
});
