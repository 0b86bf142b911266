/**
 * Stack operations as CloudFormation runs them, in the background after the API has answered:
 * create (rolling back on failure unless told not to), update (in place or by replacement, with
 * cleanup of replaced and removed resources, and update rollback), delete. Independent resources
 * are provisioned in parallel; each resource's progress is recorded as events with AWS's
 * statuses and reasons.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../errors.js';
import type {
  CloudFormationState,
  ResourceRecord,
  StackEventRecord,
  StackRecord,
} from '../../services/cloudformation/state.js';
import { FailedAfterCreate, NESTED_STACK_TYPE } from '../providers/cloudformation.js';
import {
  changedProperties,
  needsReplacement,
  type ProviderContext,
  type ProvisionedResource,
} from '../providers/provider.js';
import { PROVIDERS } from '../providers/registry.js';
import { activeOutputs, deletionOrder, importValueArgs, MASKED, messages } from '../template/index.js';
import { evalContext, type PreparedDeployment, resolveValue, type StackIdentity } from './deployment.js';

export interface OperationsOptions {
  state: CloudFormationState;
  now(): number;
  log(line: string): void;
  /** A provider context for one resource of a stack. */
  providerContext(stack: StackRecord, logicalId: string): ProviderContext;
}

/** Thrown inside an operation when the cloud is closing: the operation stops where it is. */
export class Aborted extends Error {}

type Action = 'create' | 'update' | 'replace' | 'none';

