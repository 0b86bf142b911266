/**
 * Runs an access check before each of a service's handlers, so cross-account enforcement lives in
 * one place per service instead of in every handler. The check throws the service's own
 * access-denied error; it returns quickly for same-account requests (most of them).
 */
import type { Handler, RequestContext } from '../service.js';

export type AccessCheck = (operation: string, input: Record<string, unknown>, ctx: RequestContext) => void;

export function guardHandlers(handlers: Record<string, Handler>, check: AccessCheck): Record<string, Handler> {
  const guarded: Record<string, Handler> = {};
  for (const [operation, handler] of Object.entries(handlers)) {
    guarded[operation] = (input: Record<string, unknown> | undefined, ctx: RequestContext) => {
      check(operation, input ?? {}, ctx);
      return handler(input, ctx);
    };
  }
  return guarded;
}
