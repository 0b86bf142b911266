/**
 * Resource providers: one per CloudFormation resource type, each with create / update / delete.
 * Providers do not reimplement services: they call the services' own operation handlers (the
 * same code the API runs), so a function created by a stack is the function GetFunction shows and
 * a failure carries the service's own error as the resource's status reason.
 */
import { AwsError } from '../../errors.js';

export type Properties = Record<string, unknown>;

export interface ProvisionedResource {
  /** The resource's physical id: what Ref returns (unless `ref` says otherwise). */
  physicalId: string;
  /** Fn::GetAtt values by attribute name. */
  attributes: Record<string, unknown>;
  /** What Ref returns when it is not the physical id (AWS::Lambda::Version returns its ARN). */
  ref?: string;
}

export interface ProviderContext {
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
  logicalId: string;
  /** Calls an operation of a local cloud service as the stack's account. */
  call<T = Record<string, unknown>>(service: string, operation: string, input: Record<string, unknown>): Promise<T>;
  /** A name for resources whose name the template leaves out: `<stack>-<logicalId>-<RANDOM>`, as CloudFormation makes. */
  generateName(maxLength: number, options?: { lowercase?: boolean }): string;
}

export interface ResourceProvider {
  type: string;
  /** Attributes Fn::GetAtt may read. */
  attributes: string[];
  /**
   * Properties whose change replaces the resource (create the new one, then delete the old one
   * in cleanup); changes to others update in place. `'*'` replaces on any change.
   */
  replaceOn: string[] | '*';
  create(properties: Properties, ctx: ProviderContext): Promise<ProvisionedResource>;
  /** Updates in place; absent when every change replaces. */
  update?(
    current: ProvisionedResource,
    properties: Properties,
    previous: Properties,
    ctx: ProviderContext,
  ): Promise<ProvisionedResource>;
  delete(current: ProvisionedResource, properties: Properties, ctx: ProviderContext): Promise<void>;
}

/** Whether changing from `previous` to `next` replaces the resource, and which properties changed. */
export function changedProperties(previous: Properties, next: Properties): string[] {
  const names = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...names].filter((name) => JSON.stringify(previous[name]) !== JSON.stringify(next[name])).sort();
}

export function needsReplacement(provider: ResourceProvider, changed: string[]): boolean {
  if (provider.replaceOn === '*') return changed.length > 0;
  const replaceOn = provider.replaceOn;
  return changed.some((name) => replaceOn.includes(name));
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `<stack>-<logicalId>-<12 random>` truncated to fit, as CloudFormation names unnamed resources. */
export function generatedName(stackName: string, logicalId: string, maxLength: number, lowercase = false): string {
  let suffix = '';
  for (let i = 0; i < 12; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  const room = maxLength - suffix.length - 2;
  const stackPart = stackName.slice(0, Math.max(1, Math.floor(room / 2)));
  const logicalPart = logicalId.slice(0, Math.max(1, room - stackPart.length));
  const name = `${stackPart}-${logicalPart}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}

/** A template's `Tags` list (`[{ Key, Value }]`) as a map, values as strings. */
export function tagMap(tags: unknown): Record<string, string> {
  return Object.fromEntries(
    ((tags as { Key: string; Value: unknown }[] | undefined) ?? []).map((t) => [t.Key, String(t.Value)]),
  );
}

/** What to untag and what to (re)tag when a resource's `Tags` go from `previous` to `next`. */
export function tagChanges(next: unknown, previous: unknown): { set: Record<string, string>; removed: string[] } {
  const set = tagMap(next);
  return { set, removed: Object.keys(tagMap(previous)).filter((key) => !(key in set)) };
}

const STABILIZE_POLL_MS = 10;
const STABILIZE_LIMIT_MS = 5 * 60_000;

/**
 * CloudFormation's stabilization: calls `check` until it returns a value (the resource reached the
 * state the operation waits for), polling often since in-process calls are cheap, and fails with
 * NotStabilized after five minutes. `check` throws to fail at once (a Failed state).
 */
export async function stabilize<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STABILIZE_LIMIT_MS;
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
    if (Date.now() > deadline) throw new AwsError('NotStabilized', `${what} did not stabilize in time.`);
    await new Promise((resolve) => setTimeout(resolve, STABILIZE_POLL_MS));
  }
}

/** Deleting what is already gone succeeds, as CloudFormation's delete handlers do. */
export async function ignoreMissing(call: Promise<unknown>, codes: string[]): Promise<void> {
  try {
    await call;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code || !codes.includes(code)) throw error;
  }
}

/** A template value sent as a string attribute: objects as JSON (a policy document), the rest as text. */
export function attributeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * A resource that puts one policy document on a list of targets (AWS::SQS::QueuePolicy's `Queues`,
 * AWS::SNS::TopicPolicy's `Topics`): `apply` sets it on each target, `reset` gives targets dropped
 * from the list (and all of them on delete) their policy back as it is without one. Its physical id
 * is a generated name, as CloudFormation makes for these types.
 */
export function policyAttachmentProvider(options: {
  type: string;
  targetsProperty: string;
  apply(ctx: ProviderContext, target: string, document: string): Promise<unknown>;
  reset(ctx: ProviderContext, target: string): Promise<unknown>;
}): ResourceProvider {
  const targets = (properties: Properties) => (properties[options.targetsProperty] as string[] | undefined) ?? [];
  const applyAll = async (ctx: ProviderContext, properties: Properties) => {
    const document = attributeValue(properties['PolicyDocument']);
    for (const target of targets(properties)) await options.apply(ctx, target, document);
  };
  const resetAll = async (ctx: ProviderContext, list: string[]) => {
    for (const target of list) await options.reset(ctx, target);
  };
  return {
    type: options.type,
    attributes: ['Id'],
    replaceOn: [],
    async create(properties, ctx) {
      await applyAll(ctx, properties);
      const id = ctx.generateName(128);
      return { physicalId: id, attributes: { Id: id } };
    },
    async update(current, properties, previous, ctx) {
      const kept = targets(properties);
      await resetAll(
        ctx,
        targets(previous).filter((target) => !kept.includes(target)),
      );
      await applyAll(ctx, properties);
      return current;
    },
    async delete(_current, properties, ctx) {
      await resetAll(ctx, targets(properties));
    },
  };
}
