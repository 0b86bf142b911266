/**
 * The console's calls into the services: the same handlers the AWS API runs, in-process, as the
 * default account in the cloud's region, with the model's input constraints checked first as the
 * server checks them (the page is one more client; its mistakes get AWS's validation errors, not
 * a handler's surprise). Invocations it causes are attributed to the console.
 */
import { Readable } from 'node:stream';
import { withInvokeTrigger } from '../cloud/activity.js';
import type { CloudContext } from '../cloud/context.js';
import { DEFAULT_ACCOUNT_ID } from '../cloud/credentials.js';
import { AwsError, validationMessage } from '../cloud/errors.js';
import type { Codec } from '../cloud/protocol/codec.js';
import { codecFor } from '../cloud/protocol/index.js';
import { loadModel, type ServiceModel, type ShapeRef, shapeOf } from '../cloud/protocol/model.js';
import { problemText, validateInput } from '../cloud/protocol/validate.js';
import { type ServiceDefinition, validationErrorCodeOf } from '../cloud/service.js';
import { type ServiceCall, serviceCaller } from '../cloud/service-caller.js';

/** Each model's codec, for the validation error code of its protocol. */
const codecs = new WeakMap<ServiceModel, Codec>();

export function consoleCaller(context: CloudContext, services: () => Record<string, ServiceDefinition>): ServiceCall {
  const call = serviceCaller(context, services, DEFAULT_ACCOUNT_ID, context.region);
  return async <T>(service: string, operation: string, input: Record<string, unknown>): Promise<T> => {
    const definition = services()[service];
    if (!definition) throw new AwsError('UnknownService', `The local cloud does not serve "${service}".`, 404);
    const model = loadModel(definition.model);
    const op = model.operations[operation];
    if (!op || !definition.handlers[operation]) {
      throw new AwsError('UnknownOperation', `${service} has no operation "${operation}" served locally.`, 404);
    }
    let codec = codecs.get(model);
    if (!codec) {
      codec = codecFor(model);
      codecs.set(model, codec);
    }
    const code = validationErrorCodeOf(definition, codec.validationErrorCode);
    if (code && op.input) {
      const problems = validateInput(model, op.input, input, {
        wholeValuePatterns: definition.wholeValuePatterns ?? false,
      });
      if (problems.length) {
        throw (
          definition.refineValidation?.(problems) ?? new AwsError(code, validationMessage(problems.map(problemText)))
        );
      }
    }
    const prepared = op.input ? streamPayload(model, op.input, input) : input;
    return withInvokeTrigger('console', () => call<T>(service, operation, prepared));
  };
}

/**
 * A streaming payload (S3's PutObject Body) as the handler receives it from the wire: a stream.
 * The page sends its bytes whole; the protocol layer would hand the handler a Readable.
 */
function streamPayload(model: ServiceModel, ref: ShapeRef, input: Record<string, unknown>): Record<string, unknown> {
  const shape = shapeOf(model, ref);
  const member = shape.payload ? shape.members?.[shape.payload] : undefined;
  if (!shape.payload || !member || !(member.streaming || shapeOf(model, member).streaming)) return input;
  const body = input[shape.payload];
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  return { ...input, [shape.payload]: Readable.from([bytes]) };
}
