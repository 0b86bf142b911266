/**
 * Change sets: CreateChangeSet plans (CREATE for a new stack, which waits in REVIEW_IN_PROGRESS;
 * UPDATE for an existing one), DescribeChangeSet shows the plan, ExecuteChangeSet runs it,
 * DeleteChangeSet and ListChangeSets. A change set without changes ends FAILED with AWS's reason.
 */
import type {
  ChangeSetSummary,
  CreateChangeSetInput,
  CreateChangeSetOutput,
  DeleteChangeSetInput,
  DescribeChangeSetInput,
  DescribeChangeSetOutput,
  ExecuteChangeSetInput,
  ListChangeSetsInput,
  ListChangeSetsOutput,
  ResourceChange,
} from '@aws-sdk/client-cloudformation';
import { validationError } from '../../cloudformation/engine/deployment.js';
import { planChanges } from '../../cloudformation/engine/plan.js';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import { type CloudFormationService, maskedParameters } from './cloudformation-service.js';
import { changeSetNotFound } from './resources.js';
import { assertUpdatable, checkCapabilities, deploymentOf, startCreate, startUpdate, toTags } from './stacks.js';
import type { ChangeSetRecord, StackRecord } from './state.js';

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

export function changeSetHandlers(service: CloudFormationService): Record<string, Handler> {
  const { state } = service;

  /** The change set a request names, and its stack (which it checks is the caller's). */
  function find(
    input: { ChangeSetName?: string; StackName?: string },
    ctx: RequestContext,
  ): { changeSet: ChangeSetRecord; stack: StackRecord } {
    const name = input.ChangeSetName ?? '';
    let changeSet: ChangeSetRecord | undefined;
    if (name.startsWith('arn:')) changeSet = state.changeSetById(name);
    else {
      if (!input.StackName) {
        throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
      }
      const stack = service.findStack(input.StackName, ctx);
      changeSet = stack ? state.changeSetByName(stack.stackId, name) : undefined;
    }
    const stack = changeSet ? state.stackById(changeSet.stackId) : undefined;
    if (!changeSet || !stack || stack.accountId !== ctx.accountId || stack.region !== ctx.region) {
      throw changeSetNotFound(name);
    }
    return { changeSet, stack };
  }

  return {
    CreateChangeSet(input: CreateChangeSetInput, ctx: RequestContext): CreateChangeSetOutput {
      const type = input.ChangeSetType ?? 'UPDATE';
      if (type === 'IMPORT') throw validationError('The lambda-tasks local cloud does not support IMPORT change sets.');
      const stackName = input.StackName ?? '';
      let stack = service.findStack(stackName, ctx);
      if (stack?.deletedAt !== undefined) stack = undefined;
      if (type === 'UPDATE' && (!stack || stack.status === 'REVIEW_IN_PROGRESS')) {
        throw validationError(`Stack [${stackName}] does not exist`);
      }
      if (type === 'CREATE' && stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw validationError(
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${input.ChangeSetName}].`,
        );
      }
      if (stack && state.changeSetByName(stack.stackId, input.ChangeSetName ?? '')) {
        throw new AwsError('AlreadyExistsException', `ChangeSet [${input.ChangeSetName}] already exists`);
      }
      if (input.UsePreviousTemplate && !stack) throw validationError('UsePreviousTemplate requires an existing stack.');
      const body =
        input.UsePreviousTemplate && stack ? stack.data.deployment.templateBody : service.templateBody(input, ctx);
      const identity = stack ?? {
        accountId: ctx.accountId,
        region: ctx.region,
        name: stackName,
        stackId: service.newStackId(ctx, stackName),
      };
      const prepared = service.prepare(
        identity,
        body,
        input.Parameters ?? [],
        type === 'UPDATE' ? stack?.data.deployment : undefined,
      );
      checkCapabilities(prepared, input.Capabilities);
      if (!stack) {
        const created: StackRecord = {
          ...identity,
          status: 'REVIEW_IN_PROGRESS',
          statusReason: 'User Initiated',
          createdAt: service.now(),
          updatedAt: undefined,
          deletedAt: undefined,
          data: {
            deployment: { templateBody: '', parameters: [], noEcho: [] },
            capabilities: input.Capabilities ?? [],
            tags: toTags(input.Tags ?? []),
            notificationArns: input.NotificationARNs ?? [],
            disableRollback: input.OnStackFailure === 'DO_NOTHING',
            terminationProtection: false,
            outputs: [],
            imports: [],
          },
        };
        state.putStack(created);
        service.operations.event(
          created,
          created.name,
          'AWS::CloudFormation::Stack',
          'REVIEW_IN_PROGRESS',
          created.stackId,
          'User Initiated',
        );
        stack = created;
      }
      const changes: ResourceChange[] =
        type === 'CREATE'
          ? [...prepared.graph.keys()].map((id) => ({
              Action: 'Add',
              LogicalResourceId: id,
              ResourceType: prepared.template.Resources[id]?.Type,
              Scope: [],
              Details: [],
            }))
          : planChanges(
              stack,
              state.resources(stack.stackId),
              prepared,
              (name) => state.exportNamed(ctx.accountId, ctx.region, name)?.value,
            );
      const changeSet: ChangeSetRecord = {
        changeSetId: service.newChangeSetId(ctx, input.ChangeSetName ?? ''),
        stackId: stack.stackId,
        name: input.ChangeSetName ?? '',
        type,
        status: 'CREATE_PENDING',
        executionStatus: 'UNAVAILABLE',
        createdAt: service.now(),
        deployment: deploymentOf(prepared),
        capabilities: input.Capabilities ?? [],
        tags: toTags(input.Tags ?? stack.data.tags),
        changes: changes.map((ResourceChange) => ({ Type: 'Resource', ResourceChange })),
        ...(input.Description ? { description: input.Description } : {}),
      };
      state.putChangeSet(changeSet);
      // Planning is done already; like AWS, the change set still reports CREATE_PENDING first.
      setImmediate(() => {
        if (service.operations.isClosing) return;
        const current = state.changeSetById(changeSet.changeSetId);
        if (!current) return;
        if (changes.length === 0 && type === 'UPDATE') {
          state.putChangeSet({ ...current, status: 'FAILED', statusReason: NO_CHANGES });
        } else {
          state.putChangeSet({ ...current, status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' });
        }
      });
      return { Id: changeSet.changeSetId, StackId: stack.stackId };
    },

    DescribeChangeSet(input: DescribeChangeSetInput, ctx: RequestContext): DescribeChangeSetOutput {
      const { changeSet, stack } = find(input, ctx);
      const out: DescribeChangeSetOutput = {
        ChangeSetName: changeSet.name,
        ChangeSetId: changeSet.changeSetId,
        StackId: stack.stackId,
        StackName: stack.name,
        Parameters: maskedParameters(changeSet.deployment),
        CreationTime: new Date(changeSet.createdAt),
        ExecutionStatus: changeSet.executionStatus as DescribeChangeSetOutput['ExecutionStatus'],
        Status: changeSet.status as DescribeChangeSetOutput['Status'],
        NotificationARNs: stack.data.notificationArns,
        Capabilities: changeSet.capabilities as DescribeChangeSetOutput['Capabilities'],
        Tags: changeSet.tags,
        Changes: changeSet.changes as DescribeChangeSetOutput['Changes'],
        IncludeNestedStacks: false,
      };
      if (changeSet.statusReason) out.StatusReason = changeSet.statusReason;
      if (changeSet.description) out.Description = changeSet.description;
      return out;
    },

    ExecuteChangeSet(input: ExecuteChangeSetInput, ctx: RequestContext): Record<string, never> {
      const { changeSet, stack } = find(input, ctx);
      if (changeSet.status !== 'CREATE_COMPLETE' || changeSet.executionStatus !== 'AVAILABLE') {
        throw new AwsError(
          'InvalidChangeSetStatus',
          `ChangeSet [${changeSet.changeSetId}] cannot be executed in its current status of [${changeSet.status}]`,
        );
      }
      const body = changeSet.deployment.templateBody;
      const parameters = changeSet.deployment.parameters.map((p) => ({ ...p }));
      if (changeSet.type === 'CREATE') {
        const prepared = service.prepare(stack, body, parameters, undefined);
        stack.data = {
          ...stack.data,
          deployment: changeSet.deployment,
          capabilities: changeSet.capabilities,
          tags: changeSet.tags,
          changeSetId: changeSet.changeSetId,
          ...(prepared.template.Description ? { description: String(prepared.template.Description) } : {}),
        };
        state.putStack(stack);
        state.deleteChangeSets(stack.stackId);
        startCreate(service, stack, prepared, stack.data.disableRollback ? 'DO_NOTHING' : 'ROLLBACK');
        return {};
      }
      assertUpdatable(stack);
      const prepared = service.prepare(stack, body, parameters, undefined);
      // Executing a change set removes every change set of the stack, as CloudFormation does.
      state.deleteChangeSets(stack.stackId);
      startUpdate(service, stack, prepared, {
        capabilities: changeSet.capabilities,
        tags: changeSet.tags,
        changeSetId: changeSet.changeSetId,
      });
      return {};
    },

    DeleteChangeSet(input: DeleteChangeSetInput, ctx: RequestContext): Record<string, never> {
      const { changeSet } = find(input, ctx);
      if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') {
        throw new AwsError('InvalidChangeSetStatus', `Cannot delete ChangeSet in status ${changeSet.executionStatus}`);
      }
      state.deleteChangeSet(changeSet.changeSetId);
      return {};
    },

    ListChangeSets(input: ListChangeSetsInput, ctx: RequestContext): ListChangeSetsOutput {
      const stack = service.stack(input.StackName, ctx);
      return {
        Summaries: state.changeSets(stack.stackId).map((c): ChangeSetSummary => {
          const summary: ChangeSetSummary = {
            StackId: stack.stackId,
            StackName: stack.name,
            ChangeSetId: c.changeSetId,
            ChangeSetName: c.name,
            ExecutionStatus: c.executionStatus as ChangeSetSummary['ExecutionStatus'],
            Status: c.status as ChangeSetSummary['Status'],
            CreationTime: new Date(c.createdAt),
            IncludeNestedStacks: false,
          };
          if (c.statusReason) summary.StatusReason = c.statusReason;
          if (c.description) summary.Description = c.description;
          return summary;
        }),
      };
    },
  };
}
