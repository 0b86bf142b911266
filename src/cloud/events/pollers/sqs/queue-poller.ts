/**
 * One SQS mapping's pollers: concurrent workers that each receive a batch (with the queue's
 * visibility timeout, so what is received is in flight), invoke the function through Lambda's
 * Invoke, and delete what succeeded. What failed is left in flight: it becomes visible again after
 * the visibility timeout and the queue's redrive policy moves it to the dead-letter queue once it
 * was received maxReceiveCount times. So a restart loses nothing: a batch cut short comes back.
 *
 * Waking: a message sent (or made visible again) wakes one waiting worker; a worker that received
 * a full batch wakes another, and adds a worker while the backlog lasts, from five up to
 * ScalingConfig.MaximumConcurrency (a small local ceiling without it). A worker with nothing to do
 * beyond the first five stops. After a failed batch a worker backs off before receiving again.
 */
import type { PollingMapping } from '../../../services/lambda/index.js';
import { type CompiledFilters, compileFilterCriteria } from '../../filters/index.js';
import type { PollerDeps } from '../../index.js';
import { invokeFunction } from '../shared/invoke.js';
import { retryDelayMs } from '../shared/retry-backoff.js';
import { pause, Wakeup } from '../shared/wakeup.js';
import { failedMessageIds, withFollowersInGroup } from './batch-response.js';
import { QUEUE_POLLING } from './limits.js';
import { type QueueRecord, queueRecord } from './queue-records.js';

/** `{"Records":[]}` around the records, and a comma between two. */
const ENVELOPE_BYTES = 14;

