/**
 * When SNS tries a failed delivery again, per AWS's delivery policies: AWS-managed endpoints
 * (Lambda, SQS) get 3 immediate retries, 2 one second apart, 10 backing off from 1 to 20 s, then
 * 100,000 at 20 s; HTTP/S endpoints follow the subscription's or topic's DeliveryPolicy (by default
 * 3 retries 20 s apart). Delays are scaled down (AWS's seconds become milliseconds by default),
 * counts are AWS's.
 */

/** AWS's seconds times this are the local delays in ms. @default 1 (20 s becomes 20 ms) */
export const DEFAULT_DELAY_MS_PER_SECOND = 1;

interface HealthyRetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

const AWS_MANAGED: HealthyRetryPolicy = {
  numNoDelayRetries: 3,
  numMinDelayRetries: 2,
  minDelayTarget: 1,
  maxDelayTarget: 20,
  numRetries: 100_015,
  numMaxDelayRetries: 100_000,
  backoffFunction: 'exponential',
};

const HTTP_DEFAULT: HealthyRetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: 'linear',
};

/** The HTTP retry policy a subscription's DeliveryPolicy, else its topic's, sets. */
function httpPolicy(subscriptionPolicy: string | undefined, topicPolicy: string | undefined): HealthyRetryPolicy {
  for (const text of [subscriptionPolicy, topicPolicy]) {
    if (!text) continue;
    try {
      const parsed = JSON.parse(text) as {
        healthyRetryPolicy?: Partial<HealthyRetryPolicy>;
        http?: { defaultHealthyRetryPolicy?: Partial<HealthyRetryPolicy> };
      };
      const policy = parsed.healthyRetryPolicy ?? parsed.http?.defaultHealthyRetryPolicy;
      if (policy) return { ...HTTP_DEFAULT, ...policy };
    } catch {
      // Stored policies were checked as JSON when set; an unreadable one falls back to the default.
    }
  }
  return HTTP_DEFAULT;
}

/**
 * The delay before retry number `retry` (1-based) in AWS seconds, or undefined when the policy
 * has no retry left.
 */
function delaySeconds(policy: HealthyRetryPolicy, retry: number): number | undefined {
  if (retry > policy.numRetries) return undefined;
  if (retry <= policy.numNoDelayRetries) return 0;
  if (retry <= policy.numNoDelayRetries + policy.numMinDelayRetries) return policy.minDelayTarget;
  const backoffRetries =
    policy.numRetries - policy.numNoDelayRetries - policy.numMinDelayRetries - policy.numMaxDelayRetries;
  const step = retry - policy.numNoDelayRetries - policy.numMinDelayRetries;
  if (step > backoffRetries || backoffRetries <= 0) return policy.maxDelayTarget;
  const { minDelayTarget: min, maxDelayTarget: max } = policy;
  const fraction = backoffRetries === 1 ? 1 : (step - 1) / (backoffRetries - 1);
  switch (policy.backoffFunction) {
    case 'linear':
      return min + (max - min) * fraction;
    case 'arithmetic':
      return min + (max - min) * fraction * fraction;
    case 'geometric':
      return min * (max / Math.max(min, 1)) ** fraction;
    default:
      return min + ((max - min) * (2 ** (fraction * 4) - 1)) / 15;
  }
}

/** Delay in local ms before retry number `retry` of a delivery to `protocol`, undefined when none is left. */
export function retryDelayMs(
  protocol: string,
  retry: number,
  policies: { subscription?: string | undefined; topic?: string | undefined },
  msPerSecond: number,
): number | undefined {
  const policy =
    protocol === 'http' || protocol === 'https' ? httpPolicy(policies.subscription, policies.topic) : AWS_MANAGED;
  const seconds = delaySeconds(policy, retry);
  return seconds === undefined ? undefined : Math.round(seconds * msPerSecond);
}
