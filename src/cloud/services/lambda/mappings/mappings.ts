/**
 * Event source mappings: the operations behind the API's handlers, and the in-process API the
 * pollers use (which mappings should poll with their configuration, change notifications,
 * LastProcessingResult, durable checkpoints and tumbling-window state).
 *
 * Lifecycle (AWS's): Create answers Creating, then Enabled (Disabled when created with
 * Enabled: false); Update answers Enabling, Disabling or Updating, then the state asked for;
 * Delete answers Deleting, then the mapping is gone. Each transition lasts the Lambda settings'
 * transitionMs and is kept as a timestamp. A mapping in a transition refuses Update and Delete
 * (ResourceInUseException), as the API reference says.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  CreateEventSourceMappingRequest,
  EventSourceMappingConfiguration,
  ListEventSourceMappingsRequest,
  ListEventSourceMappingsResponse,
  UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import type { CloudContext } from '../../../context.js';
import { parseFunctionName } from '../arns.js';
import { LATEST, offsetPage } from '../lambda-service.js';
import type { LambdaState } from '../state.js';
import {
  describeMapping,
  isTransitional,
  type MappingStateName,
  mappingArn,
  mappingFunctionArn,
  stateAt,
} from './describe.js';
import { MappingErrors } from './errors.js';
import { MAPPING_LIMITS, NO_RECORDS_PROCESSED } from './limits.js';
import { resolveSettings } from './settings.js';
import { type EventSourceLookup, isStream, type SourceKind } from './sources.js';
import type { MappingRecord, MappingSettings, MappingState, Transition, WindowState } from './state.js';

/** Who asks: the account and region a request is for. */
export interface Scope {
  accountId: string;
  region: string;
}

export interface MappingChange {
  type: 'created' | 'updated' | 'enabled' | 'disabled' | 'deleted';
  uuid: string;
}

/** A mapping as a poller needs it. */
export interface PollingMapping {
  uuid: string;
  accountId: string;
  region: string;
  kind: SourceKind;
  eventSourceArn: string;
  /** The function to invoke, qualified when the mapping names a version or alias. */
  functionArn: string;
  functionName: string;
  qualifier: string | undefined;
  /** Every setting with its default applied (BatchSize, MaximumBatchingWindowInSeconds, FilterCriteria ...). */
  settings: MappingSettings;
  /** Enabled, or Creating / Enabling / Updating on the way to Enabled. */
  state: MappingStateName;
}

export class EventSourceMappings {
  private readonly changes = new EventEmitter();

  constructor(
    readonly state: MappingState,
    private readonly functions: LambdaState,
    private readonly sources: EventSourceLookup,
    /** The clock and the transition length (the Lambda settings' transitionMs). */
    private readonly context: { now(): number; readonly lambda: Pick<CloudContext['lambda'], 'transitionMs'> },
  ) {
    this.changes.setMaxListeners(0);
  }

  private now(): number {
    return this.context.now();
  }

  private transitionEnd(): number {
    return this.now() + this.context.lambda.transitionMs;
  }

  /** The mapping with `uuid` in the scope, unless it is gone. */
  private live(uuid: string, scope: Scope): { record: MappingRecord; state: MappingStateName } | undefined {
    const record = this.state.get(uuid);
    if (!record || record.accountId !== scope.accountId || record.region !== scope.region) return undefined;
    const state = stateAt(record, this.now());
    return state && { record, state };
  }

  /** The function a mapping names: its name and qualifier, when the function (and version or alias) exists. */
  private resolveFunction(functionName: string, scope: Scope): { name: string; qualifier: string | undefined } {
    const ref = parseFunctionName(functionName, undefined, scope);
    const exists =
      this.functions.getFunction(ref) !== undefined &&
      (ref.qualifier === undefined ||
        ref.qualifier === LATEST ||
        (/^\d+$/.test(ref.qualifier)
          ? this.functions.getVersion(ref, ref.qualifier) !== undefined
          : this.functions.getAlias(ref, ref.qualifier) !== undefined));
    if (!exists) throw MappingErrors.functionDoesNotExist();
    return { name: ref.name, qualifier: ref.qualifier };
  }

