/**
 * The local cloud's HTTP entry: for each request, detect the service, authenticate (SigV4),
 * route to an operation, parse with the service's protocol codec, validate, call the handler and
 * serialize. This is the error boundary: AWS errors leave in the protocol's shape, anything else
 * becomes InternalFailure with the detail logged here and never sent.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { isSigV2, verifySigV2 } from './auth/sigv2.js';
import {
  AuthFailure,
  type IncomingSignedRequest,
  readCredentialScope,
  sha256Hex,
  type VerifiedAuth,
  verifyRequest,
} from './auth/sigv4.js';
import { authError } from './auth-errors.js';
import { NO_TRAILERS, type RequestBody, readAll, readSignedBody } from './body.js';
import type { CloudContext } from './context.js';
import { DOWNLOAD_PATH_PREFIX } from './downloads.js';
import { AwsError, validationMessage } from './errors.js';
import { type CloudListener, createListener, type RequestHandler, type TlsCredentials } from './listener.js';
import { type Codec, codecFor, type WireRequest, type WireResponse } from './protocol/index.js';
import { loadModel, type OperationModel, type ServiceModel } from './protocol/model.js';
import { hostId } from './protocol/rest-xml.js';
import { problemText, type ValidateOptions, validateInput } from './protocol/validate.js';
import { escapeXml } from './protocol/values.js';
import { parseQueryString } from './query-string.js';
import { detectService, requestedService, virtualHostBucket } from './routing.js';
import { type HttpRequest, type RequestContext, type ServiceDefinition, validationErrorCodeOf } from './service.js';
import { FunctionUrlServer } from './services/lambda/function-url-server.js';

/** Default cap on buffered (non-streaming) request bodies. */
const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

interface RegisteredService {
  name: string;
  signingNames: string[];
  definition: ServiceDefinition;
  model: () => ServiceModel;
  /** The codec for a request (by its headers: SQS answers awsQuery forms and awsJson alike). */
  codec: (headers?: IncomingHttpHeaders) => Codec;
  /** The error code of input validation failures; undefined when the protocol does not validate. */
  validationErrorCode: (codec: Codec) => string | undefined;
  validateOptions: ValidateOptions;
}

export interface RequestLogEntry {
  method: string;
  service: string;
  operation: string;
  status: number;
  ms: number;
}

export interface CloudServerOptions {
  context: CloudContext;
  services: Record<string, ServiceDefinition>;
  /** Called once per request, after the response is sent. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** The certificate for HTTPS on the same port (src/cloud/tls.ts); without it, TLS is refused. */
  tls?: () => TlsCredentials;
  /** Paths served by something other than the AWS API (the web console under /_console/). */
  mounts?: MountedApp[];
}

