/**
 * Reading stacks' parts: events, resources, templates (GetTemplate, GetTemplateSummary,
 * ValidateTemplate), exports and imports.
 */
import type {
  DescribeStackEventsInput,
  DescribeStackEventsOutput,
  DescribeStackResourceInput,
  DescribeStackResourceOutput,
  DescribeStackResourcesInput,
  DescribeStackResourcesOutput,
  GetTemplateInput,
  GetTemplateOutput,
  GetTemplateSummaryInput,
  GetTemplateSummaryOutput,
  ListExportsOutput,
  ListImportsInput,
  ListImportsOutput,
  ListStackResourcesInput,
  ListStackResourcesOutput,
  StackEvent,
  StackResource,
  ValidateTemplateInput,
  ValidateTemplateOutput,
} from '@aws-sdk/client-cloudformation';
import { validationError } from '../../cloudformation/engine/deployment.js';
import { describeTemplateBody } from '../../cloudformation/transforms/summary.js';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import type { CloudFormationService } from './cloudformation-service.js';
import type { ResourceRecord, StackRecord } from './state.js';

export function resourceHandlers(service: CloudFormationService): Record<string, Handler> {
  const { state } = service;

  function toStackResource(stack: StackRecord, r: ResourceRecord): StackResource {
    const out: StackResource = {
      StackName: stack.name,
      StackId: stack.stackId,
      LogicalResourceId: r.logicalId,
      ResourceType: r.type,
      Timestamp: new Date(r.updatedAt),
      ResourceStatus: r.status as StackResource['ResourceStatus'],
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    };
    if (r.physicalId) out.PhysicalResourceId = r.physicalId;
    if (r.statusReason) out.ResourceStatusReason = r.statusReason;
    return out;
  }

  /** The stack a DescribeStackResources request names, by stack or by a resource's physical id. */
  function stackOf(input: DescribeStackResourcesInput, ctx: RequestContext): StackRecord {
    if (input.StackName) return service.stack(input.StackName, ctx);
    if (input.PhysicalResourceId) {
      for (const stack of state.listStacks(ctx.accountId, ctx.region, false)) {
        if (state.resources(stack.stackId).some((r) => r.physicalId === input.PhysicalResourceId)) return stack;
      }
      throw validationError(`Stack for ${input.PhysicalResourceId} does not exist`);
    }
    throw validationError('Either StackName or PhysicalResourceId must be specified.');
  }

  return {
    DescribeStackEvents(input: DescribeStackEventsInput, ctx: RequestContext): DescribeStackEventsOutput {
      const stack = service.stack(input.StackName, ctx);
      return {
        StackEvents: state
          .events(stack.stackId)
          .map((e): StackEvent => ({ ...e, Timestamp: new Date(e.Timestamp) }) as StackEvent),
      };
    },

    DescribeStackResources(input: DescribeStackResourcesInput, ctx: RequestContext): DescribeStackResourcesOutput {
      const stack = stackOf(input, ctx);
      const resources = state
        .resources(stack.stackId)
        .filter((r) => !input.LogicalResourceId || r.logicalId === input.LogicalResourceId)
        .filter((r) => !input.PhysicalResourceId || input.StackName || r.physicalId === input.PhysicalResourceId);
      return { StackResources: resources.map((r) => toStackResource(stack, r)) };
    },

    DescribeStackResource(input: DescribeStackResourceInput, ctx: RequestContext): DescribeStackResourceOutput {
      const stack = service.stack(input.StackName, ctx);
      const resource = state.resource(stack.stackId, input.LogicalResourceId ?? '');
      if (!resource) {
        throw validationError(`Resource ${input.LogicalResourceId} does not exist for stack ${stack.name}`);
      }
      const { Timestamp, ...rest } = toStackResource(stack, resource);
      return {
        StackResourceDetail: {
          ...rest,
          LastUpdatedTimestamp: Timestamp,
          ...(resource.metadata !== undefined ? { Metadata: JSON.stringify(resource.metadata) } : {}),
        },
      };
    },

    ListStackResources(input: ListStackResourcesInput, ctx: RequestContext): ListStackResourcesOutput {
      const stack = service.stack(input.StackName, ctx);
      return {
        StackResourceSummaries: state.resources(stack.stackId).map((r) => {
          const { Timestamp, StackName: _name, StackId: _id, ...rest } = toStackResource(stack, r);
          return { ...rest, LastUpdatedTimestamp: Timestamp };
        }),
      };
    },

    GetTemplate(input: GetTemplateInput, ctx: RequestContext): GetTemplateOutput {
      if (input.ChangeSetName) {
        const changeSet = input.ChangeSetName.startsWith('arn:')
          ? state.changeSetById(input.ChangeSetName)
          : state.changeSetByName(service.stack(input.StackName, ctx).stackId, input.ChangeSetName);
        if (!changeSet) throw changeSetNotFound(input.ChangeSetName);
        const owner = state.stackById(changeSet.stackId);
        return {
          TemplateBody:
            input.TemplateStage === 'Processed' && owner
              ? service.processedBody(owner, changeSet.deployment)
              : changeSet.deployment.templateBody,
          StagesAvailable: ['Original', 'Processed'],
        };
      }
      const stack = service.stack(input.StackName, ctx);
      return {
        TemplateBody:
          input.TemplateStage === 'Processed'
            ? service.processedBody(stack, stack.data.deployment)
            : stack.data.deployment.templateBody,
        StagesAvailable: ['Original', 'Processed'],
      };
    },

    GetTemplateSummary(input: GetTemplateSummaryInput, ctx: RequestContext): GetTemplateSummaryOutput {
      const body = input.StackName
        ? service.stack(input.StackName, ctx).data.deployment.templateBody
        : service.templateBody(input, ctx);
      return describeTemplateBody(body, ctx) as GetTemplateSummaryOutput;
    },

    ValidateTemplate(input: ValidateTemplateInput, ctx: RequestContext): ValidateTemplateOutput {
      const summary = describeTemplateBody(service.templateBody(input, ctx), ctx);
      const out: ValidateTemplateOutput = {
        Parameters: (summary.Parameters ?? []).map((p) => ({
          ParameterKey: p.ParameterKey,
          ...(p.DefaultValue !== undefined ? { DefaultValue: p.DefaultValue } : {}),
          NoEcho: p.NoEcho ?? false,
          ...(p.Description !== undefined ? { Description: p.Description } : {}),
        })),
      };
      if (summary.Description) out.Description = summary.Description;
      if (summary.Capabilities?.length) {
        out.Capabilities = summary.Capabilities as ValidateTemplateOutput['Capabilities'];
        if (summary.CapabilitiesReason) out.CapabilitiesReason = summary.CapabilitiesReason;
      }
      if (summary.DeclaredTransforms?.length) out.DeclaredTransforms = summary.DeclaredTransforms;
      return out;
    },

    ListExports(_input: unknown, ctx: RequestContext): ListExportsOutput {
      return {
        Exports: state
          .exportsOf(ctx.accountId, ctx.region)
          .map((e) => ({ ExportingStackId: e.stackId, Name: e.name, Value: e.value })),
      };
    },

    ListImports(input: ListImportsInput, ctx: RequestContext): ListImportsOutput {
      const name = input.ExportName ?? '';
      const importers = state
        .listStacks(ctx.accountId, ctx.region, false)
        .filter((s) => s.data.imports.includes(name))
        .map((s) => s.name);
      if (!importers.length) throw validationError(`Export '${name}' is not imported by any stack.`);
      return { Imports: importers };
    },
  };
}

export function changeSetNotFound(name: string): AwsError {
  return new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
}
