/**
 * Calling a local service's operation in-process, as an account in a region: what CloudFormation's
 * providers and the event pollers use instead of HTTP. The handler is the one the API runs, so the
 * result and the errors are the service's own.
 */
import { randomUUID } from 'node:crypto';
import type { CloudContext } from './context.js';
import { AwsError } from './errors.js';
import type { RequestContext, ServiceDefinition } from './service.js';

export interface CallOptions {
  /**
   * The call's request id (a fresh one when absent): a caller that records what it did under the
   * id the service saw passes its own (Lambda's Invoke runs the function under it).
   */
  requestId?: string;
}

export type ServiceCall = <T = Record<string, unknown>>(
  service: string,
  operation: string,
  input: Record<string, unknown>,
  options?: CallOptions,
) => Promise<T>;

export function serviceCaller(
  context: CloudContext,
  services: () => Record<string, ServiceDefinition>,
  accountId: string,
  region: string,
): ServiceCall {
  return async <T>(
    service: string,
    operation: string,
    input: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> => {
    const handler = services()[service]?.handlers[operation];
    if (!handler) throw new AwsError('InternalFailure', `${service}.${operation} is not available in-process`, 500);
    const ctx: RequestContext = {
      requestId: options.requestId ?? randomUUID(),
      region,
      accountId,
      credentials: context.credentials.forAccount(accountId),
      endpoint: context.endpoint(),
      trailers: Promise.resolve({}),
      cloud: context,
      headers: {},
    };
    return (await handler(input, ctx)) as T;
  };
}
