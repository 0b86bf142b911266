/**
 * `deploy` (create, or update when the stack exists), `create` and `update`. "No updates are to
 * be performed." is a skip that says so, never a failure; a stack that can only be deleted
 * (ROLLBACK_COMPLETE after a failed create, or REVIEW_IN_PROGRESS from a change set never
 * executed) is deleted and created again, as AWS requires; a stack busy with another operation
 * is waited for first.
 */
import {
  CreateStackCommand,
  DeleteStackCommand,
  type Stack,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isAwsError, isServiceError } from '../aws-errors.js';
import type { ActionContext, ActionResult } from '../task.js';
import { pollStack, StackActivity, waitForStack } from './monitor.js';
import { commonInput, createOnlyInput, type DeployParams, stackOnlyInput, waitTimeoutMs } from './params.js';
import { findStack, inProgress, mustRecreate, stackOutputs } from './stack.js';
import { resolveTemplate } from './template.js';

/** AWS's answer to an UpdateStack that would change nothing. */
export const NO_UPDATES = 'No updates are to be performed.';

export type DeployMode = 'deploy' | 'create' | 'update';

export async function deployStack(params: DeployParams, ctx: ActionContext, mode: DeployMode): Promise<ActionResult> {
  const name = params.stackName;
  let existing = await findStack(name, ctx);
  if (existing && inProgress(existing.StackStatus)) existing = await settle(existing, params, ctx);
  if (existing && mustRecreate(existing.StackStatus) && mode !== 'update') {
    await deleteForRecreate(existing, params, ctx);
    existing = undefined;
  }
  if (existing && mode === 'create') {
    throw new PipelineError('AwsError', `Stack ${name} already exists (${existing.StackStatus}).`, {
      hint: 'Use the deploy action to update a stack that exists.',
    });
  }
  if (!existing && mode === 'update') {
    throw new PipelineError('AwsError', `Stack ${name} does not exist, so it cannot be updated.`, {
      hint: 'Use the deploy action to create the stack when it does not exist.',
    });
  }
  const template = await resolveTemplate(params, ctx);
  return existing ? update(existing, template, params, ctx) : create(template, params, ctx);
}

async function create(
  template: Awaited<ReturnType<typeof resolveTemplate>>,
  params: DeployParams,
  ctx: ActionContext,
): Promise<ActionResult> {
  const name = params.stackName;
  if ('UsePreviousTemplate' in template) {
    throw new PipelineError('InvalidPipeline', `Stack ${name} does not exist: usePreviousTemplate needs one.`);
  }
  const cfn = ctx.aws.cloudFormation();
  let stackId: string;
  try {
    const out = await cfn.send(
      new CreateStackCommand({
        StackName: name,
        ...template,
        ...commonInput(params, true),
        ...createOnlyInput(params),
      }),
      { abortSignal: ctx.signal },
    );
    stackId = out.StackId ?? name;
  } catch (error) {
    throw awsFailure(error, `CreateStack ${name}`, hintFor(error));
  }
  ctx.emit({ type: 'change', message: `creating stack ${name}` });
  const stack = await waitForStack(ctx, StackActivity.fresh(ctx, stackId), {
    stackId,
    stackName: name,
    operation: 'create',
    timeoutMs: waitTimeoutMs(params),
  });
  return {
    outputs: stackOutputs(stack, params.parameters, ctx),
    changed: true,
    summary: `created stack ${name} (${stack.StackStatus})`,
  };
}

