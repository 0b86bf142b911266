/**
 * One shard of a mapping: reads from the checkpoint, waits for a batch to fill (BatchSize, the
 * payload limit, or MaximumBatchingWindowInSeconds since the first waiting record; at once when the
 * window is 0), drops the records no filter matches, deals the rest to ParallelizationFactor lanes
 * and delivers each lane's batches in order, then stores the checkpoint durably. It wakes on the
 * source's change events, not on a timer. With one lane the checkpoint moves after every batch;
 * with several, after every lane finished the records read together (a restart may then replay
 * the last round, never skip it).
 */
import type { WindowState } from '../../../services/lambda/mappings/state.js';
import { Wakeup } from '../shared/wakeup.js';
import { BatchDelivery, type BatchWindow } from './batch-delivery.js';
import { cutBatches, dealToLanes, payloadBudget, recordsBytes } from './batches.js';
import type { MappingRun } from './mapping-run.js';
import type { ShardPosition, SourceRead, SourceRecord } from './stream-source.js';
import { windowStartOf } from './tumbling-window.js';

/** How long a shard waits before reading again after its stream could not be read (gone, being deleted). */
const UNREADABLE_RETRY_MS = 1000;

export class ShardPoller {
  private readonly wakeup = new Wakeup();
  private lastCheckpoint: string | undefined;

  constructor(
    private readonly run: MappingRun,
    readonly shardId: string,
    private position: ShardPosition,
  ) {
    if (position.type === 'AFTER') this.lastCheckpoint = position.sequenceNumber;
  }

  /** Records were appended (or the mapping wants a look): read now. */
  wake(): void {
    this.wakeup.wake();
  }

  private get settings() {
    return this.run.mapping.settings;
  }

  private get lanes(): number {
    return Math.max(1, this.settings.ParallelizationFactor ?? 1);
  }

  private get windowMs(): number {
    return (this.settings.TumblingWindowInSeconds ?? 0) * 1000;
  }

  private checkpoint(sequenceNumber: string): void {
    if (sequenceNumber === this.lastCheckpoint) return;
    this.run.deps.mappings.setCheckpoint(this.run.mapping.uuid, this.shardId, sequenceNumber);
    this.lastCheckpoint = sequenceNumber;
  }

