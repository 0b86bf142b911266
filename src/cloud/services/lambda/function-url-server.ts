/**
 * Serving Lambda function URLs: `http(s)://<url-id>.lambda-url.<region>.localhost:<port>/...`.
 * The server hands a request whose Host names a function URL here, before any AWS routing. As on
 * AWS: the URL id selects the function (and alias), the auth type decides who may call
 * (AWS_IAM: a SigV4 signature for the `lambda` service and a caller the function's resource policy
 * or account allows `lambda:InvokeFunctionUrl`; NONE: the resource policy must grant it to `*`
 * under the `lambda:FunctionUrlAuthType` condition), the request becomes a payload format 2.0
 * event, the function runs through Lambda's own Invoke handler (so logs, concurrency and versions
 * are those of any invoke), and the answer is mapped back to HTTP with the URL's CORS settings.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvocationResponse } from '@aws-sdk/client-lambda';
import { AuthFailure, sha256Hex, type VerifiedAuth, verifyRequest } from '../../auth/sigv4.js';
import { readAll } from '../../body.js';
import type { CloudContext } from '../../context.js';
import { AwsError } from '../../errors.js';
import { callerOf, evaluatePolicies, type PolicyDocument, type Principal } from '../../policy/index.js';
import type { ServiceDefinition } from '../../service.js';
import { serviceCaller } from '../../service-caller.js';
import { functionArn } from './arns.js';
import { corsHeaders, isPreflight, preflightHeaders } from './function-url-cors.js';
import { type FunctionUrlEvent, functionUrlEvent } from './function-url-event.js';
import { type HttpAnswer, httpAnswer } from './function-url-response.js';
import { FUNCTION_URL_HOST, type FunctionUrlRecord, FunctionUrlState } from './function-urls.js';
import { LATEST } from './lambda-service.js';
import { LIMITS } from './limits.js';
import { LambdaState } from './state.js';

const ACTION = 'lambda:InvokeFunctionUrl';

/** The answers AWS gives before or instead of the function's own. */
const answers = {
  notFound: (): HttpAnswer => message(404, 'Not Found'),
  forbidden: (): HttpAnswer => message(403, 'Forbidden'),
  tooLarge: (): HttpAnswer => message(413, 'Request Entity Too Large'),
  functionError: (): HttpAnswer => message(502, 'Internal Server Error'),
};

function message(statusCode: number, text: string): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ Message: text })),
  };
}

/** Who called, once authorised: nobody in particular (NONE) or a verified SigV4 identity. */
type Caller = { kind: 'anonymous' } | { kind: 'iam'; auth: VerifiedAuth };

export class FunctionUrlServer {
  private readonly urls: FunctionUrlState;
  private readonly functions: LambdaState;

  constructor(
    private readonly context: CloudContext,
    private readonly services: () => Record<string, ServiceDefinition>,
  ) {
    this.urls = new FunctionUrlState(context.db);
    this.functions = new LambdaState(context.db);
  }