export class StackOperations {
  private closing = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: OperationsOptions) {}

  /** Starts an operation in the background; its failures end in the stack's status, not here. */
  start(stackId: string, operation: () => Promise<void>): void {
    // The operation begins on a later turn of the event loop, so the API answers first (as AWS
    // does) however much of the work could be done synchronously.
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(operation)
      .catch((error) => {
        if (error instanceof Aborted) return;
        this.o.log(`cloudformation: operation on ${stackId} failed unexpectedly: ${(error as Error).stack ?? error}`);
        const stack = this.o.state.stackById(stackId);
        if (stack && !this.closing) this.setStatus(stack, failedStatus(stack.status), 'Internal failure');
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  get isClosing(): boolean {
    return this.closing;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running]);
  }

  /** Ends operations a previous process left running: never half-known after a restart. */
  endInterrupted(): void {
    for (const stack of this.o.state.inProgressStacks()) {
      const reason = 'The operation was interrupted because the local cloud stopped.';
      for (const resource of this.o.state.resources(stack.stackId)) {
        if (resource.status.endsWith('_IN_PROGRESS')) {
          this.o.state.putResource(stack.stackId, {
            ...resource,
            status: failedStatus(resource.status),
            statusReason: reason,
          });
        }
      }
      this.setStatus(stack, failedStatus(stack.status), reason);
    }
  }

  // Create

  async create(stack: StackRecord, prepared: PreparedDeployment, onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE') {
    const imports = new Set<string>();
    let reason = this.missingImport(stack, prepared);
    if (reason === undefined) {
      const failed = await this.provision(stack, prepared, new Map(), imports);
      if (failed.length) reason = `The following resource(s) failed to create: [${failed.join(', ')}]. `;
      else reason = await this.finish(stack, prepared, 'CREATE_COMPLETE', imports);
      if (reason === undefined) return;
    }
    if (onFailure === 'DO_NOTHING') {
      this.setStatus(stack, 'CREATE_FAILED', reason);
      return;
    }
    if (onFailure === 'DELETE') {
      this.setStatus(stack, 'DELETE_IN_PROGRESS', followedBy(reason, 'Delete requested by user.'));
      await this.deleteAll(stack, prepared.graph);
      this.markDeleted(stack);
      return;
    }
    this.setStatus(stack, 'ROLLBACK_IN_PROGRESS', followedBy(reason, 'Rollback requested by user.'));
    const ok = await this.deleteAll(stack, prepared.graph);
    this.setStatus(stack, ok ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED', undefined);
  }

  // Update

  async update(stack: StackRecord, prepared: PreparedDeployment, previous: PreparedDeployment) {
    const before = new Map(this.o.state.resources(stack.stackId).map((r) => [r.logicalId, r]));
    const imports = new Set<string>();
    let reason = this.missingImport(stack, prepared);
    if (reason === undefined) {
      const failed = await this.provision(stack, prepared, before, imports);
      if (failed.length) reason = `The following resource(s) failed to update: [${failed.join(', ')}]. `;
      else reason = await this.finish(stack, prepared, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', imports);
      if (reason === undefined) {
        await this.cleanup(stack, prepared, before);
        this.setStatus(this.current(stack), 'UPDATE_COMPLETE', undefined);
        return;
      }
    }
    this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
    await this.rollbackUpdate(stack, before);
    const restored = this.current(stack);
    restored.data.deployment = stack.data.previous ?? restored.data.deployment;
    restored.data.previous = undefined;
    this.o.state.putStack(restored);
    // Outputs return to the previous deployment's values.
    await this.finish(restored, previous, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', new Set(stack.data.imports));
    this.setStatus(this.current(stack), 'UPDATE_ROLLBACK_COMPLETE', undefined);
  }

  /**
   * AWS checks every Fn::ImportValue before it provisions anything: an export that does not exist
   * fails the whole operation (not a resource) with "No export named X found".
   */
  private missingImport(stack: StackRecord, prepared: PreparedDeployment): string | undefined {
    const ctx = this.resolution(stack, prepared, new Set());
    const values = [
      ...[...prepared.graph.keys()].map((id) => prepared.template.Resources[id]?.Properties),
      ...activeOutputs(prepared.template, prepared.conditions).map((name) => prepared.template.Outputs?.[name]?.Value),
    ];
    for (const arg of importValueArgs(values, prepared.conditions)) {
      let name: unknown;
      try {
        name = resolveValue(arg, ctx.eval);
      } catch {
        continue; // a name that reads a resource fails later, where it is resolved
      }
      if (typeof name === 'string' && !this.o.state.exportNamed(stack.accountId, stack.region, name)) {
        return messages.noExport(name);
      }
    }
    return undefined;
  }

  // Delete

  async delete(stack: StackRecord, graph: Map<string, Set<string>>) {
    const importers = this.importersOfExports(stack);
    if (importers) {
      this.setStatus(stack, 'DELETE_FAILED', importers);
      return;
    }
    const ok = await this.deleteAll(stack, graph);
    if (!ok) {
      const failed = this.o.state
        .resources(stack.stackId)
        .filter((r) => r.status === 'DELETE_FAILED')
        .map((r) => r.logicalId);
      this.setStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
      return;
    }
    this.markDeleted(stack);
  }

  private importersOfExports(stack: StackRecord): string | undefined {
    const importerOf = this.importers(stack);
    for (const exported of this.o.state.exportsOf(stack.accountId, stack.region)) {
      if (exported.stackId !== stack.stackId) continue;
      const importer = importerOf(exported.name);
      if (importer) return messages.exportInUse(exported.name, importer, 'deleted');
    }
    return undefined;
  }

  private markDeleted(stack: StackRecord): void {
    this.o.state.setExports(stack.accountId, stack.region, stack.stackId, []);
    const current = this.current(stack);
    current.deletedAt = this.o.now();
    this.o.state.putStack(current);
    this.setStatus(current, 'DELETE_COMPLETE', undefined);
  }

  // Provisioning

  /**
   * Creates or updates every active resource in dependency order, independent ones in parallel.
   * Returns the logical ids that failed (empty on success).
   */
  private async provision(
    stack: StackRecord,
    prepared: PreparedDeployment,
    before: Map<string, ResourceRecord>,
    imports: Set<string>,
  ): Promise<string[]> {
    const done = new Set<string>();
    const failed: string[] = [];
    const pending = new Set(prepared.graph.keys());
    const inFlight = new Map<string, Promise<void>>();
    const ctx = this.resolution(stack, prepared, imports);
    while (pending.size || inFlight.size) {
      if (!failed.length) {
        for (const id of [...pending]) {
          const deps = prepared.graph.get(id) ?? new Set();
          if (![...deps].every((d) => done.has(d))) continue;
          pending.delete(id);
          const run = this.provisionOne(stack, prepared, id, before.get(id), ctx)
            .then(() => {
              done.add(id);
            })
            .catch((error) => {
              if (error instanceof Aborted) throw error;
              failed.push(id);
            })
            .finally(() => inFlight.delete(id));
          inFlight.set(id, run);
        }
      } else {
        pending.clear();
      }
      if (!inFlight.size) break;
      await Promise.race(inFlight.values());
    }
    return failed;
  }

  private async provisionOne(
    stack: StackRecord,
    prepared: PreparedDeployment,
    logicalId: string,
    previous: ResourceRecord | undefined,
    ctx: ReturnType<StackOperations['resolution']>,
  ): Promise<void> {
    const declaration = prepared.template.Resources[logicalId];
    if (!declaration) return;
    const provider = PROVIDERS.get(declaration.Type);
    if (!provider) throw new AwsError('ValidationError', `Unsupported resource type ${declaration.Type}`);
    const properties = plainCopy(resolveValue(declaration.Properties ?? {}, ctx.eval) as Record<string, unknown>);
    let action: Action = 'create';
    let changed: string[] = [];
    if (previous?.physicalId && previous.status !== 'CREATE_FAILED') {
      changed = changedProperties(previous.properties, properties);
      if (previous.type !== declaration.Type) action = 'replace';
      // A nested stack is updated even so: its template may have changed at the same URL.
      else if (!changed.length) action = declaration.Type === NESTED_STACK_TYPE ? 'update' : 'none';
      else action = needsReplacement(provider, changed) || !provider.update ? 'replace' : 'update';
    }
    if (action === 'none') {
      // Unchanged, but its metadata (DeletionPolicy, ...) follows the new template.
      this.o.state.putResource(stack.stackId, { ...previous, ...resourceMeta(declaration) } as ResourceRecord);
      return;
    }
    const type = declaration.Type;
    const providerCtx = this.o.providerContext(stack, logicalId);
    const inProgress = action === 'create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
    const complete = action === 'create' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
    const failedStatus = action === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED';
    const base: ResourceRecord = {
      logicalId,
      type,
      physicalId: previous?.physicalId,
      status: inProgress,
      properties,
      attributes: previous?.attributes ?? {},
      updatedAt: this.o.now(),
      ...resourceMeta(declaration),
    };
    this.record(
      stack,
      base,
      action === 'replace'
        ? 'Requested update requires the creation of a new physical resource; hence creating one.'
        : undefined,
    );
    try {
      let result: ProvisionedResource;
      if (action === 'update' && previous?.physicalId) {
        result =
          (await provider.update?.(toProvisioned(previous), properties, previous.properties, providerCtx)) ??
          toProvisioned(previous);
      } else {
        result = await provider.create(properties, providerCtx);
        this.record(stack, { ...base, physicalId: result.physicalId }, 'Resource creation Initiated');
      }
      this.record(stack, {
        ...base,
        physicalId: result.physicalId,
        attributes: { ...result.attributes, ...(result.ref ? { '::Ref': result.ref } : {}) },
        status: complete,
        updatedAt: this.o.now(),
      });
    } catch (error) {
      if (error instanceof Aborted) throw error;
      const reason = handlerMessage(error);
      // A resource that came to exist before failing keeps its id, so the rollback deletes it.
      const physicalId = error instanceof FailedAfterCreate ? error.physicalId : base.physicalId;
      this.record(stack, { ...base, physicalId, status: failedStatus, updatedAt: this.o.now() }, reason);
      // The record keeps what existed before, so rollback knows what to restore.
      if (previous && action !== 'create') {
        this.o.state.putResource(stack.stackId, { ...previous, status: failedStatus, statusReason: reason });
      }
      throw error;
    }
  }

  /**
   * Resolves Outputs (and exports) of a finished deployment. Returns why it could not (an export
   * another stack holds, or one another stack imports that this deployment drops or changes).
   */
  private async finish(
    stack: StackRecord,
    prepared: PreparedDeployment,
    status: string,
    imports: Set<string>,
  ): Promise<string | undefined> {
    const ctx = this.resolution(stack, prepared, imports);
    const outputs: StackRecord['data']['outputs'] = [];
    const exports: { name: string; value: string }[] = [];
    try {
      for (const [key, output] of Object.entries(prepared.template.Outputs ?? {})) {
        if (output.Condition && !prepared.conditions[output.Condition]) continue;
        const value = stringify(resolveValue(output.Value, ctx.eval));
        const entry: StackRecord['data']['outputs'][number] = { OutputKey: key, OutputValue: value };
        if (output.Description) entry.Description = String(resolveValue(output.Description, ctx.eval));
        if (output.Export?.Name !== undefined) {
          const name = String(resolveValue(output.Export.Name, ctx.eval));
          const holder = this.o.state.exportNamed(stack.accountId, stack.region, name);
          if (holder && holder.stackId !== stack.stackId) {
            const other = this.o.state.stackById(holder.stackId);
            throw new AwsError('ValidationError', messages.exportTaken(name, other?.name ?? holder.stackId));
          }
          entry.ExportName = name;
          exports.push({ name, value });
        }
        outputs.push(entry);
      }
      const inUse = this.exportChangeInUse(stack, exports);
      if (inUse) throw new AwsError('ValidationError', inUse);
    } catch (error) {
      const reason = handlerMessage(error, false);
      this.event(
        stack,
        stack.name,
        'AWS::CloudFormation::Stack',
        status.startsWith('CREATE') ? 'CREATE_FAILED' : 'UPDATE_FAILED',
        stack.stackId,
        reason,
      );
      return reason;
    }
    const current = this.current(stack);
    current.data.outputs = outputs;
    current.data.imports = [...ctx.imports];
    this.o.state.transaction(() => {
      this.o.state.setExports(stack.accountId, stack.region, stack.stackId, exports);
      this.o.state.putStack(current);
    });
    this.setStatus(current, status, undefined);
    return undefined;
  }

  /** An export of this stack that another stack imports and `next` drops or changes. */
  private exportChangeInUse(stack: StackRecord, next: { name: string; value: string }[]): string | undefined {
    const current = this.o.state.exportsOf(stack.accountId, stack.region).filter((e) => e.stackId === stack.stackId);
    const importerOf = this.importers(stack);
    for (const exported of current) {
      const kept = next.find((e) => e.name === exported.name);
      if (kept?.value === exported.value) continue;
      const importer = importerOf(exported.name);
      if (importer) return messages.exportInUse(exported.name, importer, kept ? 'updated' : 'deleted');
    }
    return undefined;
  }

  /** Finds the name of another live stack that imports an export (the stacks are read once, on first use). */
  private importers(stack: StackRecord): (exportName: string) => string | undefined {
    let others: StackRecord[] | undefined;
    return (exportName) => {
      others ??= this.o.state
        .listStacks(stack.accountId, stack.region, false)
        .filter((s) => s.stackId !== stack.stackId);
      return others.find((s) => s.data.imports.includes(exportName))?.name;
    };
  }

  /** After a successful update: delete removed resources and the old copies of replaced ones. */
  private async cleanup(stack: StackRecord, prepared: PreparedDeployment, before: Map<string, ResourceRecord>) {
    const now = new Map(this.o.state.resources(stack.stackId).map((r) => [r.logicalId, r]));
    for (const old of reverseOrder(before)) {
      const current = now.get(old.logicalId);
      const removed = !prepared.graph.has(old.logicalId);
      const replaced = current && current.physicalId !== old.physicalId;
      if (!removed && !replaced) continue;
      const policy = removed ? old.deletionPolicy : old.updateReplacePolicy;
      await this.deleteResource(stack, old, policy === 'Retain', removed);
    }
  }

  /** Undoes an update: created resources deleted, updated ones set back, replacements dropped. */
  private async rollbackUpdate(stack: StackRecord, before: Map<string, ResourceRecord>) {
    const after = this.o.state.resources(stack.stackId);
    for (const resource of reverseOrder(new Map(after.map((r) => [r.logicalId, r])))) {
      const old = before.get(resource.logicalId);
      const provider = PROVIDERS.get(resource.type);
      if (!provider) continue;
      const ctx = this.o.providerContext(stack, resource.logicalId);
      if (!old) {
        if (resource.physicalId) await this.deleteResource(stack, resource, false, true);
        else this.o.state.deleteResource(stack.stackId, resource.logicalId);
        continue;
      }
      if (resource.physicalId && resource.physicalId !== old.physicalId) {
        await this.deleteResource(stack, resource, false, false);
        this.o.state.putResource(stack.stackId, { ...old, status: 'UPDATE_COMPLETE', updatedAt: this.o.now() });
        continue;
      }
      if (JSON.stringify(resource.properties) !== JSON.stringify(old.properties) && provider.update && old.physicalId) {
        this.record(stack, { ...old, status: 'UPDATE_IN_PROGRESS' });
        try {
          await provider.update(toProvisioned(resource), old.properties, resource.properties, ctx);
          this.record(stack, { ...old, status: 'UPDATE_COMPLETE', updatedAt: this.o.now() });
        } catch (error) {
          this.record(stack, { ...old, status: 'UPDATE_FAILED' }, handlerMessage(error));
        }
      } else if (resource.status.endsWith('FAILED')) {
        this.o.state.putResource(stack.stackId, { ...old, status: old.status });
      }
    }
  }

  /** Deletes every resource of the stack in reverse dependency order; false if any failed. */
  private async deleteAll(stack: StackRecord, graph: Map<string, Set<string>>): Promise<boolean> {
    const resources = new Map(this.o.state.resources(stack.stackId).map((r) => [r.logicalId, r]));
    const order = deletionWaves(resources, graph);
    let ok = true;
    for (const wave of order) {
      const results = await Promise.all(
        wave.map((resource) => this.deleteResource(stack, resource, resource.deletionPolicy === 'Retain', true)),
      );
      if (results.includes(false)) ok = false;
    }
    return ok;
  }

  /** Deletes one resource (or retains it), recording events; `forget` drops its record afterwards. */
  private async deleteResource(stack: StackRecord, resource: ResourceRecord, retain: boolean, forget: boolean) {
    if (!resource.physicalId) {
      if (forget) this.o.state.deleteResource(stack.stackId, resource.logicalId);
      return true;
    }
    if (retain) {
      this.event(stack, resource.logicalId, resource.type, 'DELETE_SKIPPED', resource.physicalId);
      if (forget) this.o.state.deleteResource(stack.stackId, resource.logicalId);
      return true;
    }
    const provider = PROVIDERS.get(resource.type);
    this.event(stack, resource.logicalId, resource.type, 'DELETE_IN_PROGRESS', resource.physicalId);
    try {
      await provider?.delete(
        toProvisioned(resource),
        resource.properties,
        this.o.providerContext(stack, resource.logicalId),
      );
    } catch (error) {
      if (error instanceof Aborted) throw error;
      const reason = handlerMessage(error);
      this.record(stack, { ...resource, status: 'DELETE_FAILED' }, reason);
      return false;
    }
    this.event(stack, resource.logicalId, resource.type, 'DELETE_COMPLETE', resource.physicalId);
    if (forget) this.o.state.deleteResource(stack.stackId, resource.logicalId);
    return true;
  }

  // Bookkeeping

  /** How intrinsic functions read this stack's resources and the account's exports. */
  private resolution(stack: StackRecord, prepared: PreparedDeployment, imports: Set<string>) {
    const identity: StackIdentity = {
      accountId: stack.accountId,
      region: stack.region,
      stackName: stack.name,
      stackId: stack.stackId,
    };
    const find = (logicalId: string) => {
      const resource = this.o.state.resource(stack.stackId, logicalId);
      if (!resource?.physicalId) throw new AwsError('ValidationError', `Resource ${logicalId} is not available`);
      return resource;
    };
    const evaluation = evalContext(identity, prepared.parameters, prepared.conditions, prepared.template, {
      ref: (logicalId) => {
        const resource = find(logicalId);
        return String(resource.attributes['::Ref'] ?? resource.physicalId);
      },
      getAtt: (logicalId, attribute) => {
        const value = find(logicalId).attributes[attribute];
        if (value === undefined) {
          throw new AwsError('ValidationError', `Attribute '${attribute}' does not exist on ${logicalId}`);
        }
        return value;
      },
      importValue: (name) => {
        const exported = this.o.state.exportNamed(stack.accountId, stack.region, name);
        if (!exported) throw new AwsError('ValidationError', messages.noExport(name));
        imports.add(name);
        return exported.value;
      },
    });
    return { eval: evaluation, imports };
  }

  private current(stack: StackRecord): StackRecord {
    return this.o.state.stackById(stack.stackId) ?? stack;
  }

  setStatus(stack: StackRecord, status: string, reason: string | undefined): void {
    if (this.closing) throw new Aborted();
    this.o.state.transaction(() => {
      const current = this.current(stack);
      current.status = status;
      current.statusReason = reason;
      if (status.startsWith('UPDATE') || status.startsWith('DELETE_COMPLETE')) current.updatedAt ??= this.o.now();
      this.o.state.putStack(current);
      this.event(current, current.name, 'AWS::CloudFormation::Stack', status, current.stackId, reason);
    });
  }

  /** Stores a resource's new state and records the matching event. */
  private record(stack: StackRecord, resource: ResourceRecord, reason?: string): void {
    if (this.closing) throw new Aborted();
    // The resource's row and its event are one commit.
    this.o.state.transaction(() => {
      this.o.state.putResource(stack.stackId, { ...resource, ...(reason ? { statusReason: reason } : {}) });
      this.event(
        stack,
        resource.logicalId,
        resource.type,
        resource.status,
        resource.physicalId,
        reason,
        resource.properties,
      );
    });
  }

  event(
    stack: StackRecord,
    logicalId: string,
    type: string,
    status: string,
    physicalId?: string,
    reason?: string,
    properties?: Record<string, unknown>,
  ): void {
    const event: StackEventRecord = {
      EventId:
        logicalId === stack.name && type === 'AWS::CloudFormation::Stack'
          ? randomUUID()
          : `${logicalId}-${status}-${new Date(this.o.now()).toISOString()}`,
      StackId: stack.stackId,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      ResourceType: type,
      Timestamp: this.o.now(),
      ResourceStatus: status,
    };
    if (physicalId !== undefined) event.PhysicalResourceId = physicalId;
    if (reason !== undefined) event.ResourceStatusReason = reason;
    if (properties !== undefined) event.ResourceProperties = maskSecrets(JSON.stringify(properties), stack);
    this.o.state.addEvent(event);
  }
}

/**
 * A failure reason followed by what happens next: "The following resource(s) failed to create:
 * [A]. Rollback requested by user.", "No export named X found. Rollback requested by user."
 */
function followedBy(reason: string, next: string): string {
  return reason.endsWith('. ') ? `${reason}${next}` : `${reason}. ${next}`;
}

/** Status a stack or resource ends in when its in-progress operation cannot finish. */
function failedStatus(status: string): string {
  switch (status) {
    case 'CREATE_IN_PROGRESS':
      return 'CREATE_FAILED';
    case 'ROLLBACK_IN_PROGRESS':
      return 'ROLLBACK_FAILED';
    case 'DELETE_IN_PROGRESS':
      return 'DELETE_FAILED';
    // An interrupted update cannot be known to be complete or rolled back: AWS's state for that
    // is UPDATE_ROLLBACK_FAILED (from which ContinueUpdateRollback or a delete proceeds).
    case 'UPDATE_IN_PROGRESS':
    case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
    case 'UPDATE_ROLLBACK_IN_PROGRESS':
    case 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS':
      return 'UPDATE_ROLLBACK_FAILED';
    default:
      return status.replace('_IN_PROGRESS', '_FAILED');
  }
}

/** NoEcho parameter values never leave in a response, even inside resource properties. */
function maskSecrets(text: string, stack: StackRecord): string {
  const { deployment } = stack.data;
  let masked = text;
  for (const p of deployment.parameters) {
    if (!deployment.noEcho.includes(p.ParameterKey) || !p.ParameterValue) continue;
    const encoded = JSON.stringify(p.ParameterValue).slice(1, -1);
    masked = masked.split(encoded).join(MASKED);
  }
  return masked;
}

/** A provider failure as the resource's status reason, in the form CloudFormation's handlers use. */
function handlerMessage(error: unknown, wrap = true): string {
  const message = (error as Error)?.message ?? String(error);
  if (!wrap || !(error instanceof AwsError)) return message;
  return `Resource handler returned message: "${message}" (RequestToken: ${randomUUID()}, HandlerErrorCode: ${handlerErrorCode(error.code)})`;
}

function handlerErrorCode(code: string): string {
  if (code.includes('NotFound') || code.startsWith('NoSuch')) return 'NotFound';
  if (code === 'ResourceConflictException' || code.includes('AlreadyExists') || code === 'BucketAlreadyOwnedByYou') {
    return 'AlreadyExists';
  }
  if (code.includes('Throttl') || code === 'TooManyRequestsException') return 'Throttling';
  if (code.startsWith('Invalid') || code.includes('Validation') || code.startsWith('Malformed'))
    return 'InvalidRequest';
  return 'GeneralServiceException';
}

function toProvisioned(resource: ResourceRecord): ProvisionedResource {
  const ref = resource.attributes['::Ref'];
  return {
    physicalId: resource.physicalId ?? '',
    attributes: resource.attributes,
    ...(typeof ref === 'string' ? { ref } : {}),
  };
}

function resourceMeta(declaration: { DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: unknown }) {
  return {
    ...(declaration.DeletionPolicy ? { deletionPolicy: declaration.DeletionPolicy } : {}),
    ...(declaration.UpdateReplacePolicy ? { updateReplacePolicy: declaration.UpdateReplacePolicy } : {}),
    ...(declaration.Metadata !== undefined ? { metadata: declaration.Metadata } : {}),
  };
}

/** A plain copy of resolved properties, detached from the template's objects. */
function plainCopy(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;
}

function stringify(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Resources in the reverse of the order they were recorded (dependents before dependencies). */
function reverseOrder(resources: Map<string, ResourceRecord>): ResourceRecord[] {
  return [...resources.values()].reverse();
}

/**
 * Waves of the recorded resources to delete, by the template's dependency graph restricted to
 * them: a resource goes only after everything that depends on it.
 */
function deletionWaves(resources: Map<string, ResourceRecord>, graph: Map<string, Set<string>>): ResourceRecord[][] {
  const present = new Map(
    [...resources.keys()].map((id) => [id, new Set([...(graph.get(id) ?? [])].filter((d) => resources.has(d)))]),
  );
  return deletionOrder(present).map((wave) => wave.map((id) => resources.get(id) as ResourceRecord));
}
