/** CreateStack, UpdateStack, DeleteStack, DescribeStacks, ListStacks, UpdateTerminationProtection. */
import type {
  CreateStackInput,
  CreateStackOutput,
  DeleteStackInput,
  DescribeStacksInput,
  DescribeStacksOutput,
  ListStacksInput,
  ListStacksOutput,
  StackSummary,
  UpdateStackInput,
  UpdateStackOutput,
  UpdateTerminationProtectionInput,
  UpdateTerminationProtectionOutput,
} from '@aws-sdk/client-cloudformation';
import { type PreparedDeployment, validationError } from '../../cloudformation/engine/deployment.js';
import { planChanges } from '../../cloudformation/engine/plan.js';
import { CREATE_NESTED_STACK, type CreateNestedStackInput } from '../../cloudformation/providers/cloudformation.js';
import { requiredCapabilities } from '../../cloudformation/template/index.js';
import { requireAutoExpand } from '../../cloudformation/transforms/index.js';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import type { CloudFormationService } from './cloudformation-service.js';
import type { Deployment, StackRecord } from './state.js';

/** Statuses from which an update (UpdateStack, ExecuteChangeSet) may start. */
const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE']);

export function assertUpdatable(stack: StackRecord): void {
  if (!UPDATABLE.has(stack.status)) {
    throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
  }
}