export class QueuePoller {
  private readonly abort = new AbortController();
  private readonly waiting: Wakeup[] = [];
  /** The worker filling a batch within its batching window: new messages go to it first. */
  private gatherer: Wakeup | undefined;
  private workers = 0;
  private lastScaleUp = 0;
  private readonly filters: CompiledFilters | undefined;
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly maxConcurrency: number;
  private readonly initialConcurrency: number;
  private readonly reportItemFailures: boolean;
  private readonly fifo: boolean;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: PollerDeps,
    readonly mapping: PollingMapping,
    /** True once the server is closing: results are no longer applied (messages come back instead). */
    private readonly closing: () => boolean,
  ) {
    const settings = mapping.settings;
    this.filters = compileFilterCriteria(settings.FilterCriteria?.Filters);
    this.batchSize = settings.BatchSize ?? QUEUE_POLLING.receiveMax;
    this.windowMs = (settings.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    this.maxConcurrency = settings.ScalingConfig?.MaximumConcurrency ?? QUEUE_POLLING.defaultMaxConcurrency;
    this.initialConcurrency = Math.min(QUEUE_POLLING.initialConcurrency, this.maxConcurrency);
    this.reportItemFailures = settings.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false;
    this.fifo = mapping.eventSourceArn.endsWith('.fifo');
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  start(): void {
    this.unsubscribe = this.deps.sqs.onMessages(this.mapping.eventSourceArn, () => this.wakeOne());
    for (let i = 0; i < this.initialConcurrency; i++) this.addWorker();
  }

  /** Stops receiving at once; a batch being invoked still has its result applied (unless the server closes). */
  stop(): void {
    this.unsubscribe?.();
    this.abort.abort();
  }

  private log(line: string): void {
    this.deps.context.log(`event source mapping ${this.mapping.uuid} (${this.mapping.eventSourceArn}): ${line}`);
  }

  private wakeOne(): void {
    (this.gatherer ?? this.waiting.shift())?.wake();
  }

  /** Waits for a wake; an idle worker queues for one, a gathering worker takes the next ones first. */
  private async waitForMessages(wakeup: Wakeup, ms: number | undefined, gathering = false): Promise<void> {
    if (gathering) this.gatherer = wakeup;
    else this.waiting.push(wakeup);
    await wakeup.wait(ms, this.signal);
    if (this.gatherer === wakeup) this.gatherer = undefined;
    const index = this.waiting.indexOf(wakeup);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  private addWorker(): void {
    this.workers++;
    void this.work()
      .catch((error: unknown) => this.log(`poller failed: ${String(error)}`))
      .finally(() => this.workers--);
  }

  /** More concurrent batches while a backlog lasts, at a bounded pace. */
  private scaleUp(): void {
    const now = Date.now();
    if (this.workers >= this.maxConcurrency || now - this.lastScaleUp < QUEUE_POLLING.scaleUpIntervalMs) return;
    this.lastScaleUp = now;
    this.addWorker();
  }

  private async work(): Promise<void> {
    const wakeup = new Wakeup();
    let failures = 0;
    let carried: QueueRecord[] = [];
    while (!this.signal.aborted) {
      let collected: Collected;
      try {
        collected = await this.collect(wakeup, carried);
      } catch (error) {
        // The queue is gone (or refused the receive): try again later, it may come back.
        failures++;
        this.log(`receiving failed: ${(error as Error).message}`);
        await pause(retryDelayMs(failures), this.signal);
        carried = [];
        continue;
      }
      carried = collected.carried;
      if (this.signal.aborted) return;
      if (collected.batch.length === 0) {
        if (this.workers > this.initialConcurrency) return;
        await this.waitForMessages(wakeup, undefined);
        continue;
      }
      if (collected.backlog) {
        this.wakeOne();
        this.scaleUp();
      }
      const succeeded = await this.deliver(collected.batch);
      failures = succeeded ? 0 : failures + 1;
      if (failures > 0) await pause(retryDelayMs(failures), this.signal);
    }
  }

  /**
   * Receives until the batch is cut: BatchSize reached, the batching window (from the first message)
   * over, the payload limit reached, or (without a window) the queue has nothing more now. Messages
   * no filter matches are deleted as they come and do not count.
   */
  private async collect(wakeup: Wakeup, carried: QueueRecord[]): Promise<Collected> {
    const batch: QueueRecord[] = [];
    let bytes = ENVELOPE_BYTES;
    const overflow: QueueRecord[] = [];
    const add = (record: QueueRecord): void => {
      // A window longer than the visibility timeout lets a message come back while the batch
      // gathers: it is the same message with a new receipt handle, not a second one.
      const again = batch.findIndex((r) => r.messageId === record.messageId);
      if (again >= 0) {
        bytes += record.size - (batch[again] as QueueRecord).size;
        batch[again] = record;
        return;
      }
      if (overflow.length > 0 || (batch.length > 0 && bytes + record.size + 1 > QUEUE_POLLING.payloadLimitBytes)) {
        overflow.push(record);
        return;
      }
      batch.push(record);
      bytes += record.size + 1;
    };
    for (const record of carried) add(record);
    let deadline: number | undefined;
    let backlog = false;
    for (;;) {
      const room = this.batchSize - batch.length - overflow.length;
      if (room <= 0 || overflow.length > 0) return { batch, carried: overflow, backlog: true };
      const want = Math.min(QUEUE_POLLING.receiveMax, room);
      const messages = this.deps.sqs.receive(this.mapping.eventSourceArn, { maxMessages: want });
      backlog = messages.length === want;
      for (const message of messages) {
        const record = queueRecord(message, this.mapping.eventSourceArn, this.mapping.region);
        if (this.filters && !this.filters.matches(record.event)) this.dropFiltered(record);
        else add(record);
      }
      if (batch.length >= this.batchSize) return { batch, carried: overflow, backlog };
      if (messages.length > 0 && batch.length === 0) continue; // all filtered out: look for more
      if (this.windowMs === 0 || batch.length === 0) return { batch, carried: overflow, backlog };
      deadline ??= Date.now() + this.windowMs;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { batch, carried: overflow, backlog };
      if (messages.length < want) {
        // Another worker may already be gathering: then this one waits like an idle one.
        await this.waitForMessages(wakeup, remaining, this.gatherer === undefined);
        if (this.signal.aborted) return { batch, carried: overflow, backlog: false };
      }
    }
  }

  /** AWS deletes a message no filter matches. */
  private dropFiltered(record: QueueRecord): void {
    this.deps.sqs.delete(this.mapping.eventSourceArn, record.receiptHandle);
  }

  /** Invokes the function with the batch and deletes what succeeded; true when anything succeeded. */
  private async deliver(batch: QueueRecord[]): Promise<boolean> {
    const call = this.deps.call(this.mapping.accountId, this.mapping.region);
    const outcome = await invokeFunction(
      call,
      this.mapping.functionArn,
      { Records: batch.map((r) => r.event) },
      { events: this.deps.events, mapping: this.mapping, records: batch.length },
    );
    // The server is stopping: the messages stay in flight and come back after the visibility timeout.
    if (this.closing()) return true;
    if (outcome.type === 'not-invoked') {
      this.log(
        `${outcome.result} (${outcome.error.message}); ${batch.length} messages return after the visibility timeout`,
      );
      return false;
    }
    if (outcome.type === 'function-error') {
      this.log(
        `function error (${outcome.functionError}) on a batch of ${batch.length}; the messages return after the visibility timeout`,
      );
      return false;
    }
    let failed = failedMessageIds(outcome.response, batch, this.reportItemFailures);
    if (this.fifo && failed.size > 0) failed = withFollowersInGroup(failed, batch);
    if (failed.size > 0) this.log(`the function reported ${failed.size} of ${batch.length} messages failed`);
    try {
      for (const record of batch) {
        if (!failed.has(record.messageId)) this.deps.sqs.delete(this.mapping.eventSourceArn, record.receiptHandle);
      }
    } catch (error) {
      this.log(`deleting processed messages failed: ${(error as Error).message}`);
    }
    return failed.size < batch.length;
  }
}

interface Collected {
  batch: QueueRecord[];
  /** Received but past the payload limit: they start the worker's next batch. */
  carried: QueueRecord[];
  /** The last receive was full: more messages are probably waiting. */
  backlog: boolean;
}
