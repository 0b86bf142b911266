/**
 * Reading stacks: find one by name (undefined when it does not exist), its outputs as step
 * outputs (NoEcho values kept secret), and the status families that decide what an action does.
 */
import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { awsFailure, isAwsError } from '../aws-errors.js';
import type { ActionContext, OutputValue } from '../task.js';

/** Statuses an operation ends in successfully. */
export const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_COMPLETE', 'IMPORT_COMPLETE']);

/** A stack that only exists to be deleted: created by a change set never executed, or a failed create. */
export function mustRecreate(status: string | undefined): boolean {
  return status === 'ROLLBACK_COMPLETE' || status === 'REVIEW_IN_PROGRESS';
}

export function inProgress(status: string | undefined): boolean {
  return (status?.endsWith('_IN_PROGRESS') ?? false) && status !== 'REVIEW_IN_PROGRESS';
}

/** The stack named (or with the id) `nameOrId`; undefined when there is none (or it was deleted). */
export async function findStack(nameOrId: string, ctx: ActionContext): Promise<Stack | undefined> {
  const stack = await describeStack(nameOrId, ctx);
  return stack?.StackStatus === 'DELETE_COMPLETE' ? undefined : stack;
}

/** Like findStack, but deleted stacks (found by id) are returned too. */
export async function describeStack(nameOrId: string, ctx: ActionContext): Promise<Stack | undefined> {
  try {
    const out = await ctx.aws
      .cloudFormation()
      .send(new DescribeStacksCommand({ StackName: nameOrId }), { abortSignal: ctx.signal });
    return out.Stacks?.[0];
  } catch (error) {
    if (isAwsError(error, 'ValidationError') && /does not exist/.test(error.message)) return undefined;
    throw awsFailure(error, `DescribeStacks ${nameOrId}`);
  }
}

/** What DescribeStacks shows in place of a NoEcho parameter's value. */
const MASK = '****';

/**
 * The step outputs of a stack: stackId, stackName, stackStatus, and each stack Output by its key.
 * NoEcho parameter values the step passed are registered as secrets, and an Output that repeats one
 * is a secret output (CloudFormation masks NoEcho in the parameters, not in outputs).
 */
export function stackOutputs(
  stack: Stack,
  given: Record<string, unknown> | undefined,
  ctx: ActionContext,
): Record<string, OutputValue> {
  const secrets = new Set<string>();
  for (const p of stack.Parameters ?? []) {
    const value = p.ParameterKey !== undefined ? given?.[p.ParameterKey] : undefined;
    if (p.ParameterValue === MASK && (typeof value === 'string' || typeof value === 'number')) {
      secrets.add(String(value));
    }
  }
  for (const value of secrets) ctx.secret(value);
  const outputs: Record<string, OutputValue> = {};
  for (const o of stack.Outputs ?? []) {
    if (!o.OutputKey || o.OutputValue === undefined) continue;
    outputs[o.OutputKey] = secrets.has(o.OutputValue) ? { value: o.OutputValue, secret: true } : o.OutputValue;
  }
  // The stack's own identity wins over an Output with the same key.
  outputs.stackId = stack.StackId ?? '';
  outputs.stackName = stack.StackName ?? '';
  outputs.stackStatus = stack.StackStatus ?? '';
  return outputs;
}
