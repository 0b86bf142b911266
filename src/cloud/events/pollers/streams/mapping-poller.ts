/**
 * One running stream mapping: which shards to poll and from where. A shard with a checkpoint
 * resumes after it; on a mapping's first start every shard starts at the StartingPosition (LATEST
 * is resolved and stored at once, so a restart does not skip what was written meanwhile); a shard
 * that appears later (a split or merge) starts at its beginning. A child shard starts only once
 * all its parents were read to their end, so records of one key stay in order across resharding.
 */
import type { PollingMapping } from '../../../services/lambda/index.js';
import { compileFilterCriteria } from '../../filters/index.js';
import type { PollerDeps } from '../../index.js';
import { Wakeup } from '../shared/wakeup.js';
import { DynamoDbSource } from './dynamodb-source.js';
import { KinesisSource } from './kinesis-source.js';
import type { MappingRun } from './mapping-run.js';
import { ShardPoller } from './shard-poller.js';
import type { ShardPosition, SourceShard, StreamSource } from './stream-source.js';

/** How often a mapping whose stream is gone looks for it again. */
const MISSING_STREAM_RETRY_MS = 1000;

export class StreamMappingPoller {
  private readonly abort = new AbortController();
  private readonly running = new Map<string, { poller: ShardPoller; done: Promise<void> }>();
  private readonly ended = new Set<string>();
  private readonly rediscover = new Wakeup();
  private roleArn = '';
  private lastResult: string | undefined;
  private readonly finished: Promise<void>;

  constructor(
    private readonly deps: PollerDeps,
    readonly mapping: PollingMapping,
  ) {
    this.finished = this.start().catch((error: unknown) => {
      this.log(`stopped on an unexpected error: ${(error as Error).stack ?? String(error)}`);
    });
  }

  /** Stops delivery at once; resolves when batches in flight have come back. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.finished;
  }

  private log(line: string): void {
    this.deps.context.log(`event source mapping ${this.mapping.uuid}: ${line}`);
  }

  private async refreshIdentity(): Promise<void> {
    const { mapping } = this;
    try {
      const config = await this.deps.call(mapping.accountId, mapping.region)<{ Role?: string }>(
        'lambda',
        'GetFunctionConfiguration',
        {
          FunctionName: mapping.functionArn,
        },
      );
      this.roleArn = config.Role ?? '';
    } catch {
      // The function is gone; invokes report it, and the role is looked up again then.
    }
  }

  private source(): StreamSource {
    const { deps, mapping } = this;
    if (mapping.kind === 'kinesis') {
      return new KinesisSource(deps.kinesis, deps.events, mapping.eventSourceArn, {
        region: mapping.region,
        roleArn: () => this.roleArn,
      });
    }
    return new DynamoDbSource(deps.dynamodbStreams, deps.events, mapping.eventSourceArn);
  }

  private async start(): Promise<void> {
    const { deps, mapping } = this;
    await this.refreshIdentity();
    const source = this.source();
    const run: MappingRun = {
      deps,
      mapping,
      source,
      call: deps.call(mapping.accountId, mapping.region),
      filters: compileFilterCriteria(mapping.settings.FilterCriteria?.Filters),
      signal: this.abort.signal,
      now: () => deps.context.now(),
      report: (result) => {
        if (result === this.lastResult) return;
        this.lastResult = result;
        deps.mappings.recordResult(mapping.uuid, result);
      },
      log: (line) => this.log(line),
      refreshIdentity: () => this.refreshIdentity(),
    };
    const unsubscribe = source.onRecords((shardId) => {
      const shard = this.running.get(shardId);
      if (shard) shard.poller.wake();
      else if (!this.ended.has(shardId)) this.rediscover.wake();
    });
    try {
      let firstStart = deps.mappings.checkpoints(mapping.uuid).size === 0;
      while (!this.abort.signal.aborted) {
        const shards = source.shards();
        if (!shards) {
          await this.rediscover.wait(MISSING_STREAM_RETRY_MS, this.abort.signal);
          continue;
        }
        if (firstStart) this.storeStartingPositions(source, shards);
        this.startShards(run, source, shards, firstStart);
        firstStart = false;
        await this.rediscover.wait(undefined, this.abort.signal);
      }
    } finally {
      unsubscribe();
      await Promise.all([...this.running.values()].map((shard) => shard.done));
    }
  }

  /** LATEST means "from the mapping's creation": resolve it once and keep it as the checkpoint. */
  private storeStartingPositions(source: StreamSource, shards: SourceShard[]): void {
    const { mapping, deps } = this;
    if (mapping.settings.StartingPosition !== 'LATEST') return;
    for (const shard of shards) {
      const at = source.startAt(shard.shardId, 'LATEST', undefined);
      if (at.type === 'AFTER') deps.mappings.setCheckpoint(mapping.uuid, shard.shardId, at.sequenceNumber);
    }
  }

  private startShards(run: MappingRun, source: StreamSource, shards: SourceShard[], firstStart: boolean): void {
    const { mapping, deps } = this;
    const known = new Set(shards.map((shard) => shard.shardId));
    const checkpoints = deps.mappings.checkpoints(mapping.uuid);
    for (const shard of shards) {
      if (this.running.has(shard.shardId) || this.ended.has(shard.shardId)) continue;
      // Parents that are no longer listed (trimmed) count as read.
      const waiting = shard.parentShardIds.some((parent) => known.has(parent) && !this.ended.has(parent));
      if (waiting) continue;
      const checkpoint = checkpoints.get(shard.shardId);
      const position: ShardPosition = checkpoint
        ? { type: 'AFTER', sequenceNumber: checkpoint }
        : firstStart
          ? source.startAt(
              shard.shardId,
              mapping.settings.StartingPosition ?? 'TRIM_HORIZON',
              mapping.settings.StartingPositionTimestamp,
            )
          : { type: 'TRIM_HORIZON' };
      const poller = new ShardPoller(run, shard.shardId, position);
      const done = poller.poll().then((outcome) => {
        this.running.delete(shard.shardId);
        if (outcome === 'ended') {
          this.ended.add(shard.shardId);
          this.rediscover.wake();
        }
      });
      this.running.set(shard.shardId, { poller, done });
    }
  }
}