/** Tags as stored: the SDK's optional Key/Value made plain strings. */
export function toTags(
  tags: { Key?: string | undefined; Value?: string | undefined }[],
): { Key: string; Value: string }[] {
  return tags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

export function checkCapabilities(prepared: PreparedDeployment, given: string[] | undefined): void {
  const missing = requiredCapabilities(prepared.template).capabilities.filter((c) => !(given ?? []).includes(c));
  // CAPABILITY_NAMED_IAM covers what CAPABILITY_IAM does.
  if (missing.length === 1 && missing[0] === 'CAPABILITY_IAM' && given?.includes('CAPABILITY_NAMED_IAM')) return;
  if (missing.length) {
    throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${missing.join(', ')}]`);
  }
}

export function deploymentOf(prepared: PreparedDeployment): Deployment {
  return {
    templateBody: prepared.templateBody,
    parameters: Object.entries(prepared.rawParameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
    noEcho: [...prepared.noEcho],
  };
}

/**
 * Starts an update of `stack` to `prepared` (UpdateStack and ExecuteChangeSet); `previous` is the
 * stack's current deployment prepared, when the caller has it already.
 */
export function startUpdate(
  service: CloudFormationService,
  stack: StackRecord,
  prepared: PreparedDeployment,
  extra: Partial<StackRecord['data']> = {},
  previous = service.prepareCurrent(stack),
): void {
  stack.data = {
    ...stack.data,
    ...extra,
    previous: stack.data.deployment,
    deployment: deploymentOf(prepared),
    ...(prepared.template.Description ? { description: String(prepared.template.Description) } : {}),
  };
  stack.updatedAt = service.now();
  service.state.putStack(stack);
  service.operations.setStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
  service.operations.start(stack.stackId, () => service.operations.update(stack, prepared, previous));
}

/** Starts creating `stack` (CreateStack and ExecuteChangeSet of a CREATE change set). */
export function startCreate(
  service: CloudFormationService,
  stack: StackRecord,
  prepared: PreparedDeployment,
  onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE',
): void {
  service.operations.setStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
  service.operations.start(stack.stackId, () => service.operations.create(stack, prepared, onFailure));
}

/** Where a nested stack sits: its parent and the root of its tree (stack ids). */
interface Nesting {
  parentId: string;
  rootId: string;
}

export function stackHandlers(service: CloudFormationService): Record<string, Handler> {
  const { state, operations } = service;

  /** CreateStack, and CreateNestedStack for an AWS::CloudFormation::Stack resource (`nesting`). */
  function createStack(input: CreateStackInput, ctx: RequestContext, nesting?: Nesting): CreateStackOutput {
    const name = input.StackName ?? '';
    if (state.stackByName(ctx.accountId, ctx.region, name)) {
      throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    }
    if (input.OnFailure !== undefined && input.DisableRollback !== undefined) {
      throw validationError('You cannot specify both DisableRollback and OnFailure.');
    }
    const body = service.templateBody(input, ctx);
    requireAutoExpand(body, input.Capabilities);
    const stackId = service.newStackId(ctx, name);
    const identity = { accountId: ctx.accountId, region: ctx.region, name, stackId };
    const prepared = service.prepare(identity, body, input.Parameters ?? [], undefined);
    checkCapabilities(prepared, input.Capabilities);
    const now = service.now();
    const stack: StackRecord = {
      ...identity,
      status: 'CREATE_IN_PROGRESS',
      statusReason: 'User Initiated',
      createdAt: now,
      updatedAt: undefined,
      deletedAt: undefined,
      data: {
        deployment: deploymentOf(prepared),
        capabilities: input.Capabilities ?? [],
        tags: toTags(input.Tags ?? []),
        notificationArns: input.NotificationARNs ?? [],
        disableRollback: input.DisableRollback ?? input.OnFailure === 'DO_NOTHING',
        terminationProtection: input.EnableTerminationProtection ?? false,
        outputs: [],
        imports: [],
        ...(prepared.template.Description ? { description: String(prepared.template.Description) } : {}),
        ...(input.RoleARN ? { roleArn: input.RoleARN } : {}),
        ...(input.TimeoutInMinutes ? { timeoutInMinutes: input.TimeoutInMinutes } : {}),
        ...nesting,
      },
    };
    // startCreate's first status change writes the new row together with its first event.
    startCreate(service, stack, prepared, input.OnFailure ?? (input.DisableRollback ? 'DO_NOTHING' : 'ROLLBACK'));
    return { StackId: stackId };
  }

  return {
    CreateStack(input: CreateStackInput, ctx: RequestContext): CreateStackOutput {
      return createStack(input, ctx);
    },

    /**
     * In-process only (the model has no such operation): the nested stack of a parent's
     * AWS::CloudFormation::Stack resource. It takes the parent's capabilities and stack tags, and
     * leaves failures to the parent's rollback (OnFailure DO_NOTHING).
     */
    [CREATE_NESTED_STACK](input: CreateNestedStackInput, ctx: RequestContext): CreateStackOutput {
      const parent = service.liveStack(input.ParentId, ctx);
      const given = input.Tags ?? [];
      const inherited = parent.data.tags.filter((tag) => !given.some((g) => g.Key === tag.Key));
      return createStack(
        {
          StackName: input.StackName,
          TemplateURL: input.TemplateURL,
          Parameters: input.Parameters,
          Capabilities: parent.data.capabilities as CreateStackInput['Capabilities'],
          Tags: [...inherited, ...given],
          OnFailure: 'DO_NOTHING',
          ...(input.TimeoutInMinutes !== undefined ? { TimeoutInMinutes: input.TimeoutInMinutes } : {}),
        },
        ctx,
        { parentId: parent.stackId, rootId: parent.data.rootId ?? parent.stackId },
      );
    },

    UpdateStack(input: UpdateStackInput, ctx: RequestContext): UpdateStackOutput {
      const stack = service.liveStack(input.StackName, ctx);
      assertUpdatable(stack);
      if (input.UsePreviousTemplate && (input.TemplateBody !== undefined || input.TemplateURL !== undefined)) {
        throw validationError('You cannot specify both usePreviousTemplate and Template Body/Template URL');
      }
      const body = input.UsePreviousTemplate ? stack.data.deployment.templateBody : service.templateBody(input, ctx);
      requireAutoExpand(body, input.Capabilities);
      const prepared = service.prepare(stack, body, input.Parameters ?? [], stack.data.deployment);
      checkCapabilities(prepared, input.Capabilities);
      const tags = input.Tags ? toTags(input.Tags) : stack.data.tags;
      const changes = planChanges(
        stack,
        state.resources(stack.stackId),
        prepared,
        (name) => state.exportNamed(stack.accountId, stack.region, name)?.value,
      );
      const current = service.prepareCurrent(stack);
      const sameOutputs =
        JSON.stringify(current.template.Outputs ?? {}) === JSON.stringify(prepared.template.Outputs ?? {});
      const sameParameters = JSON.stringify(current.rawParameters) === JSON.stringify(prepared.rawParameters);
      if (
        !changes.length &&
        sameOutputs &&
        sameParameters &&
        JSON.stringify(tags) === JSON.stringify(stack.data.tags)
      ) {
        throw validationError('No updates are to be performed.');
      }
      startUpdate(
        service,
        stack,
        prepared,
        {
          tags,
          capabilities: input.Capabilities ?? stack.data.capabilities,
          ...(input.DisableRollback !== undefined ? { disableRollback: input.DisableRollback } : {}),
        },
        current,
      );
      return { StackId: stack.stackId };
    },

    DeleteStack(input: DeleteStackInput, ctx: RequestContext): Record<string, never> {
      const stack = input.StackName ? service.findStack(input.StackName, ctx) : undefined;
      // Deleting a stack that does not exist (or no longer does) succeeds, as on AWS.
      if (!stack || stack.deletedAt !== undefined) return {};
      if (stack.data.terminationProtection) {
        throw validationError(`Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
      }
      if (stack.status === 'DELETE_IN_PROGRESS') return {};
      if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw validationError(`Stack [${stack.name}] cannot be deleted while in status ${stack.status}`);
      }
      let graph = new Map<string, Set<string>>();
      try {
        graph = service.prepareCurrent(stack).graph;
      } catch {
        // A template that no longer prepares (an import gone) still deletes, in recorded order.
      }
      operations.setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
      operations.start(stack.stackId, () => operations.delete(stack, graph));
      return {};
    },

    DescribeStacks(input: DescribeStacksInput, ctx: RequestContext): DescribeStacksOutput {
      if (input.StackName) return { Stacks: [service.describe(service.stack(input.StackName, ctx))] };
      return { Stacks: state.listStacks(ctx.accountId, ctx.region, false).map((s) => service.describe(s)) };
    },

    ListStacks(input: ListStacksInput, ctx: RequestContext): ListStacksOutput {
      const filter = input.StackStatusFilter?.length ? new Set<string>(input.StackStatusFilter) : undefined;
      const summaries = state
        .listStacks(ctx.accountId, ctx.region, true)
        .filter((s) => !filter || filter.has(s.status))
        .map((s): StackSummary => {
          const summary: StackSummary = {
            StackId: s.stackId,
            StackName: s.name,
            CreationTime: new Date(s.createdAt),
            StackStatus: s.status as StackSummary['StackStatus'],
            DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
          };
          if (s.data.description) summary.TemplateDescription = s.data.description;
          if (s.statusReason) summary.StackStatusReason = s.statusReason;
          if (s.updatedAt !== undefined) summary.LastUpdatedTime = new Date(s.updatedAt);
          if (s.deletedAt !== undefined) summary.DeletionTime = new Date(s.deletedAt);
          if (s.data.parentId) summary.ParentId = s.data.parentId;
          if (s.data.rootId) summary.RootId = s.data.rootId;
          return summary;
        });
      return { StackSummaries: summaries };
    },

    UpdateTerminationProtection(
      input: UpdateTerminationProtectionInput,
      ctx: RequestContext,
    ): UpdateTerminationProtectionOutput {
      const stack = service.liveStack(input.StackName, ctx);
      stack.data.terminationProtection = input.EnableTerminationProtection ?? false;
      state.putStack(stack);
      return { StackId: stack.stackId };
    },
  };
}