  private assertSourceExists(kind: SourceKind, arn: string, scope: Scope): void {
    if (this.sources.exists(arn, scope.accountId, scope.region)) return;
    throw isStream(kind) ? MappingErrors.streamNotFound(arn) : MappingErrors.queueNotFound();
  }

  /** AWS allows one mapping per function (as named) and source. */
  private assertNoDuplicate(candidate: MappingRecord): void {
    const arn = mappingFunctionArn(candidate);
    const existing = this.state
      .list(candidate.accountId, candidate.region)
      .find(
        (m) =>
          m.uuid !== candidate.uuid &&
          m.eventSourceArn === candidate.eventSourceArn &&
          mappingFunctionArn(m) === arn &&
          stateAt(m, this.now()) !== undefined,
      );
    if (!existing) return;
    const duplicate = candidate.kind === 'sqs' ? MappingErrors.duplicateQueue : MappingErrors.duplicateStream;
    throw duplicate(candidate.eventSourceArn, candidate.functionName, existing.uuid);
  }

  create(input: CreateEventSourceMappingRequest, scope: Scope): EventSourceMappingConfiguration {
    if (input.DestinationConfig?.OnSuccess !== undefined) throw MappingErrors.unsupportedMember('DestinationConfig');
    const arn = input.EventSourceArn;
    const kind = arn === undefined ? undefined : this.sources.kindOf(arn);
    if (arn === undefined || kind === undefined) throw MappingErrors.unrecognizedSource();
    const settings = resolveSettings(kind, arn, input);
    const fn = this.resolveFunction(input.FunctionName ?? '', scope);
    this.assertSourceExists(kind, arn, scope);
    const now = this.now();
    const record: MappingRecord = {
      uuid: randomUUID(),
      accountId: scope.accountId,
      region: scope.region,
      functionName: fn.name,
      qualifier: fn.qualifier,
      eventSourceArn: arn,
      kind,
      settings,
      enabled: input.Enabled ?? true,
      transition: 'Creating',
      transitionUntil: this.transitionEnd(),
      lastModified: now,
      lastProcessingResult: isStream(kind) ? NO_RECORDS_PROCESSED : undefined,
      tags: input.Tags ?? {},
    };
    this.state.transaction(() => {
      this.state.purgeDeleted(now);
      this.assertNoDuplicate(record);
      this.state.insert(record);
    });
    this.notify({ type: 'created', uuid: record.uuid });
    return describeMapping(record, 'Creating');
  }

  get(uuid: string, scope: Scope): EventSourceMappingConfiguration {
    const found = this.live(uuid, scope);
    if (!found) throw MappingErrors.notFound();
    return describeMapping(found.record, found.state);
  }

  update(input: UpdateEventSourceMappingRequest, scope: Scope): EventSourceMappingConfiguration {
    const found = this.live(input.UUID ?? '', scope);
    if (!found) throw MappingErrors.notFound();
    const { record, state } = found;
    if (isTransitional(state)) throw MappingErrors.updateInUse();
    const settings = resolveSettings(record.kind, record.eventSourceArn, input, record.settings);
    const fn =
      input.FunctionName === undefined
        ? { name: record.functionName, qualifier: record.qualifier }
        : this.resolveFunction(input.FunctionName, scope);
    const enabled = input.Enabled ?? record.enabled;
    const transition: Transition = enabled === record.enabled ? 'Updating' : enabled ? 'Enabling' : 'Disabling';
    const updated: MappingRecord = {
      ...record,
      functionName: fn.name,
      qualifier: fn.qualifier,
      settings,
      enabled,
      transition,
      transitionUntil: this.transitionEnd(),
      lastModified: this.now(),
    };
    this.state.transaction(() => {
      this.assertNoDuplicate(updated);
      this.state.replace(updated);
    });
    const type = transition === 'Enabling' ? 'enabled' : transition === 'Disabling' ? 'disabled' : 'updated';
    this.notify({ type, uuid: updated.uuid });
    return describeMapping(updated, transition);
  }

  delete(uuid: string, scope: Scope): EventSourceMappingConfiguration {
    const found = this.live(uuid, scope);
    if (!found) throw MappingErrors.notFound();
    if (isTransitional(found.state)) throw MappingErrors.deleteInUse();
    const deleting: MappingRecord = { ...found.record, transition: 'Deleting', transitionUntil: this.transitionEnd() };
    this.state.replace(deleting);
    this.notify({ type: 'deleted', uuid });
    return describeMapping(deleting, 'Deleting');
  }

