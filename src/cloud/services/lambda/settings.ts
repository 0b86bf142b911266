/**
 * The per-function settings around the code: reserved concurrency, asynchronous invocation
 * settings (retries, event age, destinations), tags; and the account's settings.
 */
import type {
  DeleteFunctionConcurrencyRequest,
  DeleteFunctionEventInvokeConfigRequest,
  FunctionEventInvokeConfig,
  GetAccountSettingsResponse,
  GetFunctionConcurrencyRequest,
  GetFunctionConcurrencyResponse,
  GetFunctionEventInvokeConfigRequest,
  ListFunctionEventInvokeConfigsRequest,
  ListFunctionEventInvokeConfigsResponse,
  ListTagsRequest,
  ListTagsResponse,
  PutFunctionConcurrencyRequest,
  PutFunctionEventInvokeConfigRequest,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateFunctionEventInvokeConfigRequest,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../service.js';
import { functionArn } from './arns.js';
import { LambdaErrors } from './errors.js';
import { LATEST, type LambdaService, offsetPage } from './lambda-service.js';
import { DEFAULTS, LIMITS } from './limits.js';
import type { FunctionKey } from './state.js';

/** What Lambda keeps unreserved: 100 of AWS's default 1000, scaled when the local limit is set lower. */
export function minimumUnreserved(limit: number): number {
  return Math.min(DEFAULTS.minimumUnreserved, Math.floor(limit / 10));
}

export interface EventInvokeSettings {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

export function settingsHandlers(service: LambdaService): Record<string, Handler> {
  const { state } = service;

  function describeInvokeConfig(
    key: FunctionKey,
    qualifier: string,
    config: EventInvokeSettings,
    lastModified: number,
  ): FunctionEventInvokeConfig {
    return {
      LastModified: new Date(lastModified),
      FunctionArn: functionArn(key, qualifier),
      ...config,
      DestinationConfig: {
        OnSuccess: config.DestinationConfig?.OnSuccess ?? {},
        OnFailure: config.DestinationConfig?.OnFailure ?? {},
      },
    };
  }

  function invokeConfigTarget(functionName: string | undefined, qualifier: string | undefined, ctx: RequestContext) {
    const ref = service.ref(functionName ?? '', qualifier, ctx);
    const target = ref.qualifier ?? LATEST;
    try {
      service.resolve(ref);
    } catch {
      throw LambdaErrors.notFound(`The function ${functionArn(ref, target)} doesn't have an EventInvokeConfig`);
    }
    return { key: ref as FunctionKey, qualifier: target };
  }

  function putInvokeConfig(
    input: PutFunctionEventInvokeConfigRequest,
    ctx: RequestContext,
    merge: boolean,
  ): FunctionEventInvokeConfig {
    const { key, qualifier } = invokeConfigTarget(input.FunctionName, input.Qualifier, ctx);
    if (
      input.MaximumRetryAttempts === undefined &&
      input.MaximumEventAgeInSeconds === undefined &&
      input.DestinationConfig === undefined
    ) {
      throw LambdaErrors.invalidParameter('You must specify at least one of error handling or destination setting.');
    }
    const before = state.getInvokeConfig(key, qualifier);
    if (merge && !before) {
      throw LambdaErrors.notFound(`The function ${functionArn(key, qualifier)} doesn't have an EventInvokeConfig`);
    }
    const config: EventInvokeSettings = merge ? { ...(before?.config as EventInvokeSettings) } : {};
    if (input.MaximumRetryAttempts !== undefined) config.MaximumRetryAttempts = input.MaximumRetryAttempts;
    if (input.MaximumEventAgeInSeconds !== undefined) config.MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds;
    if (input.DestinationConfig !== undefined) config.DestinationConfig = input.DestinationConfig;
    const now = service.now();
    state.putInvokeConfig(key, qualifier, config as Record<string, unknown>, now);
    return describeInvokeConfig(key, qualifier, config, now);
  }

  return {
    PutFunctionConcurrency(input: PutFunctionConcurrencyRequest, ctx: RequestContext): GetFunctionConcurrencyResponse {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      const fn = service.function(ref);
      const value = input.ReservedConcurrentExecutions ?? 0;
      const limit = service.context.lambda.concurrencyLimit;
      const minimum = minimumUnreserved(limit);
      const others = state.sumReservedConcurrency(fn.accountId, fn.region, fn.name);
      if (others + value > limit - minimum) {
        throw LambdaErrors.invalidParameter(
          `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
        );
      }
      state.setReservedConcurrency(fn, value);
      return { ReservedConcurrentExecutions: value };
    },

    GetFunctionConcurrency(input: GetFunctionConcurrencyRequest, ctx: RequestContext): GetFunctionConcurrencyResponse {
      const fn = service.function(service.ref(input.FunctionName ?? '', undefined, ctx));
      return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
    },

    DeleteFunctionConcurrency(input: DeleteFunctionConcurrencyRequest, ctx: RequestContext): Record<string, never> {
      const fn = service.function(service.ref(input.FunctionName ?? '', undefined, ctx));
      state.setReservedConcurrency(fn, undefined);
      return {};
    },

    PutFunctionEventInvokeConfig: (input: PutFunctionEventInvokeConfigRequest, ctx: RequestContext) =>
      putInvokeConfig(input, ctx, false),

    UpdateFunctionEventInvokeConfig: (input: UpdateFunctionEventInvokeConfigRequest, ctx: RequestContext) =>
      putInvokeConfig(input, ctx, true),

    GetFunctionEventInvokeConfig(
      input: GetFunctionEventInvokeConfigRequest,
      ctx: RequestContext,
    ): FunctionEventInvokeConfig {
      const { key, qualifier } = invokeConfigTarget(input.FunctionName, input.Qualifier, ctx);
      const stored = state.getInvokeConfig(key, qualifier);
      if (!stored) {
        throw LambdaErrors.notFound(`The function ${functionArn(key, qualifier)} doesn't have an EventInvokeConfig`);
      }
      return describeInvokeConfig(key, qualifier, stored.config as EventInvokeSettings, stored.lastModified);
    },

    DeleteFunctionEventInvokeConfig(
      input: DeleteFunctionEventInvokeConfigRequest,
      ctx: RequestContext,
    ): Record<string, never> {
      const { key, qualifier } = invokeConfigTarget(input.FunctionName, input.Qualifier, ctx);
      if (!state.deleteInvokeConfig(key, qualifier)) {
        throw LambdaErrors.notFound(`The function ${functionArn(key, qualifier)} doesn't have an EventInvokeConfig`);
      }
      return {};
    },

    ListFunctionEventInvokeConfigs(
      input: ListFunctionEventInvokeConfigsRequest,
      ctx: RequestContext,
    ): ListFunctionEventInvokeConfigsResponse {
      const fn = service.function(service.ref(input.FunctionName ?? '', undefined, ctx));
      const page = offsetPage(state.listInvokeConfigs(fn), input.Marker, input.MaxItems);
      return {
        FunctionEventInvokeConfigs: page.items.map((c) =>
          describeInvokeConfig(fn, c.qualifier, c.config as EventInvokeSettings, c.lastModified),
        ),
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      };
    },

    TagResource(input: TagResourceRequest, ctx: RequestContext): Record<string, never> {
      const fn = service.function(service.ref(input.Resource ?? '', undefined, ctx));
      state.setTags(fn, { ...fn.tags, ...input.Tags });
      return {};
    },

    UntagResource(input: UntagResourceRequest, ctx: RequestContext): Record<string, never> {
      const fn = service.function(service.ref(input.Resource ?? '', undefined, ctx));
      const tags = { ...fn.tags };
      for (const key of input.TagKeys ?? []) delete tags[key];
      state.setTags(fn, tags);
      return {};
    },

    ListTags(input: ListTagsRequest, ctx: RequestContext): ListTagsResponse {
      const fn = service.function(service.ref(input.Resource ?? '', undefined, ctx));
      return { Tags: fn.tags };
    },

    GetAccountSettings(_input: unknown, ctx: RequestContext): GetAccountSettingsResponse {
      const limit = service.context.lambda.concurrencyLimit;
      const stats = state.functionStats(ctx.accountId);
      const reserved = state.sumReservedConcurrency(ctx.accountId, ctx.region, '');
      return {
        AccountLimit: {
          TotalCodeSize: LIMITS.totalCodeBytes,
          CodeSizeUnzipped: LIMITS.unzippedBytes,
          CodeSizeZipped: LIMITS.zippedDirectBytes,
          ConcurrentExecutions: limit,
          UnreservedConcurrentExecutions: limit - reserved,
        },
        AccountUsage: { TotalCodeSize: stats.codeSize, FunctionCount: stats.count },
      };
    },
  };
}
