/**
 * The event source mapping actions, through Lambda's API as on AWS: create (or update the mapping
 * of the same function on the same source), update, enable, disable, delete. Each waits for the
 * mapping's state to settle (Creating -> Enabled, Enabling -> Enabled, Disabling -> Disabled,
 * Updating -> Enabled|Disabled, Deleting -> gone) and reports a mapping that settled elsewhere
 * with its StateTransitionReason. A mapping already as asked is a skip that says so.
 */
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { PipelineError } from '../../pipeline/errors.js';
import { awsCall, awsFailure, type Hints, isAwsError } from '../aws-errors.js';
import {
  type ActionContext,
  type ActionResult,
  KNOWN_AFTER_RUN,
  type PlannedChange,
  type PlanResult,
} from '../task.js';
import {
  type CreateParams,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  type SelectParams,
  toCreateRequest,
  toUpdateMembers,
  type UpdateParams,
} from './params.js';

/** An endpoint without event source mappings (an older local cloud, another emulator) answers 501. */
const HINTS: Hints = (code, error) =>
  code === 'NotImplemented' || error.$metadata.httpStatusCode === 501
    ? 'This endpoint does not implement event source mappings; run the step against AWS (--connection aws).'
    : code === 'ResourceInUseException'
      ? 'The mapping is changing state: run the step again once it settles.'
      : undefined;

/** States a mapping passes through; anything else is where it settled. */
const TRANSITIONAL = new Set(['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting']);

type Mapping = EventSourceMappingConfiguration;

function outputs(m: Mapping): ActionResult['outputs'] {
  return {
    uuid: m.UUID ?? '',
    state: m.State ?? '',
    functionArn: m.FunctionArn ?? '',
    eventSourceArn: m.EventSourceArn ?? '',
    eventSourceMappingArn: m.EventSourceMappingArn ?? '',
  };
}

function label(m: Mapping | { UUID?: string }): string {
  return `event source mapping ${m.UUID ?? '?'}`;
}

/** The mapping a step addresses, by UUID or as the one of the function on the source; undefined when there is none. */
async function findMapping(
  params: { uuid?: string | undefined; functionName?: string | undefined; eventSourceArn?: string | undefined },
  ctx: ActionContext,
): Promise<Mapping | undefined> {
  const lambda = ctx.aws.lambda();
  if (params.uuid) {
    try {
      return await lambda.send(new GetEventSourceMappingCommand({ UUID: params.uuid }), { abortSignal: ctx.signal });
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
      throw awsFailure(error, `GetEventSourceMapping ${params.uuid}`, HINTS);
    }
  }
  const found: Mapping[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(
      `ListEventSourceMappings of ${params.functionName} on ${params.eventSourceArn}`,
      () =>
        lambda.send(
          new ListEventSourceMappingsCommand({
            FunctionName: params.functionName,
            EventSourceArn: params.eventSourceArn,
            Marker: marker,
          }),
          { abortSignal: ctx.signal },
        ),
      HINTS,
    );
    found.push(...(page.EventSourceMappings ?? []));
    marker = page.NextMarker;
  } while (marker);
  if (found.length > 1) {
    throw new PipelineError(
      'ActionFailed',
      `${found.length} event source mappings of ${params.functionName} on ${params.eventSourceArn}: ${found.map((m) => m.UUID).join(', ')}.`,
      { hint: 'Name the one meant with uuid.' },
    );
  }
  return found[0];
}

/** Polls GetEventSourceMapping until the state is no longer transitional; undefined once the mapping is gone. */
async function settle(uuid: string, what: string, ctx: ActionContext, timeoutSeconds: number | undefined) {
  const lambda = ctx.aws.lambda();
  return ctx.waitFor(
    async () => {
      let m: Mapping;
      try {
        m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }), { abortSignal: ctx.signal });
      } catch (error) {
        if (isAwsError(error, 'ResourceNotFoundException')) return { gone: true as const };
        throw awsFailure(error, `GetEventSourceMapping ${uuid}`, HINTS);
      }
      return TRANSITIONAL.has(m.State ?? '') ? undefined : { gone: false as const, mapping: m };
    },
    { what, timeoutMs: (timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000 },
  );
}

