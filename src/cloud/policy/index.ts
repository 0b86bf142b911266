/**
 * The one evaluator of resource-based policies for every service: Lambda function policies (for S3
 * and SNS pushes and cross-account invokes), SQS queue policies, SNS topic policies and S3 bucket
 * policies. Pure: a request and the policy documents in, a decision out. Identity policies stay
 * stored, not enforced.
 */

/** Who asks: a service principal (S3 pushing to a function) or an account's identity. */
export type Principal =
  | { type: 'Service'; service: string }
  | { type: 'AWS'; accountId: string; arn: string }
  | { type: 'Anonymous' };

export interface AccessRequest {
  principal: Principal;
  /** `lambda:InvokeFunction`, `sqs:SendMessage`, `sns:Publish`, `s3:GetObject` ... */
  action: string;
  /** The resource's ARN (for a function: the ARN the caller named, qualified or not). */
  resource: string;
  /** Condition keys and their values: `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalAccount` ... */
  context?: Record<string, string | string[] | undefined>;
}

/** Allow when a statement allows and none denies; an explicit Deny wins; otherwise implicit. */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** A policy document as JSON text or parsed. */
export type PolicyDocument = string | Record<string, unknown>;

export function evaluatePolicies(_documents: readonly PolicyDocument[], _request: AccessRequest): Decision {
  throw new Error('the policy evaluator is not written yet');
}
