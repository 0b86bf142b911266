/**
 * Whether a target's resource policy lets SNS deliver a topic's message: a function's policy
 * (lambda:InvokeFunction) or a queue's Policy attribute (sqs:SendMessage), read through the
 * services' own handlers and decided by the one policy evaluator, with the topic as aws:SourceArn
 * and its owner as aws:SourceAccount. No policy means no delivery, as on AWS.
 */
import { AwsError } from '../../../errors.js';
import { servicePushDecision } from '../../../policy/index.js';
import type { ServiceCall } from '../../../service-caller.js';

export type PermissionCheck = { allowed: true } | { allowed: false; reason: string };

function decide(
  policy: string | undefined,
  action: string,
  resource: string,
  source: { topicArn: string; accountId: string },
  owner: string,
): PermissionCheck {
  if (!policy)
    return { allowed: false, reason: `${owner} has no resource policy, so sns.amazonaws.com may not ${action}` };
  const decision = servicePushDecision(policy, {
    service: 'sns.amazonaws.com',
    action,
    resource,
    sourceArn: source.topicArn,
    sourceAccount: source.accountId,
  });
  if (decision === 'Allow') return { allowed: true };
  const why = decision === 'ExplicitDeny' ? 'explicitly denies' : 'has no statement allowing';
  return {
    allowed: false,
    reason: `${owner}'s resource policy ${why} ${action} to sns.amazonaws.com from ${source.topicArn}`,
  };
}

/** The function's policy (of the qualified version or alias when the ARN names one). */
export async function functionAllows(
  call: ServiceCall,
  functionArn: string,
  source: { topicArn: string; accountId: string },
): Promise<PermissionCheck> {
  let policy: string | undefined;
  try {
    policy = (await call<{ Policy?: string }>('lambda', 'GetPolicy', { FunctionName: functionArn })).Policy;
  } catch (error) {
    if (!(error instanceof AwsError) || error.code !== 'ResourceNotFoundException') throw error;
  }
  return decide(policy, 'lambda:InvokeFunction', functionArn, source, `function ${functionArn}`);
}

/** The queue's URL and whether its Policy attribute lets the topic send; undefined when the queue does not exist. */
export async function queueAllows(
  call: ServiceCall,
  queueArn: string,
  source: { topicArn: string; accountId: string },
): Promise<{ queueUrl: string; check: PermissionCheck } | undefined> {
  const [, , , , account = '', name = ''] = queueArn.split(':');
  let queueUrl: string;
  try {
    queueUrl = (
      await call<{ QueueUrl: string }>('sqs', 'GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: account })
    ).QueueUrl;
  } catch (error) {
    if (error instanceof AwsError && error.code === 'QueueDoesNotExist') return undefined;
    throw error;
  }
  const { Attributes } = await call<{ Attributes?: Record<string, string> }>('sqs', 'GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['Policy'],
  });
  return { queueUrl, check: decide(Attributes?.['Policy'], 'sqs:SendMessage', queueArn, source, `queue ${queueArn}`) };
}
