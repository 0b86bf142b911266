/** PublishVersion, ListVersionsByFunction, and aliases (with weighted routing between two versions). */
import type {
  AliasConfiguration,
  CreateAliasRequest,
  DeleteAliasRequest,
  FunctionConfiguration,
  GetAliasRequest,
  ListAliasesRequest,
  ListAliasesResponse,
  ListVersionsByFunctionRequest,
  ListVersionsByFunctionResponse,
  PublishVersionRequest,
  UpdateAliasRequest,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../service.js';
import { functionArn } from './arns.js';
import { sameConfiguration } from './configuration.js';
import { LambdaErrors } from './errors.js';
import { LATEST, type LambdaService, offsetPage } from './lambda-service.js';
import type { AliasRecord, FunctionKey, VersionRecord } from './state.js';

/**
 * Publishes $LATEST as a new numbered version, or returns the newest published version when
 * neither code nor configuration changed since (as Lambda does).
 */
export function publishVersion(
  service: LambdaService,
  key: FunctionKey,
  latest: VersionRecord,
  description: string | undefined,
): VersionRecord {
  const { state } = service;
  return state.transaction(() => {
    const newest = state.listVersions(key).at(-1);
    if (
      newest &&
      newest.version !== LATEST &&
      newest.code.sha256 === latest.code.sha256 &&
      sameConfiguration({ ...newest.config, Description: '' }, { ...latest.config, Description: '' })
    ) {
      return newest;
    }
    const version: VersionRecord = {
      ...latest,
      version: state.takeVersionNumber(key),
      config: { ...latest.config, Description: description ?? latest.config.Description },
      revisionId: service.newRevision(),
      lastModified: service.now(),
      updatingUntil: 0,
    };
    state.putVersion(version);
    return version;
  });
}

export function versionHandlers(service: LambdaService): Record<string, Handler> {
  const { state } = service;

  function describeAlias(alias: AliasRecord): AliasConfiguration {
    const out: AliasConfiguration = {
      AliasArn: functionArn(alias, alias.alias),
      Name: alias.alias,
      FunctionVersion: alias.version,
      Description: alias.description,
      RevisionId: alias.revisionId,
    };
    if (alias.weights) out.RoutingConfig = { AdditionalVersionWeights: alias.weights };
    return out;
  }

  function getAlias(key: FunctionKey, name: string): AliasRecord {
    const alias = state.getAlias(key, name);
    if (!alias) throw LambdaErrors.aliasNotFound(key, name);
    return alias;
  }

  /** The target version must exist; a weighted alias needs two distinct published versions. */
  function checkTargets(key: FunctionKey, version: string, weights: Record<string, number> | undefined): void {
    if (!state.getVersion(key, version)) throw LambdaErrors.functionNotFound(key, version);
    if (!weights || Object.keys(weights).length === 0) return;
    if (version === LATEST) {
      throw LambdaErrors.invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
    }
    const entries = Object.entries(weights);
    if (entries.length > 1) {
      throw LambdaErrors.invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
    }
    for (const [extra, weight] of entries) {
      if (extra === version) {
        throw LambdaErrors.invalidParameter(
          `Invalid function version ${extra}. Function version ${extra} is already included in routing configuration.`,
        );
      }
      if (!/^\d+$/.test(extra) || !state.getVersion(key, extra)) throw LambdaErrors.functionNotFound(key, extra);
      if (!(weight >= 0 && weight <= 1)) {
        throw LambdaErrors.validation([
          `Value '${weight}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]`,
        ]);
      }
    }
  }

  return {
    PublishVersion(input: PublishVersionRequest, ctx: RequestContext): FunctionConfiguration {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      const latest = service.latest(ref);
      service.assertNotUpdating(latest);
      service.assertRevision(input.RevisionId, latest.revisionId);
      if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.code.sha256) {
        throw LambdaErrors.invalidParameter(
          `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
        );
      }
      return service.describe(publishVersion(service, ref, latest, input.Description));
    },

    ListVersionsByFunction(input: ListVersionsByFunctionRequest, ctx: RequestContext): ListVersionsByFunctionResponse {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      service.function(ref);
      const page = offsetPage(state.listVersions(ref), input.Marker, input.MaxItems);
      return {
        Versions: page.items.map((v) => service.describe(v, true)),
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      };
    },

    CreateAlias(input: CreateAliasRequest, ctx: RequestContext): AliasConfiguration {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      service.function(ref);
      const name = input.Name ?? '';
      if (state.getAlias(ref, name)) {
        throw LambdaErrors.conflict(`Alias already exists: ${functionArn(ref, name)}`);
      }
      const weights = input.RoutingConfig?.AdditionalVersionWeights;
      checkTargets(ref, input.FunctionVersion ?? '', weights);
      const alias: AliasRecord = {
        ...ref,
        alias: name,
        version: input.FunctionVersion ?? '',
        description: input.Description ?? '',
        weights: weights && Object.keys(weights).length ? weights : undefined,
        revisionId: service.newRevision(),
      };
      state.putAlias(alias);
      return describeAlias(alias);
    },

    GetAlias(input: GetAliasRequest, ctx: RequestContext): AliasConfiguration {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      service.function(ref);
      return describeAlias(getAlias(ref, input.Name ?? ''));
    },

    UpdateAlias(input: UpdateAliasRequest, ctx: RequestContext): AliasConfiguration {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      service.function(ref);
      const before = state.getAlias(ref, input.Name ?? '');
      if (!before) throw LambdaErrors.notFound(`Alias not found: ${functionArn(ref, input.Name)}`);
      service.assertRevision(input.RevisionId, before.revisionId);
      const version = input.FunctionVersion ?? before.version;
      const weights = input.RoutingConfig ? input.RoutingConfig.AdditionalVersionWeights : before.weights;
      checkTargets(ref, version, weights);
      const after: AliasRecord = {
        ...before,
        version,
        description: input.Description ?? before.description,
        weights: weights && Object.keys(weights).length ? weights : undefined,
        revisionId: service.newRevision(),
      };
      state.putAlias(after);
      return describeAlias(after);
    },

    DeleteAlias(input: DeleteAliasRequest, ctx: RequestContext): Record<string, never> {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      service.function(ref);
      state.deleteAlias(ref, input.Name ?? '');
      return {};
    },

    ListAliases(input: ListAliasesRequest, ctx: RequestContext): ListAliasesResponse {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      service.function(ref);
      const all = state
        .listAliases(ref)
        .filter((a) => input.FunctionVersion === undefined || a.version === input.FunctionVersion);
      const page = offsetPage(all, input.Marker, input.MaxItems);
      return {
        Aliases: page.items.map(describeAlias),
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      };
    },
  };
}