  list(input: ListEventSourceMappingsRequest, scope: Scope): ListEventSourceMappingsResponse {
    const ref = input.FunctionName === undefined ? undefined : parseFunctionName(input.FunctionName, undefined, scope);
    const now = this.now();
    const matching = this.state
      .list(scope.accountId, scope.region)
      .filter(
        (m) =>
          (input.EventSourceArn === undefined || m.eventSourceArn === input.EventSourceArn) &&
          (ref === undefined ||
            (m.functionName === ref.name && (ref.qualifier === undefined || m.qualifier === ref.qualifier))),
      )
      .flatMap((m) => {
        const state = stateAt(m, now);
        return state ? [describeMapping(m, state)] : [];
      });
    const page = offsetPage(matching, input.Marker, input.MaxItems ?? MAPPING_LIMITS.listPageDefault);
    return { EventSourceMappings: page.items, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
  }

  // Tags (ListTags / TagResource / UntagResource with a mapping's ARN).

  private byArn(arn: string, scope: Scope): MappingRecord {
    const uuid = /:event-source-mapping:([0-9a-fA-F-]{36})$/.exec(arn)?.[1] ?? '';
    const found = this.live(uuid, scope);
    if (!found || mappingArn(found.record) !== arn) throw MappingErrors.arnNotFound(arn);
    return found.record;
  }

  tags(arn: string, scope: Scope): Record<string, string> {
    return this.byArn(arn, scope).tags;
  }

  tag(arn: string, tags: Record<string, string>, scope: Scope): void {
    const record = this.byArn(arn, scope);
    this.state.setTags(record.uuid, { ...record.tags, ...tags });
  }

  untag(arn: string, keys: string[], scope: Scope): void {
    const record = this.byArn(arn, scope);
    const tags = { ...record.tags };
    for (const key of keys) delete tags[key];
    this.state.setTags(record.uuid, tags);
  }

  // The pollers' API.

  /** The mappings that should be polling: Enabled, or settling into Enabled (not Disabling, Disabled or Deleting). */
  polling(): PollingMapping[] {
    const now = this.now();
    return this.state.listAll().flatMap((m) => {
      const state = stateAt(m, now);
      if (!state || !m.enabled || state === 'Deleting') return [];
      return [
        {
          uuid: m.uuid,
          accountId: m.accountId,
          region: m.region,
          kind: m.kind,
          eventSourceArn: m.eventSourceArn,
          functionArn: mappingFunctionArn(m),
          functionName: m.functionName,
          qualifier: m.qualifier,
          settings: m.settings,
          state,
        },
      ];
    });
  }

  /** Calls `listener` after each create, update, enable, disable and delete; returns the unsubscribe. */
  onChange(listener: (change: MappingChange) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  private notify(change: MappingChange): void {
    this.changes.emit('change', change);
  }

  /** Sets LastProcessingResult ("OK", "PROBLEM: Function call failed" ...); false when the mapping is gone. */
  recordResult(uuid: string, lastProcessingResult: string): boolean {
    return this.state.setLastProcessingResult(uuid, lastProcessingResult);
  }

  getCheckpoint(uuid: string, shardId: string): string | undefined {
    return this.state.getCheckpoint(uuid, shardId);
  }

  /** Every shard's checkpoint of a mapping. */
  checkpoints(uuid: string): Map<string, string> {
    return this.state.checkpoints(uuid);
  }

  /** Stores a shard's checkpoint durably; false when the mapping is gone. */
  setCheckpoint(uuid: string, shardId: string, sequenceNumber: string): boolean {
    return this.state.setCheckpoint(uuid, shardId, sequenceNumber, this.now());
  }

  getWindow(uuid: string, shardId: string): WindowState | undefined {
    return this.state.getWindow(uuid, shardId);
  }

  /** Stores a shard's tumbling-window state; false when the mapping is gone. */
  setWindow(uuid: string, shardId: string, window: WindowState): boolean {
    return this.state.setWindow(uuid, shardId, window);
  }

  clearWindow(uuid: string, shardId: string): void {
    this.state.clearWindow(uuid, shardId);
  }
}
