/**
 * The asynchronous invoke queue: Event invokes are committed to SQLite before the 202 leaves, then
 * run in the background; failures are retried per the function's MaximumRetryAttempts with
 * doubling delays, events older than MaximumEventAgeInSeconds are dropped, and the outcome goes
 * to the OnSuccess / OnFailure destination when it is a Lambda function (other destination
 * services arrive with their issues). An item being run is leased (its next attempt pushed past
 * the function's timeout), so after a crash or restart it runs again rather than being lost.
 */
import { randomUUID } from 'node:crypto';
import { currentInvokeTrigger, type InvokeTrigger, withInvokeTrigger } from '../../activity.js';
import { AwsError } from '../../errors.js';
import { functionArn, parseFunctionName } from './arns.js';
import type { AsyncInvokeRecord, AsyncQueueState } from './async-queue-state.js';
import type { Invoker } from './invoker.js';
import { LATEST, type LambdaService, type ResolvedQualifier } from './lambda-service.js';
import { DEFAULTS } from './limits.js';
import type { EventInvokeSettings } from './settings.js';

/** How many queued invokes run at once. */
const PARALLEL = 16;
/** A throttled invoke waits this long before it is tried again (not counted as an attempt). */
const THROTTLE_DELAY_MS = 200;

type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export class AsyncInvokes {
  private timer: NodeJS.Timeout | undefined;
  /** Ids of the items being run. */
  private readonly active = new Set<number>();
  private stopped = true;
  private readonly idle = new Set<() => void>();
  /** Who queued each invoke (S3, SNS, a destination...), for the console; by request id, not durable. */
  private readonly triggers = new Map<string, InvokeTrigger>();

  constructor(
    private readonly service: LambdaService,
    private readonly queue: AsyncQueueState,
    private readonly invoker: Invoker,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops taking new items and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.active.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  enqueue(resolved: ResolvedQualifier, requestId: string, payload: Buffer): void {
    const now = this.service.now();
    const trigger = currentInvokeTrigger();
    if (trigger !== 'api') this.triggers.set(requestId, trigger);
    this.queue.enqueueAsync({
      accountId: resolved.fn.accountId,
      region: resolved.fn.region,
      name: resolved.fn.name,
      qualifier: resolved.qualifier,
      requestId,
      payload,
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.queue.nextAsyncDue();
    if (next === undefined) return;
    const delay = Math.max(0, next - this.service.now());
    this.timer = setTimeout(() => this.drain(), Math.min(delay, 60_000));
    this.timer.unref();
  }

  private drain(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const free = PARALLEL - this.active.size;
    if (free > 0) {
      const due = this.queue.dueAsync(this.service.now(), PARALLEL).filter((item) => !this.active.has(item.id));
      for (const item of due.slice(0, free)) void this.process(item);
    }
    if (this.active.size < PARALLEL) this.schedule();
  }

  private async process(item: AsyncInvokeRecord): Promise<void> {
    this.active.add(item.id);
    try {
      await this.attempt(item);
    } catch (error) {
      this.service.context.log(
        `async invoke ${item.requestId} failed in the queue: ${(error as Error).stack ?? error}`,
      );
      this.queue.removeAsync(item.id);
    } finally {
      this.active.delete(item.id);
      if (this.active.size === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
      this.schedule();
    }
  }

  private async attempt(item: AsyncInvokeRecord): Promise<void> {
    const now = this.service.now();
    const firstTrigger = this.triggers.get(item.requestId);
    this.triggers.delete(item.requestId);
    let resolved: ResolvedQualifier;
    try {
      resolved = this.service.resolve(item);
    } catch {
      this.queue.removeAsync(item.id); // the function (or its alias) was deleted meanwhile
      return;
    }
    if (this.service.isPending(resolved.version)) {
      if (firstTrigger) this.triggers.set(item.requestId, firstTrigger);
      this.queue.rescheduleAsync(item.id, item.attempts, resolved.version.pendingUntil);
      return;
    }
    const settings = this.settingsFor(item);
    const maxAgeMs = (settings.MaximumEventAgeInSeconds ?? DEFAULTS.maximumEventAgeSeconds) * 1000;
    if (now - item.enqueuedAt > maxAgeMs) {
      this.queue.removeAsync(item.id);
      this.deliver(item, settings, 'EventAgeExceeded', undefined);
      return;
    }
    // Lease: if the server dies mid-invoke, the item becomes due again after the timeout.
    this.queue.rescheduleAsync(item.id, item.attempts, now + (resolved.version.config.Timeout + 60) * 1000);
    let outcome: Awaited<ReturnType<Invoker['run']>>;
    try {
      const trigger = item.attempts > 0 ? 'async-retry' : (firstTrigger ?? 'async');
      outcome = await this.invoker.run(resolved, { requestId: item.requestId, payload: item.payload, trigger });
    } catch (error) {
      if (error instanceof AwsError && error.code === 'TooManyRequestsException') {
        if (firstTrigger) this.triggers.set(item.requestId, firstTrigger);
        this.queue.rescheduleAsync(item.id, item.attempts, this.service.now() + THROTTLE_DELAY_MS);
        return;
      }
      throw error;
    }
    const attempts = item.attempts + 1;
    if (!outcome.result.functionError) {
      this.queue.removeAsync(item.id);
      this.deliver({ ...item, attempts }, settings, 'Success', outcome);
      return;
    }
    const maxRetries = settings.MaximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts;
    if (attempts > maxRetries) {
      this.queue.removeAsync(item.id);
      this.deliver({ ...item, attempts }, settings, 'RetriesExhausted', outcome);
      return;
    }
    const delay = this.service.context.lambda.asyncRetryDelayMs * 2 ** (attempts - 1);
    this.queue.rescheduleAsync(item.id, attempts, this.service.now() + delay);
  }

  /** The event invoke config of the qualifier invoked, else of the function's $LATEST. */
  private settingsFor(item: AsyncInvokeRecord): EventInvokeSettings {
    const stored =
      this.service.state.getInvokeConfig(item, item.qualifier) ?? this.service.state.getInvokeConfig(item, LATEST);
    return (stored?.config ?? {}) as EventInvokeSettings;
  }

  /** Sends an invocation record to a Lambda destination, as an Event invoke of the target. */
  private deliver(
    item: AsyncInvokeRecord,
    settings: EventInvokeSettings,
    condition: Condition,
    outcome: Awaited<ReturnType<Invoker['run']>> | undefined,
  ): void {
    const destination =
      condition === 'Success'
        ? settings.DestinationConfig?.OnSuccess?.Destination
        : settings.DestinationConfig?.OnFailure?.Destination;
    if (!destination) return;
    if (!destination.includes(':lambda:')) {
      this.service.context.log(`async invoke ${item.requestId}: destination ${destination} is not supported yet`);
      return;
    }
    const record = {
      version: '1.0',
      timestamp: new Date(this.service.now()).toISOString(),
      requestContext: {
        requestId: item.requestId,
        functionArn: functionArn(item, item.qualifier),
        condition,
        approximateInvokeCount: item.attempts,
      },
      requestPayload: safeJson(item.payload),
      responseContext: outcome
        ? {
            statusCode: 200,
            executedVersion: outcome.executedVersion,
            ...(outcome.result.functionError ? { functionError: outcome.result.functionError } : {}),
          }
        : undefined,
      responsePayload: outcome ? safeJson(outcome.result.payload) : undefined,
    };
    try {
      const ref = parseFunctionName(destination, undefined, item);
      withInvokeTrigger('destination', () =>
        this.enqueue(this.service.resolve(ref), randomUUID(), Buffer.from(JSON.stringify(record))),
      );
    } catch (error) {
      this.service.context.log(
        `async invoke ${item.requestId}: destination ${destination}: ${(error as Error).message}`,
      );
    }
  }
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return payload.toString('utf8');
  }
}
