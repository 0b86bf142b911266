/**
 * Queue identities: names as AWS allows them, the URLs the SDKs build and accept, and ARNs.
 *
 * A queue URL is `<endpoint>/<account>/<name>`. Any host is accepted in a given URL, as are AWS's
 * own forms (`https://sqs.<region>.amazonaws.com/<account>/<name>`,
 * `https://<region>.queue.amazonaws.com/<account>/<name>`): account and name come from the path, the
 * region from the request (a queue lives in the region the request was signed for).
 */
import { invalidParameterValue } from './errors.js';

export interface QueueKey {
  accountId: string;
  region: string;
  name: string;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a new queue's name; `.fifo` is required of FIFO queues and refused otherwise. */
export function checkQueueName(name: string, fifo: boolean): void {
  if (fifo) {
    const base = name.endsWith('.fifo') ? `${name.slice(0, -5)}_fifo` : '';
    if (!NAME.test(base)) {
      throw invalidParameterValue(
        'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
      );
    }
    return;
  }
  if (!NAME.test(name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
}

export function queueUrl(endpoint: string, accountId: string, name: string): string {
  return `${endpoint}/${accountId}/${name}`;
}

export function queueArn(key: QueueKey): string {
  return `arn:aws:sqs:${key.region}:${key.accountId}:${key.name}`;
}

const URL_PATH = /^\/(?:queue\/[a-z0-9-]+\/)?(\d{12})\/([A-Za-z0-9_.-]{1,80})\/?$/;

/**
 * The account and name a queue URL names, or undefined when it is not a queue URL. A bare name is
 * also accepted (the AWS CLI and SDKs pass one through when a user gives it), in the caller's account.
 */
export function parseQueueUrl(url: string, accountId: string): { accountId: string; name: string } | undefined {
  if (/^[A-Za-z0-9_.-]{1,80}$/.test(url)) return { accountId, name: url };
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = URL_PATH.exec(path);
  if (!match) return undefined;
  return { accountId: match[1] as string, name: match[2] as string };
}

const ARN = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/;

export function parseQueueArn(arn: string): QueueKey | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  return { region: match[1] as string, accountId: match[2] as string, name: match[3] as string };
}
