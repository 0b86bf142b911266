/**
 * Delivering one batch of a shard until it succeeds or is discarded, with AWS's error handling for
 * stream sources: a function error (an exception, a timeout, an invalid answer) is retried with
 * backoff up to MaximumRetryAttempts (-1: until the records expire); with
 * BisectBatchOnFunctionError a failing batch is split in halves, which does not consume the retry
 * quota; with ReportBatchItemFailures processing resumes at the lowest failed record; records older
 * than MaximumRecordAgeInSeconds are discarded; a failure before the function ran (a throttle, a
 * missing function) is retried until the records expire, without counting. A discarded batch is
 * described to the OnFailure destination. Only one batch per shard (per lane) is in flight, so a
 * failing batch blocks its shard, as on AWS.
 */
import { randomUUID } from 'node:crypto';
import { invokeFunction } from '../shared/invoke.js';
import { deliverOnFailure } from '../shared/on-failure-destination.js';
import { PROCESSING_RESULT } from '../shared/processing-results.js';
import { retryDelayMs } from '../shared/retry-backoff.js';
import { pause } from '../shared/wakeup.js';
import { judgeAnswer } from './batch-response.js';
import { type DiscardCondition, failureRecord, type LastResponse } from './failure-record.js';
import type { MappingRun } from './mapping-run.js';
import type { SourceRecord } from './stream-source.js';
import { windowFields } from './tumbling-window.js';

/** The tumbling window a batch belongs to, with the state the function returned last in it. */
export interface BatchWindow {
  start: number;
  state: Record<string, unknown>;
}

export type Delivered =
  /** Succeeded or discarded; `state` is the window's state after it (tumbling windows). */
  | { type: 'done'; state: Record<string, unknown> | undefined }
  /** The mapping stopped first; the batch is left for the next poller (its checkpoint did not move). */
  | { type: 'stopped' };

export class BatchDelivery {
  constructor(
    private readonly run: MappingRun,
    private readonly shardId: string,
  ) {}

  private get settings() {
    return this.run.mapping.settings;
  }

  private get windowMs(): number {
    return (this.settings.TumblingWindowInSeconds ?? 0) * 1000;
  }

  private event(records: readonly SourceRecord[], window: BatchWindow | undefined, final = false): object {
    const event = { Records: records.map((record) => record.event) };
    if (!window) return event;
    const where = { shardId: this.shardId, eventSourceARN: this.run.source.streamArn };
    return { ...event, ...windowFields(window.start, this.windowMs, window.state, where, final) };
  }

  /** Waits before the next attempt, logging why; false when the mapping stopped meanwhile. */
  private async backOff(attempt: number, records: number, why: string): Promise<boolean> {
    const delay = retryDelayMs(attempt);
    this.run.log(`batch of ${records} records from ${this.shardId} failed (${why}); retrying in ${delay} ms`);
    await pause(delay, this.run.signal);
    return !this.run.signal.aborted;
  }