async function update(
  existing: Stack,
  template: Awaited<ReturnType<typeof resolveTemplate>>,
  params: DeployParams,
  ctx: ActionContext,
): Promise<ActionResult> {
  const name = params.stackName;
  const stackId = existing.StackId ?? name;
  const cfn = ctx.aws.cloudFormation();
  const protectionChanged = await applyTerminationProtection(existing, params, ctx);
  const activity = await StackActivity.before(ctx, stackId);
  try {
    await cfn.send(
      new UpdateStackCommand({
        StackName: stackId,
        ...template,
        ...commonInput(params),
        ...stackOnlyInput(params),
        ...(params.disableRollback !== undefined ? { DisableRollback: params.disableRollback } : {}),
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    if (isAwsError(error, 'ValidationError') && error.message.includes(NO_UPDATES)) {
      ctx.emit({ type: 'skip', message: `stack ${name}: ${NO_UPDATES} (template, parameters and tags unchanged)` });
      return {
        outputs: stackOutputs(existing, params.parameters, ctx),
        changed: protectionChanged,
        summary: protectionChanged
          ? `stack ${name}: termination protection changed, no other updates`
          : `stack ${name} unchanged: ${NO_UPDATES}`,
      };
    }
    throw awsFailure(error, `UpdateStack ${name}`, hintFor(error, existing.StackStatus));
  }
  ctx.emit({ type: 'change', message: `updating stack ${name}` });
  const stack = await waitForStack(ctx, activity, {
    stackId,
    stackName: name,
    operation: 'update',
    timeoutMs: waitTimeoutMs(params),
  });
  return {
    outputs: stackOutputs(stack, params.parameters, ctx),
    changed: true,
    summary: `updated stack ${name} (${stack.StackStatus})`,
  };
}

/** Turns termination protection on or off when the parameter says otherwise than the stack. */
async function applyTerminationProtection(existing: Stack, params: DeployParams, ctx: ActionContext): Promise<boolean> {
  const wanted = params.enableTerminationProtection;
  if (wanted === undefined || (existing.EnableTerminationProtection ?? false) === wanted) return false;
  try {
    await ctx.aws
      .cloudFormation()
      .send(
        new UpdateTerminationProtectionCommand({ StackName: existing.StackId, EnableTerminationProtection: wanted }),
        { abortSignal: ctx.signal },
      );
  } catch (error) {
    throw awsFailure(error, `UpdateTerminationProtection ${params.stackName}`);
  }
  ctx.emit({
    type: 'change',
    message: `stack ${params.stackName}: termination protection ${wanted ? 'enabled' : 'disabled'}`,
  });
  return true;
}

/** Waits for another operation on the stack to end before starting ours. */
async function settle(stack: Stack, params: DeployParams, ctx: ActionContext): Promise<Stack | undefined> {
  ctx.emit({
    type: 'info',
    message: `stack ${params.stackName} is ${stack.StackStatus}: waiting for that operation to end first`,
  });
  const stackId = stack.StackId ?? params.stackName;
  const activity = await StackActivity.before(ctx, stackId);
  const settled = await pollStack(
    ctx,
    activity,
    stackId,
    `stack ${params.stackName} to finish its ${stack.StackStatus} operation`,
    waitTimeoutMs(params),
  );
  return settled?.StackStatus === 'DELETE_COMPLETE' ? undefined : settled;
}

/** Deletes a stack that can only be deleted (ROLLBACK_COMPLETE, REVIEW_IN_PROGRESS), saying why. */
export async function deleteForRecreate(stack: Stack, params: DeployParams, ctx: ActionContext): Promise<void> {
  const name = params.stackName;
  const why =
    stack.StackStatus === 'ROLLBACK_COMPLETE'
      ? 'its first create failed and was rolled back (ROLLBACK_COMPLETE); such a stack can only be deleted'
      : 'it was made by a change set that was never executed (REVIEW_IN_PROGRESS)';
  ctx.emit({ type: 'change', message: `deleting stack ${name} before creating it again: ${why}` });
  const stackId = stack.StackId ?? name;
  const activity = await StackActivity.before(ctx, stackId);
  try {
    await ctx.aws.cloudFormation().send(new DeleteStackCommand({ StackName: stackId }), { abortSignal: ctx.signal });
  } catch (error) {
    throw awsFailure(error, `DeleteStack ${name}`);
  }
  await waitForStack(ctx, activity, {
    stackId,
    stackName: name,
    operation: 'delete',
    timeoutMs: waitTimeoutMs(params),
  });
}

/** What to do about a refused CreateStack/UpdateStack. */
export function hintFor(error: unknown, status?: string): string | undefined {
  if (!isServiceError(error)) return undefined;
  if (error.name === 'InsufficientCapabilitiesException') {
    const needed = /\[(.*)\]/.exec(error.message)?.[1];
    return `Add capabilities: [${needed ?? 'CAPABILITY_IAM'}] to the step's with: to acknowledge what the template creates.`;
  }
  if (error.name === 'AlreadyExistsException') return 'Use the deploy action to update a stack that exists.';
  if (status && /can not be updated/.test(error.message)) {
    return `A stack in ${status} cannot be updated; delete it (the delete action) or fix its state first.`;
  }
  if (/Template format error|Unresolved resource|Unrecognized resource/.test(error.message)) {
    return 'Check the template with the validate action.';
  }
  return undefined;
}