/** Waits for `expected`; a mapping that settles in another state fails with AWS's reason. */
async function settleIn(uuid: string, expected: 'Enabled' | 'Disabled', ctx: ActionContext, timeout?: number) {
  const result = await settle(uuid, `event source mapping ${uuid} to be ${expected}`, ctx, timeout);
  if (result.gone) throw new PipelineError('ActionFailed', `Event source mapping ${uuid} disappeared while waiting.`);
  const m = result.mapping;
  if (m.State !== expected) {
    const why = [m.StateTransitionReason, m.LastProcessingResult].filter(Boolean).join('; ') || 'no reason given';
    throw new PipelineError('ActionFailed', `Event source mapping ${uuid} is ${m.State}, not ${expected}: ${why}`, {
      hint: 'Check that the function’s execution role may read the event source.',
    });
  }
  return m;
}

/** The members of `wanted` whose value differs from the mapping's, as "Name: old -> new". */
export function differences(current: Mapping, wanted: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [member, value] of Object.entries(wanted)) {
    if (value === undefined) continue;
    if (member === 'Enabled') {
      const enabled = current.State === 'Enabled' || current.State === 'Enabling';
      if (enabled !== value) out.push(`Enabled: ${enabled} -> ${value}`);
      continue;
    }
    if (member === 'FunctionName') {
      const name = String(value);
      const arn = current.FunctionArn ?? '';
      if (arn !== name && !arn.endsWith(`:function:${name}`)) out.push(`FunctionName: ${arn} -> ${name}`);
      continue;
    }
    const before = normalize((current as Record<string, unknown>)[member]);
    const after = normalize(value);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      out.push(`${member}: ${JSON.stringify(before) ?? '(none)'} -> ${JSON.stringify(after)}`);
    }
  }
  return out;
}

