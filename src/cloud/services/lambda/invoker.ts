/**
 * Running a resolved function: pick the version (alias weights), apply concurrency limits
 * (reserved per function, the unreserved pool per account and region), prepare the runtime
 * snapshot (extracted code and layers) and hand the invoke to the execution engine.
 */
import { createHash } from 'node:crypto';
import { currentInvokeTrigger, type InvokeTrigger } from '../../activity.js';
import type { ExecutionEngine, FunctionSnapshot, InvokeResult } from '../../lambda/engine.js';
import type { RequestContext } from '../../service.js';
import { functionArn, parseLayerVersionArn } from './arns.js';
import { LambdaErrors } from './errors.js';
import { LATEST, type LambdaService, type ResolvedQualifier } from './lambda-service.js';
import type { VersionRecord } from './state.js';

/** Snapshots kept for warm invokes (a few hundred bytes each). */
const SNAPSHOT_CACHE_SIZE = 1000;

export interface RunOptions {
  requestId: string;
  payload: Buffer;
  clientContext?: string;
  tailLog?: boolean;
  /** Who asked, for the console's activity. @default the caller's async context (see activity.ts) */
  trigger?: InvokeTrigger;
}

export interface RunOutcome {
  result: InvokeResult;
  executedVersion: string;
}

export class Invoker {
  private readonly perFunction = new Map<string, number>();
  private readonly unreservedPool = new Map<string, number>();
  private readonly snapshots = new Map<string, FunctionSnapshot>();

  constructor(
    private readonly service: LambdaService,
    readonly engine: ExecutionEngine,
  ) {}

  /** The version an invoke of `resolved` runs: an alias's weighted routing picks one of two. */
  pickVersion(resolved: ResolvedQualifier): VersionRecord {
    const weights = resolved.alias?.weights;
    if (!weights) return resolved.version;
    let roll = Math.random();
    for (const [version, weight] of Object.entries(weights)) {
      if (roll < weight) return this.service.state.getVersion(resolved.fn, version) ?? resolved.version;
      roll -= weight;
    }
    return resolved.version;
  }

  /**
   * Runs one invoke, throttling as Lambda does: a function with reserved concurrency runs at most
   * that many at once; the others share what is left of the account's limit.
   */
  async run(resolved: ResolvedQualifier, options: RunOptions): Promise<RunOutcome> {
    const { fn } = resolved;
    const version = this.pickVersion(resolved);
    const fnKey = `${fn.accountId}/${fn.region}/${fn.name}`;
    const poolKey = `${fn.accountId}/${fn.region}`;
    const running = this.perFunction.get(fnKey) ?? 0;
    const reserved = fn.reservedConcurrency;
    if (reserved !== undefined) {
      if (running >= reserved) throw LambdaErrors.throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    } else {
      const limit = this.service.context.lambda.concurrencyLimit;
      const unreserved = limit - this.service.state.sumReservedConcurrency(fn.accountId, fn.region, '');
      if ((this.unreservedPool.get(poolKey) ?? 0) >= unreserved) {
        throw LambdaErrors.throttled('ConcurrentInvocationLimitExceeded');
      }
      this.unreservedPool.set(poolKey, (this.unreservedPool.get(poolKey) ?? 0) + 1);
    }
    this.perFunction.set(fnKey, running + 1);
    try {
      const snapshot = await this.snapshot(version);
      const result = await this.engine.invoke({
        fn: snapshot,
        requestId: options.requestId,
        payload: options.payload,
        invokedFunctionArn: functionArn(fn, resolved.qualifier === LATEST ? undefined : resolved.qualifier),
        ...(options.clientContext !== undefined ? { clientContext: options.clientContext } : {}),
        ...(options.tailLog ? { tailLog: true } : {}),
      });
      this.service.context.events.emit('activity.invocation', {
        at: this.service.now(),
        accountId: fn.accountId,
        region: fn.region,
        functionName: fn.name,
        version: version.version,
        requestId: options.requestId,
        trigger: options.trigger ?? currentInvokeTrigger(),
        durationMs: result.durationMs,
        ...(result.initDurationMs !== undefined ? { initDurationMs: result.initDurationMs } : {}),
        maxMemoryUsedMb: result.maxMemoryUsedMb,
        memorySizeMb: snapshot.memorySizeMb,
        ...(result.functionError ? { functionError: result.functionError } : {}),
      });
      return { result, executedVersion: version.version };
    } finally {
      this.perFunction.set(fnKey, (this.perFunction.get(fnKey) ?? 1) - 1);
      if (reserved === undefined) this.unreservedPool.set(poolKey, (this.unreservedPool.get(poolKey) ?? 1) - 1);
    }
  }

