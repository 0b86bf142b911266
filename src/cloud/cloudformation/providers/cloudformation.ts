/**
 * AWS::CloudFormation::Stack: a nested stack, made through the local CloudFormation service itself
 * (its `CreateNestedStack` in-process operation, then the public UpdateStack, DeleteStack and
 * DescribeStacks), so it is an ordinary stack with its own events that DescribeStacks and
 * ListStacks show, with ParentId and RootId. The parent's resource waits for the nested stack to
 * settle and fails with AWS's "Embedded stack <id> was not successfully created: <reason>".
 *
 * The nested stack does not roll back on its own when it fails to create: the parent's rollback
 * (or DeleteStack) deletes it, as AWS does with the root stack in charge.
 */
import type { Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import { AwsError } from '../../errors.js';
import { type Properties, type ProviderContext, type ResourceProvider, stabilize } from './provider.js';

export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/**
 * A create that failed after the resource came to exist: the engine records `physicalId` so the
 * rollback deletes what was made (AWS lists the failed nested stack's id on the parent's event).
 */
export class FailedAfterCreate extends Error {
  constructor(
    message: string,
    readonly physicalId: string,
  ) {
    super(message);
  }
}

/** The in-process operation the provider creates nested stacks with (not in the public API). */
export const CREATE_NESTED_STACK = 'CreateNestedStack';

export interface CreateNestedStackInput {
  StackName: string;
  TemplateURL: string;
  Parameters: { ParameterKey: string; ParameterValue: string }[];
  TimeoutInMinutes?: number;
  Tags?: { Key: string; Value: string }[];
  /** The stack whose resource this nested stack is. */
  ParentId: string;
}

export const nestedStackProvider: ResourceProvider = {
  type: NESTED_STACK_TYPE,
  attributes: ['Outputs.*'],
  // Every property updates the nested stack in place.
  replaceOn: [],
  async create(properties, ctx) {
    const input: CreateNestedStackInput = {
      StackName: ctx.generateName(128),
      TemplateURL: templateUrl(properties),
      Parameters: parameters(properties),
      ParentId: ctx.stackId,
      ...timeout(properties),
      ...tags(properties),
    };
    const { StackId: stackId } = await handlerFailure(
      ctx.call<{ StackId: string }>('cloudformation', CREATE_NESTED_STACK, input as unknown as Properties),
    );
    const stack = await settled(ctx, stackId);
    if (stack.StackStatus !== 'CREATE_COMPLETE') {
      throw new FailedAfterCreate(`Embedded stack ${stackId} was not successfully created: ${reason(stack)}`, stackId);
    }
    return provisioned(stack);
  },
  async update(current, properties, _previous, ctx) {
    // A rollback of the parent may come while the nested stack still rolls back on its own.
    await settled(ctx, current.physicalId);
    try {
      await handlerFailure(
        ctx.call('cloudformation', 'UpdateStack', {
          StackName: current.physicalId,
          TemplateURL: templateUrl(properties),
          Parameters: parameters(properties),
          // The nested stack acts with what the parent's caller acknowledged.
          Capabilities: (await describe(ctx, ctx.stackId)).Capabilities ?? [],
          ...tags(properties),
        }),
      );
    } catch (error) {
      // The nested stack is already what the properties say (a rollback after its own rollback).
      if ((error as Error).message !== 'No updates are to be performed.') throw error;
      return provisioned(await describe(ctx, current.physicalId));
    }
    const stack = await settled(ctx, current.physicalId);
    if (stack.StackStatus !== 'UPDATE_COMPLETE') {
      throw new Error(
        `Embedded stack ${current.physicalId} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS with reason: ${await rollbackReason(ctx, stack)}`,
      );
    }
    return provisioned(stack);
  },
  async delete(current, _properties, ctx) {
    const before = await describe(ctx, current.physicalId).catch(() => undefined);
    if (!before || before.StackStatus === 'DELETE_COMPLETE') return;
    await settled(ctx, current.physicalId);
    await handlerFailure(ctx.call('cloudformation', 'DeleteStack', { StackName: current.physicalId }));
    const stack = await settled(ctx, current.physicalId);
    if (stack.StackStatus !== 'DELETE_COMPLETE') {
      throw new Error(`Embedded stack ${current.physicalId} was not successfully deleted: ${reason(stack)}`);
    }
  },
};

function templateUrl(properties: Properties): string {
  const url = properties['TemplateURL'];
  if (typeof url !== 'string' || url === '') {
    throw new Error('Property validation failure: [The property {/TemplateURL} is required]');
  }
  return url;
}

/** `Parameters` is a map of names to values; lists go as CommaDelimitedList values. */
function parameters(properties: Properties): { ParameterKey: string; ParameterValue: string }[] {
  const given = (properties['Parameters'] as Record<string, unknown> | undefined) ?? {};
  return Object.entries(given).map(([ParameterKey, value]) => ({
    ParameterKey,
    ParameterValue: Array.isArray(value) ? value.map(String).join(',') : String(value),
  }));
}

function timeout(properties: Properties): { TimeoutInMinutes?: number } {
  const minutes = properties['TimeoutInMinutes'];
  return minutes === undefined ? {} : { TimeoutInMinutes: Number(minutes) };
}

function tags(properties: Properties): { Tags?: { Key: string; Value: string }[] } {
  const list = properties['Tags'] as { Key: string; Value: unknown }[] | undefined;
  return list ? { Tags: list.map((tag) => ({ Key: tag.Key, Value: String(tag.Value) })) } : {};
}

async function describe(ctx: ProviderContext, stackId: string): Promise<Stack> {
  const out = await ctx.call<{ Stacks?: Stack[] }>('cloudformation', 'DescribeStacks', { StackName: stackId });
  const stack = out.Stacks?.[0];
  if (!stack) throw new Error(`Stack with id ${stackId} does not exist`);
  return stack;
}

function inProgress(stack: Stack): boolean {
  return stack.StackStatus?.endsWith('_IN_PROGRESS') ?? false;
}

/** Waits until the nested stack is in no *_IN_PROGRESS status. */
function settled(ctx: ProviderContext, stackId: string): Promise<Stack> {
  return stabilize(`Stack ${stackId}`, async () => {
    const stack = await describe(ctx, stackId);
    return inProgress(stack) ? undefined : stack;
  });
}

/** The nested stack's own reason, as the parent quotes it ("...: [Queue]." without the space). */
function reason(stack: Stack): string {
  return (stack.StackStatusReason ?? stack.StackStatus ?? '').trim();
}

/** Why the nested stack's last update rolled back: its UPDATE_ROLLBACK_IN_PROGRESS event says. */
async function rollbackReason(ctx: ProviderContext, stack: Stack): Promise<string> {
  const out = await ctx.call<{ StackEvents?: StackEvent[] }>('cloudformation', 'DescribeStackEvents', {
    StackName: stack.StackId,
  });
  const event = out.StackEvents?.find(
    (e) => e.PhysicalResourceId === stack.StackId && e.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
  );
  return (event?.ResourceStatusReason ?? reason(stack)).trim();
}

/** Stack id as the physical id; each output `X` as the attribute `Outputs.X`. */
function provisioned(stack: Stack) {
  const attributes: Record<string, unknown> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey) attributes[`Outputs.${output.OutputKey}`] = output.OutputValue;
  }
  return { physicalId: stack.StackId ?? '', attributes };
}

/**
 * CloudFormation's own errors reach the parent's event bare (AWS::CloudFormation::Stack is not a
 * registry resource, so no "Resource handler returned message" wrapping).
 */
async function handlerFailure<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AwsError) throw new Error(error.message);
    throw error;
  }
}