  async deliver(
    records: readonly SourceRecord[],
    window: BatchWindow | undefined,
    priorInvokes = 0,
  ): Promise<Delivered> {
    const { settings, run } = this;
    const maxRetries = settings.MaximumRetryAttempts ?? -1;
    const maxAgeMs = (settings.MaximumRecordAgeInSeconds ?? -1) * 1000;
    const rules = {
      reportBatchItemFailures: settings.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
      tumblingWindow: window !== undefined,
    };
    let pending = records;
    let retries = 0;
    let refusals = 0;
    let invokes = priorInvokes;
    let last: LastResponse | undefined;
    while (pending.length > 0) {
      if (run.signal.aborted) return { type: 'stopped' };
      if (maxAgeMs >= 0) {
        const now = run.now();
        const expired = pending.findIndex((record) => now - record.arrivalMs <= maxAgeMs);
        const count = expired < 0 ? pending.length : expired;
        if (count > 0) {
          const old = pending.slice(0, count);
          await this.discard(old, 'RecordAgeExceeded', invokes, last, this.event(old, window));
          pending = pending.slice(count);
          continue;
        }
      }
      const event = this.event(pending, window);
      const newest = pending[pending.length - 1] as SourceRecord;
      const outcome = await invokeFunction(run.call, run.mapping.functionArn, event, {
        events: run.deps.events,
        mapping: run.mapping,
        records: pending.length,
        shard: { shardId: this.shardId, iteratorAgeMs: Math.max(0, run.now() - newest.arrivalMs) },
      });
      if (outcome.type === 'not-invoked') {
        run.report(outcome.result);
        if (outcome.reason === 'function-not-found') await run.refreshIdentity();
        if (!(await this.backOff(++refusals, pending.length, outcome.error.message))) return { type: 'stopped' };
        continue;
      }
      invokes++;
      const verdict =
        outcome.type === 'function-error'
          ? ({ type: 'failed', from: 0 } as const)
          : judgeAnswer(outcome.response, pending, rules);
      if (verdict.type === 'success') {
        run.report(PROCESSING_RESULT.ok);
        return { type: 'done', state: verdict.state ?? window?.state };
      }
      run.report(PROCESSING_RESULT.functionCallFailed);
      last = {
        requestId: outcome.requestId,
        statusCode: outcome.statusCode,
        executedVersion: outcome.executedVersion,
        functionError: outcome.type === 'function-error' ? outcome.functionError : null,
      };
      if (outcome.type === 'function-error' && settings.BisectBatchOnFunctionError && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        run.log(`batch of ${pending.length} records from ${this.shardId} failed (function error); bisecting`);
        const first = await this.deliver(pending.slice(0, half), window, invokes);
        if (first.type === 'stopped') return first;
        return this.deliver(
          pending.slice(half),
          window && { start: window.start, state: first.state ?? window.state },
          invokes,
        );
      }
      const failed = pending.slice(verdict.from);
      if (maxRetries >= 0 && retries >= maxRetries) {
        await this.discard(failed, 'RetryAttemptsExhausted', invokes, last, event);
        return { type: 'done', state: window?.state };
      }
      pending = failed;
      const why =
        outcome.type === 'function-error' ? `function error ${outcome.functionError}` : 'records reported failed';
      if (!(await this.backOff(++retries, pending.length, why))) return { type: 'stopped' };
    }
    return { type: 'done', state: window?.state };
  }

  /** The window's final invoke (no records, isFinalInvokeForWindow), retried until it succeeds; false when stopped. */
  async finishWindow(window: BatchWindow): Promise<boolean> {
    for (let attempt = 1; !this.run.signal.aborted; attempt++) {
      const outcome = await invokeFunction(this.run.call, this.run.mapping.functionArn, this.event([], window, true), {
        events: this.run.deps.events,
        mapping: this.run.mapping,
        records: 0,
      });
      if (outcome.type === 'success') {
        this.run.report(PROCESSING_RESULT.ok);
        return true;
      }
      this.run.report(outcome.type === 'not-invoked' ? outcome.result : PROCESSING_RESULT.functionCallFailed);
      const why = outcome.type === 'not-invoked' ? outcome.error.message : 'function error';
      if (!(await this.backOff(attempt, 0, `final invoke of the window: ${why}`))) return false;
    }
    return false;
  }

  private async discard(
    records: readonly SourceRecord[],
    condition: DiscardCondition,
    invokeCount: number,
    last: LastResponse | undefined,
    payload: object,
  ): Promise<void> {
    const { run } = this;
    const record = failureRecord(
      {
        condition,
        functionArn: run.mapping.functionArn,
        shardId: this.shardId,
        streamArn: run.source.streamArn,
        records,
        invokeCount,
        last,
        at: run.now(),
      },
      run.source.batchInfo,
      randomUUID(),
    );
    const destination = this.settings.DestinationConfig?.OnFailure?.Destination;
    run.log(
      `discarded ${records.length} records from ${this.shardId} (${condition})${destination ? `, sending them to ${destination}` : ''}`,
    );
    if (!destination) return;
    const scope = { accountId: run.mapping.accountId, region: run.mapping.region };
    try {
      const delivered = await deliverOnFailure(run.deps.call, scope, destination, {
        mappingUuid: run.mapping.uuid,
        shardId: this.shardId,
        record,
        payload,
      });
      if (delivered === 'unsupported')
        run.log(`could not deliver to ${destination}: the local cloud does not serve it`);
    } catch (error) {
      run.log(`could not deliver to ${destination}: ${(error as Error).message}`);
    }
  }
}
