/**
 * Who may use the console. The console drives the local cloud with the default account's rights,
 * so a web page the developer happens to visit must not be able to reach it through the browser:
 *
 * - Host must name this server (its own host:port, or localhost / 127.0.0.1 / [::1] on its port):
 *   a DNS-rebinding page reaches us under its own host name and is refused.
 * - Every API request carries the per-start token (a header; a query parameter for EventSource and
 *   download links, which cannot set headers). Pages of another origin cannot read index.html,
 *   where the console's own page finds the token, so they cannot learn it.
 * - A request that changes state must also come from the console's own origin (Origin header).
 * - When the cloud listens on a non-loopback address, people on the network can reach the console:
 *   then every request, the page and its assets included, needs the token printed at start (the
 *   page's URL carries it once; a SameSite=Strict cookie scoped to the console carries it after).
 *   Host is not checked then (the machine's names are not all known), the token is the guard.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-console-token';
export const TOKEN_COOKIE = 'lambda_tasks_console';

export type AccessDecision = { type: 'allowed' } | { type: 'refused'; status: 403; reason: string };

export interface ConsoleAccessOptions {
  /** The address the cloud listens on. */
  host: string;
  /** @default a random token per start */
  token?: string;
}

export class ConsoleAccess {
  readonly token: string;
  readonly loopback: boolean;
  private port = 0;

  constructor(private readonly options: ConsoleAccessOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.loopback = isLoopback(options.host);
  }

  /** Set once the server listens (port 0 picks one). */
  listening(port: number): void {
    this.port = port;
  }

  /**
   * Checks a request. `api`: a call of the console's API (always needs the token); `changes`:
   * the request may change state (needs the console's own Origin too).
   */
  check(req: IncomingMessage, query: URLSearchParams, kind: { api: boolean; changes: boolean }): AccessDecision {
    const host = req.headers.host;
    if (this.loopback && !this.allowedHost(host)) {
      return refused(`the console answers only requests addressed to this server, not to "${host ?? ''}"`);
    }
    const origin = req.headers.origin;
    // The cloud answers HTTP and HTTPS on the same port: either scheme is the console's own origin.
    if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
      return refused(`requests from ${origin} are not allowed; open the console itself`);
    }
    if (kind.changes && origin === undefined) return refused('a request that changes state must come from the console');
    if ((kind.api || !this.loopback) && !this.hasToken(req, query)) {
      return refused('the console token is missing or wrong; open the console URL the cloud printed at start');
    }
    return { type: 'allowed' };
  }

  /** The token from the header, the query or the cookie, compared in constant time. */
  private hasToken(req: IncomingMessage, query: URLSearchParams): boolean {
    const header = req.headers[TOKEN_HEADER];
    const candidates = [typeof header === 'string' ? header : undefined, query.get('token') ?? undefined];
    candidates.push(cookieValue(req.headers.cookie, TOKEN_COOKIE));
    const expected = Buffer.from(this.token);
    return candidates.some((given) => {
      if (given === undefined) return false;
      const bytes = Buffer.from(given);
      return bytes.length === expected.length && timingSafeEqual(bytes, expected);
    });
  }

  private allowedHost(host: string | undefined): boolean {
    if (!host) return false;
    const names = new Set(['localhost', '127.0.0.1', '[::1]', hostForm(this.options.host)]);
    return [...names].some((name) => host === `${name}:${this.port}`);
  }
}

function refused(reason: string): AccessDecision {
  return { type: 'refused', status: 403, reason };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** How a listen address appears in a Host header (IPv6 in brackets). */
export function hostForm(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