/** Filter patterns compared as JSON values, not text. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, k === 'Pattern' && typeof v === 'string' ? parseJson(v) : normalize(v)]),
  );
}

function parseJson(text: string): unknown {
  try {
    return normalize(JSON.parse(text));
  } catch {
    return text;
  }
}

async function applyUpdate(
  current: Mapping,
  members: Record<string, unknown>,
  ctx: ActionContext,
  timeout: number | undefined,
): Promise<ActionResult> {
  const uuid = current.UUID ?? '';
  const changes = differences(current, members);
  if (changes.length === 0) {
    ctx.emit({ type: 'skip', message: `${label(current)} already has these settings (${current.State})` });
    return { outputs: outputs(current), changed: false, summary: `${label(current)} unchanged (${current.State})` };
  }
  // A mapping in a transition refuses updates (ResourceInUseException): let it settle first.
  const settled = TRANSITIONAL.has(current.State ?? '')
    ? await settle(uuid, `event source mapping ${uuid} to settle before the update`, ctx, timeout)
    : undefined;
  if (settled?.gone) throw new PipelineError('ActionFailed', `Event source mapping ${uuid} was deleted meanwhile.`);
  const before = settled?.mapping ?? current;
  await awsCall(
    `UpdateEventSourceMapping ${uuid}`,
    () =>
      ctx.aws
        .lambda()
        .send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...members }), { abortSignal: ctx.signal }),
    HINTS,
  );
  ctx.emit({ type: 'change', message: `updated ${label(current)}: ${changes.join(', ')}` });
  const enabled = members.Enabled ?? (before.State === 'Enabled' || before.State === 'Enabling');
  const after = await settleIn(uuid, enabled ? 'Enabled' : 'Disabled', ctx, timeout);
  return { outputs: outputs(after), changed: true, summary: `updated ${label(after)} (${after.State})` };
}

export async function createMapping(params: CreateParams, ctx: ActionContext): Promise<ActionResult> {
  const request = toCreateRequest(params);
  if (params.eventSourceArn) {
    const existing = await findMapping(params, ctx);
    if (existing) {
      if (params.updateIfExists === false) {
        throw new PipelineError(
          'ActionFailed',
          `${label(existing)} of ${params.functionName} on ${params.eventSourceArn} exists already.`,
          { hint: 'Use the update action, or leave updateIfExists at its default (true).' },
        );
      }
      if (
        params.startingPosition &&
        existing.StartingPosition &&
        existing.StartingPosition !== params.startingPosition
      ) {
        ctx.emit({
          type: 'info',
          message: `${label(existing)} starts at ${existing.StartingPosition}; startingPosition cannot change on an existing mapping`,
        });
      }
      const {
        eventSourceArn: _source,
        startingPosition: _p,
        startingPositionTimestamp: _t,
        tags: _tags,
        ...rest
      } = params;
      return applyUpdate(existing, toUpdateMembers(rest), ctx, params.waitTimeout);
    }
  }
  const created = await awsCall(
    `CreateEventSourceMapping of ${params.functionName}${params.eventSourceArn ? ` on ${params.eventSourceArn}` : ''}`,
    () => ctx.aws.lambda().send(new CreateEventSourceMappingCommand(request), { abortSignal: ctx.signal }),
    HINTS,
  );
  const uuid = created.UUID ?? '';
  ctx.emit({ type: 'change', message: `created ${label(created)} (${created.State ?? 'Creating'})` });
  const mapping = await settleIn(uuid, params.enabled === false ? 'Disabled' : 'Enabled', ctx, params.waitTimeout);
  return { outputs: outputs(mapping), changed: true, summary: `created ${label(mapping)} (${mapping.State})` };
}

async function required(params: SelectParams, ctx: ActionContext): Promise<Mapping> {
  const mapping = await findMapping(params, ctx);
  if (!mapping) {
    throw new PipelineError('ActionFailed', `No event source mapping ${describeSelection(params)}.`, {
      hint: 'Create it first (the create action), or check uuid / functionName / eventSourceArn.',
    });
  }
  return mapping;
}

function describeSelection(params: SelectParams): string {
  return params.uuid ? params.uuid : `of ${params.functionName} on ${params.eventSourceArn}`;
}

export async function updateMapping(params: UpdateParams, ctx: ActionContext): Promise<ActionResult> {
  const mapping = await required(params, ctx);
  // Found by function and source: functionName names the function it has, not a new one.
  const members = toUpdateMembers(params.uuid ? params : { ...params, functionName: undefined });
  return applyUpdate(mapping, members, ctx, params.waitTimeout);
}

export async function setEnabled(params: SelectParams, enabled: boolean, ctx: ActionContext): Promise<ActionResult> {
  const mapping = await required(params, ctx);
  return applyUpdate(mapping, { Enabled: enabled }, ctx, params.waitTimeout);
}

export async function deleteMapping(params: SelectParams, ctx: ActionContext): Promise<ActionResult> {
  const mapping = await findMapping(params, ctx);
  if (!mapping) {
    ctx.emit({ type: 'skip', message: `no event source mapping ${describeSelection(params)}: nothing to delete` });
    return {
      outputs: {
        uuid: params.uuid ?? '',
        state: '',
        functionArn: '',
        eventSourceArn: params.eventSourceArn ?? '',
        eventSourceMappingArn: '',
      },
      changed: false,
      summary: `no event source mapping ${describeSelection(params)}`,
    };
  }
  const uuid = mapping.UUID ?? '';
  // A mapping in a transition refuses the delete (ResourceInUseException): let it settle first.
  if (TRANSITIONAL.has(mapping.State ?? '')) {
    const settledFirst = await settle(
      uuid,
      `event source mapping ${uuid} to settle before the delete`,
      ctx,
      params.waitTimeout,
    );
    if (settledFirst.gone) {
      ctx.emit({ type: 'skip', message: `${label(mapping)} was deleted meanwhile` });
      return {
        outputs: { ...outputs(mapping), state: 'Deleted' },
        changed: false,
        summary: `${label(mapping)} already deleted`,
      };
    }
  }
  try {
    await ctx.aws.lambda().send(new DeleteEventSourceMappingCommand({ UUID: uuid }), { abortSignal: ctx.signal });
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException'))
      throw awsFailure(error, `DeleteEventSourceMapping ${uuid}`, HINTS);
  }
  ctx.emit({ type: 'change', message: `deleting ${label(mapping)}` });
  const result = await settle(uuid, `event source mapping ${uuid} to be deleted`, ctx, params.waitTimeout);
  if (!result.gone) {
    throw new PipelineError(
      'ActionFailed',
      `Event source mapping ${uuid} is ${result.mapping.State} after its delete.`,
    );
  }
  return { outputs: { ...outputs(mapping), state: 'Deleted' }, changed: true, summary: `deleted ${label(mapping)}` };
}

/**
 * A mapping as it will be when the step runs: an earlier step's plan may foresee enabling or
 * disabling it (create with `enabled: true` re-enables what a later `disable` step disables).
 */
