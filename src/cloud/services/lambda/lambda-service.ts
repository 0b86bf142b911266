/**
 * What Lambda's handlers share: finding functions, versions and aliases as the API names them,
 * the function lifecycle (Pending -> Active, LastUpdateStatus InProgress -> Successful, kept as
 * timestamps so it is right after a restart and under a test clock), and describing a version as
 * the API's FunctionConfiguration.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { CloudContext } from '../../context.js';
import type { RequestContext } from '../../service.js';
import { type FunctionRef, functionArn, parseFunctionName, parseLayerVersionArn } from './arns.js';
import type { CodeStore } from './code.js';
import { LambdaErrors } from './errors.js';
import { LIMITS } from './limits.js';
import type { AliasRecord, FunctionKey, FunctionRecord, LambdaState, VersionRecord } from './state.js';

export const LATEST = '$LATEST';

/** What a qualifier resolved to: the version to run and, for an alias, the alias. */
export interface ResolvedQualifier {
  fn: FunctionRecord;
  version: VersionRecord;
  alias: AliasRecord | undefined;
  /** The qualifier as given ('$LATEST' when none). */
  qualifier: string;
}

export class LambdaService {
  constructor(
    readonly state: LambdaState,
    readonly code: CodeStore,
    readonly context: CloudContext,
  ) {}

  now(): number {
    return this.context.now();
  }

  newRevision(): string {
    return randomUUID();
  }

  ref(functionName: string, qualifier: string | undefined, ctx: RequestContext): FunctionRef {
    return parseFunctionName(functionName, qualifier, ctx);
  }

  /** The function a request names, ignoring any qualifier. */
  function(ref: FunctionKey): FunctionRecord {
    const fn = this.state.getFunction(ref);
    if (!fn) throw LambdaErrors.functionNotFound(ref);
    return fn;
  }

  latest(ref: FunctionKey): VersionRecord {
    const latest = this.state.getVersion(ref, LATEST);
    if (!latest) throw LambdaErrors.functionNotFound(ref);
    return latest;
  }

  /** A version ('$LATEST' or a number) or an alias, as the Get and Invoke operations resolve qualifiers. */
  resolve(ref: FunctionRef): ResolvedQualifier {
    const fn = this.function(ref);
    const qualifier = ref.qualifier ?? LATEST;
    if (qualifier === LATEST || /^\d+$/.test(qualifier)) {
      const version = this.state.getVersion(ref, qualifier);
      if (!version) throw LambdaErrors.functionNotFound(ref, qualifier);
      return { fn, version, alias: undefined, qualifier };
    }
    const alias = this.state.getAlias(ref, qualifier);
    if (!alias) throw LambdaErrors.functionNotFound(ref, qualifier);
    const version = this.state.getVersion(ref, alias.version);
    if (!version) throw LambdaErrors.functionNotFound(ref, alias.version);
    return { fn, version, alias, qualifier };
  }

  isPending(version: VersionRecord): boolean {
    return this.now() < version.pendingUntil;
  }

  isUpdating(version: VersionRecord): boolean {
    return this.now() < version.updatingUntil;
  }

  /** Update* and PublishVersion are refused while the function is still being created or updated. */
  assertNotUpdating(version: VersionRecord): void {
    if (this.isPending(version) || this.isUpdating(version)) throw LambdaErrors.updateInProgress(version);
  }

  assertRevision(expected: string | undefined, actual: string): void {
    if (expected !== undefined && expected !== actual) throw LambdaErrors.revisionMismatch();
  }

  /** The time an operation that starts now finishes its Pending/InProgress period. */
  transitionEnd(): number {
    return this.now() + this.context.lambda.transitionMs;
  }

  /** Drops a code blob once no version or layer references it. */
  releaseCode(blob: string): void {
    if (!this.state.blobInUse(blob)) this.code.release(blob);
  }

  /**
   * `qualifyLatest`: lists of versions (ListVersionsByFunction, ListFunctions with
   * FunctionVersion ALL) name $LATEST with its qualified ARN (`...:function:f:$LATEST`), as AWS does.
   */
  describe(version: VersionRecord, qualifyLatest = false): FunctionConfiguration {
    const { config } = version;
    const pending = this.isPending(version);
    const updating = !pending && this.isUpdating(version);
    const qualified = version.version === LATEST && !qualifyLatest ? undefined : version.version;
    const out: FunctionConfiguration = {
      FunctionName: version.name,
      FunctionArn: functionArn(version, qualified),
      Runtime: config.Runtime as FunctionConfiguration['Runtime'],
      Role: config.Role,
      Handler: config.Handler,
      CodeSize: version.code.size,
      Description: config.Description,
      Timeout: config.Timeout,
      MemorySize: config.MemorySize,
      LastModified: lambdaTimestamp(version.lastModified),
      CodeSha256: version.code.sha256,
      Version: version.version,
      TracingConfig: { Mode: config.TracingConfig.Mode as 'PassThrough' | 'Active' },
      RevisionId: version.revisionId,
      State: pending ? 'Pending' : 'Active',
      PackageType: 'Zip',
      Architectures: config.Architectures as FunctionConfiguration['Architectures'],
      EphemeralStorage: config.EphemeralStorage,
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: config.LoggingConfig as FunctionConfiguration['LoggingConfig'],
    };
    if (config.Runtime) {
      out.RuntimeVersionConfig = {
        RuntimeVersionArn: `arn:aws:lambda:${version.region}::runtime:${runtimeVersionId(config.Runtime)}`,
      };
    }
    // While Pending AWS reports no LastUpdateStatus at all; an update says "being created" too.
    if (pending) {
      out.StateReason = 'The function is being created.';
      out.StateReasonCode = 'Creating';
    } else if (updating) {
      out.LastUpdateStatus = 'InProgress';
      out.LastUpdateStatusReason = 'The function is being created.';
      // The SDK's enum lacks the value AWS sends here.
      out.LastUpdateStatusReasonCode = 'Creating' as FunctionConfiguration['LastUpdateStatusReasonCode'];
    } else {
      out.LastUpdateStatus = 'Successful';
    }
    if (config.Environment) out.Environment = { Variables: config.Environment };
    if (config.Layers.length) {
      out.Layers = config.Layers.map((arn) => ({ Arn: arn, CodeSize: this.layerSize(arn) }));
    }
    if (config.DeadLetterConfig) out.DeadLetterConfig = config.DeadLetterConfig;
    if (config.KMSKeyArn) out.KMSKeyArn = config.KMSKeyArn;
    return out;
  }

  private layerSize(arn: string): number {
    const layer = parseLayerVersionArn(arn);
    if (!layer) return 0;
    return this.state.getLayerVersion(layer.accountId, layer.region, layer.name, layer.version, true)?.code.size ?? 0;
  }
}

/** One page of `all` from an offset marker (Lambda's list operations), and the marker of the next. */
export function offsetPage<T>(
  all: T[],
  marker: string | undefined,
  maxItems: number | undefined,
): { items: T[]; nextMarker?: string } {
  const start = Number(marker ?? 0) || 0;
  const limit = maxItems ?? LIMITS.listMaxItems;
  const end = start + limit;
  return { items: all.slice(start, end), ...(end < all.length ? { nextMarker: String(end) } : {}) };
}

/** Lambda's `LastModified` format: ISO 8601 with milliseconds and a `+0000` offset. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** A stable id per runtime, shaped like the runtime version ids AWS reports. */
function runtimeVersionId(runtime: string): string {
  let hash = 0;
  for (const ch of runtime) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `${runtime.replace(/[^a-z0-9]/g, '')}.v1.${hash.toString(16).padStart(8, '0')}`;
}
