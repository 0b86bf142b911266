/**
 * Change sets: `create-change-set` (type CREATE or UPDATE chosen from whether the stack exists,
 * waits for CREATE_COMPLETE, an empty change set is a skip), `execute-change-set`, and the plan of
 * the deploying actions (a change set created, described, then deleted: never executed).
 */
import {
  type Change,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetOutput,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { PipelineError } from '../../pipeline/errors.js';
import { awsCall, awsFailure } from '../aws-errors.js';
import {
  type ActionContext,
  type ActionResult,
  KNOWN_AFTER_RUN,
  type OutputValue,
  type PlannedChange,
  type PlanResult,
} from '../task.js';
import { deleteForRecreate, hintFor, NO_UPDATES } from './deploy.js';
import { forecastOutputs, stackFingerprint } from './foresee.js';
import { StackActivity, waitForStack } from './monitor.js';
import {
  type CreateChangeSetParams,
  commonInput,
  type DeployParams,
  type ExecuteChangeSetParams,
  waitTimeoutMs,
} from './params.js';
import { findStack, mustRecreate, stackOutputs } from './stack.js';
import { resolveTemplate, type TemplateInput } from './template.js';

/** The reasons a change set fails when it would change nothing. */
const EMPTY = /didn't contain changes|No updates are to be performed/;

interface ComputedChangeSet {
  changeSet: DescribeChangeSetOutput;
  /** The change set would change nothing (CloudFormation failed it for that reason). */
  empty: boolean;
}

/** Starts creating a change set; CloudFormation computes it in the background. */
async function startChangeSet(
  params: CreateChangeSetParams,
  name: string,
  type: 'CREATE' | 'UPDATE',
  ctx: ActionContext,
  resolved?: TemplateInput,
): Promise<{ id: string; stackId: string | undefined }> {
  const template = resolved ?? (await resolveTemplate(params, ctx));
  try {
    const out = await ctx.aws.cloudFormation().send(
      new CreateChangeSetCommand({
        StackName: params.stackName,
        ChangeSetName: name,
        ChangeSetType: type,
        ...template,
        ...commonInput(params, type === 'CREATE'),
        ...(params.description ? { Description: params.description } : {}),
        ...(type === 'CREATE' && params.onFailure ? { OnStackFailure: params.onFailure } : {}),
      }),
      { abortSignal: ctx.signal },
    );
    return { id: out.Id ?? name, stackId: out.StackId };
  } catch (error) {
    throw awsFailure(error, `CreateChangeSet ${name} of stack ${params.stackName}`, hintFor(error));
  }
}

/** Waits until CloudFormation has computed the change set; an empty one is not a failure. */
async function awaitChangeSet(
  id: string,
  params: CreateChangeSetParams,
  name: string,
  ctx: ActionContext,
): Promise<ComputedChangeSet> {
  const settled = await ctx.waitFor(
    async () => {
      const current = await describeChangeSet(id, undefined, ctx);
      return current.Status === 'CREATE_PENDING' || current.Status === 'CREATE_IN_PROGRESS' ? undefined : current;
    },
    {
      what: `change set ${name} of stack ${params.stackName} to be computed`,
      timeoutMs: waitTimeoutMs(params),
    },
  );
  if (settled.Status === 'CREATE_COMPLETE') return { changeSet: settled, empty: false };
  if (settled.Status === 'FAILED' && EMPTY.test(settled.StatusReason ?? '')) return { changeSet: settled, empty: true };
  throw new PipelineError(
    'StackFailed',
    `Change set ${name} of stack ${params.stackName} failed (${settled.Status}): ${settled.StatusReason ?? 'no reason given'}`,
    { hint: 'Check the template with the validate action, and the parameters against it.' },
  );
}

/** DescribeChangeSet with every page of Changes. */
async function describeChangeSet(
  nameOrId: string,
  stackName: string | undefined,
  ctx: ActionContext,
): Promise<DescribeChangeSetOutput> {
  const cfn = ctx.aws.cloudFormation();
  let first: DescribeChangeSetOutput | undefined;
  const changes: Change[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await cfn.send(
        new DescribeChangeSetCommand({ ChangeSetName: nameOrId, StackName: stackName, NextToken: token }),
        { abortSignal: ctx.signal },
      );
      first ??= page;
      changes.push(...(page.Changes ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw awsFailure(error, `DescribeChangeSet ${nameOrId}`);
  }
  return { ...first, Changes: changes, NextToken: undefined };
}

async function deleteChangeSet(id: string, ctx: ActionContext): Promise<void> {
  try {
    await ctx.aws.cloudFormation().send(new DeleteChangeSetCommand({ ChangeSetName: id }), { abortSignal: ctx.signal });
  } catch (error) {
    throw awsFailure(error, `DeleteChangeSet ${id}`);
  }
}

function defaultName(): string {
  return `lambda-tasks-${new Date()
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 17)}`;
}

/** CREATE for a stack that does not exist yet (or only in review), UPDATE otherwise. */
function typeFor(stack: Stack | undefined): 'CREATE' | 'UPDATE' {
  return !stack || stack.StackStatus === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
}

export async function createChangeSetAction(params: CreateChangeSetParams, ctx: ActionContext): Promise<ActionResult> {
  let stack = await findStack(params.stackName, ctx);
  if (stack?.StackStatus === 'ROLLBACK_COMPLETE') {
    await deleteForRecreate(stack, params, ctx);
    stack = undefined;
  }
  const type = params.changeSetType ?? typeFor(stack);
  const name = params.changeSetName ?? defaultName();
  const started = await startChangeSet(params, name, type, ctx);
  const made = await awaitChangeSet(started.id, params, name, ctx);
  const id = made.changeSet.ChangeSetId ?? started.id;
  const base = {
    changeSetName: name,
    changeSetType: type,
    stackId: made.changeSet.StackId ?? started.stackId ?? '',
    stackName: params.stackName,
  };
  if (made.empty) {
    await deleteChangeSet(id, ctx);
    ctx.emit({
      type: 'skip',
      message: `stack ${params.stackName}: the change set would change nothing (${made.changeSet.StatusReason}); deleted it`,
    });
    return {
      outputs: { ...base, changeSetId: '', hasChanges: false, changes: 0, changeSummary: '' },
      changed: false,
      summary: `stack ${params.stackName} unchanged: ${NO_UPDATES}`,
    };
  }
  const planned = plannedChanges(made.changeSet);
  for (const change of planned) {
    ctx.emit({ type: 'info', message: `${change.action} ${change.resource}${detailText(change)}` });
  }
  ctx.emit({ type: 'change', message: `created ${type} change set ${name} (${planned.length} changes)` });
  return {
    outputs: {
      ...base,
      changeSetId: id,
      hasChanges: true,
      changes: planned.length,
      changeSummary: planned.map((c) => `${c.action} ${c.resource}`).join('; '),
    },
    changed: true,
    summary: `change set ${name} for stack ${params.stackName}: ${planned.length} changes`,
  };
}

export async function executeChangeSetAction(
  params: ExecuteChangeSetParams,
  ctx: ActionContext,
): Promise<ActionResult> {
  const changeSet = await describeChangeSet(params.changeSetName, params.stackName, ctx);
  const stackId = changeSet.StackId ?? params.stackName ?? '';
  const stackName = changeSet.StackName ?? params.stackName ?? stackId;
  if (changeSet.Status === 'FAILED' && EMPTY.test(changeSet.StatusReason ?? '')) {
    ctx.emit({ type: 'skip', message: `change set ${params.changeSetName} has no changes: ${changeSet.StatusReason}` });
    const stack = await findStack(stackId, ctx);
    return {
      outputs: stack ? stackOutputs(stack, undefined, ctx) : { stackId, stackName, stackStatus: '' },
      changed: false,
      summary: `stack ${stackName} unchanged: the change set had no changes`,
    };
  }
  if (changeSet.ExecutionStatus !== 'AVAILABLE') {
    throw new PipelineError(
      'StackFailed',
      `Change set ${params.changeSetName} of stack ${stackName} cannot be executed: status ${changeSet.Status}, execution status ${changeSet.ExecutionStatus}${changeSet.StatusReason ? ` (${changeSet.StatusReason})` : ''}.`,
    );
  }
  const before = await findStack(stackId, ctx);
  const operation = before?.StackStatus === 'REVIEW_IN_PROGRESS' ? 'create' : 'update';
  const activity = await StackActivity.before(ctx, stackId);
  try {
    await ctx.aws.cloudFormation().send(
      new ExecuteChangeSetCommand({
        ChangeSetName: changeSet.ChangeSetId,
        ...(params.disableRollback !== undefined ? { DisableRollback: params.disableRollback } : {}),
        ...(params.retainExceptOnCreate !== undefined ? { RetainExceptOnCreate: params.retainExceptOnCreate } : {}),
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    throw awsFailure(error, `ExecuteChangeSet ${params.changeSetName}`);
  }
  ctx.emit({ type: 'change', message: `executing change set ${changeSet.ChangeSetName} on stack ${stackName}` });
  const stack = await waitForStack(ctx, activity, {
    stackId,
    stackName,
    operation,
    timeoutMs: waitTimeoutMs(params),
  });
  return {
    outputs: stackOutputs(stack, undefined, ctx),
    changed: true,
    summary: `${operation === 'create' ? 'created' : 'updated'} stack ${stackName} with change set ${changeSet.ChangeSetName}`,
  };
}

/** What `execute-change-set` would do: the change set's changes. */
export async function planExecuteChangeSet(
  params: ExecuteChangeSetParams,
  ctx: ActionContext,
): Promise<PlannedChange[]> {
  const changeSet = await describeChangeSet(params.changeSetName, params.stackName, ctx);
  if (changeSet.Status === 'FAILED' && EMPTY.test(changeSet.StatusReason ?? '')) {
    return [{ action: 'none', resource: `stack ${changeSet.StackName}`, details: [changeSet.StatusReason ?? ''] }];
  }
  return plannedChanges(changeSet);
}

/**
 * What deploying the template would change, from a change set that is created, read and deleted
 * (never executed). For a stack that does not exist, the CREATE change set's REVIEW_IN_PROGRESS
 * stack is deleted too. A `templateFile` over 51,200 bytes is uploaded to `templateBucket` first.
 */
export async function planStack(
  params: DeployParams,
  ctx: ActionContext,
  mode: 'deploy' | 'create' | 'update',
): Promise<PlannedChange[] | PlanResult> {
  const stack = await findStack(params.stackName, ctx);
  if (mode === 'update' && !stack) {
    return [{ action: 'none', resource: `stack ${params.stackName}`, details: ['does not exist: update would fail'] }];
  }
  if (mode === 'create' && stack && !mustRecreate(stack.StackStatus)) {
    return [{ action: 'none', resource: `stack ${params.stackName}`, details: ['exists already: create would fail'] }];
  }
  if (stack?.StackStatus === 'ROLLBACK_COMPLETE' && mode !== 'update') {
    return [
      {
        action: 'replace',
        resource: `stack ${params.stackName}`,
        details: ['ROLLBACK_COMPLETE: it is deleted, then created again'],
      },
      ...(await templateResources(params, ctx)),
    ];
  }
  const resource = `stack ${params.stackName}`;
  const template = await resolveTemplate(params, ctx, { plan: true });
  const fingerprint = stackFingerprint(template, params, stack);
  const unknownOutputs = { stackId: stack?.StackId ?? KNOWN_AFTER_RUN, stackName: params.stackName };
  // An earlier step deploys this stack first: a change set now would compare with the stack
  // before that step, which is not what this step will find.
  const earlier = ctx.foresight?.lookup('stack', params.stackName);
  if (earlier) {
    if (earlier.fingerprint === fingerprint) {
      const details = [`step ${earlier.stepId} deploys the same template, parameters and tags first: ${NO_UPDATES}`];
      return { changes: [{ action: 'none', resource, details }], outputs: earlier.outputs };
    }
    ctx.foresight?.record('stack', params.stackName, { fingerprint, outputs: unknownOutputs, stepId: ctx.stepId });
    const details = [
      `differs from what step ${earlier.stepId} deploys first (template, parameters or tags): the resource changes are known after run`,
    ];
    return { changes: [{ action: 'update', resource, details }], outputs: unknownOutputs };
  }
  const type = typeFor(stack);
  const name = `lambda-tasks-plan-${Date.now()}`;
  const started = await startChangeSet(params, name, type, ctx, template);
  // Planning leaves nothing behind: the change set goes, and so does the REVIEW_IN_PROGRESS stack
  // a CREATE change set made.
  const cleanUp = async () => {
    await deleteChangeSet(started.id, ctx);
    if (!stack && started.stackId) {
      const stackId = started.stackId;
      await awsCall(`DeleteStack ${params.stackName} (made by planning)`, () =>
        ctx.aws.cloudFormation().send(new DeleteStackCommand({ StackName: stackId }), { abortSignal: ctx.signal }),
      );
    }
  };
  let made: ComputedChangeSet;
  try {
    made = await awaitChangeSet(started.id, params, name, ctx);
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
  await cleanUp();
  if (made.empty) {
    return {
      changes: [{ action: 'none', resource, details: [NO_UPDATES] }],
      ...(stack ? { outputs: stackOutputs(stack, params.parameters, ctx) } : {}),
    };
  }
  const outputs = stack ? await updatedOutputs(stack, template, made.changeSet, params, ctx) : unknownOutputs;
  ctx.foresight?.record('stack', params.stackName, { fingerprint, outputs, stepId: ctx.stepId });
  return { changes: plannedChanges(made.changeSet), outputs };
}

/** The outputs an update leaves as they are (see foresee.ts), the others known after run. */
async function updatedOutputs(
  stack: Stack,
  template: TemplateInput,
  changeSet: DescribeChangeSetOutput,
  params: DeployParams,
  ctx: ActionContext,
): Promise<Record<string, OutputValue>> {
  const current = stackOutputs(stack, params.parameters, ctx);
  const unknown = Object.fromEntries(Object.keys(current).map((key) => [key, KNOWN_AFTER_RUN]));
  const base = { ...unknown, stackId: stack.StackId ?? KNOWN_AFTER_RUN, stackName: params.stackName };
  if (!('TemplateBody' in template) && !('UsePreviousTemplate' in template)) return base;
  const old = await awsCall(`GetTemplate ${params.stackName}`, () =>
    ctx.aws.cloudFormation().send(new GetTemplateCommand({ StackName: stack.StackId, TemplateStage: 'Original' }), {
      abortSignal: ctx.signal,
    }),
  );
  if (old.TemplateBody === undefined) return base;
  return forecastOutputs({
    current: stack,
    outputs: current,
    oldTemplate: old.TemplateBody,
    newTemplate: 'TemplateBody' in template ? template.TemplateBody : old.TemplateBody,
    changes: changeSet.Changes ?? [],
    params,
  });
}

/** Every resource of a template as a create, from GetTemplateSummary. */
async function templateResources(params: DeployParams, ctx: ActionContext): Promise<PlannedChange[]> {
  const template = await resolveTemplate(params, ctx, { plan: true });
  if ('UsePreviousTemplate' in template) return [];
  try {
    const summary = await ctx.aws
      .cloudFormation()
      .send(new GetTemplateSummaryCommand(template), { abortSignal: ctx.signal });
    return (summary.ResourceIdentifierSummaries ?? []).flatMap((s) =>
      (s.LogicalResourceIds ?? []).map(
        (id): PlannedChange => ({ action: 'create', resource: `${id} (${s.ResourceType})`, details: [] }),
      ),
    );
  } catch (error) {
    throw awsFailure(error, 'GetTemplateSummary');
  }
}

/** A change set's resource changes as planned changes. */
export function plannedChanges(changeSet: DescribeChangeSetOutput): PlannedChange[] {
  return (changeSet.Changes ?? []).flatMap((change): PlannedChange[] => {
    const r = change.ResourceChange;
    if (!r) return [];
    const details: string[] = [];
    if (r.PhysicalResourceId) details.push(`physical id ${r.PhysicalResourceId}`);
    if (r.Replacement && r.Action === 'Modify') details.push(`replacement: ${r.Replacement}`);
    for (const d of r.Details ?? []) {
      const target = d.Target;
      if (!target) continue;
      const what = [target.Attribute, target.Name].filter(Boolean).join('.');
      const values =
        target.BeforeValue !== undefined || target.AfterValue !== undefined
          ? `: ${target.BeforeValue ?? '(none)'} -> ${target.AfterValue ?? '(none)'}`
          : '';
      const recreation = target.RequiresRecreation ? ` (recreation: ${target.RequiresRecreation})` : '';
      details.push(`${what}${values}${recreation}`);
    }
    return [
      { action: actionOf(r.Action, r.Replacement), resource: `${r.LogicalResourceId} (${r.ResourceType})`, details },
    ];
  });
}

function actionOf(action: string | undefined, replacement: string | undefined): PlannedChange['action'] {
  switch (action) {
    case 'Add':
    case 'Import':
      return 'create';
    case 'Remove':
      return 'delete';
    case 'Modify':
      return replacement === 'True' ? 'replace' : 'update';
    default:
      return 'update';
  }
}

function detailText(change: PlannedChange): string {
  return change.details.length ? `: ${change.details.join(', ')}` : '';
}