  /**
   * What the engine needs to run a version, cached by the version row's revision: a warm invoke
   * then costs no hashing, extraction check or layer lookup.
   */
  async snapshot(version: VersionRecord): Promise<FunctionSnapshot> {
    const key = `${version.accountId}|${version.region}|${version.name}|${version.version}|${version.revisionId}`;
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const snapshot = await this.buildSnapshot(version);
    if (this.snapshots.size >= SNAPSHOT_CACHE_SIZE) {
      const oldest = this.snapshots.keys().next().value;
      if (oldest !== undefined) this.snapshots.delete(oldest);
    }
    this.snapshots.set(key, snapshot);
    return snapshot;
  }

  private async buildSnapshot(version: VersionRecord): Promise<FunctionSnapshot> {
    const { config } = version;
    const codeDir = await this.service.code.extract(version.code);
    const layerDirs: string[] = [];
    for (const arn of config.Layers) {
      const parsed = parseLayerVersionArn(arn);
      const layer =
        parsed &&
        this.service.state.getLayerVersion(parsed.accountId, parsed.region, parsed.name, parsed.version, true);
      if (layer) layerDirs.push(await this.service.code.extract(layer.code));
    }
    const credentials = this.service.context.credentials.forAccount(version.accountId);
    return {
      accountId: version.accountId,
      region: version.region,
      functionName: version.name,
      functionArn: functionArn(version),
      version: version.version,
      configKey: configKey(version),
      runtime: config.Runtime ?? 'provided.al2023',
      handler: config.Handler ?? '',
      codeDir,
      layerDirs,
      timeoutSeconds: config.Timeout,
      memorySizeMb: config.MemorySize,
      environment: config.Environment ?? {},
      logGroupName: config.LoggingConfig.LogGroup,
      credentials: {
        accessKeyId: credentials?.accessKeyId ?? 'test',
        secretAccessKey: credentials?.secretAccessKey ?? 'test',
      },
    };
  }

  /**
   * Gets a created or updated function ready for its next cold start while it is Pending or
   * InProgress: its code extracted and its snapshot cached, and a runtime process of its shape
   * pre-started (engine.prestart). Failures are left for the invoke to report.
   */
  prepare(functionName: string, ctx: RequestContext): void {
    let version: VersionRecord;
    try {
      version = this.service.resolve(this.service.ref(functionName, undefined, ctx)).version;
    } catch {
      return; // deleted in the meantime
    }
    const { Runtime, MemorySize } = version.config;
    if (Runtime) this.engine.prestart({ runtime: Runtime, memorySizeMb: MemorySize });
    this.snapshot(version).catch(() => {});
  }

  /** Stops the warm environments of a function's version (after an update or a delete). */
  retire(version: VersionRecord): void {
    const prefix = `${functionArn(version)}|${version.version}|`;
    this.engine.retire((fn) => fn.configKey.startsWith(prefix));
  }
}

/** Warm environments are reused only while the code and configuration they started with are current. */
function configKey(version: VersionRecord): string {
  const digest = createHash('sha256').update(JSON.stringify(version.config)).update(version.code.blob).digest('hex');
  return `${functionArn(version)}|${version.version}|${digest.slice(0, 16)}`;
}
