/**
 * Invoke: RequestResponse runs the function and answers with its result; Event queues the
 * payload durably and answers 202; DryRun only checks that the call would be accepted.
 */
import type { InvocationRequest, InvocationResponse } from '@aws-sdk/client-lambda';
import { toBuffer } from '../../protocol/values.js';
import type { Handler, RequestContext } from '../../service.js';
import type { AsyncInvokes } from './async-invokes.js';
import { LambdaErrors } from './errors.js';
import type { Invoker } from './invoker.js';
import { LATEST, type LambdaService, type ResolvedQualifier } from './lambda-service.js';
import { LIMITS } from './limits.js';

export function invokeHandlers(service: LambdaService, invoker: Invoker, queue: AsyncInvokes): Record<string, Handler> {
  /** The function to invoke; a missing one is reported with its $LATEST ARN, as Invoke does. */
  function resolveForInvoke(input: InvocationRequest, ctx: RequestContext): ResolvedQualifier {
    const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
    let resolved: ResolvedQualifier;
    try {
      resolved = service.resolve(ref);
    } catch (error) {
      // A missing function is reported with its $LATEST ARN by Invoke (unlike GetFunction).
      if (!service.state.getFunction(ref)) throw LambdaErrors.functionNotFound(ref, ref.qualifier ?? LATEST);
      throw error;
    }
    if (service.isPending(resolved.version)) throw LambdaErrors.functionPending();
    return resolved;
  }

  return {
    async Invoke(input: InvocationRequest, ctx: RequestContext): Promise<InvocationResponse> {
      const resolved = resolveForInvoke(input, ctx);
      const type = input.InvocationType ?? 'RequestResponse';
      if (type === 'DryRun') return { StatusCode: 204 };
      const payload = input.Payload?.byteLength ? toBuffer(input.Payload) : Buffer.from('{}');
      if (type === 'Event' && payload.length > LIMITS.asyncPayloadBytes) {
        throw LambdaErrors.requestTooLarge(
          `${payload.length} byte payload is too large for the Event invocation type (limit ${LIMITS.asyncPayloadBytes} bytes)`,
        );
      }
      if (payload.length > LIMITS.syncPayloadBytes) {
        throw LambdaErrors.requestTooLarge(
          `Request must be smaller than ${LIMITS.syncPayloadBytes} bytes for the InvokeFunction operation`,
        );
      }
      checkJson(payload);
      if (type === 'Event') {
        queue.enqueue(resolved, ctx.requestId, payload);
        return { StatusCode: 202 };
      }
      const clientContext = decodeClientContext(input.ClientContext);
      const { result, executedVersion } = await invoker.run(resolved, {
        requestId: ctx.requestId,
        payload,
        tailLog: input.LogType === 'Tail',
        ...(clientContext !== undefined ? { clientContext } : {}),
      });
      const out: InvocationResponse = { StatusCode: 200, ExecutedVersion: executedVersion, Payload: result.payload };
      if (result.functionError) out.FunctionError = result.functionError;
      if (result.logResult !== undefined) out.LogResult = result.logResult;
      return out;
    },
  };
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function checkJson(payload: Buffer): void {
  try {
    JSON.parse(STRICT_UTF8.decode(payload));
  } catch (error) {
    throw LambdaErrors.invalidRequestContent(`Could not parse payload into json: ${(error as Error).message}`);
  }
}

/** X-Amz-Client-Context is base64 of a JSON object; the runtime receives the JSON. */
function decodeClientContext(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  try {
    JSON.parse(decoded);
  } catch {
    throw LambdaErrors.invalidParameter('Client context must be a valid Base64-encoded JSON object.');
  }
  return decoded;
}
