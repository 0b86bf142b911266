/**
 * The links SNS puts in its messages, served by the local cloud under `/_sns/` without AWS
 * credentials (as AWS serves them): the signing certificate (SigningCertURL), the confirmation
 * link (SubscribeURL, the token is the secret) and the unsubscribe link (UnsubscribeURL). They run
 * the service's own ConfirmSubscription and Unsubscribe handlers and answer with their XML.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CloudContext } from '../../context.js';
import { AwsError } from '../../errors.js';
import { escapeXml } from '../../protocol/values.js';
import type { RequestContext, ServiceDefinition } from '../../service.js';
import { SIGNING_CERT_FILE, SnsSigner } from './signing.js';
import { parseTopicArn, SNS_PATH_PREFIX } from './sns-service.js';

export { SNS_PATH_PREFIX };

export interface LinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function xml(status: number, body: string): LinkResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?>\n${body}` };
}

/** Answers a GET under `/_sns/` (`definition`: the SNS service, when the cloud serves it). */
export async function snsLink(
  context: CloudContext,
  definition: ServiceDefinition | undefined,
  path: string,
  query: URLSearchParams,
): Promise<LinkResponse> {
  const requestId = randomUUID();
  const name = path.slice(SNS_PATH_PREFIX.length);
  if (name === SIGNING_CERT_FILE && definition) {
    const certificate = new SnsSigner(join(context.dataDir, 'sns')).certificate();
    return { status: 200, headers: { 'content-type': 'application/x-x509-ca-cert' }, body: certificate };
  }
  const operation = name === 'confirm' ? 'ConfirmSubscription' : name === 'unsubscribe' ? 'Unsubscribe' : undefined;
  const handler = operation && definition?.handlers[operation];
  if (!operation || !handler) return xml(404, '<Error><Code>NotFound</Code><Message>Not Found</Message></Error>');
  const arn = query.get(operation === 'Unsubscribe' ? 'SubscriptionArn' : 'TopicArn') ?? '';
  const topic = parseTopicArn(operation === 'Unsubscribe' ? arn.slice(0, arn.lastIndexOf(':')) : arn);
  const ctx: RequestContext = {
    requestId,
    region: topic?.region ?? context.region,
    accountId: topic?.accountId ?? '000000000000',
    credentials: undefined,
    endpoint: context.endpoint(),
    trailers: Promise.resolve({}),
    cloud: context,
    headers: {},
  };
  try {
    const input =
      operation === 'Unsubscribe' ? { SubscriptionArn: arn } : { TopicArn: arn, Token: query.get('Token') ?? '' };
    const output = (await handler(input, ctx)) as { SubscriptionArn?: string };
    const result = output.SubscriptionArn
      ? `<${operation}Result><SubscriptionArn>${escapeXml(output.SubscriptionArn)}</SubscriptionArn></${operation}Result>`
      : '';
    return xml(
      200,
      `<${operation}Response xmlns="${XMLNS}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    );
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return xml(
      error.status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}