function foreseen(mapping: Mapping, ctx: ActionContext): Mapping {
  const planned = mapping.UUID ? ctx.foresight?.lookup('mapping', mapping.UUID) : undefined;
  return planned ? { ...mapping, State: planned.enabled ? 'Enabled' : 'Disabled' } : mapping;
}

/** The plan of a change to an existing mapping: the differences, the foresight, the outputs it will have. */
function planChange(mapping: Mapping, wanted: Record<string, unknown>, ctx: ActionContext): PlanResult {
  const current = foreseen(mapping, ctx);
  const changes = differences(current, wanted);
  const enabled =
    typeof wanted['Enabled'] === 'boolean'
      ? wanted['Enabled']
      : current.State === 'Enabled' || current.State === 'Enabling';
  if (changes.length && current.UUID) ctx.foresight?.record('mapping', current.UUID, { enabled, stepId: ctx.stepId });
  return {
    changes: [{ action: changes.length ? 'update' : 'none', resource: label(current), details: changes }],
    outputs: {
      ...outputs(current),
      state: changes.length ? (enabled ? 'Enabled' : 'Disabled') : (current.State ?? ''),
    },
  };
}

/** What create would do: create a mapping, or the differences to the one there. */
export async function planCreate(params: CreateParams, ctx: ActionContext): Promise<PlanResult> {
  const existing = params.eventSourceArn ? await findMapping(params, ctx) : undefined;
  const resource = `event source mapping of ${params.functionName}${params.eventSourceArn ? ` on ${params.eventSourceArn}` : ''}`;
  if (!existing) {
    return {
      changes: [{ action: 'create', resource, details: [] }],
      outputs: {
        uuid: KNOWN_AFTER_RUN,
        state: params.enabled === false ? 'Disabled' : 'Enabled',
        functionArn: KNOWN_AFTER_RUN,
        eventSourceArn: params.eventSourceArn ?? KNOWN_AFTER_RUN,
        eventSourceMappingArn: KNOWN_AFTER_RUN,
      },
    };
  }
  const { eventSourceArn: _source, startingPosition: _p, startingPositionTimestamp: _t, tags: _tags, ...rest } = params;
  return planChange(existing, toUpdateMembers(rest), ctx);
}

export async function planUpdate(params: UpdateParams, ctx: ActionContext): Promise<PlanResult> {
  const mapping = await required(params, ctx);
  return planChange(mapping, toUpdateMembers(params.uuid ? params : { ...params, functionName: undefined }), ctx);
}

export async function planSetEnabled(params: SelectParams, enabled: boolean, ctx: ActionContext): Promise<PlanResult> {
  return planChange(await required(params, ctx), { Enabled: enabled }, ctx);
}

export async function planDelete(params: SelectParams, ctx: ActionContext): Promise<PlannedChange[]> {
  const mapping = await findMapping(params, ctx);
  if (!mapping)
    return [
      { action: 'none', resource: `event source mapping ${describeSelection(params)}`, details: ['does not exist'] },
    ];
  return [{ action: 'delete', resource: label(mapping), details: [`state ${mapping.State}`] }];
}
