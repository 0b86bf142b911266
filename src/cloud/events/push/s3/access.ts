/**
 * Whether a bucket may deliver to a destination now: the destination exists and its resource
 * policy (the function's, the queue's, the topic's) lets `s3.amazonaws.com` in for this bucket.
 * Asked when a configuration is put and again before every delivery, so a RemovePermission or a
 * changed queue policy takes effect for the next event.
 */
import { AwsError } from '../../../errors.js';
import { allowsServicePush } from '../../../policy/index.js';
import type { ServiceCall } from '../../../service-caller.js';
import type { NotificationDestination, NotificationSource } from '../../../services/s3/index.js';
import type { PushDeps } from '../index.js';

export type DestinationAccess =
  | { type: 'allowed' }
  | { type: 'missing' }
  /** The policy does not allow `permission` (`lambda:InvokeFunction` ...) to S3 for this bucket. */
  | { type: 'refused'; permission: string };

const S3_PRINCIPAL = 's3.amazonaws.com';

/** `arn:aws:<service>:<region>:<account>:<resource>` split into the parts a call needs. */
export function arnParts(arn: string): { region: string; accountId: string; resource: string } {
  const [, , , region = '', accountId = '', ...rest] = arn.split(':');
  return { region, accountId, resource: rest.join(':') };
}

/** A call into the destination's own account and region. */
export function callFor(deps: Pick<PushDeps, 'call'>, arn: string): ServiceCall {
  const { accountId, region } = arnParts(arn);
  return deps.call(accountId, region);
}

function codeOf(error: unknown): string | undefined {
  return error instanceof AwsError ? error.code : (error as { code?: string } | undefined)?.code;
}

/** Runs `read`; a destination that is not there (or a service that is not running) reads as undefined. */
async function ifExists<T>(read: () => Promise<T>, missingCodes: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const code = codeOf(error);
    if (code && (missingCodes.includes(code) || code === 'InternalFailure')) return undefined;
    throw error;
  }
}

async function functionAccess(
  deps: Pick<PushDeps, 'call'>,
  arn: string,
  source: NotificationSource,
): Promise<DestinationAccess> {
  const call = callFor(deps, arn);
  const permission = 'lambda:InvokeFunction';
  const policy = await ifExists(
    () => call<{ Policy?: string }>('lambda', 'GetPolicy', { FunctionName: arn }),
    ['ResourceNotFoundException'],
  );
  if (!policy) {
    const exists = await ifExists(
      () => call('lambda', 'GetFunctionConfiguration', { FunctionName: arn }),
      ['ResourceNotFoundException'],
    );
    return exists ? { type: 'refused', permission } : { type: 'missing' };
  }
  return pushAllowed(policy.Policy, permission, arn, source);
}

async function queueAccess(deps: PushDeps, arn: string, source: NotificationSource): Promise<DestinationAccess> {
  const attributes = deps.sqs.attributes(arn);
  if (!attributes) return { type: 'missing' };
  return pushAllowed(attributes['Policy'], 'sqs:SendMessage', arn, source);
}

async function topicAccess(deps: PushDeps, arn: string, source: NotificationSource): Promise<DestinationAccess> {
  const topic = await ifExists(
    () => callFor(deps, arn)<{ Attributes?: Record<string, string> }>('sns', 'GetTopicAttributes', { TopicArn: arn }),
    ['NotFound', 'NotFoundException', 'InvalidParameter'],
  );
  if (!topic) return { type: 'missing' };
  return pushAllowed(topic.Attributes?.['Policy'], 'sns:Publish', arn, source);
}

function pushAllowed(
  policy: string | undefined,
  permission: string,
  arn: string,
  source: NotificationSource,
): DestinationAccess {
  const allowed = allowsServicePush(policy, {
    service: S3_PRINCIPAL,
    action: permission,
    resource: arn,
    sourceArn: source.bucketArn,
    sourceAccount: source.accountId,
  });
  return allowed ? { type: 'allowed' } : { type: 'refused', permission };
}

export function destinationAccess(
  deps: PushDeps,
  destination: NotificationDestination,
  source: NotificationSource,
): Promise<DestinationAccess> {
  switch (destination.kind) {
    case 'lambda':
      return functionAccess(deps, destination.arn, source);
    case 'queue':
      return queueAccess(deps, destination.arn, source);
    case 'topic':
      return topicAccess(deps, destination.arn, source);
  }
}
