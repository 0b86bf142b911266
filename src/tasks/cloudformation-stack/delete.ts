/** `delete`: delete a stack and wait for DELETE_COMPLETE; a stack that does not exist is a skip. */
import { DeleteStackCommand, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { awsFailure, isServiceError } from '../aws-errors.js';
import type { ActionContext, ActionResult, PlannedChange } from '../task.js';
import { StackActivity, waitForStack } from './monitor.js';
import { type DeleteParams, waitTimeoutMs } from './params.js';
import { findStack, inProgress } from './stack.js';

export async function deleteStack(params: DeleteParams, ctx: ActionContext): Promise<ActionResult> {
  const name = params.stackName;
  const stack = await findStack(name, ctx);
  if (!stack) {
    ctx.emit({ type: 'skip', message: `stack ${name} does not exist: nothing to delete` });
    return {
      outputs: { stackId: '', stackName: name, stackStatus: 'DELETE_COMPLETE' },
      changed: false,
      summary: `stack ${name} does not exist`,
    };
  }
  const stackId = stack.StackId ?? name;
  const activity = await StackActivity.before(ctx, stackId);
  try {
    await ctx.aws.cloudFormation().send(
      new DeleteStackCommand({
        StackName: stackId,
        ...(params.retainResources ? { RetainResources: params.retainResources } : {}),
        ...(params.roleArn ? { RoleARN: params.roleArn } : {}),
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    const hint =
      isServiceError(error) && /TerminationProtection/.test(error.message)
        ? 'Turn termination protection off first: deploy with enableTerminationProtection: false.'
        : inProgress(stack.StackStatus)
          ? `The stack is busy (${stack.StackStatus}); delete it once that operation ends.`
          : undefined;
    throw awsFailure(error, `DeleteStack ${name}`, hint);
  }
  ctx.emit({ type: 'change', message: `deleting stack ${name}` });
  const deleted = await waitForStack(ctx, activity, {
    stackId,
    stackName: name,
    operation: 'delete',
    timeoutMs: waitTimeoutMs(params),
  });
  return {
    outputs: { stackId, stackName: stack.StackName ?? name, stackStatus: deleted.StackStatus ?? 'DELETE_COMPLETE' },
    changed: true,
    summary: `deleted stack ${name}`,
  };
}

export async function planDelete(params: DeleteParams, ctx: ActionContext): Promise<PlannedChange[]> {
  const stack = await findStack(params.stackName, ctx);
  if (!stack) return [{ action: 'none', resource: `stack ${params.stackName}`, details: ['does not exist'] }];
  let resources: { LogicalResourceId?: string; ResourceType?: string; PhysicalResourceId?: string }[] = [];
  try {
    const out = await ctx.aws
      .cloudFormation()
      .send(new DescribeStackResourcesCommand({ StackName: stack.StackId }), { abortSignal: ctx.signal });
    resources = out.StackResources ?? [];
  } catch (error) {
    throw awsFailure(error, `DescribeStackResources ${params.stackName}`);
  }
  const retained = new Set(params.retainResources ?? []);
  return [
    { action: 'delete', resource: `stack ${params.stackName}`, details: [`status ${stack.StackStatus}`] },
    ...resources.map(
      (r): PlannedChange => ({
        action: retained.has(r.LogicalResourceId ?? '') ? 'none' : 'delete',
        resource: `${r.LogicalResourceId} (${r.ResourceType})`,
        details: [
          ...(r.PhysicalResourceId ? [`physical id ${r.PhysicalResourceId}`] : []),
          ...(retained.has(r.LogicalResourceId ?? '') ? ['retained'] : []),
        ],
      }),
    ),
  ];
}
