/**
 * Waiting for a stack operation: poll DescribeStacks (by stack id, so a stack deleted by
 * OnFailure DELETE is still found) until the status is final, showing each new stack event as a
 * progress line, and on failure name the first resource that failed with its
 * ResourceStatusReason: the stack's own reason ("The following resource(s) failed ...") says
 * what failed, the first failed resource says why.
 */
import { DescribeStackEventsCommand, type Stack, type StackEvent } from '@aws-sdk/client-cloudformation';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure } from '../aws-errors.js';
import type { ActionContext } from '../task.js';
import { describeStack, inProgress, SUCCEEDED } from './stack.js';

/** Reasons CloudFormation gives resources it stopped because another failed: never the cause. */
const CONSEQUENTIAL = /^Resource (creation|update) cancelled/;

/** The stack events of one operation, read incrementally (DescribeStackEvents lists newest first). */
export class StackActivity {
  private readonly seen = new Set<string>();
  /** This operation's events, oldest first. */
  readonly events: StackEvent[] = [];

  private constructor(
    private readonly ctx: ActionContext,
    private readonly stackId: string,
    /** The newest event before the operation started: reading stops there. */
    private readonly before: string | undefined,
  ) {}

  /** Marks where the next operation on `stackId` starts (call before the call that starts it). */
  static async before(ctx: ActionContext, stackId: string): Promise<StackActivity> {
    const page = await readEvents(ctx, stackId, undefined);
    return new StackActivity(ctx, stackId, page.events[0]?.EventId);
  }

  /** For a stack that did not exist before the operation. */
  static fresh(ctx: ActionContext, stackId: string): StackActivity {
    return new StackActivity(ctx, stackId, undefined);
  }

  /** Events since the last read, oldest first, also emitted as progress lines. */
  async read(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    let token: string | undefined;
    pages: do {
      const page = await readEvents(this.ctx, this.stackId, token);
      for (const event of page.events) {
        const id = event.EventId ?? '';
        if (id === this.before || this.seen.has(id)) break pages;
        fresh.push(event);
      }
      token = page.nextToken;
    } while (token);
    fresh.reverse();
    for (const event of fresh) {
      this.seen.add(event.EventId ?? '');
      this.events.push(event);
      this.ctx.emit({ type: 'info', message: describeEvent(event) });
    }
    return fresh;
  }

  /** The first resource event of this operation that failed for a reason of its own. */
  firstFailure(): StackEvent | undefined {
    const failed = this.events.filter(
      (e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason && e.PhysicalResourceId !== this.stackId,
    );
    return failed.find((e) => !CONSEQUENTIAL.test(e.ResourceStatusReason ?? '')) ?? failed[0];
  }
}

async function readEvents(
  ctx: ActionContext,
  stackId: string,
  token: string | undefined,
): Promise<{ events: StackEvent[]; nextToken: string | undefined }> {
  try {
    const out = await ctx.aws
      .cloudFormation()
      .send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }), { abortSignal: ctx.signal });
    return { events: out.StackEvents ?? [], nextToken: out.NextToken };
  } catch (error) {
    throw awsFailure(error, `DescribeStackEvents ${stackId}`);
  }
}

/** "Fn AWS::Lambda::Function CREATE_FAILED: reason" */
export function describeEvent(event: StackEvent): string {
  const line = `${event.LogicalResourceId ?? '?'} ${event.ResourceType ?? ''} ${event.ResourceStatus ?? ''}`.replace(
    /\s+/g,
    ' ',
  );
  return event.ResourceStatusReason ? `${line}: ${event.ResourceStatusReason}` : line;
}

export interface StackWait {
  /** The stack's id (its ARN): polling by id finds deleted stacks too. */
  stackId: string;
  stackName: string;
  /** The operation, for messages: "create", "update", "delete". */
  operation: string;
  timeoutMs: number;
}

/**
 * Waits for the stack to leave its *_IN_PROGRESS statuses. Resolves with the final stack when the
 * operation succeeded; throws PipelineError('StackFailed') naming the first failed resource when
 * it did not (rolled back, failed, or deleted by OnFailure DELETE).
 */
export async function waitForStack(ctx: ActionContext, activity: StackActivity, wait: StackWait): Promise<Stack> {
  const stack = await pollStack(
    ctx,
    activity,
    wait.stackId,
    `stack ${wait.stackName} to finish its ${wait.operation}`,
    wait.timeoutMs,
  );
  if (!stack) {
    throw new PipelineError(
      'StackFailed',
      `Stack ${wait.stackName} disappeared while waiting for its ${wait.operation}.`,
    );
  }
  const status = stack.StackStatus ?? '';
  if (SUCCEEDED.has(status) && !(wait.operation !== 'delete' && status === 'DELETE_COMPLETE')) return stack;
  throw stackFailure(stack, activity, wait);
}

/**
 * Polls the stack (showing its new events) until it leaves its *_IN_PROGRESS statuses; resolves
 * with it then, or with undefined once it is not there at all.
 */
export async function pollStack(
  ctx: ActionContext,
  activity: StackActivity,
  stackId: string,
  what: string,
  timeoutMs: number,
): Promise<Stack | undefined> {
  const result = await ctx.waitFor(
    async () => {
      const current = await describeStack(stackId, ctx);
      await activity.read();
      if (!current) return { stack: undefined };
      return inProgress(current.StackStatus) ? undefined : { stack: current };
    },
    { what, timeoutMs },
  );
  return result.stack;
}

function stackFailure(stack: Stack, activity: StackActivity, wait: StackWait): PipelineError {
  const status = stack.StackStatus ?? 'an unknown status';
  const first = activity.firstFailure();
  const cause = first
    ? `${first.LogicalResourceId} (${first.ResourceType}) ${first.ResourceStatus}: ${first.ResourceStatusReason}`
    : (stack.StackStatusReason ?? 'CloudFormation gave no reason');
  return new PipelineError(
    'StackFailed',
    `The ${wait.operation} of stack ${wait.stackName} failed (${status}). First failure: ${cause}`,
    { hint: failureHint(status) },
  );
}

function failureHint(status: string): string | undefined {
  switch (status) {
    case 'ROLLBACK_COMPLETE':
      return 'Nothing was kept. Fix the cause and deploy again: the deploy action deletes a ROLLBACK_COMPLETE stack and creates it anew.';
    case 'UPDATE_ROLLBACK_COMPLETE':
      return 'The stack was rolled back to its previous state and can be updated again once the cause is fixed.';
    case 'CREATE_FAILED':
    case 'UPDATE_FAILED':
      return 'Rollback was disabled: the resources created so far were kept for inspection. Fix the cause, then update or delete the stack.';
    case 'DELETE_COMPLETE':
      return 'The stack was deleted on failure (onFailure: DELETE).';
    case 'DELETE_FAILED':
      return 'Some resources could not be deleted; remove them (or retain them with retainResources) and delete again.';
    case 'UPDATE_ROLLBACK_FAILED':
      return 'The stack needs ContinueUpdateRollback (fix what blocks the rollback first).';
    default:
      return undefined;
  }
}