/** An app served beside the AWS API under paths no AWS request uses (bucket names cannot start with `_`). */
export interface MountedApp {
  claims(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function createCloudServer(options: CloudServerOptions): CloudListener {
  return createListener(createCloudHandler(options), options.tls);
}

/** The request handler of createCloudServer, for a listener made elsewhere (startCloud listens before the services load). */
export function createCloudHandler(options: Omit<CloudServerOptions, 'tls'>): RequestHandler {
  const registered: RegisteredService[] = Object.entries(options.services).map(([name, definition]) => {
    let model: ServiceModel | undefined;
    let codec: Codec | undefined;
    let queryCodec: Codec | undefined;
    const getModel = () => {
      model ??= loadModel(definition.model);
      return model;
    };
    const codecOptions = { xmlRootNames: definition.xmlRootNames, queryErrorCodes: definition.queryErrorCodes };
    const getCodec = (headers?: IncomingHttpHeaders) => {
      if (definition.queryModel && headers && !headers['x-amz-target']) {
        queryCodec ??= codecFor(loadModel(definition.queryModel), codecOptions);
        return queryCodec;
      }
      codec ??= codecFor(getModel(), codecOptions);
      return codec;
    };
    return {
      name,
      signingNames: definition.signingNames,
      definition,
      model: getModel,
      codec: getCodec,
      validationErrorCode: (used) => validationErrorCodeOf(definition, used.validationErrorCode),
      validateOptions: { wholeValuePatterns: definition.wholeValuePatterns ?? false },
    };
  });

  const linkServices = registered.flatMap((r) =>
    r.definition.unsignedLinks ? [{ name: r.name, ...r.definition.unsignedLinks }] : [],
  );

  // Lambda function URLs are named by their Host (`<url-id>.lambda-url.<region>.localhost`), not by an AWS API.
  const functionUrls = new FunctionUrlServer(options.context, () => options.services);

  /*
   * One request goes through one function per step (serve: route; authenticate: signature and
   * body; invoke: the operation; answerError), which share what the request has come to in its
   * Exchange. (Splitting did not change how long V8 spends optimizing the path: measured with
   * --trace-opt over bench `cpu`, the steps together cost what the one function did.)
   */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (functionUrls.claims(req.headers.host)) return functionUrls.handle(req, res);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const mounted = options.mounts?.find((app) => app.claims(rawPath));
    if (mounted) return mounted.handle(req, res);
    const exchange: Exchange = {
      req,
      res,
      method: req.method ?? 'GET',
      requestId: randomUUID(),
      // The server's URL as the client reached it (the port speaks HTTPS too): what S3 puts in Locations.
      endpoint: `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`,
      started: performance.now(),
      service: '-',
      operation: '-',
      codec: undefined,
      s3: false,
      addedHeaders: undefined,
    };
    try {
      await serve(exchange, rawPath, q < 0 ? '' : rawUrl.slice(q + 1));
    } catch (error) {
      await answerError(exchange, error);
    } finally {
      options.onRequest?.({
        method: exchange.method,
        service: exchange.service,
        operation: exchange.operation,
        status: res.statusCode,
        ms: Math.round((performance.now() - exchange.started) * 10) / 10,
      });
    }
  }

  /** Everything but the error path: the download and link routes, then an AWS API call. */
  async function serve(exchange: Exchange, rawPath: string, rawQuery: string): Promise<void> {
    const { req, res, method, requestId } = exchange;
    if (rawPath.startsWith(DOWNLOAD_PATH_PREFIX) && (method === 'GET' || method === 'HEAD')) {
      exchange.service = 'download';
      await sendDownload(res, options.context, rawPath, method, requestId);
      return;
    }
    // Links a service sends out (SNS's SigningCertURL, SubscribeURL...): unsigned GETs, as on AWS.
    const linked = method === 'GET' ? linkServices.find((r) => rawPath.startsWith(r.prefix)) : undefined;
    if (linked) {
      exchange.service = linked.name;
      const link = await linked.handle(rawPath, new URLSearchParams(rawQuery));
      await send(res, link, requestId, false, method);
      return;
    }
    const query = parseQueryString(rawQuery).map(([k, v]): [string, string] => [k, v ?? '']);
    const scope = safeScope({ method, rawPath, rawQuery, headers: req.headers });
    // An unsigned awsQuery request names its service only in the form body (Action, Version).
    let prebuffered: Buffer | undefined;
    let detectionQuery = query;
    if (!scope && method === 'POST' && !req.headers['x-amz-target'] && isForm(req.headers['content-type'])) {
      prebuffered = await readAll(req, DEFAULT_MAX_BODY_BYTES);
      detectionQuery = [...query, ...new URLSearchParams(prebuffered.toString('utf8'))];
    }
    const service = detectService(registered, {
      headers: req.headers,
      query: detectionQuery,
      path: rawPath,
      scopeService: scope?.service,
    });
    if (!service) {
      const served = [...new Set(registered.flatMap((r) => r.signingNames))].sort().join(', ');
      const asked = requestedService(req.headers, scope?.service) ?? 'unknown';
      throw new AwsError(
        'NotImplemented',
        `lambda-tasks does not serve the AWS service "${asked}". The local cloud serves: ${served}.`,
        501,
      );
    }
    exchange.service = service.name;
    const codec = service.codec(req.headers);
    exchange.codec = codec;
    exchange.s3 = codec.model.metadata.protocol === 'rest-xml';
    const bucket = exchange.s3 ? virtualHostBucket(req.headers.host) : undefined;
    const path = bucket ? `/${encodeURIComponent(bucket)}${rawPath === '/' ? '' : rawPath}` : rawPath;
    const hooks = service.definition.http;
    if (hooks) {
      const http: HttpRequest = {
        method,
        path,
        query,
        headers: req.headers,
        body: prebuffered ? Readable.from([prebuffered]) : req,
        requestId,
        endpoint: exchange.endpoint,
      };
      exchange.addedHeaders = hooks.responseHeaders?.(http);
      const answered = await hooks.intercept?.(http);
      if (answered) {
        exchange.operation = answered.operation;
        await send(res, withHeaders(answered.response, exchange.addedHeaders), requestId, exchange.s3, method);
        return;
      }
    }
    const wire: WireRequest = { method, path, query, headers: req.headers, body: Buffer.alloc(0) };
    const routed = codec.bodyNeededToRoute ? undefined : codec.route(wire);
    if (routed) exchange.operation = routed.name;
    const signed: SignedRequest = {
      method,
      rawPath,
      rawQuery,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      // SigV2 signs the bucket's path even when the bucket is in the Host.
      v2Path: bucket ? path : rawPath,
    };
    const streaming = routed ? codec.isStreamingInput(routed) : false;
    const { auth, body, trailers } = await authenticate(exchange, service, signed, prebuffered, streaming);
    wire.body = body;
    const op = routed ?? codec.route(wire);
    exchange.operation = op.name;
    await invoke(exchange, service, codec, op, wire, auth, trailers);
  }

  /**
   * Verifies the signature and reads the body. S3 clients sign x-amz-content-sha256, so S3 is
   * verified before the body is read; the other services' signatures cover the body hash, so
   * their (small) bodies are read first.
   */
  async function authenticate(
    exchange: Exchange,
    service: RegisteredService,
    signed: SignedRequest,
    prebuffered: Buffer | undefined,
    streaming: boolean,
  ): Promise<RequestBody & { auth: VerifiedAuth }> {
    const { req } = exchange;
    const maxBody = service.definition.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const lookup = options.context.credentials.lookup;
    try {
      if (exchange.s3) {
        const now = options.context.now();
        const auth = isSigV2(signed)
          ? verifySigV2(signed, signed.v2Path, { lookup, now, region: options.context.region })
          : verifyRequest(signed, { lookup, s3: true, now });
        const source = prebuffered ? Readable.from([prebuffered]) : req;
        return { auth, ...(await readSignedBody(source, req.headers, auth, { streaming, maxBytes: maxBody })) };
      }
      const buffered = prebuffered ?? (await readAll(req, maxBody));
      const bodySha256 = sha256Hex(buffered);
      const auth = verifyRequest(signed, { lookup, s3: false, bodySha256, now: options.context.now() });
      return { auth, body: buffered, trailers: NO_TRAILERS };
    } catch (error) {
      if (error instanceof AuthFailure) throw authError(error, (exchange.codec as Codec).model.metadata.protocol);
      throw error;
    }
  }

  /** Parses, validates, runs the operation's handler and sends its answer. */
  async function invoke(
    exchange: Exchange,
    service: RegisteredService,
    codec: Codec,
    op: OperationModel,
    wire: WireRequest,
    auth: VerifiedAuth,
    trailers: Promise<Record<string, string>>,
  ): Promise<void> {
    const { req, res, requestId, method } = exchange;
    // What IAM's GetAccessKeyLastUsed reports (only IAM users' keys keep it).
    options.context.credentials.recordUse(auth.credentials, auth.scope.service, auth.scope.region);
    const input = codec.parse(op, wire);
    const validationErrorCode = service.validationErrorCode(codec);
    if (validationErrorCode && op.input) {
      const problems = validateInput(codec.model, op.input, input, service.validateOptions);
      if (problems.length) {
        throw (
          service.definition.refineValidation?.(problems) ??
          new AwsError(validationErrorCode, validationMessage(problems.map(problemText)))
        );
      }
    }
    const handler = service.definition.handlers[op.name];
    if (!handler) {
      throw new AwsError(
        'NotImplemented',
        `The operation ${op.name} of ${codec.model.metadata.serviceId} is not implemented by lambda-tasks yet.`,
        501,
      );
    }
    const ctx: RequestContext = {
      requestId,
      region: auth.scope.region,
      accountId: auth.credentials.accountId,
      credentials: auth.credentials,
      endpoint: exchange.endpoint,
      trailers,
      cloud: options.context,
      headers: req.headers,
      get signal() {
        return clientGone(res);
      },
    };
    const output = await handler(input, ctx);
    const response = codec.serialize(op, output, { requestId, method, requestHeaders: req.headers });
    await send(res, withHeaders(response, exchange.addedHeaders), requestId, exchange.s3, method);
  }

  /** The error in the protocol's shape (or the request's, when no service claimed it). */
  async function answerError(exchange: Exchange, error: unknown): Promise<void> {
    const { req, res, requestId, method, codec } = exchange;
    const awsError = toAwsError(error, exchange.s3, options.context, `${exchange.service}.${exchange.operation}`);
    const response: WireResponse = codec
      ? codec.serializeError(awsError, { requestId, method, requestHeaders: req.headers })
      : errorWithoutCodec(awsError, req.headers, requestId);
    // Whatever the handler did not read of the body is discarded, so the connection stays usable.
    if (!req.readableEnded) req.resume();
    await send(res, withHeaders(response, exchange.addedHeaders), requestId, exchange.s3, method).catch(() =>
      res.destroy(),
    );
  }

  return (req, res) => {
    void handle(req, res);
  };
}

/** One request as it goes through the server; the error path and the request log read what it came to. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly requestId: string;
  /** The server's URL as the client reached it. */
  readonly endpoint: string;
  readonly started: number;
  service: string;
  operation: string;
  codec: Codec | undefined;
  /** The answer is S3's (rest-xml): its request id headers and error shape. */
  s3: boolean;
  /** Headers a service adds to this answer, errors included (S3's CORS headers for browsers). */
  addedHeaders: Record<string, string> | undefined;
}