  /** Whether the request's Host names a function URL. */
  claims(host: string | undefined): boolean {
    return host !== undefined && FUNCTION_URL_HOST.test(host.toLowerCase());
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let answer: HttpAnswer;
    let record: FunctionUrlRecord | undefined;
    try {
      const [, urlId, region] = FUNCTION_URL_HOST.exec((req.headers.host ?? '').toLowerCase()) ?? [];
      record = urlId ? this.urls.byUrlId(urlId) : undefined;
      if (!record || record.key.region !== region) {
        answer = answers.notFound();
      } else if (isPreflight(req, record.cors)) {
        // A preflight is answered from the URL's CORS settings; the function does not run.
        answer = { statusCode: 200, headers: preflightHeaders(req, record.cors), cookies: [], body: Buffer.alloc(0) };
      } else {
        answer = await this.invoke(req, record, requestId);
      }
    } catch (error) {
      if (!(error instanceof AwsError)) this.context.log(`function URL request failed: ${String(error)}`);
      // Invoke's refusals (throttling, a function still pending) keep their status.
      answer = error instanceof AwsError ? message(error.status, error.message) : answers.functionError();
    }
    const headers: Record<string, string | string[]> = {
      ...answer.headers,
      ...(record ? corsHeaders(req, record.cors) : {}),
      'x-amzn-requestid': requestId,
      'content-length': String(answer.body.length),
    };
    if (answer.cookies.length) headers['set-cookie'] = answer.cookies;
    res.writeHead(answer.statusCode, headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }

  private async invoke(req: IncomingMessage, record: FunctionUrlRecord, requestId: string): Promise<HttpAnswer> {
    let body: Buffer;
    try {
      body = await readAll(req, LIMITS.syncPayloadBytes);
    } catch (error) {
      if (error instanceof AwsError && error.code === 'RequestEntityTooLargeException') return answers.tooLarge();
      throw error;
    }
    const caller = this.authenticate(req, record, body);
    if (!caller || !this.allows(record, caller)) return answers.forbidden();
    const event: FunctionUrlEvent = functionUrlEvent(req, body, {
      urlId: record.urlId,
      requestId,
      now: this.context.now(),
      ...(caller.kind === 'iam' ? { auth: caller.auth } : {}),
    });
    const qualifier = record.qualifier === LATEST ? undefined : record.qualifier;
    const call = serviceCaller(this.context, this.services, record.key.accountId, record.key.region);
    const out = await call<InvocationResponse>(
      'lambda',
      'Invoke',
      {
        FunctionName: record.key.name,
        ...(qualifier ? { Qualifier: qualifier } : {}),
        Payload: Buffer.from(JSON.stringify(event)),
      },
      { requestId },
    );
    if (out.FunctionError) return answers.functionError();
    return httpAnswer(Buffer.from(out.Payload ?? new Uint8Array()));
  }

  /** NONE: anyone (the policy decides); AWS_IAM: a valid SigV4 signature for `lambda`, else none. */
  private authenticate(req: IncomingMessage, record: FunctionUrlRecord, body: Buffer): Caller | undefined {
    if (record.authType === 'NONE') return { kind: 'anonymous' };
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    try {
      const auth = verifyRequest(
        {
          method: req.method ?? 'GET',
          rawPath: q < 0 ? rawUrl : rawUrl.slice(0, q),
          rawQuery: q < 0 ? '' : rawUrl.slice(q + 1),
          headers: req.headers,
          rawHeaders: req.rawHeaders,
        },
        { lookup: this.context.credentials.lookup, s3: false, bodySha256: sha256Hex(body), now: this.context.now() },
      );
      return auth.scope.service === 'lambda' ? { kind: 'iam', auth } : undefined;
    } catch (error) {
      if (error instanceof AuthFailure) return undefined;
      throw error;
    }
  }

  /**
   * The function's resource policy (and the alias's, for an alias's URL) decides; for AWS_IAM the
   * function's own account needs no grant (identity policies are not enforced), unless denied.
   */
  private allows(record: FunctionUrlRecord, caller: Caller): boolean {
    const qualifier = record.qualifier === LATEST ? undefined : record.qualifier;
    const documents: PolicyDocument[] = [{ Statement: this.functions.statements(record.key, '') }];
    if (qualifier) documents.push({ Statement: this.functions.statements(record.key, qualifier) });
    const principal: Principal =
      caller.kind === 'anonymous'
        ? { type: 'Anonymous' }
        : {
            type: 'AWS',
            ...callerOf({ accountId: caller.auth.credentials.accountId, credentials: caller.auth.credentials }),
          };
    const decision = evaluatePolicies(documents, {
      principal,
      action: ACTION,
      resource: functionArn(record.key, qualifier),
      context: { 'lambda:FunctionUrlAuthType': record.authType },
    });
    if (caller.kind === 'iam' && caller.auth.credentials.accountId === record.key.accountId) {
      return decision !== 'ExplicitDeny';
    }
    return decision === 'Allow';
  }
}
