/**
 * A mapping as the API answers it: its State derived from the stored transition and the clock
 * (so it is right after a restart and under a test clock, like the function lifecycle), its ARNs,
 * and only the members its source kind reports.
 */
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { functionArn } from '../arns.js';
import { STATE_TRANSITION_REASON } from './limits.js';
import type { MappingRecord, Transition } from './state.js';

export type MappingStateName = Transition | 'Enabled' | 'Disabled';

/** The state at `now`, or undefined once a Deleting period has ended (the mapping is gone). */
export function stateAt(record: MappingRecord, now: number): MappingStateName | undefined {
  if (record.transition && now < record.transitionUntil) return record.transition;
  if (record.transition === 'Deleting') return undefined;
  return record.enabled ? 'Enabled' : 'Disabled';
}

export function isTransitional(state: MappingStateName): state is Transition {
  return state !== 'Enabled' && state !== 'Disabled';
}

export function mappingArn(record: Pick<MappingRecord, 'accountId' | 'region' | 'uuid'>): string {
  return `arn:aws:lambda:${record.region}:${record.accountId}:event-source-mapping:${record.uuid}`;
}

/** The function as the mapping names it: unqualified, or with the version or alias it was given. */
export function mappingFunctionArn(record: MappingRecord): string {
  return functionArn(
    { accountId: record.accountId, region: record.region, name: record.functionName },
    record.qualifier,
  );
}

export function describeMapping(record: MappingRecord, state: MappingStateName): EventSourceMappingConfiguration {
  const { StartingPositionTimestamp, ...settings } = record.settings;
  const out: EventSourceMappingConfiguration = {
    UUID: record.uuid,
    ...settings,
    EventSourceArn: record.eventSourceArn,
    FunctionArn: mappingFunctionArn(record),
    LastModified: new Date(record.lastModified),
    State: state,
    StateTransitionReason: STATE_TRANSITION_REASON[record.kind],
    EventSourceMappingArn: mappingArn(record),
  };
  if (StartingPositionTimestamp !== undefined) out.StartingPositionTimestamp = new Date(StartingPositionTimestamp);
  if (record.lastProcessingResult !== undefined) out.LastProcessingResult = record.lastProcessingResult;
  return out;
}