/** The request as signed, and the path SigV2 signs (the bucket's path when the bucket is in the Host). */
interface SignedRequest extends IncomingSignedRequest {
  v2Path: string;
}

/** `response` with `added` headers (a service's HttpHooks.responseHeaders) set on it. */
function withHeaders(response: WireResponse, added: Record<string, string> | undefined): WireResponse {
  return added ? { ...response, headers: { ...response.headers, ...added } } : response;
}

const goneSignals = new WeakMap<ServerResponse, AbortSignal>();

/** A signal aborted when the response's connection closes before the response was sent. */
function clientGone(res: ServerResponse): AbortSignal {
  let signal = goneSignals.get(res);
  if (!signal) {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    signal = controller.signal;
    goneSignals.set(res, signal);
  }
  return signal;
}

/**
 * An error for a request no service claimed, in the protocol family the request itself speaks,
 * so that the client shows the message: JSON for X-Amz-Target and JSON bodies, awsQuery's XML for
 * forms, and S3's XML otherwise.
 */
function errorWithoutCodec(error: AwsError, headers: IncomingHttpHeaders, requestId: string): WireResponse {
  const contentType = headers['content-type'] ?? '';
  if (headers['x-amz-target'] || contentType.includes('json')) {
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
      body: JSON.stringify({ __type: error.code, message: error.message }),
    };
  }
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  const body = isForm(contentType)
    ? `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
  return { status: error.status, headers: { 'content-type': 'application/xml' }, body };
}

function isForm(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function safeScope(req: Parameters<typeof readCredentialScope>[0]) {
  try {
    return readCredentialScope(req);
  } catch {
    return undefined;
  }
}

function toAwsError(error: unknown, s3: boolean, context: CloudContext, where: string): AwsError {
  if (error instanceof AwsError) return error;
  if (error instanceof AuthFailure) return authError(error, s3 ? 'rest-xml' : 'json');
  const code = (error as { code?: unknown })?.code;
  if (code === 'XAmzContentSHA256Mismatch') {
    const detail = error as { clientComputed?: string; s3Computed?: string };
    return new AwsError(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      {
        ClientComputedContentSHA256: detail.clientComputed,
        S3ComputedContentSHA256: detail.s3Computed,
      },
    );
  }
  if (code === 'IncompleteBody' || code === 'InvalidChunk' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new AwsError(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
    );
  }
  context.log(`internal error in ${where}: ${(error as Error)?.stack ?? String(error)}`);
  return s3
    ? new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500)
    : new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error, exception or failure.',
        500,
      );
}

async function send(
  res: ServerResponse,
  response: WireResponse,
  requestId: string,
  s3: boolean,
  method: string,
): Promise<void> {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
  if (s3) {
    headers['x-amz-request-id'] = requestId;
    headers['x-amz-id-2'] = hostId(requestId);
    headers['server'] = 'AmazonS3';
  } else {
    headers['x-amzn-requestid'] = requestId;
  }
  const body = response.body;
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
    // A string body is not copied into a Buffer: Node sends the header block and a string body
    // in one write, and a Buffer body with it in one writev.
    if (!('content-length' in headers)) {
      headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : (body?.length ?? 0));
    }
    res.writeHead(response.status, headers);
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(response.status, headers);
  if (method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    body.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

/** A blob behind a download link (Lambda's Code.Location), or S3's AccessDenied for a bad or expired link. */
async function sendDownload(
  res: ServerResponse,
  context: CloudContext,
  path: string,
  method: string,
  requestId: string,
): Promise<void> {
  const blob = context.downloads.resolve(path);
  let size: number | undefined;
  try {
    size = blob ? context.blobs.size(blob) : undefined;
  } catch {
    // The blob is gone (its function was deleted): the link is as good as expired.
  }
  if (!blob || size === undefined) {
    await send(
      res,
      {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match.</Message></Error>',
      },
      requestId,
      true,
      method,
    );
    return;
  }
  const headers = { 'content-type': 'application/zip', 'content-length': String(size) };
  await send(res, { status: 200, headers, body: context.blobs.read(blob) }, requestId, true, method);
}

export { serverUrl } from './listener.js';