  /** Polls until the shard ends (read to its end, windows closed) or the mapping stops. */
  async poll(): Promise<'ended' | 'stopped'> {
    const { run } = this;
    const batchSize = this.settings.BatchSize ?? 100;
    const batchingMs = (this.settings.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    let batchingSince: number | undefined;
    while (!run.signal.aborted) {
      let read: SourceRead;
      try {
        read = run.source.read(this.shardId, this.position, batchSize * this.lanes);
      } catch (error) {
        run.log(`cannot read ${this.shardId}: ${(error as Error).message}`);
        await this.wakeup.wait(UNREADABLE_RETRY_MS, run.signal);
        continue;
      }
      if (read.records.length === 0) {
        this.position = read.next;
        if (read.shardEnded) return (await this.closeWindows()) ? 'ended' : 'stopped';
        const windowEnd = await this.closeDueWindows();
        if (windowEnd === 'stopped') return 'stopped';
        await this.wakeup.wait(windowEnd === undefined ? undefined : windowEnd - run.now(), run.signal);
        continue;
      }
      const filling =
        batchingMs > 0 &&
        !read.shardEnded &&
        read.records.length < batchSize &&
        recordsBytes(read.records) < payloadBudget();
      if (filling) {
        batchingSince ??= run.now();
        const left = batchingSince + batchingMs - run.now();
        if (left > 0) {
          await this.wakeup.wait(left, run.signal);
          continue;
        }
      }
      batchingSince = undefined;
      if (!(await this.deliverRound(read.records))) return 'stopped';
      this.position = read.next;
      if (read.next.type === 'AFTER') this.checkpoint(read.next.sequenceNumber);
    }
    return 'stopped';
  }

  /** Delivers records read together; false when the mapping stopped before all were done. */
  private async deliverRound(records: readonly SourceRecord[]): Promise<boolean> {
    const { filters } = this.run;
    const kept = filters ? records.filter((record) => filters.matches(record.event)) : records;
    if (this.lanes === 1) return this.deliverLane(kept, 0, true);
    const lanes = dealToLanes(kept, this.lanes);
    const done = await Promise.all(lanes.map((lane, index) => this.deliverLane(lane, index, false)));
    return done.every(Boolean);
  }

  private async deliverLane(records: readonly SourceRecord[], lane: number, checkpointEach: boolean): Promise<boolean> {
    if (records.length === 0) return true;
    const windows = this.windowMs > 0 ? this.windowStore(lane) : undefined;
    const windowOf = windows ? (record: SourceRecord) => windowStartOf(record.arrivalMs, this.windowMs) : undefined;
    const reserved = windows ? Buffer.byteLength(JSON.stringify(windows.get()?.state ?? {})) : 0;
    const batches = cutBatches(records, {
      batchSize: this.settings.BatchSize ?? 100,
      budget: payloadBudget(reserved),
      ...(windowOf ? { windowOf } : {}),
    });
    const delivery = new BatchDelivery(this.run, this.shardId);
    for (const batch of batches) {
      const first = batch[0] as SourceRecord;
      let window: BatchWindow | undefined;
      if (windows && windowOf) {
        const start = windowOf(first);
        const stored = windows.get();
        if (stored && stored.windowStart < start) {
          if (!(await delivery.finishWindow({ start: stored.windowStart, state: stored.state }))) return false;
          windows.clear();
        }
        window = { start, state: stored && stored.windowStart === start ? stored.state : {} };
      }
      const delivered = await delivery.deliver(batch, window);
      if (delivered.type === 'stopped') return false;
      if (windows && window) windows.set({ windowStart: window.start, state: delivered.state ?? {} });
      if (checkpointEach) this.checkpoint((batch[batch.length - 1] as SourceRecord).sequenceNumber);
    }
    return true;
  }

  private windowStore(lane: number) {
    const { mappings } = this.run.deps;
    const uuid = this.run.mapping.uuid;
    const key = this.lanes === 1 ? this.shardId : `${this.shardId}#${lane}`;
    return {
      get: (): WindowState | undefined => mappings.getWindow(uuid, key),
      set: (window: WindowState) => void mappings.setWindow(uuid, key, window),
      clear: () => mappings.clearWindow(uuid, key),
    };
  }

  /**
   * Gives each lane's window whose end has passed its final invoke. Returns when the next open
   * window ends (to wake then), undefined when none is open, or 'stopped'.
   */
  private async closeDueWindows(): Promise<number | undefined | 'stopped'> {
    if (this.windowMs === 0) return undefined;
    let nextEnd: number | undefined;
    for (let lane = 0; lane < this.lanes; lane++) {
      const windows = this.windowStore(lane);
      const stored = windows.get();
      if (!stored) continue;
      const end = stored.windowStart + this.windowMs;
      if (this.run.now() < end) {
        nextEnd = nextEnd === undefined ? end : Math.min(nextEnd, end);
        continue;
      }
      const delivery = new BatchDelivery(this.run, this.shardId);
      if (!(await delivery.finishWindow({ start: stored.windowStart, state: stored.state }))) return 'stopped';
      windows.clear();
    }
    return nextEnd;
  }

  /** A shard that ended closes its windows at once (AWS starts its children with fresh state). */
  private async closeWindows(): Promise<boolean> {
    if (this.windowMs === 0) return true;
    for (let lane = 0; lane < this.lanes; lane++) {
      const windows = this.windowStore(lane);
      const stored = windows.get();
      if (!stored) continue;
      const delivery = new BatchDelivery(this.run, this.shardId);
      if (!(await delivery.finishWindow({ start: stored.windowStart, state: stored.state }))) return false;
      windows.clear();
    }
    return true;
  }
}
