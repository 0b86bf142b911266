/** CreateFunction, GetFunction(Configuration), ListFunctions, UpdateFunctionCode/Configuration, DeleteFunction. */
import type {
  CreateFunctionRequest,
  DeleteFunctionRequest,
  FunctionConfiguration,
  GetFunctionConfigurationRequest,
  GetFunctionRequest,
  GetFunctionResponse,
  ListFunctionsRequest,
  ListFunctionsResponse,
  UpdateFunctionCodeRequest,
  UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../service.js';
import { applyConfiguration } from './configuration.js';
import { LambdaErrors } from './errors.js';
import { LATEST, type LambdaService, offsetPage } from './lambda-service.js';
import { LIMITS } from './limits.js';
import type { VersionRecord } from './state.js';
import { publishVersion } from './versions.js';

export function functionHandlers(
  service: LambdaService,
  retire: (key: VersionRecord) => void,
): Record<string, Handler> {
  const { state } = service;

  return {
    async CreateFunction(input: CreateFunctionRequest, ctx: RequestContext): Promise<FunctionConfiguration> {
      const name = input.FunctionName ?? '';
      const key = { accountId: ctx.accountId, region: ctx.region, name: service.ref(name, undefined, ctx).name };
      if (input.PackageType === 'Image') {
        throw LambdaErrors.invalidParameter(
          'The lambda-tasks local cloud runs Zip packages only; PackageType Image is not supported.',
        );
      }
      if (state.getFunction(key)) throw LambdaErrors.functionExists(key.name);
      const config = applyConfiguration(key.name, input, undefined, state, key);
      const code = await service.code.store(input.Code, ctx.accountId);
      const now = service.now();
      const latest: VersionRecord = {
        ...key,
        version: LATEST,
        config,
        code,
        revisionId: service.newRevision(),
        lastModified: now,
        pendingUntil: service.transitionEnd(),
        updatingUntil: 0,
      };
      try {
        state.transaction(() => {
          // A concurrent create of the same name may have won while the code was being stored.
          if (state.getFunction(key)) throw LambdaErrors.functionExists(key.name);
          state.insertFunction({
            ...key,
            createdAt: now,
            tags: input.Tags ?? {},
            reservedConcurrency: undefined,
            nextVersion: 1,
          });
          state.putVersion(latest);
        });
      } catch (error) {
        service.releaseCode(code.blob);
        throw error;
      }
      if (input.Publish) {
        return service.describe(publishVersion(service, key, latest, undefined));
      }
      return service.describe(latest);
    },

    GetFunction(input: GetFunctionRequest, ctx: RequestContext): GetFunctionResponse {
      const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
      const { fn, version } = service.resolve(ref);
      const out: GetFunctionResponse = {
        Configuration: service.describe(version),
        Code: { RepositoryType: 'S3', Location: ctx.cloud.downloads.link(ctx.endpoint, version.code.blob) },
      };
      if (Object.keys(fn.tags).length) out.Tags = fn.tags;
      if (fn.reservedConcurrency !== undefined)
        out.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrency };
      return out;
    },

    GetFunctionConfiguration(input: GetFunctionConfigurationRequest, ctx: RequestContext): FunctionConfiguration {
      const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
      return service.describe(service.resolve(ref).version);
    },

    ListFunctions(input: ListFunctionsRequest, ctx: RequestContext): ListFunctionsResponse {
      const limit = input.MaxItems ?? LIMITS.listMaxItems;
      const after = decodeMarker(input.Marker);
      if (input.FunctionVersion === 'ALL') {
        const page = offsetPage(state.listAllVersions(ctx.accountId, ctx.region), after, limit);
        return {
          Functions: page.items.map((v) => service.describe(v, true)),
          ...(page.nextMarker ? { NextMarker: encodeMarker(page.nextMarker) } : {}),
        };
      }
      const page = state.listLatest(ctx.accountId, ctx.region, after, limit + 1);
      const more = page.length > limit;
      const shown = page.slice(0, limit);
      const last = shown.at(-1);
      return {
        Functions: shown.map((v) => service.describe(v)),
        ...(more && last ? { NextMarker: encodeMarker(last.name) } : {}),
      };
    },

    async UpdateFunctionCode(input: UpdateFunctionCodeRequest, ctx: RequestContext): Promise<FunctionConfiguration> {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      const before = service.latest(ref);
      service.assertNotUpdating(before);
      service.assertRevision(input.RevisionId, before.revisionId);
      const code = await service.code.store(input, ctx.accountId);
      const config = input.Architectures ? { ...before.config, Architectures: input.Architectures } : before.config;
      const after: VersionRecord = {
        ...before,
        config,
        code,
        revisionId: service.newRevision(),
        lastModified: service.now(),
        updatingUntil: service.transitionEnd(),
      };
      if (input.DryRun) {
        service.releaseCode(code.blob);
        return service.describe({ ...after, code: { ...code, blob: before.code.blob } });
      }
      try {
        state.transaction(() => {
          const current = service.latest(ref);
          service.assertNotUpdating(current);
          service.assertRevision(input.RevisionId, current.revisionId);
          state.putVersion(after);
        });
      } catch (error) {
        service.releaseCode(code.blob);
        throw error;
      }
      service.releaseCode(before.code.blob);
      retire(after);
      if (input.Publish) return service.describe(publishVersion(service, ref, after, undefined));
      return service.describe(after);
    },

    UpdateFunctionConfiguration(input: UpdateFunctionConfigurationRequest, ctx: RequestContext): FunctionConfiguration {
      const ref = service.ref(input.FunctionName ?? '', undefined, ctx);
      const before = service.latest(ref);
      service.assertNotUpdating(before);
      service.assertRevision(input.RevisionId, before.revisionId);
      const config = applyConfiguration(before.name, input, before.config, state, before);
      const after: VersionRecord = {
        ...before,
        config,
        revisionId: service.newRevision(),
        lastModified: service.now(),
        updatingUntil: service.transitionEnd(),
      };
      state.putVersion(after);
      retire(after);
      return service.describe(after);
    },

    DeleteFunction(input: DeleteFunctionRequest, ctx: RequestContext): Record<string, never> {
      const ref = service.ref(input.FunctionName ?? '', input.Qualifier, ctx);
      const fn = service.function(ref);
      if (ref.qualifier === undefined) {
        const versions = state.listVersions(fn);
        state.deleteFunction(fn);
        for (const v of versions) retire(v);
        // Published versions share their blob with the $LATEST they came from: release each once.
        for (const blob of new Set(versions.map((v) => v.code.blob))) service.releaseCode(blob);
        return {};
      }
      if (ref.qualifier === LATEST) {
        throw LambdaErrors.invalidParameter('$LATEST version cannot be deleted without deleting the function.');
      }
      if (!/^\d+$/.test(ref.qualifier)) {
        throw LambdaErrors.invalidParameter('Deletion of aliases is not currently supported.');
      }
      const version = state.getVersion(fn, ref.qualifier);
      if (!version) return {};
      const aliases = state
        .listAliases(fn)
        .filter((a) => a.version === version.version || (a.weights && version.version in a.weights));
      if (aliases.length) {
        throw LambdaErrors.conflict(
          `Unable to delete version because the following aliases reference it: [${aliases.map((a) => a.alias).join(', ')}]`,
        );
      }
      state.deleteVersion(fn, version.version);
      retire(version);
      service.releaseCode(version.code.blob);
      return {};
    },
  };
}

// Markers are opaque to clients; base64 keeps names with any character safe in a query string.
function encodeMarker(value: string): string {
  return Buffer.from(value).toString('base64url');
}

function decodeMarker(marker: string | undefined): string {
  return marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
}
