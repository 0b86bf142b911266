/** CloudFormation test support: SDK clients for a test cloud, waiters with short delays, event helpers. */
import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import type { TestCloud } from '../../helpers/cloud.js';
import { waitFor } from '../../helpers/wait.js';

export const WAIT = { maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 };

const clients = new WeakMap<TestCloud, CloudFormationClient>();

export function cfn(t: TestCloud): CloudFormationClient {
  let client = clients.get(t);
  if (!client) {
    client = t.cloudFormation();
    clients.set(t, client);
  }
  return client;
}

export async function created(t: TestCloud, stackName: string) {
  await waitUntilStackCreateComplete({ client: cfn(t), ...WAIT }, { StackName: stackName });
  return describe(t, stackName);
}

export async function updated(t: TestCloud, stackName: string) {
  await waitUntilStackUpdateComplete({ client: cfn(t), ...WAIT }, { StackName: stackName });
  return describe(t, stackName);
}

export async function deleted(t: TestCloud, stackName: string) {
  await waitUntilStackDeleteComplete({ client: cfn(t), ...WAIT }, { StackName: stackName });
}

export async function describe(t: TestCloud, stackName: string) {
  const out = await cfn(t).send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = out.Stacks?.[0];
  if (!stack) throw new Error(`no stack ${stackName}`);
  return stack;
}

export function output(stack: { Outputs?: { OutputKey?: string; OutputValue?: string }[] }, key: string) {
  return stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
}

/** Events oldest first, as `logicalId STATUS` strings (with the reason when `withReason`). */
export async function eventLines(t: TestCloud, stackName: string, withReason = false): Promise<string[]> {
  const out = await cfn(t).send(new DescribeStackEventsCommand({ StackName: stackName }));
  return (out.StackEvents ?? [])
    .slice()
    .reverse()
    .map((e: StackEvent) => {
      const line = `${e.LogicalResourceId} ${e.ResourceStatus}`;
      return withReason && e.ResourceStatusReason ? `${line} ${e.ResourceStatusReason}` : line;
    });
}

/** `prefix` + `\${name}`: a Fn::Sub variable, spelled without a JS template-string look-alike. */
export function sub(prefix: string, name: string): string {
  return `${prefix}$\{${name}}`;
}

export const ROLE_STATEMENT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** Waits until the stack reaches `status` (for the statuses the SDK's waiters treat as failures). */
export async function reached(t: TestCloud, stackName: string, status: string) {
  return waitFor(`${stackName} ${status}`, async () => {
    const stack = await describe(t, stackName);
    return stack.StackStatus === status ? stack : undefined;
  });
}
